"""The front-end kit every page uses: the pages' message catalog (messages.py) and the static
files served once at /kit/ (routes.py): the shared CSS tokens and font stack, the formatter."""
