"""The dashboard: one read-only summary of the caller's day across tasks, standups and projects."""
