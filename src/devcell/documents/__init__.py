"""Documents of the knowledgebase: upload, extraction, storage, notes, who sees and manages them."""
