"""The words of Assist by SMS: opt-out, secret word, and answers cut to fit.

Pure functions, so each rule is tested on its own and defined once.
"""

from collections.abc import Callable, Sequence
import re
from typing import Final
import unicodedata

from .api import analyse
from .outgoing import OutgoingSms

# Turns a text into the SMS the account would send with it.
type Prepare = Callable[[str], OutgoingSms]

# A message that is only one of these words (any case, accents optional, then
# perhaps smsmode's short code as its STOP mention reads, "STOP 36034", and
# punctuation) turns Assist off. "Stop the music" is a request for Assist.
_STOP_WORDS: Final = frozenset({"stop", "arret"})
_STOP_MESSAGE: Final = re.compile(r"(?P<word>\w+)(?:\s+\d{4,6})?[\s.!]*")
# Cut answers end with this: three dots, as answers allow replies and such an
# SMS carries GSM characters only, which "…" is not.
ELLIPSIS: Final = "..."


def _folded(text: str) -> str:
    """Lower case without accents: ARRÊT, Arrêt and arret are one word."""
    return "".join(
        char
        for char in unicodedata.normalize("NFKD", text.casefold())
        if not unicodedata.combining(char)
    )


def is_stop(message: str) -> bool:
    """Tell whether a message asks to stop Assist for its number."""
    match = _STOP_MESSAGE.fullmatch(message.strip())
    return match is not None and _folded(match["word"]) in _STOP_WORDS


def without_secret(message: str, secret: str | None) -> str | None:
    """Return the request after the secret word; None when it does not start so.

    The word is matched whole and in any case ("Sesame turn on…" for "sesame"),
    and what separates it from the request is dropped.
    """
    text = message.strip()
    if secret is None:
        return text
    word = secret.strip()
    if _folded(text[: len(word)]) != _folded(word):
        return None
    rest = text[len(word) :]
    if rest and rest[0].isalnum():
        return None  # a longer word that only starts like the secret
    return rest.lstrip(" ,:;.-\n\t")


def fits(sms: OutgoingSms) -> bool:
    """Tell whether an SMS, as it goes out, takes no more SMS than it may."""
    analysis = analyse(sms.text, encoding=sms.encoding, stop=sms.stop)
    return analysis.segments <= sms.max_segments


def _longest(text: str, ends: Sequence[int], prepare: Prepare) -> str | None:
    """Return the longest `text[:end]` + ellipsis that fits (ends in order)."""
    best = None
    low, high = 0, len(ends) - 1
    while low <= high:
        middle = (low + high) // 2
        candidate = text[: ends[middle]].rstrip() + ELLIPSIS
        if fits(prepare(candidate)):
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def cut_to_fit(text: str, prepare: Prepare) -> str:
    """Return the text, or its longest start cut at a word boundary, that fits.

    `prepare` turns a text into the SMS the account would send (encoding policy,
    STOP mention, maximum SMS per message), so the cut follows the same rules
    as the send. A cut text ends with an ellipsis; a first word too long for
    the SMS is cut inside.
    """
    if fits(prepare(text)):
        return text
    words = [match.end() for match in re.finditer(r"\S+", text)]
    return (
        _longest(text, words, prepare)
        or _longest(text, range(1, len(text)), prepare)
        or ELLIPSIS
    )
