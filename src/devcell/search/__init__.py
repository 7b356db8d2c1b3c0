"""Search over the knowledgebase: chunking, embedding, the vector index, indexing jobs, hybrid retrieval, cited
answers, and the runtime that holds the model and the index (opened on first use)."""
