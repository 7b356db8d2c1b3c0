"""Multi-agent workflows: pipelines of agent roles run as tracked jobs with a streamed transcript."""
