"""Operations: what keeps the appliance running from day to day: maintenance, the scheduled jobs, tracked jobs,
metrics and their samples, the log viewer and the support bundle. Reads health through its public surface."""
