"""How delivery reports progress, per recipient, and which numbers fail.

A normal SMS goes 0 (sent) → 13 (delivered to the operator) → 11 (received); a
voice message 0 → 16 (listened). So that a person can see failures, numbers ending
in these four digits follow another path:

- `0034`: 0 → 34 (routing error)
- `0035`: 0 → 13 → 35 (reception error)
- `0013`: 0 → 13, and stays there (phone off)

A status set by hand outside these paths ends the progression.
"""

from typing import Final

from .models import MessageKind
from .statuses import (
    DELIVERED_TO_OPERATOR,
    LISTENED,
    RECEIVED,
    RECEPTION_ERROR,
    ROUTING_ERROR,
    SENT,
)

_SMS_PATH: Final = (SENT, DELIVERED_TO_OPERATOR, RECEIVED)
_VOICE_PATH: Final = (SENT, LISTENED)
_FAILING_PATHS: Final = {
    "0034": (SENT, ROUTING_ERROR),
    "0035": (SENT, DELIVERED_TO_OPERATOR, RECEPTION_ERROR),
    "0013": (SENT, DELIVERED_TO_OPERATOR),
}


def delivery_path(kind: MessageKind, number: str) -> tuple[int, ...]:
    """Return the statuses a recipient goes through, in order."""
    if path := _FAILING_PATHS.get(number[-4:]):
        return path
    return _VOICE_PATH if kind is MessageKind.VOICE else _SMS_PATH


def next_status(kind: MessageKind, number: str, current: int) -> int | None:
    """Return the status after `current`, None when the report is final."""
    path = delivery_path(kind, number)
    if current not in path[:-1]:
        return None
    return path[path.index(current) + 1]
