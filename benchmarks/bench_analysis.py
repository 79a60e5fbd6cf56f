"""5. Message analysis: encoding and segment decisions for 100,000 mixed texts.

The texts are made once from a fixed seed, in the proportions an installation
sends them: short alerts, French text with and without characters GSM lacks,
GSM extension characters (`€`, `[`…), emoji, and long texts of several SMS. Each
pass decides every text's encoding and SMS count; a pass is timed three times
and the median kept. The baseline is one C-speed pass over the same texts
(`str.encode("utf-8")`), so the ratio says how many such passes a decision
costs, whatever the machine.
"""

from collections import Counter
from collections.abc import Callable, Sequence
import time
from typing import Final

from custom_components.smsmode.api import Encoding, StopMode, analyse, gsm_replace

from .support import emit, median, ratio, table

TEXTS: Final = 100_000
PASSES: Final = 3
SEED: Final = 36034

_WORDS: Final = (
    "alarme", "porte", "garage", "ouverte", "fuite", "eau", "cave", "température",
    "salon", "chaudière", "panne", "courant", "serveur", "hors", "ligne", "batterie",
    "faible", "capteur", "volet", "chambre", "arrivée", "départ", "colis", "livré",
    "rappel", "rendez-vous", "demain", "matin", "soir",
)  # fmt: skip
_GSM_ACCENTED: Final = ("é", "è", "à", "ù", "ì", "ò", "Ç", "É", "Ü", "ö", "ä", "ñ")
_NOT_GSM: Final = ("ê", "ç", "â", "î", "ô", "û", "ë", "ï", "œ", "«", "»", "…")
_EXTENSION: Final = ("€", "[", "]", "{", "}", "~", "^", "\\", "|")
_EMOJI: Final = ("🔥", "💧", "🚪", "🔋", "⚠️", "✅", "📦", "🌡️")


class _Picker:
    """A small linear congruential generator: the same texts on every run."""

    def __init__(self, seed: int) -> None:
        self._state = seed

    def below(self, bound: int) -> int:
        """Return the next number in `range(bound)`."""
        self._state = (self._state * 6364136223846793005 + 1442695040888963407) % (
            1 << 64
        )
        return (self._state >> 33) % bound

    def choice(self, values: Sequence[str]) -> str:
        """Return the next value of `values`."""
        return values[self.below(len(values))]

    def sentence(self, words: int) -> str:
        """Return a sentence of that many words."""
        return " ".join(self.choice(_WORDS) for _ in range(words)).capitalize() + "."


def mixed_texts(count: int, seed: int = SEED) -> list[str]:
    """Return `count` texts, the same for the same seed."""
    pick = _Picker(seed)
    texts = []
    for index in range(count):
        kind = index % 10
        if kind < 3:  # short alert, ASCII only
            text = f"Alarm {index}: {pick.sentence(4)}".encode("ascii", "ignore")
            texts.append(text.decode())
        elif kind < 5:  # French, GSM accents only
            texts.append(f"{pick.sentence(8)} {pick.choice(_GSM_ACCENTED)}")
        elif kind < 7:  # French with a character GSM lacks: Unicode
            texts.append(f"{pick.sentence(8)} {pick.choice(_NOT_GSM)}")
        elif kind == 7:  # GSM extension characters: two units each
            texts.append(f"{pick.sentence(6)} {pick.choice(_EXTENSION)} 12,50 €")
        elif kind == 8:  # emoji: Unicode, two units beyond U+FFFF
            texts.append(f"{pick.choice(_EMOJI)} {pick.sentence(6)}")
        else:  # long: two to five SMS
            sentences = 2 + pick.below(5)
            texts.append(" ".join(pick.sentence(12) for _ in range(sentences)))
    return texts


def _timed(texts: Sequence[str], decide: Callable[[str], object]) -> float:
    """Return the median time of `PASSES` passes of `decide` over the texts."""
    times = []
    for _ in range(PASSES):
        start = time.perf_counter()
        for text in texts:
            decide(text)
        times.append(time.perf_counter() - start)
    return median(times)


def test_message_analysis() -> None:
    """Texts per second of the encoding and SMS-count decisions."""
    texts = mixed_texts(TEXTS)
    chars = sum(map(len, texts))
    cases: list[tuple[str, Callable[[str], object]]] = [
        ("baseline: str.encode('utf-8') (one C pass)", lambda t: t.encode()),
        ("analyse(text): auto encoding, SMS count", analyse),
        (
            "analyse(text, stop=IF_FREE): with the STOP mention rule",
            lambda t: analyse(t, stop=StopMode.IF_FREE),
        ),
        (
            "analyse(gsm_replace(text), encoding=GSM7): policy gsm_replace",
            lambda t: analyse(gsm_replace(t), encoding=Encoding.GSM7),
        ),
    ]
    times = {name: _timed(texts, decide) for name, decide in cases}
    baseline = times[cases[0][0]]
    rows = [
        [
            name,
            f"{TEXTS / seconds:,.0f}",
            f"{seconds / TEXTS * 1e6:,.2f} µs",
            f"{seconds * 1000:,.0f} ms",
            ratio(seconds, baseline),
        ]
        for name, seconds in times.items()
    ]
    decisions = [analyse(text) for text in texts]
    encodings = Counter(decision.encoding.value for decision in decisions)
    segments = Counter(min(decision.segments, 6) for decision in decisions)
    auto_rate = TEXTS / times[cases[1][0]]
    emit(
        table(
            f"5. Message analysis: {TEXTS:,} mixed texts ({chars / TEXTS:,.0f} "
            f"characters on average; median of {PASSES} passes)",
            ["decision", "texts/s", "per text", f"{TEXTS:,} texts", "/ baseline"],
            rows,
        )
        + "\nDecisions made (auto): "
        + ", ".join(f"{name} {count:,}" for name, count in sorted(encodings.items()))
        + "; SMS per text: "
        + ", ".join(
            f"{'6+' if n == 6 else n}: {count:,}"
            for n, count in sorted(segments.items())
        )
        + f"\n{TEXTS:,} decisions per second (auto): "
        f"{'MET' if auto_rate >= TEXTS else 'NOT MET'} ({auto_rate:,.0f}/s)\n"
    )
