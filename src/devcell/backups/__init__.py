"""Backups: online archives of the database and knowledgebase, verified by test restores; restore, retention."""
