"""What this account sent, so that a callback can be told apart from a forgery.

smsmode signs no callback: anyone who learns the webhook URL can post one. A
delivery report about an SMS this account sent is believed; any other is first
looked up at smsmode (report_confirmation.py). A reply is linked to the SMS it
answers, when that SMS is ours and allowed replies: its text, its refClient,
the numbers it went to. What is kept (in a `Store`, capped) is what went
through this integration: an SMS for as long as its reports come (48 hours),
one that allowed replies for as long as smsmode takes replies to it (30 days).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Final, NotRequired, TypedDict

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, REPLY_WINDOW, REPORT_WINDOW

STORAGE_VERSION: Final = 1
# Seconds a change waits before being written: a burst of sends is one write.
SAVE_DELAY: Final = 10
# SMS remembered at most (the newest kept): far more than a home sends in 30 days.
MAX_SENT: Final = 5000
# Numbers kept per SMS; a larger send (or a group's) keeps none: its replies
# and reports are still linked by SMS id, but not checked against the numbers.
MAX_NUMBERS_KEPT: Final = 20


@dataclass(frozen=True, slots=True)
class RememberedSms:
    """One SMS sent through this integration (or confirmed at smsmode as ours).

    `numbers` are international digits without "+", None when not kept;
    `message` is the text sent, kept only when replies were allowed.
    """

    sms_id: str
    sent_at: datetime
    numbers: tuple[str, ...] | None
    message: str | None
    ref_client: str | None
    reply_allowed: bool

    @property
    def expires_at(self) -> datetime:
        """Until when callbacks about it can come (replies, else reports)."""
        return self.sent_at + (REPLY_WINDOW if self.reply_allowed else REPORT_WINDOW)

    def went_to(self, number: str) -> bool | None:
        """Whether it went to `number`; None when its numbers were not kept."""
        return None if self.numbers is None else number in self.numbers


class _StoredSms(TypedDict):
    """One SMS as stored; the time is a POSIX timestamp."""

    sent_at: float
    numbers: list[str] | None
    message: NotRequired[str]
    ref_client: NotRequired[str]
    reply_allowed: bool


def _sent_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, _StoredSms]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.sent")


async def async_remove_sent_memory(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's stored sends (the entry is being removed)."""
    await _sent_store(hass, entry_id).async_remove()


def _from_stored(sms_id: str, stored: _StoredSms) -> RememberedSms:
    numbers = stored["numbers"]
    return RememberedSms(
        sms_id=sms_id,
        sent_at=dt_util.utc_from_timestamp(stored["sent_at"]),
        numbers=None if numbers is None else tuple(numbers),
        message=stored.get("message"),
        ref_client=stored.get("ref_client"),
        reply_allowed=stored["reply_allowed"],
    )


class SmsmodeSentMemory:
    """One account's recent sends by SMS id, kept in a `Store`."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to the entry's store; `async_load` reads it."""
        self._store = _sent_store(hass, entry_id)
        self._sent: dict[str, _StoredSms] = {}

    async def async_load(self) -> None:
        """Read what was stored, forgetting what can no longer be called back."""
        now = dt_util.utcnow()
        stored = await self._store.async_load() or {}
        self._sent = {
            sms_id: sms
            for sms_id, sms in stored.items()
            if _from_stored(sms_id, sms).expires_at > now
        }

    async def async_save(self) -> None:
        """Write now (unload): a pending delayed write would be lost to a reload."""
        await self._store.async_save(self._sent)

    def __len__(self) -> int:
        """How many SMS are remembered (diagnostics)."""
        return len(self._sent)

    def lookup(self, sms_id: str) -> RememberedSms | None:
        """Return the SMS sent with this id, unless unknown or too old."""
        if (stored := self._sent.get(sms_id)) is None:
            return None
        sms = _from_stored(sms_id, stored)
        return sms if sms.expires_at > dt_util.utcnow() else None

    @callback
    def async_sent(
        self,
        sms_id: str,
        sent_at: datetime,
        *,
        numbers: tuple[str, ...] | None,
        message: str | None = None,
        ref_client: str | None = None,
        reply_allowed: bool = False,
    ) -> None:
        """Remember an SMS smsmode accepted (going out at `sent_at`)."""
        stored: _StoredSms = {
            "sent_at": sent_at.timestamp(),
            "numbers": (
                list(numbers)
                if numbers is not None and len(numbers) <= MAX_NUMBERS_KEPT
                else None
            ),
            "reply_allowed": reply_allowed,
        }
        if reply_allowed and message is not None:
            stored["message"] = message
        if ref_client is not None:
            stored["ref_client"] = ref_client
        self._sent.pop(sms_id, None)
        self._sent[sms_id] = stored
        while len(self._sent) > MAX_SENT:
            del self._sent[next(iter(self._sent))]
        self._store.async_delay_save(lambda: self._sent, SAVE_DELAY)
