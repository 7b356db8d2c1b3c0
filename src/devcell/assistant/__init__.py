"""Assistant: LLM briefs from team data — standup and project summaries, SITREPs (assistant/*.py), code review
(assistant/review/) and multi-agent workflows (assistant/workflows/)."""
