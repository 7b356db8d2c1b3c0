"""Accounts: users, first-run setup, sign-in sessions, API tokens, invites and registration."""
