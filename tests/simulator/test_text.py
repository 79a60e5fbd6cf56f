"""Text rules of the simulator, checked directly against the reference's numbers."""

import pytest

from smsmode_simulator.text import (
    STOP_MENTION,
    Alphabet,
    compose,
    count_units,
    cut,
    decode_wire_text,
    max_units,
    segments_for,
    to_gsm,
)


def test_gsm_decoding_reads_iso_8859_15_and_the_windows_euro() -> None:
    assert decode_wire_text(b"\xa4 \x80 caf\xe9", Alphabet.GSM) == "€ € café"
    assert decode_wire_text("☺".encode(), Alphabet.UNICODE) == "☺"


def test_characters_outside_the_list_become_question_marks() -> None:
    assert to_gsm("Ça va? ☺ «ok» ç") == "Ça va? ? ?ok? ?"


@pytest.mark.parametrize(
    ("text", "alphabet", "units"),
    [
        ("abc", Alphabet.GSM, 3),
        ("{|}~[\\]^€", Alphabet.GSM, 18),
        ("é", Alphabet.GSM, 1),
        ("☺", Alphabet.UNICODE, 1),
        ("😀", Alphabet.UNICODE, 2),
    ],
)
def test_units(text: str, alphabet: Alphabet, units: int) -> None:
    assert count_units(text, alphabet) == units


@pytest.mark.parametrize(
    ("alphabet", "limits"),
    [
        (Alphabet.GSM, [160, 306, 459, 612, 765]),
        (Alphabet.UNICODE, [70, 134, 201, 268, 335]),
    ],
)
def test_segment_limits(alphabet: Alphabet, limits: list[int]) -> None:
    for segments, limit in enumerate(limits, start=1):
        assert max_units(segments, alphabet) == limit
        assert segments_for(limit, alphabet) == segments
        assert segments_for(limit + 1, alphabet) == segments + 1


def test_cut_drops_a_double_character_that_would_straddle_the_limit() -> None:
    assert cut("ab€", 3, Alphabet.GSM) == "ab"
    assert cut("a😀", 2, Alphabet.UNICODE) == "a"


def test_compose_keeps_room_for_the_stop_mention() -> None:
    composed = compose("x" * 200, Alphabet.GSM, 1, 2)
    assert composed.text == "x" * 149 + STOP_MENTION
    assert count_units(composed.text, Alphabet.GSM) == 160
    assert composed.segments == 1
