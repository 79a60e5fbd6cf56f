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

from homeassistant.core import HomeAssistant, callback

from .api import SmsmodeClient
from .const import LOGGER, REPLY_EXPECTED_FOR, REPLY_EXPECTED_INTERVAL, REPLY_WINDOW
from .coordinator import SmsmodeConfigEntry
from .inbox import SmsmodeInbox
from .polling import SmsmodePoller
from .reply_links import async_fire_reply
from .sent_memory import SmsmodeSentMemory

# Each read goes back this far before the previous one: list dates stop at the
# minute, and a reply may show up in the list a little after its date.
POLL_OVERLAP: Final = timedelta(minutes=10)


class SmsmodeReplyPoller(SmsmodePoller):
    """Reads the reply list while replies are expected, never otherwise."""

    subject = "smsmode's replies"

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SmsmodeConfigEntry,
        client: SmsmodeClient,
        inbox: SmsmodeInbox,
        memory: SmsmodeSentMemory,
    ) -> None:
        """Also take what was sent: each reply is linked to the SMS it answers."""
        super().__init__(hass, entry, client, inbox)
        self._memory = memory

    @callback
    def async_reply_allowed_sent(self, when: datetime) -> None:
        """Note a reply-allowed SMS (sent at `when`): replies may come from now on."""
        self._inbox.async_set_reply_allowed_send(when)
        self._async_schedule()

    def next_delay(self, now: datetime) -> timedelta | None:
        """How long until the next read; None when no reply can be pending.

        Every minute during a reply-allowed SMS's first half hour, else on the
        option's interval, waking early for a scheduled SMS's rush.
        """
        last = self._inbox.last_reply_allowed_send
        if self._interval is None or last is None or now - last > REPLY_WINDOW:
            return None
        delay = self._interval
        for start in self._inbox.reply_rushes:
            if start <= now <= start + REPLY_EXPECTED_FOR:
                return min(REPLY_EXPECTED_INTERVAL, delay)
            if now < start:
                delay = min(delay, start - now)
        return delay

    async def _async_read(self, now: datetime) -> None:
        """Read the replies received since the last read and fire the new ones."""
        start = max(self._inbox.created, now - REPLY_WINDOW)
        if (polled_until := self._inbox.polled_until) is not None:
            start = max(start, polled_until - POLL_OVERLAP)
        replies = await self._client.list_replies(
            start_date=start, end_date=now + POLL_OVERLAP
        )
        # The list is newest first; events go out in the order replies came.
        fired = sum(
            async_fire_reply(self._entry, self._inbox, self._memory, reply)
            for reply in reversed(replies)
        )
        LOGGER.debug("Read %d replies from smsmode, %d new", len(replies), fired)
        self._inbox.async_set_polled_until(now)
