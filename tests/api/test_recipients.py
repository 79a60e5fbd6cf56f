"""Numbers, sender and client reference are checked before anything is sent."""

import pytest

from aiosmsmode import recipients
from aiosmsmode.exceptions import (
    SmsmodeInvalidNumberError,
    SmsmodeInvalidSenderError,
    SmsmodeValidationError,
)
from aiosmsmode.recipients import (
    normalize_each,
    normalize_number,
    normalize_numbers,
    validate_ref_client,
    validate_sender,
)


@pytest.mark.parametrize(
    "raw",
    [
        "0612345678",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "+33612345678",
        "+33 6 12 34 56 78",
        "0033612345678",
        "0033 6 12 34 56 78",
        "33612345678",
        "612345678",
        " 06 12 34 56 78 ",
        "(0)6 12 34 56 78",
    ],
)
def test_french_forms(raw: str) -> None:
    assert normalize_number(raw) == "33612345678"


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+44 7911 123456", "FR", "447911123456"),
        ("447911123456", "FR", "447911123456"),
        ("0044 7911 123456", "FR", "447911123456"),
        ("07911 123456", "GB", "447911123456"),
        ("(202) 555-0123", "US", "12025550123"),
        ("+1 202 555 0123", "FR", "12025550123"),
        ("+39 06 1234 5678", "FR", "390612345678"),
        ("0470 12 34 56", "BE", "32470123456"),
    ],
)
def test_other_regions(raw: str, region: str, expected: str) -> None:
    assert normalize_number(raw, region) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12",
        "abc",
        "06 12 34 56 7a",
        "0033",
        "+33 6",
        "06123456789012",
        "1-800-FLOWERS",
        "0612345678;0611111111",
        "++33612345678",
    ],
)
def test_invalid_numbers(raw: str) -> None:
    with pytest.raises(SmsmodeInvalidNumberError) as err:
        normalize_number(raw)
    assert err.value.numbers == (raw,)
    assert err.value.reason == "invalid_number"


def test_duplicates_removed_order_kept() -> None:
    assert normalize_numbers(
        ["0699887766", "06 12 34 56 78", "+33 6 99 88 77 66", "0033612345678"]
    ) == ["33699887766", "33612345678"]


def test_normalize_each_keeps_duplicates() -> None:
    assert normalize_each(["0612345678", "+33612345678"]) == [
        "33612345678",
        "33612345678",
    ]


def test_every_offender_listed() -> None:
    with pytest.raises(SmsmodeInvalidNumberError) as err:
        normalize_numbers(["0612345678", "12", "0611111111", "abc"])
    assert err.value.numbers == ("12", "abc")
    assert "12, abc" in str(err.value)


def test_single_string_is_one_number() -> None:
    assert normalize_numbers("0612345678") == ["33612345678"]


def test_empty_list() -> None:
    assert normalize_numbers([]) == []


@pytest.mark.parametrize("sender", ["Shop", "ABC123", "A" * 11, "a1", "X"])
def test_valid_senders(sender: str) -> None:
    assert validate_sender(sender) == sender


@pytest.mark.parametrize(
    "sender",
    [
        "",
        "A" * 12,
        "12345",
        "0612345678",
        "Café",
        "My Shop",
        "shop-1",
        "shop_1",
        "Ünited",
    ],
)
def test_invalid_senders(sender: str) -> None:
    with pytest.raises(SmsmodeInvalidSenderError) as err:
        validate_sender(sender)
    assert err.value.reason == "invalid_sender"


@pytest.mark.parametrize("ref", ["x", "x" * 40, "order-42 #7", "~!|"])
def test_valid_ref_client(ref: str) -> None:
    assert validate_ref_client(ref) == ref


@pytest.mark.parametrize("ref", ["", "x" * 41, "a\nb", "tab\there", "réf", "€"])
def test_invalid_ref_client(ref: str) -> None:
    with pytest.raises(SmsmodeValidationError) as err:
        validate_ref_client(ref)
    assert err.value.reason == "invalid_ref_client"


def test_normalised_numbers_are_not_parsed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What normalisation returned is taken as it is: one parse per number."""
    number = normalize_number("06 11 22 33 44")
    assert number == "33611223344"

    def no_parse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(recipients.phonenumbers, "parse", no_parse)
    assert normalize_numbers([number, "06 11 22 33 44"]) == [number]


def test_remembered_numbers_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recipients, "CACHED_NUMBERS", 2)
    monkeypatch.setattr(recipients, "_normalized", {})
    for raw in ("0611223344", "0611223345", "0611223346"):
        normalize_number(raw)
    assert list(recipients._normalized) == ["33611223345", "33611223346"]
