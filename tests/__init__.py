"""Tests of the smsmode integration, its API client and the simulator."""
