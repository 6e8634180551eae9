"""Models of participation (see apps.py)."""
