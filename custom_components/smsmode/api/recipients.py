"""Validation of recipients, sender and client reference before anything is sent.

Numbers are normalised with `phonenumbers` to international digits without "+", the
form smsmode documents (`336xxxxxxxx`). phonenumbers reads the metadata of a country
from disk the first time a number of that country is seen; the default region's is
loaded when this module is imported, so an import in an executor keeps the usual
case off the event loop.
"""

import functools
import re
from typing import TYPE_CHECKING

import phonenumbers

from .const import DEFAULT_REGION
from .exceptions import (
    SmsmodeInvalidNumberError,
    SmsmodeInvalidSenderError,
    SmsmodeValidationError,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

# Digits with the separators people type; letters (vanity numbers) are refused.
_NUMBER_CHARACTERS = re.compile(r"\+?[\d\s.\-/()]+")
_SENDER = re.compile(r"[A-Za-z0-9]{1,11}")
_REF_CLIENT_MAX_LENGTH = 40
# Numbers whose normalisation is remembered (a send to 10,000 recipients fits).
CACHED_NUMBERS = 16384
# Results of a normalisation: already in the form it gives.
_normalized: dict[str, None] = {}

phonenumbers.PhoneMetadata.metadata_for_region(DEFAULT_REGION)


def _normalize(raw: str, region: str) -> str | None:
    """Return the number as international digits, or None when it is not valid.

    Normalising is idempotent and costly (phonenumbers): what it returned is
    remembered, so a caller that normalises in an executor and hands the result
    to the client, which checks it again, pays for one parse, not two (the
    second, on the event loop, would stall it for a send to thousands).
    """
    if raw in _normalized:
        return raw
    number = _parse(raw, region)
    if number is not None:
        _normalized[number] = None
        while len(_normalized) > CACHED_NUMBERS:
            del _normalized[next(iter(_normalized))]
    return number


@functools.lru_cache(maxsize=CACHED_NUMBERS)
def _parse(raw: str, region: str) -> str | None:
    """Parse and check a number with phonenumbers (cached, errors as None).

    A digits-only number not starting with 0 is also tried as international, the
    way smsmode itself writes numbers (`447911123456`).
    """
    text = raw.strip()
    if not _NUMBER_CHARACTERS.fullmatch(text):
        return None
    candidates = [text]
    digits = re.sub(r"\D", "", text)
    if not text.startswith(("+", "0")):
        candidates.append(f"+{digits}")
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.E164
            )
            return e164.removeprefix("+")
    return None


def normalize_number(raw: str, region: str = DEFAULT_REGION) -> str:
    """Normalise one number (`06 12…`, `+33 6…`, `0033…`) to `33612…`."""
    number = _normalize(raw, region)
    if number is None:
        raise SmsmodeInvalidNumberError([raw])
    return number


def normalize_each(raws: Iterable[str], region: str = DEFAULT_REGION) -> list[str]:
    """Normalise numbers one for one (same order, duplicates kept).

    Every invalid number is listed in one error, so the user fixes them all at once;
    a single string is taken as one number, not as a sequence of characters.
    """
    if isinstance(raws, str):
        raws = [raws]
    results = [(raw, _normalize(raw, region)) for raw in raws]
    invalid = [raw for raw, number in results if number is None]
    if invalid:
        raise SmsmodeInvalidNumberError(invalid)
    return [number for _, number in results if number is not None]


def normalize_numbers(raws: Iterable[str], region: str = DEFAULT_REGION) -> list[str]:
    """Normalise the recipients of one send: order kept, duplicates dropped."""
    return list(dict.fromkeys(normalize_each(raws, region)))


def validate_sender(sender: str) -> str:
    """Check a custom sender: 1-11 ASCII letters or digits, not only digits.

    Operators refuse accents and spaces, and a numeric sender would pass for a phone
    number, which smsmode forbids.
    """
    if not _SENDER.fullmatch(sender) or sender.isdigit():
        raise SmsmodeInvalidSenderError(
            "invalid_sender",
            "The sender must be 1 to 11 ASCII letters or digits, not only digits",
        )
    return sender


def validate_ref_client(ref: str) -> str:
    """Check a client reference: 1-40 printable ASCII characters.

    40 is smsmode's limit. The reference does not say how smsmode decodes other
    characters in this field nor how it echoes them in callbacks, so only ASCII
    is sent.
    """
    if not (
        0 < len(ref) <= _REF_CLIENT_MAX_LENGTH and ref.isascii() and ref.isprintable()
    ):
        raise SmsmodeValidationError(
            "invalid_ref_client",
            "The client reference must be 1 to 40 printable ASCII characters",
        )
    return ref
