"""A job run later on a timer, one run at a time, stopped for good at unload.

The outbox and the pollers share it: each plans its next run itself, a run
under way plans its successor, and unloading cancels the timer and waits for
the run under way, so that nothing writes after the stores' last save.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later


class ScheduledJob:
    """Runs `job` once per plan, never two at a time, never after `async_stop`."""

    def __init__(self, hass: HomeAssistant, job: Callable[[], Awaitable[None]]) -> None:
        """Plan nothing yet."""
        self._hass = hass
        self._job = job
        self._unsub: CALLBACK_TYPE | None = None
        # A run planned with no delay: a task, so that Home Assistant tracks it.
        self._soon: asyncio.Task[None] | None = None
        # Held while a run is under way: stopping waits for it.
        self.lock = asyncio.Lock()
        self.stopped = False

    @callback
    def async_plan(self, delay: timedelta | float | None) -> None:
        """Run after `delay` (replacing any plan); None, stopped or running: none.

        No delay runs in a task started at once; planning again before it starts
        keeps that one task, so a burst of plans is one run.
        """
        if not delay and delay is not None and self._soon is not None:
            return
        self.async_cancel()
        if delay is None or self.stopped or self.lock.locked():
            return
        if not delay:
            self._soon = self._hass.async_create_task(
                self._async_run_soon(), eager_start=False
            )
            return
        self._unsub = async_call_later(self._hass, delay, self._async_run_later)

    @callback
    def async_cancel(self) -> None:
        """Forget the plan, if any."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        if self._soon is not None:
            self._soon.cancel()
            self._soon = None

    async def _async_run_soon(self) -> None:
        self._soon = None
        await self._job()

    async def _async_run_later(self, _now: datetime) -> None:
        self._unsub = None
        await self._job()

    async def async_stop(self) -> None:
        """Stop for good, and wait for a run under way (unload)."""
        self.stopped = True
        self.async_cancel()
        async with self.lock:
            pass
