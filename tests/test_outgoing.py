"""What the outbox takes, and how it recognises its SMS in smsmode's sent list."""

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.smsmode.api import (
    Encoding,
    SentSms,
    SmsmodeConnectionError,
    SmsmodeError,
    SmsmodeInternalError,
    SmsmodeInvalidParameterError,
    SmsmodeRateLimitError,
    SmsmodeResponseError,
    SmsmodeUnavailableError,
    StopMode,
)
from custom_components.smsmode.outgoing import (
    OutgoingSms,
    is_queueable,
    may_have_been_sent,
)

FIRST = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
LAST = FIRST + timedelta(minutes=30)


def _sms(**changes: object) -> OutgoingSms:
    values: dict[str, object] = {
        "text": "Server down",
        "numbers": ("33612345678", "33698765432"),
        "group": None,
        "encoding": Encoding.GSM7,
        "reply_allowed": False,
        "sender": None,
        "scheduled_at": None,
        "ref_client": None,
        "max_segments": 5,
        "stop": StopMode.NONE,
    } | changes
    return OutgoingSms(**values)  # type: ignore[arg-type]


def _line(**changes: object) -> SentSms:
    values: dict[str, object] = {
        "sms_id": "abc",
        "sent_at": FIRST + timedelta(minutes=1),
        "text": "Server down",
        "recipient": "33612345678",
        "cost": 2.0,
        "recipient_count": 2,
    } | changes
    return SentSms(**values)  # type: ignore[arg-type]


def _find(
    sms: OutgoingSms, line: SentSms, claimed: set[str] | None = None
) -> str | None:
    return sms.find_in(
        [line], first_attempt=FIRST, last_attempt=LAST, claimed=claimed or set()
    )


def test_the_same_sms_is_found() -> None:
    assert _find(_sms(), _line()) == "abc"
    # Spaces around the text, "+" or a national 0 on the number do not matter.
    assert _find(_sms(), _line(text=" Server down ", recipient="+33612345678")) == "abc"
    assert _find(_sms(), _line(recipient="0698765432")) == "abc"


@pytest.mark.parametrize(
    "line",
    [
        _line(text="Server down: disk full"),
        _line(text="Server up"),
        _line(recipient="33600000000"),
        _line(recipient_count=3),
        _line(sent_at=FIRST - timedelta(minutes=3)),
        _line(sent_at=LAST + timedelta(minutes=3)),
    ],
)
def test_another_sms_is_not(line: SentSms) -> None:
    assert _find(_sms(), line) is None


def test_a_claimed_line_stands_for_one_sms_only() -> None:
    assert _find(_sms(), _line(), claimed={"abc"}) is None


def test_stop_mention_only_when_asked() -> None:
    listed = _line(text="Server down\nSTOP 36034")
    assert _find(_sms(stop=StopMode.ALWAYS), listed) == "abc"
    assert _find(_sms(), listed) is None


def test_international_stop_mention() -> None:
    """Abroad smsmode's mention is a "no-sms.eu" form, not "STOP 36034"."""
    listed = _line(text="Server down no-sms.eu/X7K2")
    assert _find(_sms(stop=StopMode.ALWAYS), listed) == "abc"
    assert _find(_sms(), listed) is None


@pytest.mark.parametrize(
    ("err", "queueable", "maybe_sent"),
    [
        (SmsmodeUnavailableError(50, "Temporairement inaccessible"), True, False),
        (SmsmodeInternalError(31, "Erreur interne"), True, True),
        (SmsmodeInvalidParameterError(35, "Paramètre"), False, False),
        (SmsmodeRateLimitError(None), True, False),
        (SmsmodeConnectionError("refused", may_have_been_sent=False), True, False),
        (SmsmodeConnectionError("cut", may_have_been_sent=True), True, True),
        (SmsmodeResponseError("Expected", "<html>"), True, True),
    ],
)
def test_what_the_outbox_takes(
    err: SmsmodeError, queueable: bool, maybe_sent: bool
) -> None:
    """Trying later can fix these; code 31 and unreadable answers may have gone."""
    assert is_queueable(err) is queueable
    assert may_have_been_sent(err) is maybe_sent


def test_group_and_scheduled_sms() -> None:
    """A group's recipients are unknown; a scheduled SMS is listed at its time."""
    group = _sms(numbers=(), group="family")
    assert _find(group, _line(recipient="33600000000", recipient_count=7)) == "abc"
    when = FIRST + timedelta(days=1)
    scheduled = _sms(scheduled_at=when)
    assert _find(scheduled, _line(sent_at=when + timedelta(minutes=1))) == "abc"
    assert _find(scheduled, _line(sent_at=when + timedelta(minutes=5))) is None
