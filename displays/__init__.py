"""Hall and window screens: pages that follow the hall's event stream and speak each call."""
