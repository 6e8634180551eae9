"""Models of community (see apps.py)."""
