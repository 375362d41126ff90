"""Benchmarks with their data generators: `python -m bench` prints the figures."""
