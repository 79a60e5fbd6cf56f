"""Faults a test queues on an endpoint, each consumed by one request, in order.

They reproduce what a client must survive: a provider error code, an HTTP 500, a
slow reply (the request is processed, only the answer is late), a late one (the
request is carried out only after a wait: a client that gave up meanwhile finds
it done later), and a connection dropped before processing (nothing accepted) or
after it (accepted, no answer).
"""

from collections import defaultdict, deque
from dataclasses import dataclass
from enum import StrEnum

from .codes import FAULT_CODES


class FaultKind(StrEnum):
    """What a fault does to the request it hits."""

    CODE = "code"
    HTTP_ERROR = "http_error"
    SLOW = "slow"
    LATE = "late"
    DROP_BEFORE = "drop_before"
    DROP_AFTER = "drop_after"


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault; build it with the class methods (`Fault.code(50)`)."""

    kind: FaultKind
    value: float = 0
    # An HTTP error's `Retry-After` header (seconds), if any.
    retry_after: float | None = None

    @classmethod
    def code(cls, code: int) -> Fault:
        """Answer `code | description` without processing (31, 32, 33, 35, 41, 50, 61)."""
        if code not in FAULT_CODES:
            raise ValueError(f"no fault for code {code}")
        return cls(FaultKind.CODE, code)

    @classmethod
    def http_error(
        cls, status: int = 500, *, retry_after: float | None = None
    ) -> Fault:
        """Answer an HTTP error status without processing (with `Retry-After`)."""
        if not 400 <= status <= 599:
            raise ValueError(f"not an HTTP error status: {status}")
        if retry_after is not None and retry_after < 0:
            raise ValueError("Retry-After cannot be negative")
        return cls(FaultKind.HTTP_ERROR, status, retry_after)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Process the request, then answer `seconds` late."""
        if seconds <= 0:
            raise ValueError("a delay must be positive")
        return cls(FaultKind.SLOW, seconds)

    @classmethod
    def late(cls, seconds: float) -> Fault:
        """Wait `seconds`, then process the request and answer.

        smsmode still taking an SMS after the client's timeout: it is listed
        only once the wait is over.
        """
        if seconds <= 0:
            raise ValueError("a delay must be positive")
        return cls(FaultKind.LATE, seconds)

    @classmethod
    def drop_before(cls) -> Fault:
        """Close the connection without processing or answering."""
        return cls(FaultKind.DROP_BEFORE)

    @classmethod
    def drop_after(cls) -> Fault:
        """Process the request, then close the connection without answering."""
        return cls(FaultKind.DROP_AFTER)

    @property
    def processes_request(self) -> bool:
        """Whether the request is carried out despite the fault."""
        return self.kind in (FaultKind.SLOW, FaultKind.LATE, FaultKind.DROP_AFTER)


class FaultQueue:
    """Pending faults per endpoint name (`sendSMS.do`)."""

    def __init__(self) -> None:
        """Start with no fault."""
        self._pending: defaultdict[str, deque[Fault]] = defaultdict(deque)

    def add(self, endpoint: str, fault: Fault, times: int = 1) -> None:
        """Queue `fault` for the next `times` requests to `endpoint`."""
        if times < 1:
            raise ValueError("times must be at least 1")
        self._pending[endpoint].extend([fault] * times)

    def take(self, endpoint: str) -> Fault | None:
        """Consume and return the next fault for `endpoint`; None if none."""
        queue = self._pending.get(endpoint)
        return queue.popleft() if queue else None

    def pending(self) -> dict[str, list[Fault]]:
        """Return what is still queued, per endpoint."""
        return {name: list(queue) for name, queue in self._pending.items() if queue}

    def clear(self) -> None:
        """Drop every pending fault."""
        self._pending.clear()
