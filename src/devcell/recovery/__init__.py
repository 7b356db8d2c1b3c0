"""Recovery mode: a server whose database cannot be opened still starts and offers to restore a backup."""
