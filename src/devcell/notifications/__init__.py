"""The team loop: per-user notifications, @mentions, watching."""
