"""Chat with the LLM: personas, client-kept history, optional retrieval with sources; stored only with a retention."""
