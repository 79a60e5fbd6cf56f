"""What a send will be, worked out before anything goes: the preview is this.

`smsmode.preview_sms` and a send build the same plan (sender.py), so a send
right after a preview costs what the preview said: the same options applied,
the same quiet hours, the same analysis the client makes of the text.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from .api import Encoding, MessageAnalysis, SendResult, analyse, non_gsm_characters
from .outbox_store import QueuedSms
from .outgoing import OutgoingSms
from .request import AccountOptions, SmsRequest, compose


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsPlan:
    """One SMS as it will go, what it costs, and why it goes when it does.

    `replaced`: characters the gsm_replace policy replaced; `refused`: those
    the client will refuse (GSM asked for, or replies allowed, with characters
    GSM lacks). `quiet_until`: the end of the quiet hours it was moved to.
    """

    sms: OutgoingSms
    invalid_recipients: tuple[str, ...]
    analysis: MessageAnalysis
    replaced: tuple[str, ...]
    critical: bool
    quiet_until: datetime | None

    @property
    def refused(self) -> tuple[str, ...]:
        """Characters the send would be refused for."""
        if self.analysis.encoding is Encoding.GSM7 or self.sms.reply_allowed:
            return self.analysis.non_gsm
        return ()

    @property
    def parts(self) -> int:
        """SMS parts it costs: per recipient (a group's members are not known)."""
        return self.analysis.segments * max(1, len(self.sms.numbers))

    def to(self, numbers: Sequence[str]) -> SmsPlan:
        """Return the same plan for fewer recipients (the others were suppressed)."""
        return replace(self, sms=replace(self.sms, numbers=tuple(numbers)))


def plan_sms(
    options: AccountOptions,
    request: SmsRequest,
    numbers: Sequence[str],
    *,
    invalid: Sequence[str] = (),
    now: datetime,
) -> SmsPlan:
    """Apply the options and quiet hours to a request, and analyse its text.

    Quiet hours move a non-critical SMS due in them (now, or at the time asked
    for) to their end, unless someone is waiting for it (`awaited`).
    """
    sms = options.outgoing(request, numbers)
    quiet_until = (
        None
        if request.critical or request.awaited
        else options.quiet_hours.end_after(sms.scheduled_at or now)
    )
    if quiet_until is not None:
        sms = replace(sms, scheduled_at=quiet_until)
    original = compose(request.message, request.title)
    return SmsPlan(
        sms=sms,
        invalid_recipients=tuple(invalid),
        analysis=analyse(sms.text, encoding=sms.encoding, stop=sms.stop),
        replaced=tuple(non_gsm_characters(original)) if sms.text != original else (),
        critical=request.critical,
        quiet_until=quiet_until,
    )


@dataclass(frozen=True, slots=True)
class SmsOutcome:
    """What became of a send: sent, queued, or (`result` None) all suppressed.

    `suppressed` maps each recipient the runaway guard held back to why.
    """

    plan: SmsPlan
    result: SendResult | QueuedSms | None
    suppressed: Mapping[str, str]
