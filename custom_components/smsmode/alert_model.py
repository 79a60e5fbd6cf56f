"""An escalating alert as it is stored: who, in what order, where it stands.

Pure data and rules, no Home Assistant: the chain's steps are worked out from
the contacts, the voice option and the rounds, the same way at every load, so
the store only keeps where the alert stands (the step and when it began) and
what each step sent.
"""

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
import re
from typing import Any, Final, Literal

type Channel = Literal["sms", "voice"]
CHANNEL_SMS: Final = "sms"
CHANNEL_VOICE: Final = "voice"

# The refClient of a step's SMS: smsmode echoes it in delivery reports and the
# sent memory links replies to it, so a queued SMS is known for the alert's
# even before smsmode gives its id.
_REF_PREFIX: Final = "alert-"
_WORD: Final = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class AlertContact:
    """One person of the chain: the name events and SMS show, the number."""

    name: str
    number: str


@dataclass(frozen=True, slots=True)
class AlertStep:
    """One step: which contact, by which channel, in which round (from 1)."""

    contact: AlertContact
    channel: Channel
    round: int


@dataclass(slots=True, kw_only=True)
class StepSent:
    """What a step sent: the SMS id (None while queued, or for a failure)."""

    sms_id: str | None = None
    queued: bool = False
    error: str | None = None


@dataclass(slots=True, kw_only=True)
class Alert:
    """One open alert; `step` is the index of the step under way (from 0)."""

    alert_id: str
    message: str
    contacts: list[AlertContact]
    step_wait: float  # seconds
    word: str
    voice: bool
    rounds: int
    notify_acknowledged: bool
    language: str | None
    started_at: datetime
    step: int = 0
    step_started_at: datetime | None = None
    sent: dict[int, StepSent] = field(default_factory=dict)

    @property
    def steps(self) -> list[AlertStep]:
        """Every step of the chain, in order."""
        channels: list[Channel] = [CHANNEL_SMS]
        if self.voice:
            channels.append(CHANNEL_VOICE)
        return [
            AlertStep(contact, channel, round_)
            for round_ in range(1, self.rounds + 1)
            for contact in self.contacts
            for channel in channels
        ]

    @property
    def text_language(self) -> str | None:
        """The language of the alert's texts: its voice's ("fr-FR": French), if set.

        None is Home Assistant's language.
        """
        return None if self.language is None else self.language.split("-")[0].lower()

    @property
    def current(self) -> AlertStep:
        """The step under way."""
        return self.steps[self.step]

    @property
    def next_step_at(self) -> datetime | None:
        """When the step under way ends, unanswered; None before it began."""
        if self.step_started_at is None:
            return None
        return self.step_started_at + timedelta(seconds=self.step_wait)

    def ref(self, step: int) -> str:
        """Return the refClient of one step's SMS (unique to the alert and the step)."""
        return f"{_REF_PREFIX}{self.alert_id}-{step + 1}"

    def step_of(self, ref_client: str | None, sms_id: str | None) -> int | None:
        """Return the step that sent this SMS, by its refClient, else by its id."""
        for step, sent in self.sent.items():
            if ref_client == self.ref(step) or (
                sms_id is not None and sms_id == sent.sms_id
            ):
                return step
        return None

    def contact_with(self, number: str) -> AlertContact | None:
        """Return the contact of the chain with this number."""
        return next((c for c in self.contacts if c.number == number), None)

    def reached(self, not_sent: Collection[str] = ()) -> list[AlertContact]:
        """Contacts a step already went to, each once, in order.

        Steps whose refClient is in `not_sent` (taken back from the outbox) did
        not reach anyone.
        """
        steps = self.steps
        return list(
            dict.fromkeys(
                steps[step].contact
                for step in sorted(self.sent)
                if self.ref(step) not in not_sent
            )
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form (JSON)."""
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat()
        data["step_started_at"] = (
            None if self.step_started_at is None else self.step_started_at.isoformat()
        )
        data["sent"] = {str(step): asdict(sent) for step, sent in self.sent.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        """Read the stored form back."""
        step_started = data.get("step_started_at")
        return cls(
            alert_id=data["alert_id"],
            message=data["message"],
            contacts=[AlertContact(**contact) for contact in data["contacts"]],
            step_wait=float(data["step_wait"]),
            word=data["word"],
            voice=bool(data["voice"]),
            rounds=int(data["rounds"]),
            notify_acknowledged=bool(data["notify_acknowledged"]),
            language=data.get("language"),
            started_at=datetime.fromisoformat(data["started_at"]),
            step=int(data["step"]),
            step_started_at=None
            if step_started is None
            else datetime.fromisoformat(step_started),
            sent={
                int(step): StepSent(**sent)
                for step, sent in data.get("sent", {}).items()
            },
        )


def is_alert_ref(ref_client: str | None) -> bool:
    """Whether a refClient is that of an alert's SMS (`Alert.ref`)."""
    return ref_client is not None and ref_client.startswith(_REF_PREFIX)


def is_acknowledgement(text: str, word: str) -> bool:
    """Whether a reply's first word is the acknowledgement word, in any case.

    Punctuation around it does not matter ("ok", "OK!", "Ok, on it"), a word
    before it does ("not ok").
    """
    first = _WORD.search(text)
    return first is not None and first.group().casefold() == word.casefold()


def is_word(word: str) -> bool:
    """Whether an acknowledgement word is one word of letters and digits."""
    return _WORD.fullmatch(word) is not None
