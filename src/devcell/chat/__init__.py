"""Chat with the LLM: personas, client-kept history, optional retrieval with sources; nothing is stored."""
