"""What a caller asks for, and the account's options that fill in the rest.

A send starts as an `SmsRequest` (None: "the entry's option"); `AccountOptions`
turns it into the `OutgoingSms` the client sends, so every caller gets the same
defaults, encoding policy and sender rules.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .api import (
    DEFAULT_REGION,
    Encoding,
    SmsmodeInvalidNumberError,
    StopMode,
    gsm_replace,
    normalize_number,
    normalize_numbers,
)
from .const import (
    CONF_DAILY_LIMIT,
    CONF_DELIVERY_REPORTS,
    CONF_ENCODING_POLICY,
    CONF_GUARD_PER_HOUR,
    CONF_GUARD_REPEAT_WINDOW,
    CONF_MAX_SEGMENTS,
    CONF_MONTHLY_LIMIT,
    CONF_NUMBER,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_REPLY_ALLOWED,
    CONF_SENDER,
    CONF_STOP,
    DEFAULT_DAILY_LIMIT,
    DEFAULT_DELIVERY_REPORTS,
    DEFAULT_ENCODING_POLICY,
    DEFAULT_GUARD_PER_HOUR,
    DEFAULT_GUARD_REPEAT_WINDOW,
    DEFAULT_MAX_SEGMENTS,
    DEFAULT_MONTHLY_LIMIT,
    DEFAULT_REPLY_ALLOWED,
    DEFAULT_STOP,
    DOMAIN,
    PRIORITY_CRITICAL,
    STOP_OPTIONS,
    SUBENTRY_TYPE_RECIPIENT,
    EncodingPolicy,
)
from .coordinator import SmsmodeConfigEntry
from .fields import ENCODING_AUTO, SMS_OPTION_KEYS
from .outgoing import OutgoingSms
from .quiet_hours import QuietHours, parse_time


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsRequest:
    """One SMS as a caller asks for it; None means "the entry's option".

    `encoding` is "auto", "gsm7" or "unicode" (None: the entry's encoding policy).
    """

    message: str
    recipients: Sequence[str] = ()
    group: str | None = None
    title: str | None = None
    sender: str | None = None
    reply_allowed: bool | None = None
    scheduled_at: datetime | None = None
    encoding: str | None = None
    stop: StopMode | None = None
    ref_client: str | None = None
    max_segments: int | None = None
    priority: str | None = None
    # An answer someone is waiting for (Assist by SMS): quiet hours do not delay
    # it, budgets and the runaway guard still apply.
    awaited: bool = False

    @property
    def critical(self) -> bool:
        """Whether it must go whatever budgets, quiet hours and the guard say."""
        return self.priority == PRIORITY_CRITICAL


def sms_request(
    message: str,
    recipients: Sequence[str],
    options: Mapping[str, Any],
    *,
    title: str | None = None,
) -> SmsRequest:
    """Build a request from validated notify `data` or service data.

    The option fields are named like `SmsRequest`'s, so they pass straight through.
    """
    return SmsRequest(
        message=message,
        recipients=recipients,
        title=title,
        **{key: value for key, value in options.items() if key in SMS_OPTION_KEYS},
    )


def as_aware(value: datetime) -> datetime:
    """Read a naive datetime in Home Assistant's time zone, as people mean it."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt_util.get_default_time_zone())
    return value


def compose(message: str, title: str | None) -> str:
    """Put the title, when there is one, on its own first line."""
    return f"{title}\n{message}" if title else message


def configured_recipients(entry: SmsmodeConfigEntry) -> list[str]:
    """Numbers of the recipients configured on the account (subentries)."""
    return [
        str(subentry.data[CONF_NUMBER])
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_TYPE_RECIPIENT
    ]


def resolve_recipients(
    entry: SmsmodeConfigEntry, numbers: Sequence[str] | None, group: str | None
) -> list[str]:
    """Numbers to send to: those given, else (without a group) the configured ones.

    Nobody at all is a mistake of the caller, told before anything is sent.
    """
    if numbers or group:
        return list(numbers or ())
    if configured := configured_recipients(entry):
        return configured
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="no_recipients",
        translation_placeholders={"title": entry.title},
    )


async def async_normalize_numbers(
    hass: HomeAssistant, numbers: Sequence[str]
) -> list[str]:
    """Normalise the numbers of one send (duplicates dropped) in the executor.

    phonenumbers may read a country's metadata from disk the first time.
    """
    return await hass.async_add_executor_job(
        normalize_numbers, list(numbers), DEFAULT_REGION
    )


def split_numbers(numbers: Sequence[str]) -> tuple[list[str], list[str]]:
    """Normalise what can be (duplicates dropped) and list the rest, as typed."""
    try:
        return normalize_numbers(numbers, DEFAULT_REGION), []
    except SmsmodeInvalidNumberError as err:
        invalid = list(err.numbers)
    rejected = set(invalid)
    valid = [number for number in numbers if number not in rejected]
    return normalize_numbers(valid, DEFAULT_REGION), invalid


async def async_normalize_number(hass: HomeAssistant, number: str) -> str:
    """Normalise one number in the executor."""
    return await hass.async_add_executor_job(normalize_number, number, DEFAULT_REGION)


class AccountOptions:
    """The entry's options as defaults for what a caller left out."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        """Read the options once: a change reloads the entry."""
        self.policy = EncodingPolicy(
            options.get(CONF_ENCODING_POLICY, DEFAULT_ENCODING_POLICY)
        )
        self._reply_allowed = bool(
            options.get(CONF_REPLY_ALLOWED, DEFAULT_REPLY_ALLOWED)
        )
        self._sender = str(options.get(CONF_SENDER) or "") or None
        self._max_segments = int(options.get(CONF_MAX_SEGMENTS, DEFAULT_MAX_SEGMENTS))
        self._stop = STOP_OPTIONS[options.get(CONF_STOP, DEFAULT_STOP)]
        self.reports_wanted = bool(
            options.get(CONF_DELIVERY_REPORTS, DEFAULT_DELIVERY_REPORTS)
        )
        self.daily_limit = int(options.get(CONF_DAILY_LIMIT, DEFAULT_DAILY_LIMIT))
        self.monthly_limit = int(options.get(CONF_MONTHLY_LIMIT, DEFAULT_MONTHLY_LIMIT))
        self.quiet_hours = QuietHours(
            parse_time(options.get(CONF_QUIET_START)),
            parse_time(options.get(CONF_QUIET_END)),
        )
        self.guard_per_hour = int(
            options.get(CONF_GUARD_PER_HOUR, DEFAULT_GUARD_PER_HOUR)
        )
        self.guard_repeat_window = int(
            options.get(CONF_GUARD_REPEAT_WINDOW, DEFAULT_GUARD_REPEAT_WINDOW)
        )

    def reply_allowed(self, requested: bool | None) -> bool:
        """Return whether replies are allowed: as asked, else the option."""
        return self._reply_allowed if requested is None else requested

    def sender(self, requested: str | None, *, reply_allowed: bool) -> str | None:
        """Return the sender asked for, else the option's unless replies are allowed.

        SMS allowing replies cannot have a custom sender: the option's is then left
        out, while one given for this very message is refused by the client.
        """
        if requested:
            return requested
        return None if reply_allowed else self._sender

    def max_segments(self, requested: int | None) -> int:
        """Return the most SMS one message may take: as asked, else the option."""
        return requested or self._max_segments

    def text_and_encoding(
        self, text: str, requested: str | None
    ) -> tuple[str, Encoding | None]:
        """Apply the per-message encoding, else the policy (None: the text decides).

        gsm_refuse sends as GSM, so the client lists what GSM cannot carry; an
        explicit "gsm7" still replaces characters when the policy is gsm_replace.
        """
        if requested == Encoding.UNICODE:
            return text, Encoding.UNICODE
        if requested == ENCODING_AUTO or (
            requested is None and self.policy is EncodingPolicy.AUTO
        ):
            return text, None
        if self.policy is EncodingPolicy.GSM_REPLACE:
            return gsm_replace(text), Encoding.GSM7
        return text, Encoding.GSM7

    def outgoing(self, request: SmsRequest, numbers: Sequence[str]) -> OutgoingSms:
        """Return the SMS to send for a request, its numbers already normalised."""
        reply_allowed = self.reply_allowed(request.reply_allowed)
        text, encoding = self.text_and_encoding(
            compose(request.message, request.title), request.encoding
        )
        return OutgoingSms(
            text=text,
            numbers=tuple(numbers),
            group=request.group or None,
            encoding=encoding,
            reply_allowed=reply_allowed,
            sender=self.sender(request.sender, reply_allowed=reply_allowed),
            scheduled_at=as_aware(request.scheduled_at)
            if request.scheduled_at
            else None,
            ref_client=request.ref_client or None,
            max_segments=self.max_segments(request.max_segments),
            stop=self._stop if request.stop is None else request.stop,
        )
