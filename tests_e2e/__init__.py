"""End-to-end tests: a real Home Assistant process, the integration and the simulator."""
