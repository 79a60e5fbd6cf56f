"""Fixtures shared by every test."""

pytest_plugins = ["smsmode_simulator.pytest_plugin"]
