"""Reply callbacks fired only once smsmode's reply list has them.

A reply callback fires nothing by itself: it waits (confirmation.py) until
`responseList.do` lists a reply with the same `responseID`, the same sender and
the same text (blanks aside: a list line and a query may space a text
differently). What fires is the list's reply, linked to what it answers
(reply_links.py). Same id but another sender or text: refused at once. Not
listed within `confirm_for`: dropped. A reply dropped either way is still fired
by reply polling, when polling is on and the list has it.
"""

from datetime import datetime, timedelta

from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from .api import Reply, ReplyCallback
from .confirmation import CONFIRMED, REFUSED, SmsmodeConfirmer
from .const import LOGGER, REPLY_WINDOW
from .reply_links import async_fire_reply
from .reply_poller import POLL_OVERLAP


def _same_reply(listed: Reply, reply: ReplyCallback) -> bool:
    """Tell whether a callback is the listed reply: same sender, same words."""
    return (
        listed.sender == reply.sender and listed.text.split() == reply.message.split()
    )


class SmsmodeReplyConfirmer(SmsmodeConfirmer[ReplyCallback]):
    """Confirms reply callbacks against smsmode's reply list, a read for all."""

    subject = "smsmode's replies (to confirm a callback)"
    kind = "reply"
    min_spacing = timedelta(seconds=5)
    max_spacing = timedelta(seconds=40)
    confirm_for = timedelta(minutes=2)
    read_new_soon = True
    # A read serves them all whatever their number: many may wait.
    max_waiting = 2000

    @callback
    def async_check(self, reply: ReplyCallback) -> None:
        """Hold a reply callback until the list confirms it (unless fired)."""
        if self._inbox.has_reply(reply.response_id):
            return
        now = dt_util.utcnow()
        since = now
        # smsmode may repeat a callback long after the reply came: read from then.
        if (received := reply.received_at) is not None and received > (
            now - REPLY_WINDOW
        ):
            since = min(since, received)
        self._async_wait(reply.response_id, reply, since)

    async def _async_confirm(self, now: datetime) -> int:
        """Read the replies since the oldest waiting callback, settle each one."""
        start = min(waiting.since for waiting in self._waiting.values())
        listed = {
            reply.response_id: reply
            for reply in await self._client.list_replies(
                start_date=max(start - POLL_OVERLAP, now - REPLY_WINDOW),
                end_date=now + POLL_OVERLAP,
            )
        }
        confirmed = 0
        for response_id in [key for key in self._waiting if key in listed]:
            reply = listed[response_id]
            matching = None
            for callback_ in self._async_take(response_id):
                if matching is None and _same_reply(reply, callback_):
                    matching = callback_
                else:
                    LOGGER.debug("A reply callback differs from smsmode's list")
                    self.counts[REFUSED] += 1
            if matching is not None:
                async_fire_reply(
                    self._entry,
                    self._inbox,
                    self._memory,
                    reply,
                    received_at=matching.received_at,
                )
                self.counts[CONFIRMED] += 1
                confirmed += 1
        return confirmed
