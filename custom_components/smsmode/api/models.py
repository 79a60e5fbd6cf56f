"""Typed, immutable results of the smsmode API.

Dates are aware datetimes in Europe/Paris; numbers are international digits without
"+", as smsmode writes them; statuses are the annex codes (see `status.py`) kept as
plain ints so a code missing from the annex still fits.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from .message import Encoding


@dataclass(frozen=True, slots=True)
class CodeReply:
    """The `code | description | id` reply of most endpoints (`id` on success)."""

    code: int
    description: str
    id: str | None


@dataclass(frozen=True, slots=True)
class SendResult:
    """What smsmode accepted: the SMS (or campaign) id and what it will cost.

    `segments` is the number of SMS per recipient (the `nbr_msg` sent) and `units`
    the length counted in `encoding`; for a batch, the longest row's. A voice message
    has no SMS encoding: `encoding` is None, `segments` 1.
    """

    sms_id: str
    recipients: tuple[str, ...]
    segments: int
    encoding: Encoding | None
    units: int


@dataclass(frozen=True, slots=True)
class DeliveryReportEntry:
    """The status of one recipient in a delivery report."""

    number: str
    status: int


@dataclass(frozen=True, slots=True)
class SentSms:
    """One line of the sent-SMS list."""

    sms_id: str
    sent_at: datetime
    text: str
    recipient: str
    cost: float
    recipient_count: int


@dataclass(frozen=True, slots=True)
class Reply:
    """One inbound reply of the replies list (`sms_id` of the SMS it answers)."""

    response_id: str
    received_at: datetime
    sender: str
    text: str
    recipient: str
    sms_id: str | None


@dataclass(frozen=True, slots=True)
class SmsStatus:
    """The status of an SMS (of the campaign when it had several recipients)."""

    status: int
    description: str


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A new API key. Its token is a secret: it is left out of `repr`.

    The reference does not say how dates and states are written, so they are kept
    as the text smsmode sent.
    """

    id: str
    access_token: str = field(repr=False)
    creation_date: str
    state: str
    expiration: str
    account: str


@dataclass(frozen=True, slots=True)
class BatchMessage:
    """One row of a batch send: its own number, text and optional sender and tag."""

    number: str
    message: str
    sender: str | None = None
    ref_client: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryCallback:
    """A delivery-report callback smsmode sends to `notification_url`.

    `number`, `status` and `sms_id` identify it; the other fields are None when
    smsmode left them out or sent something unreadable, named in `unread`.
    """

    number: str
    status: int
    received_at: datetime | None
    sms_id: str
    ref_client: str | None
    mcc_mnc: str | None
    cost: float | None
    unread: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReplyCallback:
    """An inbound-reply callback (`sender` replied to the SMS `sms_id`).

    `response_id`, `sender` and `message` make it; the other fields are None when
    smsmode left them out or sent something unreadable, named in `unread`.
    """

    smsmode_number: str | None
    message: str
    sender: str
    received_at: datetime | None
    sms_id: str | None
    ref_client: str | None
    response_id: str
    unread: tuple[str, ...] = ()
