"""The demo: the 2018 campaign with accounts for every role. Never loaded in production."""
