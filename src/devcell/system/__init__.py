"""System: health and readiness, tracked jobs (later: backups, maintenance, logs, metrics)."""
