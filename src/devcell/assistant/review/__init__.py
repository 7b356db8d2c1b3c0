"""Code review by the LLM: structured sections, validated before they are shown."""
