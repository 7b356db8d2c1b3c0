"""Daily standups: one entry per user per local day (yesterday, today, blockers), convertible to tasks."""
