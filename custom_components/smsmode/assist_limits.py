"""How many messages a number may send Assist: per hour and per day.

Counted in memory, per account: a reload (any change of option or recipient)
starts the count again. Past either limit the number gets one SMS saying so,
then nothing until it is under both limits again: a flood costs one SMS.
"""

from collections import deque
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

HOUR: Final = timedelta(hours=1)
DAY: Final = timedelta(days=1)


class Allowance(StrEnum):
    """What to do with one more message from a number."""

    ANSWER = "answer"
    # Over a limit for the first time since the number was last answered.
    TELL_LIMIT = "tell_limit"
    SILENT = "silent"


class AssistLimits:
    """Each number's recent messages, against the account's two limits."""

    def __init__(self, hourly: int, daily: int) -> None:
        """Take the limits (messages per number per hour, per day)."""
        self._hourly = hourly
        self._daily = daily
        self._answered: dict[str, deque[datetime]] = {}
        self._told: set[str] = set()

    def allow(self, number: str, now: datetime) -> Allowance:
        """Count a message from `number` at `now` if it may be answered."""
        times = self._answered.setdefault(number, deque())
        while times and now - times[0] >= DAY:
            times.popleft()
        last_hour = sum(1 for when in times if now - when < HOUR)
        if last_hour >= self._hourly or len(times) >= self._daily:
            if number in self._told:
                return Allowance.SILENT
            self._told.add(number)
            return Allowance.TELL_LIMIT
        self._told.discard(number)
        times.append(now)
        return Allowance.ANSWER
