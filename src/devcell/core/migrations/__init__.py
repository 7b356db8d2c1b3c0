"""Numbered, forward-only schema migrations and their runner."""
