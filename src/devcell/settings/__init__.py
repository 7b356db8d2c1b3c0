"""Runtime settings: declared once, stored in SQLite, overridable from the environment, applied live."""
