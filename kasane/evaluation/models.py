"""Models of evaluation (see apps.py)."""
