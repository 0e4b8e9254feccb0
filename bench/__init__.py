"""Benchmarks: run them with ``python -m bench.<name>``; each prints a table."""
