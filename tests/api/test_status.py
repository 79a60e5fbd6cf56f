"""Annex status codes: names, slugs, which are final and which mean delivered."""

import pytest

from aiosmsmode.status import MessageStatus, is_delivered, is_final, status_slug

ANNEX_CODES = [0, 1, 2, 10, 11, 12, 13, 14, 15, 16, 21, 22, 33, 34, 35, 36, 37, 38, 50, 40, 100, 101, 999, 3501, 3502, 3503, 3504, 3521, 3522, 3523, 3524, 3525, 3526, 3527, 3560, 3599, 3998, 3999]  # fmt: skip


def test_every_annex_code_has_a_name() -> None:
    # 39 is smsStatus.do's own code for a reception error (section 11).
    assert sorted(MessageStatus) == sorted([*ANNEX_CODES, 39])


@pytest.mark.parametrize(
    ("code", "slug"),
    [
        (0, "sent"),
        (11, "received"),
        (13, "delivered_to_operator"),
        (3501, "temporary_operator_error"),
        (3999, "blacklisted_recipient"),
        (39, "reception_failed"),
        (41, "unknown_41"),
        (-1, "unknown_-1"),
    ],
)
def test_slug(code: int, slug: str) -> None:
    assert status_slug(code) == slug


def test_delivered() -> None:
    assert {code for code in ANNEX_CODES if is_delivered(code)} == {
        11,
        14,
        16,
        100,
        101,
    }
    assert not is_delivered(39)
    assert not is_delivered(41)


def test_final() -> None:
    not_final = {0, 1, 10, 12, 13, 15, 999, 3501, 3502, 3503, 3504}
    assert {code for code in ANNEX_CODES if not is_final(code)} == not_final
    assert is_final(39)
    assert not is_final(41)
    # Every delivered code is final.
    assert all(is_final(code) for code in ANNEX_CODES if is_delivered(code))
