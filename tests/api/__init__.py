"""Tests of the smsmode API client package."""
