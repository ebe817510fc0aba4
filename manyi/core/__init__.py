"""Core: what every app shares — the base layout, health check, field formats and the demo."""
