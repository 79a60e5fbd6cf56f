"""Requests the client refuses before sending: nothing reaches the network."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aiosmsmode import (
    BatchMessage,
    Encoding,
    SmsmodeBatchRowError,
    SmsmodeClient,
    SmsmodeEncodingError,
    SmsmodeInvalidNumberError,
    SmsmodeInvalidScheduleError,
    SmsmodeInvalidSenderError,
    SmsmodeMessageTooLongError,
    SmsmodeValidationError,
    StopMode,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class NoNetwork:
    """A session that fails the test if the client tries to send anything."""

    def post(self, *args: object, **kwargs: object) -> None:
        """Fail: validation should have stopped the request."""
        pytest.fail("the client sent a request it should have refused")


@pytest.fixture
def client() -> SmsmodeClient:
    return SmsmodeClient(NoNetwork(), "secret-key", base_url="http://127.0.0.1:9")  # type: ignore[arg-type]


type Call = Callable[[SmsmodeClient], Awaitable[Any]]

CASES: list[tuple[str, Call, type[SmsmodeValidationError], str]] = [
    ("group and numbers", lambda c: c.send_sms("Hi", ["0612345678"], group="Team"), SmsmodeValidationError, "invalid_recipients"),
    ("blank group", lambda c: c.send_sms("Hi", group="  "), SmsmodeValidationError, "invalid_recipients"),
    ("no recipient", lambda c: c.send_sms("Hi", []), SmsmodeValidationError, "invalid_recipients"),
    ("invalid numbers", lambda c: c.send_sms("Hi", ["0612345678", "12", "abc"]), SmsmodeInvalidNumberError, "invalid_number"),
    ("empty message", lambda c: c.send_sms("", ["0612345678"]), SmsmodeValidationError, "empty_message"),
    ("max_segments 0", lambda c: c.send_sms("Hi", ["0612345678"], max_segments=0), SmsmodeValidationError, "invalid_max_segments"),
    ("max_segments 6", lambda c: c.send_sms("Hi", ["0612345678"], max_segments=6), SmsmodeValidationError, "invalid_max_segments"),
    ("too long GSM", lambda c: c.send_sms("a" * 766, ["0612345678"]), SmsmodeMessageTooLongError, "message_too_long"),
    ("too long for max", lambda c: c.send_sms("a" * 161, ["0612345678"], max_segments=1), SmsmodeMessageTooLongError, "message_too_long"),
    ("too long Unicode", lambda c: c.send_sms("😀" * 168, ["0612345678"]), SmsmodeMessageTooLongError, "message_too_long"),
    ("too long with STOP", lambda c: c.send_sms("a" * 150, ["0612345678"], stop=StopMode.ALWAYS, max_segments=1), SmsmodeMessageTooLongError, "message_too_long"),
    ("explicit GSM", lambda c: c.send_sms("Ça 😀", ["0612345678"], encoding=Encoding.GSM7), SmsmodeEncodingError, "non_gsm_characters"),
    ("reply non-GSM", lambda c: c.send_sms("Répondez 👍", ["0612345678"], reply_allowed=True), SmsmodeEncodingError, "reply_requires_gsm"),
    ("reply sender", lambda c: c.send_sms("Hi", ["0612345678"], reply_allowed=True, sender="Shop"), SmsmodeInvalidSenderError, "sender_with_reply"),
    ("bad sender", lambda c: c.send_sms("Hi", ["0612345678"], sender="My Shop"), SmsmodeInvalidSenderError, "invalid_sender"),
    ("numeric sender", lambda c: c.send_sms("Hi", ["0612345678"], sender="0612345678"), SmsmodeInvalidSenderError, "invalid_sender"),
    ("long ref", lambda c: c.send_sms("Hi", ["0612345678"], ref_client="r" * 41), SmsmodeValidationError, "invalid_ref_client"),
    ("past", lambda c: c.send_sms("Hi", ["0612345678"], scheduled_at=NOW - timedelta(minutes=1), now=NOW), SmsmodeInvalidScheduleError, "past_datetime"),
    ("naive", lambda c: c.send_sms("Hi", ["0612345678"], scheduled_at=datetime(2030, 1, 1), now=NOW), SmsmodeInvalidScheduleError, "naive_datetime"),  # noqa: DTZ001
    ("voice no recipient", lambda c: c.send_voice_message("Bonjour", []), SmsmodeValidationError, "invalid_recipients"),
    ("voice empty", lambda c: c.send_voice_message("", ["0612345678"]), SmsmodeValidationError, "empty_message"),
    ("voice language", lambda c: c.send_voice_message("Bonjour", ["0612345678"], language="fr"), SmsmodeValidationError, "invalid_language"),
    ("voice emoji", lambda c: c.send_voice_message("Bonjour 😀", ["0612345678"]), SmsmodeEncodingError, "non_latin9_characters"),
    ("voice title", lambda c: c.send_voice_message("Bonjour", ["0612345678"], title="Привет"), SmsmodeEncodingError, "non_latin9_characters"),
    ("voice past", lambda c: c.send_voice_message("Bonjour", ["0612345678"], scheduled_at=NOW - timedelta(days=1), now=NOW), SmsmodeInvalidScheduleError, "past_datetime"),
    ("batch empty", lambda c: c.send_batch([]), SmsmodeValidationError, "invalid_recipients"),
    ("batch numbers", lambda c: c.send_batch([BatchMessage("12", "a"), BatchMessage("0612345678", "b"), BatchMessage("x", "c")]), SmsmodeInvalidNumberError, "invalid_number"),
    ("batch non-GSM", lambda c: c.send_batch([BatchMessage("0612345678", "ça"), BatchMessage("0611111111", "😀")]), SmsmodeEncodingError, "non_gsm_characters"),
    ("batch too long", lambda c: c.send_batch([BatchMessage("0612345678", "a"), BatchMessage("0611111111", "a" * 307)], max_segments=2), SmsmodeMessageTooLongError, "message_too_long"),
    ("batch empty text", lambda c: c.send_batch([BatchMessage("0612345678", "")]), SmsmodeValidationError, "empty_message"),
    ("batch row sender reply", lambda c: c.send_batch([BatchMessage("0612345678", "a", "Shop")], reply_allowed=True), SmsmodeInvalidSenderError, "sender_with_reply"),
    ("batch sender reply", lambda c: c.send_batch([BatchMessage("0612345678", "a")], reply_allowed=True, sender="Shop"), SmsmodeInvalidSenderError, "sender_with_reply"),
    ("batch row ref", lambda c: c.send_batch([BatchMessage("0612345678", "a", None, "r" * 41)]), SmsmodeValidationError, "invalid_ref_client"),
    ("batch past", lambda c: c.send_batch([BatchMessage("0612345678", "a")], scheduled_at=NOW - timedelta(seconds=1), now=NOW), SmsmodeInvalidScheduleError, "past_datetime"),
    ("list start", lambda c: c.list_sent_sms(start=-1), SmsmodeValidationError, "invalid_range"),
    ("list count 0", lambda c: c.list_sent_sms(count=0), SmsmodeValidationError, "invalid_range"),
    ("list count max", lambda c: c.list_sent_sms(count=10001), SmsmodeValidationError, "invalid_range"),
    ("replies mixed", lambda c: c.list_replies(start=0, start_date=NOW, end_date=NOW), SmsmodeValidationError, "invalid_range"),
    ("replies one date", lambda c: c.list_replies(start_date=NOW), SmsmodeValidationError, "invalid_range"),
    ("replies end only", lambda c: c.list_replies(end_date=NOW), SmsmodeValidationError, "invalid_range"),
    ("replies start", lambda c: c.list_replies(start=-1), SmsmodeValidationError, "invalid_range"),
    ("replies count", lambda c: c.list_replies(count=0), SmsmodeValidationError, "invalid_range"),
    ("replies naive", lambda c: c.list_replies(start_date=datetime(2026, 1, 1), end_date=NOW), SmsmodeInvalidScheduleError, "naive_datetime"),  # noqa: DTZ001
    ("delete neither", lambda c: c.delete_sms(), SmsmodeValidationError, "invalid_value"),
    ("delete both", lambda c: c.delete_sms(sms_id="a", number="0612345678"), SmsmodeValidationError, "invalid_value"),
    ("delete bad number", lambda c: c.delete_sms(number="12"), SmsmodeInvalidNumberError, "invalid_number"),
    ("contact number", lambda c: c.add_contact("Dupond", "12"), SmsmodeInvalidNumberError, "invalid_number"),
    ("contact group comma", lambda c: c.add_contact("Dupond", "0612345678", groups=["a,b"]), SmsmodeValidationError, "invalid_value"),
    ("contact group blank", lambda c: c.add_contact("Dupond", "0612345678", groups=[""]), SmsmodeValidationError, "invalid_value"),
    ("transfer zero", lambda c: c.transfer_credits("sub", 0), SmsmodeValidationError, "invalid_amount"),
    ("transfer negative", lambda c: c.transfer_credits("sub", -5), SmsmodeValidationError, "invalid_amount"),
    ("transfer bool", lambda c: c.transfer_credits("sub", True), SmsmodeValidationError, "invalid_amount"),
    ("sub pseudo long", lambda c: c.create_sub_account("p" * 51, "pw"), SmsmodeValidationError, "invalid_value"),
    ("sub pseudo empty", lambda c: c.create_sub_account("", "pw"), SmsmodeValidationError, "invalid_value"),
    ("sub password", lambda c: c.create_sub_account("sub", ""), SmsmodeValidationError, "invalid_value"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "error", "reason"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_refused_before_sending(
    client: SmsmodeClient,
    call: Call,
    error: type[SmsmodeValidationError],
    reason: str,
) -> None:
    with pytest.raises(error) as err:
        await call(client)
    assert err.value.reason == reason
    assert not err.value.retryable
    assert "secret-key" not in str(err.value)


async def test_every_invalid_number_listed(client: SmsmodeClient) -> None:
    with pytest.raises(SmsmodeInvalidNumberError) as err:
        await client.send_sms("Hi", ["0612345678", "12", "06 12", "abc"])
    assert err.value.numbers == ("12", "06 12", "abc")


@pytest.mark.parametrize(
    ("texts", "row"),
    [
        (["Bonjour\nà demain", "b"], 1),
        (["a", "b", "Bonjour\r\nà demain"], 3),
        (["a", "Bonjour\rà demain"], 2),
    ],
)
async def test_batch_row_with_a_line_break_is_refused_and_named(
    client: SmsmodeClient, texts: list[str], row: int
) -> None:
    rows = [BatchMessage("0612345678", text) for text in texts]
    with pytest.raises(SmsmodeBatchRowError) as err:
        await client.send_batch(rows)
    assert (err.value.reason, err.value.row) == ("batch_row_line_break", row)


async def test_batch_lists_every_non_gsm_character(client: SmsmodeClient) -> None:
    with pytest.raises(SmsmodeEncodingError) as err:
        await client.send_batch(
            [BatchMessage("0612345678", "ça"), BatchMessage("0611111111", "😀 ça")]
        )
    assert err.value.characters == ("ç", "😀")
