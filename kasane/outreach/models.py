"""Models of outreach (see apps.py)."""
