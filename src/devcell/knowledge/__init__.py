"""The knowledgebase: documents, indexing, retrieval and cited answers."""
