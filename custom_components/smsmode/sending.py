"""The one path from "send this text" (notify or service) to the smsmode client.

Whoever asks for a send, the same rules apply: the entry's options fill in what the
caller left out, the encoding policy decides what happens to text GSM cannot carry,
the webhook URL is passed so delivery reports and replies come back, and every
`SmsModeError` becomes a translated Home Assistant exception (a reauth on 32, the
out-of-credit repair issue on 33). Numbers are normalised in the executor because
phonenumbers may read a country's metadata from disk the first time it meets it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final
import unicodedata

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .api import (
    DEFAULT_REGION,
    GSM_CHARACTERS,
    MAX_SEGMENTS,
    VOICE_LANGUAGES,
    BatchMessage,
    Encoding,
    SendResult,
    SmsModeError,
    StopMode,
    is_gsm,
    normalize_each,
    normalize_number,
    normalize_numbers,
)
from .const import (
    CONF_DELIVERY_REPORTS,
    CONF_ENCODING_POLICY,
    CONF_MAX_SEGMENTS,
    CONF_NUMBER,
    CONF_REPLY_ALLOWED,
    CONF_SENDER,
    CONF_STOP,
    DEFAULT_DELIVERY_REPORTS,
    DEFAULT_ENCODING_POLICY,
    DEFAULT_MAX_SEGMENTS,
    DEFAULT_REPLY_ALLOWED,
    DEFAULT_STOP,
    DOMAIN,
    LOGGER,
    SUBENTRY_TYPE_RECIPIENT,
    EncodingPolicy,
    StopOption,
)
from .coordinator import SmsmodeConfigEntry, SmsmodeRuntimeData
from .errors import translate_errors
from .issues import async_clear_no_external_url, async_set_no_external_url
from .outbox import OutboxClosedError, SmsmodeOutbox
from .outbox_store import QueuedSms
from .outgoing import OutgoingSms, is_queueable
from .webhook import async_callback_url

# Field names shared by the notify `data` and the services (public interface).
ATTR_GROUP: Final = "group"
ATTR_SENDER: Final = "sender"
ATTR_SCHEDULED_AT: Final = "scheduled_at"
ATTR_REPLY_ALLOWED: Final = "reply_allowed"
ATTR_ENCODING: Final = "encoding"
ATTR_STOP: Final = "stop"
ATTR_REF_CLIENT: Final = "ref_client"
ATTR_MAX_SEGMENTS: Final = "max_segments"
ATTR_LANGUAGE: Final = "language"

# What a caller may ask for one message; "auto" lets the text decide.
ENCODING_AUTO: Final = "auto"
ENCODING_CHOICES: Final = (ENCODING_AUTO, Encoding.GSM7.value, Encoding.UNICODE.value)
# A voice language, turned into smsmode's spelling. Both are taken: the selector's
# keys (fr_fr) and smsmode's own spelling (fr-FR), which existing YAML may use.
_VOICE_LANGUAGE_SPELLINGS: Final = {
    **VOICE_LANGUAGES,
    **{spelling: spelling for spelling in VOICE_LANGUAGES.values()},
}
VOICE_LANGUAGE: Final = vol.All(
    vol.In(_VOICE_LANGUAGE_SPELLINGS), _VOICE_LANGUAGE_SPELLINGS.__getitem__
)

# Validators of the per-message options, for the notify `data` and the services.
SMS_OPTION_FIELDS: Final[dict[vol.Marker, Any]] = {
    vol.Optional(ATTR_GROUP): cv.string,
    vol.Optional(ATTR_SENDER): cv.string,
    vol.Optional(ATTR_SCHEDULED_AT): cv.datetime,
    vol.Optional(ATTR_REPLY_ALLOWED): cv.boolean,
    vol.Optional(ATTR_ENCODING): vol.In(ENCODING_CHOICES),
    vol.Optional(ATTR_STOP): vol.All(
        vol.In([o.value for o in StopOption]), vol.Coerce(StopOption)
    ),
    vol.Optional(ATTR_REF_CLIENT): cv.string,
    vol.Optional(ATTR_MAX_SEGMENTS): vol.All(
        vol.Coerce(int), vol.Range(min=1, max=MAX_SEGMENTS)
    ),
}
SMS_OPTION_KEYS: Final = frozenset(str(marker) for marker in SMS_OPTION_FIELDS)

_STOP_MODES: Final = {
    StopOption.NONE: StopMode.NONE,
    StopOption.IF_FREE: StopMode.IF_FREE,
    StopOption.ALWAYS: StopMode.ALWAYS,
}
# Typographic characters phones and word processors insert, and their GSM twin;
# everything else is first tried without its accents (unicodedata), then "?".
_GSM_LOOKALIKES: Final = {
    "\N{LEFT SINGLE QUOTATION MARK}": "'",
    "\N{RIGHT SINGLE QUOTATION MARK}": "'",
    "\N{SINGLE LOW-9 QUOTATION MARK}": "'",
    "\N{SINGLE HIGH-REVERSED-9 QUOTATION MARK}": "'",
    "\N{LEFT DOUBLE QUOTATION MARK}": '"',
    "\N{RIGHT DOUBLE QUOTATION MARK}": '"',
    "\N{DOUBLE LOW-9 QUOTATION MARK}": '"',
    "\N{LEFT-POINTING DOUBLE ANGLE QUOTATION MARK}": '"',
    "\N{RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK}": '"',
    "\N{HYPHEN}": "-",
    "\N{NON-BREAKING HYPHEN}": "-",
    "\N{EN DASH}": "-",
    "\N{EM DASH}": "-",
    "\N{MINUS SIGN}": "-",
    "\N{LATIN SMALL LIGATURE OE}": "oe",
    "\N{LATIN CAPITAL LIGATURE OE}": "OE",
    "\t": " ",
}


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
    stop: StopOption | None = None
    ref_client: str | None = None
    max_segments: int | None = None


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


def gsm_replace(text: str) -> str:
    """Replace each character GSM cannot carry by its closest GSM equivalent.

    Accents are stripped (unicodedata) when that gives GSM characters ("ê" → "e",
    "…" → "..."); what has no equivalent becomes "?", which is what smsmode would
    have shown anyway, but now the sender knows the text before it goes.
    """
    out: list[str] = []
    for char in text:
        if char in GSM_CHARACTERS:
            out.append(char)
            continue
        candidate = _GSM_LOOKALIKES.get(char) or "".join(
            part
            for part in unicodedata.normalize("NFKD", char)
            if not unicodedata.combining(part)
        )
        out.append(candidate if candidate and is_gsm(candidate) else "?")
    return "".join(out)


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
    """Normalise the numbers of one send (duplicates dropped) in the executor."""
    return await hass.async_add_executor_job(
        normalize_numbers, list(numbers), DEFAULT_REGION
    )


async def async_normalize_number(hass: HomeAssistant, number: str) -> str:
    """Normalise one number in the executor."""
    return await hass.async_add_executor_job(normalize_number, number, DEFAULT_REGION)


def _text_and_encoding(
    text: str, requested: str | None, policy: EncodingPolicy
) -> tuple[str, Encoding | None]:
    """Apply the per-message encoding, else the policy (None: the text decides).

    gsm_refuse sends as GSM, so the client lists what GSM cannot carry; an explicit
    "gsm7" still replaces characters when the policy is gsm_replace.
    """
    if requested == Encoding.UNICODE:
        return text, Encoding.UNICODE
    if requested == ENCODING_AUTO or (
        requested is None and policy is EncodingPolicy.AUTO
    ):
        return text, None
    if policy is EncodingPolicy.GSM_REPLACE:
        return gsm_replace(text), Encoding.GSM7
    return text, Encoding.GSM7


def _policy(entry: SmsmodeConfigEntry) -> EncodingPolicy:
    return EncodingPolicy(
        entry.options.get(CONF_ENCODING_POLICY, DEFAULT_ENCODING_POLICY)
    )


def _reply_allowed(entry: SmsmodeConfigEntry, requested: bool | None) -> bool:
    if requested is not None:
        return requested
    return bool(entry.options.get(CONF_REPLY_ALLOWED, DEFAULT_REPLY_ALLOWED))


def _sender(
    entry: SmsmodeConfigEntry, requested: str | None, *, reply_allowed: bool
) -> str | None:
    """Return the sender asked for, else the option's unless replies are allowed.

    SMS allowing replies cannot have a custom sender: the option's is then left
    out, while one given for this very message is refused by the client.
    """
    if requested:
        return requested
    if reply_allowed:
        return None
    return str(entry.options.get(CONF_SENDER) or "") or None


def _max_segments(entry: SmsmodeConfigEntry, requested: int | None) -> int:
    return requested or int(entry.options.get(CONF_MAX_SEGMENTS, DEFAULT_MAX_SEGMENTS))


def _reports_wanted(entry: SmsmodeConfigEntry) -> bool:
    return bool(entry.options.get(CONF_DELIVERY_REPORTS, DEFAULT_DELIVERY_REPORTS))


@callback
def async_check_callback_url(
    hass: HomeAssistant, entry: SmsmodeConfigEntry
) -> str | None:
    """Return the URL smsmode can call back, and keep the repair issue in step.

    The issue stands while delivery reports are wanted and there is no such URL
    (replies still come, by polling); it goes as soon as either changes, checked
    at setup and on every send.
    """
    url = async_callback_url(hass, entry.data)
    if url is None and _reports_wanted(entry):
        async_set_no_external_url(hass, entry)
    else:
        async_clear_no_external_url(hass, entry)
    return url


def _callback_urls(
    hass: HomeAssistant, entry: SmsmodeConfigEntry, *, reply_allowed: bool
) -> tuple[str | None, str | None]:
    """Delivery-report and reply URLs, when wanted and smsmode can reach us.

    Without a reachable URL the SMS still goes, and the repair issue says why no
    report will come back.
    """
    if (url := async_check_callback_url(hass, entry)) is None:
        return None, None
    return (url if _reports_wanted(entry) else None), (url if reply_allowed else None)


@callback
def _async_sent(
    entry: SmsmodeConfigEntry,
    sms_id: str,
    recipients: int,
    *,
    reply_allowed: bool = False,
    scheduled_at: datetime | None = None,
    poll_reports: bool = False,
    ref_client: str | None = None,
) -> None:
    """Log the send (no number), expect replies and reports, read the balance.

    Replies to a reply-allowed SMS are expected from when it goes out: reply
    polling reads the list more often for a while from then on. An SMS that went
    without a callback URL while delivery reports are wanted (`poll_reports`)
    has its reports polled instead.
    """
    LOGGER.debug("smsmode accepted %s for %d recipient(s)", sms_id, recipients)
    if (runtime := _runtime(entry)) is None:
        return  # unloaded while smsmode answered: nothing left to follow it
    now = dt_util.utcnow()
    goes_at = max(now, scheduled_at) if scheduled_at else now
    if reply_allowed:
        runtime.reply_poller.async_reply_allowed_sent(goes_at)
    if poll_reports:
        runtime.report_poller.async_sent_without_url(sms_id, goes_at, ref_client)
    runtime.coordinator.async_send_accepted()
    # The balance is read again in the background: the caller does not wait
    # for a second round trip.
    entry.async_create_task(
        runtime.coordinator.hass,
        runtime.coordinator.async_request_refresh(),
        "smsmode balance after a send",
    )


async def async_send_sms(
    hass: HomeAssistant, entry: SmsmodeConfigEntry, request: SmsRequest
) -> SendResult | QueuedSms:
    """Send one SMS to all its recipients in one request, options as defaults.

    With the outbox on, it goes after the SMS queued before it. When smsmode
    cannot take it now (see `outgoing.is_queueable`) it is queued instead and the
    queued SMS is returned: the automation goes on, the outbox sends it later,
    once.
    """
    reply_allowed = _reply_allowed(entry, request.reply_allowed)
    text, encoding = _text_and_encoding(
        compose(request.message, request.title), request.encoding, _policy(entry)
    )
    stop = request.stop or StopOption(entry.options.get(CONF_STOP, DEFAULT_STOP))
    outbox = entry.runtime_data.outbox
    # The turn is taken before anything is awaited: concurrent sends reach
    # smsmode, or the queue, in the order they were asked for.
    async with outbox.turn:
        with translate_errors(hass, entry):
            numbers = await async_normalize_numbers(hass, request.recipients)
            sms = OutgoingSms(
                text=text,
                numbers=tuple(numbers),
                group=request.group or None,
                encoding=encoding,
                reply_allowed=reply_allowed,
                sender=_sender(entry, request.sender, reply_allowed=reply_allowed),
                scheduled_at=as_aware(request.scheduled_at)
                if request.scheduled_at
                else None,
                ref_client=request.ref_client or None,
                max_segments=_max_segments(entry, request.max_segments),
                stop=_STOP_MODES[stop],
            )
            try:
                if outbox.enabled and (len(outbox) or not outbox.closed):
                    return await _async_send_in_turn(entry, outbox, sms)
                return await async_deliver(hass, entry, sms)
            except SmsModeError as err:
                # A reload meanwhile gives the entry a new outbox: that one takes it.
                runtime = _runtime(entry)
                if runtime is None:
                    raise
                current = runtime.outbox
                if not (current.enabled and not current.closed and is_queueable(err)):
                    raise
                return await current.async_enqueue(sms, err)


@callback
def _runtime(entry: SmsmodeConfigEntry) -> SmsmodeRuntimeData | None:
    """Return the entry's runtime data, None once an unload has taken it away.

    A send under way when the entry unloads still gets smsmode's answer.
    """
    return getattr(entry, "runtime_data", None)


async def _async_send_in_turn(
    entry: SmsmodeConfigEntry, outbox: SmsmodeOutbox, sms: OutgoingSms
) -> SendResult | QueuedSms:
    """Send behind the queued SMS, or fail in the open during an unload.

    An outbox unloaded with SMS queued hands them, through the store, to the
    outbox the next setup loads; a new SMS cannot go out ahead of them, nor be
    queued in a store this outbox no longer writes.
    """
    try:
        return await outbox.async_send_in_turn(sms)
    except OutboxClosedError:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="account_unloading"
        ) from None


async def async_deliver(
    hass: HomeAssistant, entry: SmsmodeConfigEntry, sms: OutgoingSms
) -> SendResult:
    """Send one prepared SMS now; a failure is the client's `SmsModeError`.

    The callback URLs are worked out now: a queued message gets the URL Home
    Assistant has when it finally goes.
    """
    notification_url, reply_url = _callback_urls(
        hass, entry, reply_allowed=sms.reply_allowed
    )
    result = await entry.runtime_data.client.send_sms(
        sms.text,
        sms.numbers,
        group=sms.group,
        encoding=sms.encoding,
        reply_allowed=sms.reply_allowed,
        sender=sms.sender,
        scheduled_at=sms.scheduled_at,
        ref_client=sms.ref_client,
        max_segments=sms.max_segments,
        stop=sms.stop,
        notification_url=notification_url,
        reply_notification_url=reply_url,
        now=dt_util.utcnow(),
    )
    # smsmode lists it from now on: no queued SMS may take it for itself.
    if (runtime := _runtime(entry)) is not None:
        runtime.outbox.async_claim(result.sms_id, sms.group)
    _async_sent(
        entry,
        result.sms_id,
        len(result.recipients),
        reply_allowed=sms.reply_allowed,
        scheduled_at=sms.scheduled_at,
        poll_reports=notification_url is None and _reports_wanted(entry),
        ref_client=sms.ref_client,
    )
    return result


@callback
def async_follow_up(entry: SmsmodeConfigEntry, sms: OutgoingSms, sms_id: str) -> None:
    """Follow a queued SMS found in the sent list: it went, its answer was lost.

    As after a direct send (`async_deliver`), except that which callback URL the
    lost attempt carried is not known: when delivery reports are wanted they
    are polled, and the inbox fires each once if callbacks come too.
    """
    _async_sent(
        entry,
        sms_id,
        len(sms.numbers),
        reply_allowed=sms.reply_allowed,
        scheduled_at=sms.scheduled_at,
        poll_reports=_reports_wanted(entry),
        ref_client=sms.ref_client,
    )


async def async_send_voice(
    hass: HomeAssistant,
    entry: SmsmodeConfigEntry,
    message: str,
    recipients: Sequence[str],
    *,
    title: str | None = None,
    voice_title: str | None = None,
    scheduled_at: datetime | None = None,
    language: str | None = None,
) -> SendResult:
    """Send a text-to-speech call; `voice_title` is what smsmode reads first."""
    with translate_errors(hass, entry):
        numbers = await async_normalize_numbers(hass, recipients)
        result = await entry.runtime_data.client.send_voice_message(
            compose(message, title),
            numbers,
            title=voice_title or None,
            scheduled_at=as_aware(scheduled_at) if scheduled_at else None,
            language=language,
            now=dt_util.utcnow(),
        )
    _async_sent(entry, result.sms_id, len(result.recipients))
    return result


async def async_send_batch(
    hass: HomeAssistant,
    entry: SmsmodeConfigEntry,
    rows: Sequence[BatchMessage],
    *,
    scheduled_at: datetime | None = None,
) -> SendResult:
    """Send one personalised SMS per row in one sendSMSBatch request.

    Batch files are GSM only: gsm_replace fixes each text, any other policy lets
    the client list what GSM cannot carry.
    """
    if _policy(entry) is EncodingPolicy.GSM_REPLACE:
        rows = [replace(row, message=gsm_replace(row.message)) for row in rows]
    reply_allowed = _reply_allowed(entry, None)
    with translate_errors(hass, entry):
        numbers = await hass.async_add_executor_job(
            normalize_each, [row.number for row in rows], DEFAULT_REGION
        )
        rows = [
            replace(row, number=number)
            for row, number in zip(rows, numbers, strict=True)
        ]
        notification_url, _ = _callback_urls(hass, entry, reply_allowed=False)
        result = await entry.runtime_data.client.send_batch(
            rows,
            reply_allowed=reply_allowed,
            sender=_sender(entry, None, reply_allowed=reply_allowed),
            scheduled_at=as_aware(scheduled_at) if scheduled_at else None,
            max_segments=_max_segments(entry, None),
            notification_url=notification_url,
            now=dt_util.utcnow(),
        )
    _async_sent(
        entry,
        result.sms_id,
        len(result.recipients),
        reply_allowed=reply_allowed,
        scheduled_at=as_aware(scheduled_at) if scheduled_at else None,
        poll_reports=notification_url is None and _reports_wanted(entry),
    )
    return result
