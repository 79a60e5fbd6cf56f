"""The exception tree: codes, descriptions, retryability and messages."""

import pytest

from aiosmsmode.exceptions import (
    SmsmodeApiError,
    SmsmodeAuthenticationError,
    SmsmodeConnectionError,
    SmsmodeEncodingError,
    SmsmodeError,
    SmsmodeIdentifierError,
    SmsmodeInsufficientCreditsError,
    SmsmodeInternalError,
    SmsmodeInvalidNumberError,
    SmsmodeInvalidParameterError,
    SmsmodeMessageTooLongError,
    SmsmodeNotFoundError,
    SmsmodeResponseError,
    SmsmodeUnavailableError,
    SmsmodeValidationError,
    api_error,
)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (31, SmsmodeInternalError),
        (32, SmsmodeAuthenticationError),
        (33, SmsmodeInsufficientCreditsError),
        (35, SmsmodeInvalidParameterError),
        (41, SmsmodeIdentifierError),
        (50, SmsmodeUnavailableError),
        (61, SmsmodeNotFoundError),
    ],
)
def test_api_error_mapping(code: int, error: type[SmsmodeApiError]) -> None:
    exc = api_error(code, "description")
    assert type(exc) is error
    assert isinstance(exc, SmsmodeApiError)
    assert isinstance(exc, SmsmodeError)
    assert (exc.code, exc.description) == (code, "description")
    assert str(exc) == f"smsmode error {code}: description"
    assert exc.retryable is (code == 50)


def test_unknown_code_is_the_base_api_error() -> None:
    exc = api_error(99, "?")
    assert type(exc) is SmsmodeApiError
    assert not exc.retryable


def test_connection_error_retryable_only_when_not_sent() -> None:
    assert SmsmodeConnectionError("refused", may_have_been_sent=False).retryable
    maybe = SmsmodeConnectionError("timeout", may_have_been_sent=True)
    assert not maybe.retryable
    assert maybe.code is None
    assert str(maybe) == "timeout"


def test_validation_errors_are_not_retryable() -> None:
    exc = SmsmodeInvalidNumberError(["12", "ab"])
    assert isinstance(exc, SmsmodeValidationError)
    assert not exc.retryable
    assert exc.reason == "invalid_number"
    assert str(exc) == "Invalid phone number(s): 12, ab"


def test_too_long_error_fields() -> None:
    exc = SmsmodeMessageTooLongError(
        units=800, segments=6, max_segments=5, encoding="gsm7"
    )
    assert (exc.units, exc.segments, exc.max_segments, exc.encoding, exc.reason) == (
        800,
        6,
        5,
        "gsm7",
        "message_too_long",
    )
    assert "6 SMS" in str(exc)


def test_encoding_error_lists_characters() -> None:
    exc = SmsmodeEncodingError(["ç", "\t"])
    assert exc.characters == ("ç", "\t")
    assert exc.reason == "non_gsm_characters"
    assert str(exc) == "Characters not in the GSM set: 'ç' '\\t'"
    assert str(SmsmodeEncodingError([], reason="x", description="Only GSM")) == (
        "Only GSM"
    )


def test_response_error_excerpt() -> None:
    short = SmsmodeResponseError("Bad", "oops")
    assert (short.excerpt, str(short)) == ("oops", "Bad: 'oops'")
    long = SmsmodeResponseError("Bad", "y" * 200)
    assert long.excerpt == "y" * 80 + "…"
