"""Benchmarks: `make bench` (full) and `make bench-quick`. Not tests; see bench/__main__.py."""
