"""What each smsmode endpoint does with its parameters, and what it answers.

Handlers get an authenticated call and return the reply body: text, or a dict for
the JSON of createAuthorisation.do. Refusals are `ProviderError`s; the HTTP layer
(`api_routes`) turns them into `code | description`.
"""

from collections.abc import Callable
import csv
from dataclasses import dataclass
import io
import re
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from .account import API_KEY_LENGTH, Account
from .clock import MINUTE_FORMAT, format_paris, parse_minute
from .codes import INVALID_PARAMETER, OK, ProviderError, code_reply
from .models import Contact, Message, MessageKind, Recipient, StatusChange, SubAccount
from .numbers import normalize_list, normalize_number
from .statuses import SCHEDULED, SENT, campaign_status, sms_status_description
from .text import MAX_SEGMENTS, Alphabet, compose, decode_wire_text

if TYPE_CHECKING:
    from datetime import datetime

    from .params import RequestParams

API_1_6: Final = "1.6"
API_2_0: Final = "2.0"

type ReplyBody = str | dict[str, Any]

_GET_RECIPIENT_LIMIT: Final = 300
_SMS_CLASSES: Final = frozenset({2, 4, 9})
_BATCH_CLASSES: Final = frozenset({2, 4})
_REPLY_ALLOWED_CLASS: Final = 4
_SENDER: Final = re.compile(r"[!-~]{1,11}")
_PHONE_LIKE: Final = re.compile(r"\+?\d+")
_REF_CLIENT_MAX_LENGTH: Final = 40
_PSEUDO_MAX_LENGTH: Final = 50
_LIST_DEFAULT_COUNT: Final = 50
_SMS_LIST_MAX_COUNT: Final = 10000
_VOICE_LANGUAGES: Final = frozenset({"fr-FR", "en-GB", "de-DE", "es-ES"})
_VOICE_DEFAULT_TITLE: Final = "Ceci est un message de smsmode"
_BATCH_FILE: Final = "fichier"
_SUB_ACCOUNT_DETAILS: Final = (
    "reference",
    "nom",
    "prenom",
    "societe",
    "adresse",
    "ville",
    "codePostal",
    "mobile",
    "telephone",
    "fax",
    "email",
    "date",
)


@dataclass(frozen=True, slots=True)
class ApiCall:
    """An authenticated request: the account, its parameters and HTTP method."""

    account: Account
    params: RequestParams
    method: str


type Handler = Callable[[ApiCall], ReplyBody]

ENDPOINTS: Final[dict[tuple[str, str], Handler]] = {}
# Endpoints reading their parameters from the query string alone (files aside).
QUERY_PARAMETERS_ONLY: Final[set[tuple[str, str]]] = set()


def _endpoint(
    name: str, version: str = API_1_6, *, query_only: bool = False
) -> Callable[[Handler], Handler]:
    """Register a handler for `/http/<version>/<name>`."""

    def register(handler: Handler) -> Handler:
        ENDPOINTS[version, name] = handler
        if query_only:
            QUERY_PARAMETERS_ONLY.add((version, name))
        return handler

    return register


def format_credits(value: float) -> str:
    """Write credits as smsmode does (`212.5`, `100.0`)."""
    return repr(float(value))


def _check(condition: bool) -> None:
    """Code 35 unless `condition` holds."""
    if not condition:
        raise ProviderError(INVALID_PARAMETER)


def _present[T](value: T | None) -> T:
    """Return the value; code 35 when it is missing."""
    if value is None:
        raise ProviderError(INVALID_PARAMETER)
    return value


def _date(params: RequestParams, name: str) -> datetime | None:
    """Read an optional `ddMMyyyy-HH:mm` (Paris) parameter; 35 when malformed."""
    value = params.get(name)
    if value is None:
        return None
    try:
        return parse_minute(value)
    except ValueError:
        raise ProviderError(INVALID_PARAMETER) from None


def _message_class(params: RequestParams, allowed: frozenset[int]) -> int:
    """`classe_msg`, 2 by default; code 35 when not one of `allowed`."""
    message_class = params.integer("classe_msg", 2)
    _check(message_class in allowed)
    return message_class


def _numbers(call: ApiCall, *, group_allowed: bool) -> tuple[list[str], str | None]:
    """Recipients from `numero` or (when allowed) `groupe`, and the group name.

    Exactly one of the two; at most 300 numbers with GET.
    """
    numbers = call.params.get("numero")
    group = call.params.get("groupe") if group_allowed else None
    if group is not None:
        _check(numbers is None)
        return call.account.group_numbers(group), group
    result = normalize_list(_present(numbers))
    _check(bool(result))
    _check(call.method != "GET" or len(result) <= _GET_RECIPIENT_LIMIT)
    return result, None


def _sender(value: str | None, message_class: int) -> str | None:
    """Check a custom sender.

    At most 11 printable characters, no space, not a phone number, never on a
    reply-allowed SMS.
    """
    if value is None:
        return None
    _check(
        message_class != _REPLY_ALLOWED_CLASS
        and _SENDER.fullmatch(value) is not None
        and not _PHONE_LIKE.fullmatch(value)
    )
    return value


def _ref_client(value: str | None) -> str | None:
    """Check a client reference: at most 40 characters."""
    _check(value is None or len(value) <= _REF_CLIENT_MAX_LENGTH)
    return value


def _url(params: RequestParams, name: str) -> str | None:
    """Read an optional absolute http(s) URL."""
    value = params.get(name)
    if value is not None:
        parts = urlsplit(value)
        _check(parts.scheme in ("http", "https") and bool(parts.netloc))
    return value


def _schedule(call: ApiCall) -> tuple[datetime | None, StatusChange]:
    """`date_envoi` when still to come, and the first status it gives recipients.

    A time already past is sent at once, as if no time had been given.
    """
    now = call.account.clock.now()
    scheduled_at = _date(call.params, "date_envoi")
    if scheduled_at is None or scheduled_at <= now:
        return None, StatusChange(SENT, now)
    return scheduled_at, StatusChange(SCHEDULED, now)


@_endpoint("createAuthorisation.do", API_2_0)
def create_authorisation(call: ApiCall) -> ReplyBody:
    """Create a further API key, valid at once."""
    account = call.account
    key = account.add_api_key(account.new_id(API_KEY_LENGTH))
    return {
        "id": key.key_id,
        "accessToken": key.access_token,
        "creationDate": key.created_at.isoformat(timespec="seconds"),
        "state": "ACTIVE",
        "expiration": None,
        "account": account.name,
    }


@_endpoint("sendSMS.do")
def send_sms(call: ApiCall) -> ReplyBody:
    """Send one text to numbers or to a contact group."""
    params = call.params
    message_class = _message_class(params, _SMS_CLASSES)
    text = params.require("message")
    numbers, group = _numbers(call, group_allowed=True)
    sender = _sender(params.get("emetteur"), message_class)
    ref_client = _ref_client(params.get("refClient"))
    max_segments = params.integer("nbr_msg", MAX_SEGMENTS, 1, MAX_SEGMENTS)
    stop = params.integer("stop", 0, 1, 2)
    notification_url = _url(params, "notification_url")
    reply_notification_url = _url(params, "notification_url_reponse")
    scheduled_at, first_status = _schedule(call)
    composed = compose(text, params.alphabet, max_segments, stop)
    message = Message(
        sms_id=call.account.new_id(),
        kind=MessageKind.SMS,
        message_class=message_class,
        text=composed.text,
        recipients=[
            Recipient(
                number,
                composed.text,
                composed.segments,
                sender,
                ref_client,
                [first_status],
            )
            for number in numbers
        ],
        accepted_at=first_status.at,
        scheduled_at=scheduled_at,
        sender=sender,
        ref_client=ref_client,
        group=group,
        max_segments=max_segments,
        stop=stop,
        notification_url=notification_url,
        reply_notification_url=reply_notification_url,
    )
    call.account.accept(message)
    return code_reply("sendSMS.do", OK, message.sms_id)


@_endpoint("sendVoiceMessage.do")
def send_voice_message(call: ApiCall) -> ReplyBody:
    """Send a text-to-speech call: one credit per recipient, text read as is."""
    params = call.params
    text = params.require("message")
    numbers, _ = _numbers(call, group_allowed=False)
    language = params.get("language")
    _check(language is None or language in _VOICE_LANGUAGES)
    scheduled_at, first_status = _schedule(call)
    message = Message(
        sms_id=call.account.new_id(),
        kind=MessageKind.VOICE,
        message_class=None,
        text=text,
        recipients=[
            Recipient(number, text, 1, None, None, [first_status]) for number in numbers
        ],
        accepted_at=first_status.at,
        scheduled_at=scheduled_at,
        title=params.get("title") or _VOICE_DEFAULT_TITLE,
        language=language,
    )
    call.account.accept(message)
    return code_reply("sendVoiceMessage.do", OK, message.sms_id)


def _batch_rows(content: bytes) -> list[dict[str, str]]:
    """Read the ISO-8859-15 CSV file into rows by column name.

    A header naming `numero` and `message` (`emetteur` and `refClient` optional),
    then one row per SMS.
    """
    text = decode_wire_text(content, Alphabet.GSM)
    lines = [
        row
        for row in csv.reader(io.StringIO(text, newline=""))
        if any(cell.strip() for cell in row)
    ]
    _check(len(lines) > 1 and {"numero", "message"} <= set(lines[0]))
    header = lines[0]
    rows = []
    for row in lines[1:]:
        _check(len(row) == len(header))
        rows.append(dict(zip(header, row, strict=True)))
    return rows


@_endpoint("sendSMSBatch.do", query_only=True)
def send_sms_batch(call: ApiCall) -> ReplyBody:
    """Send one SMS per CSV row, each with its own text, sender and reference.

    The parameters come from the query string, the file from the body, as in the
    reference's only example: a form field next to the file is not read. A row's
    empty sender or reference falls back to the request's.
    """
    params = call.params
    _check(call.method == "POST")
    content = _present(params.files.get(_BATCH_FILE))
    message_class = _message_class(params, _BATCH_CLASSES)
    default_sender = _sender(params.get("emetteur"), message_class)
    default_ref_client = _ref_client(params.get("refClient"))
    max_segments = params.integer("nbr_msg", MAX_SEGMENTS, 1, MAX_SEGMENTS)
    notification_url = _url(params, "notification_url")
    scheduled_at, first_status = _schedule(call)
    recipients = []
    for row in _batch_rows(content):
        text = row["message"]
        _check(bool(text))
        composed = compose(text, Alphabet.GSM, max_segments, 0)
        recipients.append(
            Recipient(
                normalize_number(row["numero"]),
                composed.text,
                composed.segments,
                _sender(row.get("emetteur") or None, message_class) or default_sender,
                _ref_client(row.get("refClient") or None) or default_ref_client,
                [first_status],
            )
        )
    message = Message(
        sms_id=call.account.new_id(),
        kind=MessageKind.BATCH,
        message_class=message_class,
        text=recipients[0].text,
        recipients=recipients,
        accepted_at=first_status.at,
        scheduled_at=scheduled_at,
        sender=default_sender,
        ref_client=default_ref_client,
        max_segments=max_segments,
        notification_url=notification_url,
    )
    call.account.accept(message)
    return code_reply("sendSMSBatch.do", OK, message.sms_id)


@_endpoint("compteRendu.do")
def delivery_report(call: ApiCall) -> ReplyBody:
    """Per-recipient statuses: `33600000000 11 | 33611111111 13`."""
    message = call.account.find_recent(call.params.require("smsID"))
    return " | ".join(
        f"{recipient.number} {recipient.status}" for recipient in message.recipients
    )


@_endpoint("credit.do")
def credit(call: ApiCall) -> ReplyBody:
    """Answer the bare balance."""
    return format_credits(call.account.balance)


@_endpoint("createSubAccount.do")
def create_sub_account(call: ApiCall) -> ReplyBody:
    """Create a sub-account with no credits."""
    params = call.params
    pseudo = params.require("newPseudo")
    _check(len(pseudo) <= _PSEUDO_MAX_LENGTH)
    details = {
        name: value
        for name in _SUB_ACCOUNT_DETAILS
        if (value := params.get(name)) is not None
    }
    call.account.create_sub_account(
        SubAccount(pseudo, params.require("newPass"), details=details)
    )
    return code_reply("createSubAccount.do", OK)


@_endpoint("creditTransfert.do")
def credit_transfer(call: ApiCall) -> ReplyBody:
    """Move a whole number of credits to a sub-account."""
    params = call.params
    target = params.require("targetPseudo")
    amount = params.require("creditAmount")
    _check(amount.isascii() and amount.isdigit() and int(amount) > 0)
    call.account.transfer(target, int(amount))
    return code_reply("creditTransfert.do", OK)


@_endpoint("addContact.do")
def add_contact(call: ApiCall) -> ReplyBody:
    """Add a contact; its groups are created when missing."""
    params = call.params
    groups = params.get("groupes") or ""
    call.account.add_contact(
        Contact(
            last_name=params.require("nom"),
            mobile=normalize_number(params.require("mobile")),
            first_name=params.get("prenom"),
            groups=tuple(
                dict.fromkeys(
                    name.strip() for name in groups.split(",") if name.strip()
                )
            ),
            company=params.get("societe"),
            other=params.get("other"),
            birth_date=params.get("date"),
        )
    )
    return code_reply("addContact.do", OK)


@_endpoint("deleteSMS.do")
def delete_sms(call: ApiCall) -> ReplyBody:
    """Delete by `smsID`, else the newest SMS sent to `numero`."""
    sms_id = call.params.get("smsID")
    number = call.params.get("numero")
    _check(sms_id is not None or number is not None)
    call.account.delete(
        sms_id=sms_id,
        number=None
        if sms_id is not None or number is None
        else normalize_number(number),
    )
    return code_reply("deleteSMS.do", OK)


@_endpoint("smsList.do")
def sms_list(call: ApiCall) -> ReplyBody:
    """Sent messages, newest first: `smsId | date | text | recipient | cost | count |`.

    One line per message; a message to several numbers shows the first.
    """
    start = call.params.integer("start", 0)
    count = call.params.integer("offset", _LIST_DEFAULT_COUNT, 0, _SMS_LIST_MAX_COUNT)
    messages = list(call.account.live_messages())[start : start + count]
    return "\n".join(
        f"{message.sms_id} | {format_paris(message.sent_at, MINUTE_FORMAT)} | "
        f"{message.text} | {message.numbers[0]} | {format_credits(message.cost)} | "
        f"{len(message.recipients)} |"
        for message in messages
    )


@_endpoint("smsStatus.do")
def sms_status(call: ApiCall) -> ReplyBody:
    """Answer the message's status (the campaign's for several recipients)."""
    message = call.account.find_recent(call.params.require("smsID"))
    status = campaign_status([recipient.status for recipient in message.recipients])
    return f"{status} | {sms_status_description(status)}"


@_endpoint("responseList.do")
def response_list(call: ApiCall) -> ReplyBody:
    """Inbound replies, newest first, by page or between two dates (inclusive).

    A reply shows only once its `listed_at` has come (`reply_list_lag`).
    `startDate` and `endDate` go together and exclude `start`/`offset`.
    """
    params = call.params
    start_date = _date(params, "startDate")
    end_date = _date(params, "endDate")
    now = call.account.clock.now()
    replies = [
        reply
        for reply in reversed(call.account.replies)
        if reply.listed_at is None or reply.listed_at <= now
    ]
    if start_date is None and end_date is None:
        start = params.integer("start", 0)
        count = params.integer("offset", _LIST_DEFAULT_COUNT)
        replies = replies[start : start + count]
    else:
        _check(params.get("start") is None and params.get("offset") is None)
        first, last = _present(start_date), _present(end_date)
        replies = [
            reply
            for reply in replies
            if first <= reply.received_at.replace(second=0, microsecond=0) <= last
        ]
    return "\n".join(
        " | ".join(
            (
                reply.response_id,
                format_paris(reply.received_at, MINUTE_FORMAT),
                reply.sender,
                reply.text,
                reply.recipient,
                reply.sms_id or "",
            )
        )
        for reply in replies
    )
