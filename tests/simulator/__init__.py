"""Tests of the smsmode simulator, over raw HTTP."""
