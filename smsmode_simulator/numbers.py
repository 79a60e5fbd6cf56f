"""Phone numbers as smsmode takes them: international digits, or French national.

The reference asks for `336xxxxxxxx` or `06xxxxxxxx` (France only), no "+". The
simulator holds every number in international form, so a reply or a deletion by
number finds the message whichever form was sent.
"""

import re
from typing import Final

from .codes import INVALID_PARAMETER, ProviderError

_FRENCH_NATIONAL: Final = re.compile(r"0([1-9]\d{8})")
_INTERNATIONAL_PREFIX: Final = "00"
_INTERNATIONAL: Final = re.compile(r"[1-9]\d{7,14}")


def normalize_number(raw: str) -> str:
    """Return the number in international digits; code 35 when it is not one.

    `06…` (ten digits) is French, `0033…` loses its `00`; anything but digits
    (a "+", spaces) is refused, as the reference allows none.
    """
    text = raw.strip()
    if match := _FRENCH_NATIONAL.fullmatch(text):
        return f"33{match[1]}"
    text = text.removeprefix(_INTERNATIONAL_PREFIX)
    if not _INTERNATIONAL.fullmatch(text):
        raise ProviderError(INVALID_PARAMETER)
    return text


def normalize_list(raw: str) -> list[str]:
    """Split a comma list (empty items skipped), normalise, drop duplicates."""
    numbers = [normalize_number(item) for item in raw.split(",") if item.strip()]
    return list(dict.fromkeys(numbers))
