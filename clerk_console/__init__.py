"""The clerk's console, the visitor-facing rating device and the supervisor's dashboard."""
