"""The front-end kit every page uses: the pages' message catalog (messages.py)."""
