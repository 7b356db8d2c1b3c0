"""Health: the health checks and their registry, the request guard, the database watch, readiness and `devcell
check`. The lower of the two self-management slices: operations may use its public surface, never the reverse."""
