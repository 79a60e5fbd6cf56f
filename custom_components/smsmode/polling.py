"""What the reply and delivery-report pollers share: when to read, and failures.

A poller reads something from smsmode on the option's interval, only while
there is something to wait for (`next_delay` says when, or None). A refused
key starts reauth and stops it until the entry reloads (no retry loop on a
revoked key); any other failure logs one warning and waits for the next
interval, and the first read that works again says so. Unloading stops it and
waits for a read under way, so that nothing reaches the inbox after its last
write.
"""

from abc import ABC, abstractmethod
from datetime import datetime, timedelta

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .api import SmsmodeAuthenticationError, SmsmodeClient, SmsmodeError
from .const import CONF_REPLY_POLL_INTERVAL, DEFAULT_REPLY_POLL_INTERVAL, LOGGER
from .coordinator import SmsmodeConfigEntry
from .inbox import SmsmodeInbox
from .scheduling import ScheduledJob


class SmsmodePoller(ABC):
    """Reads from smsmode on an interval while something is pending."""

    # What is read, for the log lines ("smsmode's replies").
    subject: str

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SmsmodeConfigEntry,
        client: SmsmodeClient,
        inbox: SmsmodeInbox,
    ) -> None:
        """Take the interval from the options (minutes; 0 turns polling off)."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._inbox = inbox
        minutes = int(
            entry.options.get(CONF_REPLY_POLL_INTERVAL, DEFAULT_REPLY_POLL_INTERVAL)
        )
        self._interval = timedelta(minutes=minutes) if minutes else None
        self._failing = False
        # Its lock is held during a read: unloading waits for it.
        self._job = ScheduledJob(hass, self.async_poll)

    @abstractmethod
    def next_delay(self, now: datetime) -> timedelta | None:
        """How long until the next read; None when nothing is pending."""

    @abstractmethod
    async def _async_read(self, now: datetime) -> None:
        """Do one read and hand what is new to the inbox; SmsmodeError on failure."""

    @callback
    def async_start(self) -> None:
        """Schedule the first read, if something is pending."""
        self._async_schedule()

    async def async_shutdown(self) -> None:
        """Stop reading, and wait for a read under way (unload)."""
        await self._job.async_stop()

    @callback
    def _async_schedule(self) -> None:
        """(Re)plan the next read; a read under way plans its successor itself."""
        self._job.async_plan(self.next_delay(dt_util.utcnow()))

    async def async_poll(self) -> None:
        """Do one read now, then plan the next one (unless the key was refused)."""
        if self._job.stopped:
            return
        try:
            async with self._job.lock:
                await self._async_read(dt_util.utcnow())
        except SmsmodeAuthenticationError:
            LOGGER.warning("smsmode refused the API key while reading %s", self.subject)
            self._entry.async_start_reauth(self._hass)
            self._job.stopped = True
        except SmsmodeError as err:
            if not self._failing:
                LOGGER.warning("Cannot read %s, will retry: %s", self.subject, err)
            self._failing = True
        else:
            if self._failing:
                LOGGER.info("%s can be read again", self.subject)
            self._failing = False
        finally:
            self._async_schedule()
