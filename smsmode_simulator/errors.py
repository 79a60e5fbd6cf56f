"""The error a test (or the control API) gets for asking the impossible."""


class SimulatorError(Exception):
    """A request to the simulator itself that cannot be met (unknown SMS, bad number…)."""
