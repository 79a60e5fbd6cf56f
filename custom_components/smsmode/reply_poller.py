"""Reply polling: inbound replies for a Home Assistant that smsmode cannot reach.

Most homes have no public URL, so smsmode's reply callback never arrives. While
replies can come (a reply-allowed SMS went in the last 30 days, smsmode's limit)
the reply list (`responseList.do`) is read on the option's interval, every minute
for a while after such a send, and each new reply goes to the inbox, which fires
the same event as the webhook would, once. With nothing pending, nothing is read.

Each read asks for the replies received since the previous read (less an overlap
for the list's minute-precision dates and late entries), back to 30 days at most
and never before the inbox was created: replies older than the integration are
history, not news, so they are not fired when polling first runs. This replaces
"seed the seen set from the first read", which would swallow a reply arriving
before that first read.
"""

from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .api import SmsModeAuthenticationError, SmsModeClient, SmsModeError
from .const import (
    CONF_REPLY_POLL_INTERVAL,
    DEFAULT_REPLY_POLL_INTERVAL,
    LOGGER,
    REPLY_EXPECTED_FOR,
    REPLY_EXPECTED_INTERVAL,
    REPLY_WINDOW,
)
from .coordinator import SmsmodeConfigEntry
from .events import SmsmodeInbox, reply_list_data

# Each read goes back this far before the previous one: list dates stop at the
# minute, and a reply may show up in the list a little after its date.
POLL_OVERLAP: Final = timedelta(minutes=10)


class SmsmodeReplyPoller:
    """Reads the reply list while replies are expected, never otherwise."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SmsmodeConfigEntry,
        client: SmsModeClient,
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
        self._unsub: CALLBACK_TYPE | None = None
        self._polling = False
        self._stopped = False
        self._failing = False

    @callback
    def async_start(self) -> None:
        """Schedule the first read, if replies are expected; stop on unload."""
        self._entry.async_on_unload(self._async_stop)
        self._async_schedule()

    @callback
    def _async_stop(self) -> None:
        self._stopped = True
        if self._unsub is not None:
            self._unsub()
            self._unsub = None

    @callback
    def async_reply_allowed_sent(self, when: datetime) -> None:
        """Note a reply-allowed SMS (sent at `when`): replies may come from now on."""
        self._inbox.async_set_reply_allowed_send(when)
        self._async_schedule()

    def next_delay(self, now: datetime) -> timedelta | None:
        """How long until the next read; None when no reply can be pending."""
        last = self._inbox.last_reply_allowed_send
        if self._interval is None or last is None or now - last > REPLY_WINDOW:
            return None
        if last <= now <= last + REPLY_EXPECTED_FOR:
            return min(REPLY_EXPECTED_INTERVAL, self._interval)
        return self._interval

    @callback
    def _async_schedule(self) -> None:
        """(Re)plan the next read; a read under way plans its successor itself."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        if self._polling or self._stopped:
            return
        if (delay := self.next_delay(dt_util.utcnow())) is not None:
            self._unsub = async_call_later(self._hass, delay, self._async_poll_later)

    async def _async_poll_later(self, _now: datetime) -> None:
        self._unsub = None
        await self.async_poll()

    async def async_poll(self) -> None:
        """Read the replies received since the last read and fire the new ones.

        A refused key starts reauth and stops polling until the entry reloads (no
        retry loop on a revoked key); other failures wait for the next interval.
        """
        self._polling = True
        keep_polling = True
        try:
            keep_polling = await self._async_read()
        finally:
            self._polling = False
            if keep_polling:
                self._async_schedule()

    async def _async_read(self) -> bool:
        """Do one read; False when polling must stop (the key was refused)."""
        now = dt_util.utcnow()
        start = max(self._inbox.created, now - REPLY_WINDOW)
        if (polled_until := self._inbox.polled_until) is not None:
            start = max(start, polled_until - POLL_OVERLAP)
        try:
            replies = await self._client.list_replies(
                start_date=start, end_date=now + POLL_OVERLAP
            )
        except SmsModeAuthenticationError:
            LOGGER.warning("smsmode refused the API key while reading replies")
            self._entry.async_start_reauth(self._hass)
            return False
        except SmsModeError as err:
            if not self._failing:
                LOGGER.warning("Cannot read smsmode's replies, will retry: %s", err)
            self._failing = True
            return True
        if self._failing:
            LOGGER.info("smsmode's replies can be read again")
            self._failing = False
        # The list is newest first; events go out in the order replies came.
        fired = sum(
            self._inbox.async_reply(reply_list_data(reply))
            for reply in reversed(replies)
        )
        LOGGER.debug("Read %d replies from smsmode, %d new", len(replies), fired)
        self._inbox.async_set_polled_until(now)
        return True
