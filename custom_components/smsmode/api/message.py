"""Pure analysis of an SMS text: encoding, length in SMS units, number of SMS.

The rules are smsmode's, not the full GSM 03.38 standard: only the characters the
reference lists are accepted in classes 2 and 4 (anything else would reach the phone
as "?"), so a text with any other character goes out as Unicode (class 9).
"""

from dataclasses import dataclass
from enum import IntEnum, StrEnum
import string
from typing import Final
import unicodedata


class Encoding(StrEnum):
    """How the text travels: GSM (classes 2 and 4) or Unicode (class 9)."""

    GSM7 = "gsm7"
    UNICODE = "unicode"


class StopMode(IntEnum):
    """The `stop` parameter: whether smsmode appends its STOP (opt-out) mention."""

    NONE = 0
    IF_FREE = 1
    ALWAYS = 2


# Exactly the reference's table, in its order ("Ü %FC" there is a typo for "ü").
GSM_CHARACTERS: Final = frozenset(
    "\n\r !\"#$%&'()*+,-./{|}~[\\]^"
    + string.digits
    + ":;<=>?@"
    + string.ascii_uppercase
    + "_"
    + string.ascii_lowercase
    + "¡£€¥§¿ÄÅÆÇÈÉÑÖØÜßàäåæèéìñòöøùü"
)
# Characters of the GSM extension table: two units each.
GSM_DOUBLE_CHARACTERS: Final = frozenset("{|}~[\\]^€")

MAX_SEGMENTS: Final = 5
# smsmode appends "\nSTOP 36034" (the short code may change): 11 GSM characters.
STOP_MENTION_UNITS: Final = 11
# stop=1 adds the mention only to texts of at most this many characters.
_STOP_IF_FREE_MAX_LENGTH: Final = 149

# Units in a single SMS, and per part once concatenated (the rest is the UDH header).
_SINGLE: Final = {Encoding.GSM7: 160, Encoding.UNICODE: 70}
_PER_PART: Final = {Encoding.GSM7: 153, Encoding.UNICODE: 67}
_CODEC: Final = {Encoding.GSM7: "iso-8859-15", Encoding.UNICODE: "utf-8"}
_BMP_LAST: Final = 0xFFFF
# Typographic characters phones and word processors insert, and their GSM twin;
# everything else is first tried without its accents (unicodedata), then "?".
_GSM_LOOKALIKES: Final = {
    "\N{LEFT SINGLE QUOTATION MARK}": "'",
    "\N{RIGHT SINGLE QUOTATION MARK}": "'",
    "\N{SINGLE LOW-9 QUOTATION MARK}": "'",
    "\N{SINGLE HIGH-REVERSED-9 QUOTATION MARK}": "'",
    "\N{LEFT DOUBLE QUOTATION MARK}": '"',
    "\N{RIGHT DOUBLE QUOTATION MARK}": '"',
    "\N{DOUBLE LOW-9 QUOTATION MARK}": '"',
    "\N{LEFT-POINTING DOUBLE ANGLE QUOTATION MARK}": '"',
    "\N{RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK}": '"',
    "\N{HYPHEN}": "-",
    "\N{NON-BREAKING HYPHEN}": "-",
    "\N{EN DASH}": "-",
    "\N{EM DASH}": "-",
    "\N{MINUS SIGN}": "-",
    "\N{LATIN SMALL LIGATURE OE}": "oe",
    "\N{LATIN CAPITAL LIGATURE OE}": "OE",
    "\t": " ",
}


@dataclass(frozen=True, slots=True)
class MessageAnalysis:
    """What a text costs: its encoding, units (STOP included), SMS count.

    `non_gsm` lists the characters outside the GSM set whatever the encoding, so a
    user interface can say which characters forced Unicode.
    """

    encoding: Encoding
    units: int
    segments: int
    non_gsm: tuple[str, ...]


def non_gsm_characters(text: str) -> list[str]:
    """Return the distinct characters outside the GSM set, in order of appearance."""
    return list(dict.fromkeys(char for char in text if char not in GSM_CHARACTERS))


def is_gsm(text: str) -> bool:
    """Whether every character can be sent in classes 2 and 4."""
    return GSM_CHARACTERS.issuperset(text)


def count_units(text: str, encoding: Encoding) -> int:
    """Length in SMS units.

    GSM: extension characters count 2 (any other character counts 1: smsmode would
    send it as "?"). Unicode: characters beyond U+FFFF (most emoji) count 2.
    """
    if encoding == Encoding.GSM7:
        return sum(2 if char in GSM_DOUBLE_CHARACTERS else 1 for char in text)
    return sum(2 if ord(char) > _BMP_LAST else 1 for char in text)


def segments_for(units: int, encoding: Encoding) -> int:
    """SMS needed for that many units (an empty text still takes one SMS)."""
    if units <= _SINGLE[encoding]:
        return 1
    return -(-units // _PER_PART[encoding])


def max_units(segments: int, encoding: Encoding) -> int:
    """Most units that fit in that many SMS (GSM 160, 306, …; Unicode 70, 134, …)."""
    if segments == 1:
        return _SINGLE[encoding]
    return segments * _PER_PART[encoding]


def stop_applies(text: str, stop: StopMode) -> bool:
    """Whether smsmode appends the STOP mention to this text.

    The reference counts the characters of the original text for stop=1, so this
    does too (not units): a 149-character text with "€" gets the mention and may then
    need a second SMS, which `analyse` reports.
    """
    if stop == StopMode.IF_FREE:
        return len(text) <= _STOP_IF_FREE_MAX_LENGTH
    return stop == StopMode.ALWAYS


def analyse(
    text: str, *, encoding: Encoding | None = None, stop: StopMode = StopMode.NONE
) -> MessageAnalysis:
    """Analyse a text; without an explicit encoding, GSM when possible, else Unicode.

    Plain values (`"gsm7"`, `1`) are accepted as well as the enums, as service
    calls often carry them.
    """
    non_gsm = tuple(non_gsm_characters(text))
    if encoding is None:
        encoding = Encoding.UNICODE if non_gsm else Encoding.GSM7
    encoding = Encoding(encoding)
    units = count_units(text, encoding)
    if stop_applies(text, stop):
        units += STOP_MENTION_UNITS
    return MessageAnalysis(encoding, units, segments_for(units, encoding), non_gsm)


def encode_text(text: str, encoding: Encoding) -> bytes:
    """Encode for the wire: ISO-8859-15 for GSM (classes 2, 4), UTF-8 for Unicode.

    Check `is_gsm` first: in GSM, a character ISO-8859-15 lacks raises
    `UnicodeEncodeError`.
    """
    return text.encode(_CODEC[encoding])


def gsm_replace(text: str) -> str:
    """Replace each character GSM cannot carry by its closest GSM equivalent.

    Accents are stripped (unicodedata) when that gives GSM characters ("ê" → "e",
    "…" → "..."); what has no equivalent becomes "?", which is what smsmode would
    have shown anyway, but now the sender knows the text before it goes.
    """
    out: list[str] = []
    for char in text:
        if char in GSM_CHARACTERS:
            out.append(char)
            continue
        candidate = _GSM_LOOKALIKES.get(char) or "".join(
            part
            for part in unicodedata.normalize("NFKD", char)
            if not unicodedata.combining(part)
        )
        out.append(candidate if candidate and is_gsm(candidate) else "?")
    return "".join(out)
