"""Accounts: registration, login, API tokens."""
