"""Accounts: users, organizations and roles."""
