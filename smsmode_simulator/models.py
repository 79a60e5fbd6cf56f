"""What the simulated account holds, kept as plain records tests can assert on."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from .statuses import SCHEDULED

if TYPE_CHECKING:
    from datetime import datetime


class MessageKind(StrEnum):
    """Which endpoint made a message."""

    SMS = "sms"
    VOICE = "voice"
    BATCH = "batch"


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A recipient's status from a moment on."""

    status: int
    at: datetime


@dataclass(slots=True)
class Recipient:
    """One recipient of a message, with its own text (batch rows differ) and history."""

    number: str
    text: str
    segments: int
    sender: str | None
    ref_client: str | None
    history: list[StatusChange]

    @property
    def status(self) -> int:
        """The current status."""
        return self.history[-1].status

    @property
    def last_change(self) -> datetime:
        """When the status last changed."""
        return self.history[-1].at

    def set_status(self, status: int, at: datetime) -> None:
        """Record a new status."""
        self.history.append(StatusChange(status, at))


@dataclass(slots=True)
class Message:
    """An accepted SMS, voice message or batch campaign.

    `text` is what the phones get (after "?" replacement, cutting and STOP); for a
    batch, each recipient has its own and `text` is the first row's.
    """

    sms_id: str
    kind: MessageKind
    message_class: int | None
    text: str
    recipients: list[Recipient]
    accepted_at: datetime
    scheduled_at: datetime | None = None
    sender: str | None = None
    ref_client: str | None = None
    group: str | None = None
    max_segments: int | None = None
    stop: int = 0
    notification_url: str | None = None
    reply_notification_url: str | None = None
    title: str | None = None
    language: str | None = None
    deleted: bool = False

    @property
    def numbers(self) -> list[str]:
        """The recipients' numbers, in order."""
        return [recipient.number for recipient in self.recipients]

    @property
    def statuses(self) -> dict[str, int]:
        """Current status per number."""
        return {recipient.number: recipient.status for recipient in self.recipients}

    @property
    def segments(self) -> int:
        """SMS per recipient (the longest row's for a batch)."""
        return max(recipient.segments for recipient in self.recipients)

    @property
    def cost(self) -> int:
        """Credits debited: one per SMS per recipient."""
        return sum(recipient.segments for recipient in self.recipients)

    @property
    def sent_at(self) -> datetime:
        """When it goes (or went) out: the scheduled time, else acceptance."""
        return self.scheduled_at or self.accepted_at

    @property
    def pending(self) -> bool:
        """Whether it still waits for its scheduled time."""
        return self.recipients[0].status == SCHEDULED


@dataclass(frozen=True, slots=True)
class InboundReply:
    """An SMS a recipient sent back, attached to the message it answers (if any)."""

    response_id: str
    received_at: datetime
    sender: str
    text: str
    recipient: str
    sms_id: str | None
    ref_client: str | None
    # When smsmode's list shows it: its callback may come before (a lagging list).
    listed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """An address-book entry made by addContact.do."""

    last_name: str
    mobile: str
    first_name: str | None = None
    groups: tuple[str, ...] = ()
    company: str | None = None
    other: str | None = None
    birth_date: str | None = None


@dataclass(slots=True)
class SubAccount:
    """A sub-account made by createSubAccount.do, with its own credits."""

    pseudo: str
    password: str
    balance: float = 0.0
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key of the account (the first one, or one createAuthorisation.do made)."""

    key_id: int
    access_token: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """An API request as it arrived, raw and decoded, for assertions.

    `query_string` and `body` are untouched bytes-on-the-wire (so a test can check
    the key never appears in a URL); `params` are the decoded values (the first one
    when a name repeats, `message` decoded by `classe_msg`).
    """

    method: str
    path: str
    endpoint: str
    query_string: str
    body: bytes
    content_type: str
    params: dict[str, str]


@dataclass(frozen=True, slots=True)
class CallbackRecord:
    """A callback the simulator made: delivery report or inbound reply.

    `status` is the HTTP status answered, None when the call failed (`error`).
    """

    kind: str
    url: str
    params: dict[str, str]
    status: int | None
    error: str | None = None
