"""Assist by SMS's rules on text and counts: STOP, secret word, cut, limits."""

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.smsmode.api import analyse
from custom_components.smsmode.assist_limits import Allowance, AssistLimits
from custom_components.smsmode.assist_text import (
    ELLIPSIS,
    Prepare,
    cut_to_fit,
    is_stop,
    without_secret,
)
from custom_components.smsmode.const import CONF_MAX_SEGMENTS, CONF_STOP
from custom_components.smsmode.outgoing import OutgoingSms
from custom_components.smsmode.request import AccountOptions, SmsRequest

NUMBER = "33612345678"


@pytest.mark.parametrize(
    "message",
    ["STOP", "stop", " Stop. ", "ARRÊT", "arret !", "Arrêt", "STOP 36034"],
)
def test_stop_words(message: str) -> None:
    """STOP or ARRÊT alone, any case, accents optional, with the short code."""
    assert is_stop(message)


@pytest.mark.parametrize(
    "message", ["stop the music", "STOP ALARM", "stopped", "arrête", "", "non"]
)
def test_not_stop(message: str) -> None:
    """Anything more is a request for Assist, not an opt-out."""
    assert not is_stop(message)


@pytest.mark.parametrize(
    ("message", "secret", "expected"),
    [
        ("turn on the light", None, "turn on the light"),
        ("Sesame turn on the light", "sesame", "turn on the light"),
        ("SÉSAME, turn on the light", "sesame", "turn on the light"),
        ("sesame:  lights off", "Sesame", "lights off"),
        ("sesame", "sesame", ""),
        ("sesames turn on", "sesame", None),
        ("turn on sesame", "sesame", None),
        ("", "sesame", None),
    ],
)
def test_secret_word(message: str, secret: str | None, expected: str | None) -> None:
    """The secret word starts the message, whole; the request follows it."""
    assert without_secret(message, secret) == expected


def _prepare(options: dict[str, object]) -> Prepare:
    account = AccountOptions(options)

    def prepare(text: str) -> OutgoingSms:
        request = SmsRequest(
            message=text, recipients=[NUMBER], reply_allowed=True, encoding="gsm7"
        )
        return account.outgoing(request, [NUMBER])

    return prepare


def test_short_answer_kept() -> None:
    """An answer that fits goes as it is."""
    prepare = _prepare({CONF_MAX_SEGMENTS: 1})
    assert cut_to_fit("Turned on the light", prepare) == "Turned on the light"


@pytest.mark.parametrize("max_segments", [1, 2, 5])
def test_long_answer_cut_at_a_word(max_segments: int) -> None:
    """A long answer is cut after a whole word, ends with "...", and fits."""
    words = " ".join(f"word{i}" for i in range(400))
    prepare = _prepare({CONF_MAX_SEGMENTS: max_segments})
    cut = cut_to_fit(words, prepare)
    assert cut.endswith(ELLIPSIS)
    body = cut.removesuffix(ELLIPSIS)
    assert words.startswith(body)
    assert words[len(body)] == " "  # cut before a space: the word is whole
    assert analyse(cut).segments == max_segments
    # One more word would not have fitted.
    longer = words[: words.index(" ", len(body) + 1)] + ELLIPSIS
    assert analyse(longer).segments > max_segments


def test_cut_counts_the_stop_mention() -> None:
    """Leave room for smsmode's STOP mention."""
    words = " ".join(f"w{i}" for i in range(200))
    prepare = _prepare({CONF_MAX_SEGMENTS: 1, CONF_STOP: "always"})
    cut = cut_to_fit(words, prepare)
    assert len(cut) <= 160 - 11


def test_one_huge_word_cut_inside() -> None:
    """A word longer than the SMS allows is cut inside."""
    prepare = _prepare({CONF_MAX_SEGMENTS: 1})
    cut = cut_to_fit("x" * 500, prepare)
    assert cut == "x" * (160 - len(ELLIPSIS)) + ELLIPSIS


def test_limits_tell_once_then_silent() -> None:
    """Past the hourly limit: one notice, then silence, then answers again."""
    limits = AssistLimits(hourly=2, daily=10)
    start = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
    assert limits.allow(NUMBER, start) is Allowance.ANSWER
    assert limits.allow(NUMBER, start + timedelta(minutes=1)) is Allowance.ANSWER
    assert limits.allow(NUMBER, start + timedelta(minutes=2)) is Allowance.TELL_LIMIT
    assert limits.allow(NUMBER, start + timedelta(minutes=3)) is Allowance.SILENT
    # Another number has its own count.
    assert limits.allow("33698765432", start) is Allowance.ANSWER
    # An hour after the first message, one fits again.
    assert limits.allow(NUMBER, start + timedelta(minutes=60)) is Allowance.ANSWER
    assert limits.allow(NUMBER, start + timedelta(minutes=61)) is Allowance.ANSWER
    assert limits.allow(NUMBER, start + timedelta(minutes=62)) is Allowance.TELL_LIMIT


def test_daily_cap() -> None:
    """The daily cap counts 24 hours back, whatever the hourly limit."""
    limits = AssistLimits(hourly=10, daily=3)
    start = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
    for hour in range(3):
        assert limits.allow(NUMBER, start + timedelta(hours=hour)) is Allowance.ANSWER
    assert limits.allow(NUMBER, start + timedelta(hours=5)) is Allowance.TELL_LIMIT
    assert limits.allow(NUMBER, start + timedelta(hours=6)) is Allowance.SILENT
    assert limits.allow(NUMBER, start + timedelta(hours=24)) is Allowance.ANSWER
