"""The 名寄せ benchmark: `python -m benchmarks.matching --data FILE [--peer splink]` (see __main__.py)."""
