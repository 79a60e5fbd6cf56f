"""SMS text as smsmode treats it: wire decoding, GSM filtering, length, cutting, STOP.

This is written from the reference alone, on purpose apart from the integration's
own message module: the simulator is the oracle the client is tested against, so
it must not share the client's mistakes.
"""

from dataclasses import dataclass
from enum import StrEnum
import string
from typing import Final


class Alphabet(StrEnum):
    """How a text is counted: GSM (classes 2 and 4) or Unicode (class 9)."""

    GSM = "gsm"
    UNICODE = "unicode"


# The reference's table of accepted characters (its "Ü %FC" is a typo for "ü").
GSM_CHARACTERS: Final = frozenset(
    "\n\r !\"#$%&'()*+,-./{|}~[\\]^"
    + string.digits
    + ":;<=>?@"
    + string.ascii_letters
    + "_¡£€¥§¿ÄÅÆÇÈÉÑÖØÜßàäåæèéìñòöøùü"
)
# Marked "compte double" in the reference: the GSM extension table.
GSM_DOUBLE_CHARACTERS: Final = frozenset("{|}~[\\]^€")
# What smsmode puts in place of a character it cannot send in classes 2 and 4.
REPLACEMENT: Final = "?"
# The opt-out mention smsmode appends with `stop` (its short code, 36034).
STOP_MENTION: Final = "\nSTOP 36034"
# stop=1 appends the mention only to texts of at most this many characters.
STOP_IF_FREE_MAX_LENGTH: Final = 149
MAX_SEGMENTS: Final = 5

_LATIN9: Final = "iso-8859-15"
# The reference lists both %A4 (ISO-8859-15) and %80 (Windows-1252) for "€".
_WINDOWS_EURO: Final = b"\x80"
_LATIN9_EURO: Final = "€".encode(_LATIN9)
_SINGLE: Final = {Alphabet.GSM: 160, Alphabet.UNICODE: 70}
_PER_PART: Final = {Alphabet.GSM: 153, Alphabet.UNICODE: 67}
_BMP_LAST: Final = 0xFFFF


@dataclass(frozen=True, slots=True)
class ComposedText:
    """The text as it reaches the phones, and the number of SMS it takes."""

    text: str
    segments: int


def decode_wire_text(raw: bytes, alphabet: Alphabet) -> str:
    """Decode percent-decoded bytes the way smsmode reads them.

    GSM texts are ISO-8859-15, where byte 0x80 also means "€"; Unicode texts are
    UTF-8 (an invalid sequence becomes U+FFFD).
    """
    if alphabet is Alphabet.UNICODE:
        return raw.decode("utf-8", errors="replace")
    return raw.replace(_WINDOWS_EURO, _LATIN9_EURO).decode(_LATIN9)


def to_gsm(text: str) -> str:
    """Replace every character outside the accepted list by "?"."""
    return "".join(char if char in GSM_CHARACTERS else REPLACEMENT for char in text)


def character_units(char: str, alphabet: Alphabet) -> int:
    """Return the units one character takes.

    2 for GSM extension characters and, in Unicode, for characters beyond U+FFFF;
    1 otherwise.
    """
    if alphabet is Alphabet.GSM:
        return 2 if char in GSM_DOUBLE_CHARACTERS else 1
    return 2 if ord(char) > _BMP_LAST else 1


def count_units(text: str, alphabet: Alphabet) -> int:
    """Length of a text in SMS units."""
    return sum(character_units(char, alphabet) for char in text)


def segments_for(units: int, alphabet: Alphabet) -> int:
    """SMS needed: one up to 160 (70) units, else one per 153 (67) units."""
    if units <= _SINGLE[alphabet]:
        return 1
    return -(-units // _PER_PART[alphabet])


def max_units(segments: int, alphabet: Alphabet) -> int:
    """Units that fit in that many SMS: GSM 160, 306, 459…; Unicode 70, 134, 201…."""
    if segments == 1:
        return _SINGLE[alphabet]
    return segments * _PER_PART[alphabet]


def cut(text: str, limit: int, alphabet: Alphabet) -> str:
    """Keep the longest start of the text that fits in `limit` units.

    A two-unit character that would straddle the limit is dropped whole.
    """
    used = 0
    for index, char in enumerate(text):
        used += character_units(char, alphabet)
        if used > limit:
            return text[:index]
    return text


def stop_applies(text: str, stop: int) -> bool:
    """Tell whether the STOP mention is appended.

    stop=1: to texts of at most 149 characters (so it never costs another SMS);
    stop=2: always.
    """
    if stop == 1:
        return len(text) <= STOP_IF_FREE_MAX_LENGTH
    return stop == 2


def compose(
    text: str, alphabet: Alphabet, max_segments: int, stop: int
) -> ComposedText:
    """Build what smsmode sends from a decoded text.

    GSM texts have their unsupported characters replaced by "?". The text is cut to
    fit `max_segments` SMS (`nbr_msg`); when the STOP mention applies (decided on
    the text as received), room is kept for it so the legal mention is never cut.
    """
    if alphabet is Alphabet.GSM:
        text = to_gsm(text)
    mention = STOP_MENTION if stop_applies(text, stop) else ""
    limit = max_units(max_segments, alphabet) - count_units(mention, alphabet)
    final = cut(text, limit, alphabet) + mention
    return ComposedText(final, segments_for(count_units(final, alphabet), alphabet))
