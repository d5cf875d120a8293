"""The load test: `python -m benchmarks.load_test` (see docs/performance.md)."""
