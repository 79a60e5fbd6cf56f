"""Message analysis: the reference's character table, units, segments and STOP."""

import pytest

from aiosmsmode.message import (
    GSM_CHARACTERS,
    GSM_DOUBLE_CHARACTERS,
    MAX_SEGMENTS,
    STOP_MENTION_UNITS,
    Encoding,
    StopMode,
    analyse,
    count_units,
    encode_text,
    gsm_replace,
    is_gsm,
    max_units,
    non_gsm_characters,
    segments_for,
    stop_applies,
)

# The reference's table "caractères et encodage": character -> ISO-8859-15 byte,
# and whether it counts double ("*"). Letters and digits map to themselves.
REFERENCE_TABLE: list[tuple[str, int, bool]] = [
    ("\n", 0x0A, False),
    ("\r", 0x0D, False),
    (" ", 0x20, False),
    *[(char, ord(char), False) for char in "!\"#$%&'()*+,-./"],
    *[(char, ord(char), True) for char in "{|}~[\\]^"],
    *[(char, ord(char), False) for char in "0123456789:;<=>?@"],
    *[(char, ord(char), False) for char in "ABCDEFGHIJKLMNOPQRSTUVWXYZ_"],
    *[(char, ord(char), False) for char in "abcdefghijklmnopqrstuvwxyz"],
    ("¡", 0xA1, False),
    ("£", 0xA3, False),
    ("€", 0xA4, True),
    ("¥", 0xA5, False),
    ("§", 0xA7, False),
    ("¿", 0xBF, False),
    ("Ä", 0xC4, False),
    ("Å", 0xC5, False),
    ("Æ", 0xC6, False),
    ("Ç", 0xC7, False),
    ("È", 0xC8, False),
    ("É", 0xC9, False),
    ("Ñ", 0xD1, False),
    ("Ö", 0xD6, False),
    ("Ø", 0xD8, False),
    ("Ü", 0xDC, False),
    ("ß", 0xDF, False),
    ("à", 0xE0, False),
    ("ä", 0xE4, False),
    ("å", 0xE5, False),
    ("æ", 0xE6, False),
    ("è", 0xE8, False),
    ("é", 0xE9, False),
    ("ì", 0xEC, False),
    ("ñ", 0xF1, False),
    ("ò", 0xF2, False),
    ("ö", 0xF6, False),
    ("ø", 0xF8, False),
    ("ù", 0xF9, False),
    ("ü", 0xFC, False),  # the reference's "Ü %FC" is a typo for ü
]

# Outside the reference's list: common French letters, typography, GSM 03.38
# characters the reference does not list (Greek capitals, ¤), control characters.
NON_GSM_TEXTS = [
    "ç",
    "ê",
    "ô",
    "î",
    "û",
    "â",
    "ë",
    "ï",
    "œ",
    "Œ",
    "À",
    "Ì",
    "Ò",
    "`",
    "\u2019",
    "«",
    "»",
    "—",
    "…",
    "\t",
    "Δ",
    "Ω",
    "Φ",
    "¤",
    "Š",
    "e\u0301",
    "你好",
    "☺",
    "😀",
    "👍🏽",
    "Привет",
]


def test_table_is_exactly_the_reference() -> None:
    assert {char for char, _, _ in REFERENCE_TABLE} == GSM_CHARACTERS
    assert len(GSM_CHARACTERS) == 126
    doubles = {char for char, _, double in REFERENCE_TABLE if double}
    assert doubles == GSM_DOUBLE_CHARACTERS


@pytest.mark.parametrize(("char", "byte", "double"), REFERENCE_TABLE)
def test_every_accepted_character(char: str, byte: int, double: bool) -> None:
    assert is_gsm(char)
    assert non_gsm_characters(char) == []
    assert encode_text(char, Encoding.GSM7) == bytes([byte])
    assert count_units(char, Encoding.GSM7) == (2 if double else 1)
    analysis = analyse(char)
    assert analysis.encoding is Encoding.GSM7
    assert analysis.units == (2 if double else 1)
    assert analysis.non_gsm == ()


@pytest.mark.parametrize("char", sorted(GSM_DOUBLE_CHARACTERS))
def test_double_characters(char: str) -> None:
    assert count_units(f"a{char}b", Encoding.GSM7) == 4
    assert count_units(char * 80, Encoding.GSM7) == 160
    assert analyse(char * 80).segments == 1
    assert analyse(char * 80 + "a").segments == 2
    # In Unicode they are ordinary characters.
    assert count_units(char, Encoding.UNICODE) == 1


@pytest.mark.parametrize("text", NON_GSM_TEXTS)
def test_non_gsm_texts_go_unicode(text: str) -> None:
    assert not is_gsm(text)
    assert not is_gsm(f"Bonjour {text}")
    analysis = analyse(f"Bonjour {text}")
    assert analysis.encoding is Encoding.UNICODE
    assert analysis.non_gsm == tuple(
        char for char in dict.fromkeys(text) if char not in GSM_CHARACTERS
    )
    assert encode_text(text, Encoding.UNICODE) == text.encode("utf-8")


def test_non_gsm_characters_distinct_in_order() -> None:
    assert non_gsm_characters("ça va ? 😀 oui, ça 😀 va — ô") == ["ç", "😀", "—", "ô"]


@pytest.mark.parametrize(
    ("text", "units"),
    [("☺", 1), ("ж", 1), ("😀", 2), ("👍🏽", 4), ("a😀b", 4), ("\U0001f600" * 35, 70)],
)
def test_unicode_units(text: str, units: int) -> None:
    assert count_units(text, Encoding.UNICODE) == units


def test_explicit_gsm_keeps_non_gsm_list() -> None:
    analysis = analyse("ça", encoding=Encoding.GSM7)
    assert analysis.encoding is Encoding.GSM7
    assert analysis.non_gsm == ("ç",)
    assert analysis.units == 2


def test_explicit_unicode_for_gsm_text() -> None:
    analysis = analyse("€" * 70, encoding=Encoding.UNICODE)
    assert (analysis.encoding, analysis.units, analysis.segments) == (
        Encoding.UNICODE,
        70,
        1,
    )


@pytest.mark.parametrize(
    ("length", "segments"),
    [
        (1, 1),
        (160, 1),
        (161, 2),
        (306, 2),
        (307, 3),
        (459, 3),
        (460, 4),
        (612, 4),
        (613, 5),
        (765, 5),
        (766, 6),
    ],
)
def test_gsm_segment_boundaries(length: int, segments: int) -> None:
    analysis = analyse("a" * length)
    assert (analysis.encoding, analysis.units, analysis.segments) == (
        Encoding.GSM7,
        length,
        segments,
    )


@pytest.mark.parametrize(
    ("length", "segments"),
    [
        (1, 1),
        (70, 1),
        (71, 2),
        (134, 2),
        (135, 3),
        (201, 3),
        (202, 4),
        (268, 4),
        (269, 5),
        (335, 5),
        (336, 6),
    ],
)
def test_unicode_segment_boundaries(length: int, segments: int) -> None:
    analysis = analyse("ж" * length)
    assert (analysis.encoding, analysis.units, analysis.segments) == (
        Encoding.UNICODE,
        length,
        segments,
    )


def test_emoji_count_double_in_segments() -> None:
    assert analyse("😀" * 35).segments == 1
    assert analyse("😀" * 35 + "ж").segments == 2
    assert analyse("😀" * 67).units == 134
    assert analyse("😀" * 67).segments == 2


def test_segments_for_and_max_units_agree() -> None:
    assert [max_units(n, Encoding.GSM7) for n in range(1, 6)] == [
        160,
        306,
        459,
        612,
        765,
    ]
    assert [max_units(n, Encoding.UNICODE) for n in range(1, 6)] == [
        70,
        134,
        201,
        268,
        335,
    ]
    for encoding in Encoding:
        for segments in range(1, MAX_SEGMENTS + 1):
            limit = max_units(segments, encoding)
            assert segments_for(limit, encoding) == segments
            assert segments_for(limit + 1, encoding) == segments + 1
    assert segments_for(0, Encoding.GSM7) == 1


def test_stop_rules() -> None:
    assert STOP_MENTION_UNITS == 11
    assert stop_applies("a" * 149, StopMode.IF_FREE)
    assert not stop_applies("a" * 150, StopMode.IF_FREE)
    assert stop_applies("a" * 150, StopMode.ALWAYS)
    assert not stop_applies("a", StopMode.NONE)


@pytest.mark.parametrize(
    ("text", "stop", "units", "segments"),
    [
        ("a" * 149, StopMode.IF_FREE, 160, 1),
        ("a" * 150, StopMode.IF_FREE, 150, 1),
        ("a" * 149, StopMode.ALWAYS, 160, 1),
        ("a" * 150, StopMode.ALWAYS, 161, 2),
        ("a" * 149, StopMode.NONE, 149, 1),
        # 149 characters but 150 units: the mention still applies (the reference
        # counts characters) and the text then needs a second SMS.
        ("a" * 148 + "€", StopMode.IF_FREE, 161, 2),
        ("ж" * 59, StopMode.IF_FREE, 70, 1),
        ("ж" * 60, StopMode.IF_FREE, 71, 2),
    ],
)
def test_stop_in_analysis(text: str, stop: StopMode, units: int, segments: int) -> None:
    analysis = analyse(text, stop=stop)
    assert (analysis.units, analysis.segments) == (units, segments)


def test_encode_text_gsm_refuses_what_latin9_lacks() -> None:
    assert encode_text("Prix: 5€", Encoding.GSM7) == b"Prix: 5\xa4"
    with pytest.raises(UnicodeEncodeError):
        encode_text("😀", Encoding.GSM7)


def test_plain_values_accepted() -> None:
    """Service calls carry plain strings and ints; they must count the same."""
    assert analyse("a" * 150, stop=2).units == 161  # type: ignore[arg-type]
    assert analyse("a" * 149, stop=1).units == 160  # type: ignore[arg-type]
    assert analyse("ça", encoding="gsm7").encoding is Encoding.GSM7  # type: ignore[arg-type]
    assert count_units("€", "gsm7") == 2  # type: ignore[arg-type]


def test_gsm_replace() -> None:
    """Accents go, typographic signs get their GSM twin, the rest becomes "?"."""
    assert gsm_replace("Élève à l’école — ça coûte 5 € … ✓") == (  # noqa: RUF001
        "Élève à l'école - ca coute 5 € ... ?"
    )
    assert gsm_replace("«cœur»\tﬁn ½ 😀") == '"coeur" fin ? ?'
    assert gsm_replace("plain GSM {text}") == "plain GSM {text}"
