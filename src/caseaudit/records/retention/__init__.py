"""Retention and disposal of closed cases (docs/operations.md#retention-and-disposal)."""
