"""Accounts: sign-up, login and password reset, e-mail confirmation, look-alike names, API
tokens and the sessions that name their user."""
