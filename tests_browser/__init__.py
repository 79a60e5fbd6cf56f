"""The browser check: the real web interface in headless Chromium."""
