"""One SMS on its way to smsmode: what the outbox keeps, and how to recognise it.

`OutgoingSms` is an SMS exactly as it goes to the client, written to the outbox's
store when smsmode cannot take it now. When an attempt may have reached smsmode,
the sent-SMS list (`smsList.do`) is searched before sending again; that list
gives no `refClient` back, so a line is this SMS when its text, recipients and
date fit, and no other SMS claimed it already (each line proves one send). The
list is read page by page back to the first attempt: on a busy or shared
account the SMS may be far from the newest lines.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
import re
from typing import Any, Final

from homeassistant.util import dt as dt_util

from .api import (
    SENT_LIST_MAX,
    Encoding,
    SentSms,
    SmsmodeClient,
    SmsmodeConnectionError,
    SmsmodeError,
    SmsmodeInternalError,
    SmsmodeResponseError,
    StopMode,
)

# List dates stop at the minute, and smsmode's clock may differ a little.
LOOKUP_MARGIN: Final = timedelta(minutes=2)
# smsmode's STOP mention, which the listed text may end with: "STOP 36034" in
# France, a "no-sms.eu" form abroad (the reference gives no more of it).
_STOP_MENTION: Final = re.compile(r"\s*(?:STOP\s+\S+|\S*no-sms\.eu\S*)\s*$")
# Lines read per request, and at most in all (the reference's largest `offset`).
LOOKUP_PAGE: Final = 200
LOOKUP_MAX_LINES: Final = SENT_LIST_MAX
# Numbers are compared on their last 9 digits (a French mobile's national
# number): the list may write them with or without "+", 0 or the country code.
_NUMBER_DIGITS: Final = 9


class LookupIncompleteError(Exception):
    """The sent list was read as far as smsmode allows without reaching the SMS's time.

    Nothing can then be concluded: the SMS stays "may have been sent".
    """


def is_queueable(err: SmsmodeError) -> bool:
    """Tell whether trying later can fix a failed send.

    What the client says is safe to send again (`retryable`: smsmode not
    reached, temporarily unavailable (50), too many requests (429)), or an
    outcome nobody knows (a timeout, a cut, an HTTP 5xx, an answer that is not
    smsmode's): the outbox finds out before sending again.
    """
    return err.retryable or may_have_been_sent(err)


def may_have_been_sent(err: SmsmodeError) -> bool:
    """Tell whether smsmode may have carried out the send that failed.

    Code 31 ("Erreur interne") says nothing of what smsmode did before it
    failed: like an HTTP 5xx, the outcome is unknown, so the SMS is looked up
    before it is sent again.
    """
    if isinstance(err, SmsmodeConnectionError):
        return err.may_have_been_sent
    return isinstance(err, SmsmodeResponseError | SmsmodeInternalError)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutgoingSms:
    """One SMS exactly as it goes to the client.

    Callback URLs are left out: they are worked out at each attempt, since
    Home Assistant's URL may change while a message waits.
    """

    text: str
    numbers: tuple[str, ...]
    group: str | None
    encoding: Encoding | None
    reply_allowed: bool
    sender: str | None
    scheduled_at: datetime | None
    ref_client: str | None
    max_segments: int
    stop: StopMode

    def as_json(self) -> dict[str, Any]:
        """Return the message in a form the store can write."""
        data = asdict(self)
        data["numbers"] = list(self.numbers)
        data["encoding"] = None if self.encoding is None else self.encoding.value
        data["scheduled_at"] = (
            None if self.scheduled_at is None else self.scheduled_at.isoformat()
        )
        data["stop"] = int(self.stop)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OutgoingSms:
        """Read a message back from the store."""
        scheduled_at = data["scheduled_at"]
        return cls(
            text=data["text"],
            numbers=tuple(data["numbers"]),
            group=data["group"],
            encoding=None if data["encoding"] is None else Encoding(data["encoding"]),
            reply_allowed=data["reply_allowed"],
            sender=data["sender"],
            scheduled_at=None
            if scheduled_at is None
            else dt_util.parse_datetime(scheduled_at),
            ref_client=data["ref_client"],
            max_segments=data["max_segments"],
            stop=StopMode(data["stop"]),
        )

    def _same_text(self, listed: str) -> bool:
        ours = self.text.strip()
        listed = listed.strip()
        if listed == ours:
            return True
        return self.stop is not StopMode.NONE and _STOP_MENTION.sub("", listed) == ours

    def _same_recipients(self, sent: SentSms, group_size: int | None) -> bool:
        """Compare with the list's first recipient and count.

        A group's line shows one member, or maybe the group's name: a name must
        be this group's, and the count the group's size when it is known.
        """
        listed = re.sub(r"\D", "", sent.recipient)[-_NUMBER_DIGITS:]
        if self.group is not None:
            return (group_size is None or sent.recipient_count == group_size) and (
                bool(listed)
                or sent.recipient.strip().casefold() == self.group.casefold()
            )
        return sent.recipient_count == len(self.numbers) and any(
            number[-_NUMBER_DIGITS:] == listed for number in self.numbers
        )

    def window_start(self, first_attempt: datetime) -> datetime:
        """Return the earliest date a list line of this SMS can show."""
        start = first_attempt
        if self.scheduled_at is not None:
            start = min(start, self.scheduled_at)
        return start - LOOKUP_MARGIN

    def _in_window(self, sent_at: datetime, first: datetime, last: datetime) -> bool:
        """Sent between the first and last attempt, or at the scheduled time."""
        if first - LOOKUP_MARGIN <= sent_at <= last + LOOKUP_MARGIN:
            return True
        return (
            self.scheduled_at is not None
            and abs(sent_at - self.scheduled_at) <= LOOKUP_MARGIN
        )

    def find_in(
        self,
        lines: Iterable[SentSms],
        *,
        first_attempt: datetime,
        last_attempt: datetime,
        claimed: Collection[str],
        group_size: int | None = None,
    ) -> str | None:
        """Return the id of the list line that is this SMS, if there is one.

        `group_size`: how many recipients smsmode listed for the group lately.
        """
        for sent in lines:
            if (
                sent.sms_id not in claimed
                and self._same_text(sent.text)
                and self._same_recipients(sent, group_size)
                and self._in_window(sent.sent_at, first_attempt, last_attempt)
            ):
                return sent.sms_id
        return None


async def async_find_sent(
    client: SmsmodeClient,
    sms: OutgoingSms,
    *,
    first_attempt: datetime,
    last_attempt: datetime,
    claimed: Mapping[str, str | None],
    group_sizes: dict[str, int],
) -> str | None:
    """Return the id smsmode lists the SMS under, None when it did not go.

    Pages are read, newest first, until one reaches back past the first
    attempt (a line older than that was made before it, and so were all the
    lines after it) or the list ends. LookupIncompleteError when smsmode's
    limit comes first. `claimed` maps the ids of SMS known to be others to
    their group; their lines update `group_sizes` (the list gives no group).
    """
    window_start = sms.window_start(first_attempt)
    start = 0
    while start < LOOKUP_MAX_LINES:
        count = min(LOOKUP_PAGE, LOOKUP_MAX_LINES - start)
        lines = await client.list_sent_sms(start=start, count=count)
        for line in lines:
            if group := claimed.get(line.sms_id):
                group_sizes[group] = line.recipient_count
        found = sms.find_in(
            lines,
            first_attempt=first_attempt,
            last_attempt=last_attempt,
            claimed=claimed,
            group_size=None if sms.group is None else group_sizes.get(sms.group),
        )
        if found is not None:
            return found
        if len(lines) < count or any(line.sent_at < window_start for line in lines):
            return None
        start += count
    raise LookupIncompleteError
