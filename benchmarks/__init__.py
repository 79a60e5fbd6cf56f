"""Benchmarks of the smsmode integration: scripts that print tables (`scripts/bench`)."""
