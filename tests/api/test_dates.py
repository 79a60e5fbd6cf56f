"""Dates are Europe/Paris local time on the wire, aware datetimes in Python."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aiosmsmode.const import PARIS
from aiosmsmode.dates import (
    format_smsmode_datetime,
    parse_callback_datetime,
    parse_list_datetime,
    parse_reply_callback_datetime,
)
from aiosmsmode.exceptions import SmsmodeInvalidScheduleError


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # Winter: Paris is UTC+1.
        (datetime(2005, 12, 21, 13, 35, tzinfo=UTC), "21122005-14:35"),
        # Spring forward on 29 March 2026 at 01:00 UTC (02:00 -> 03:00 Paris).
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29032026-01:59"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29032026-03:00"),
        (datetime(2026, 3, 29, 12, 0, tzinfo=UTC), "29032026-14:00"),
        # Fall back on 25 October 2026 at 01:00 UTC (03:00 -> 02:00 Paris).
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25102026-02:30"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25102026-02:30"),
        (datetime(2026, 10, 25, 12, 0, tzinfo=UTC), "25102026-13:00"),
        # Seconds are dropped, not rounded.
        (datetime(2026, 6, 1, 10, 0, 59, tzinfo=UTC), "01062026-12:00"),
    ],
)
def test_format_across_daylight_saving(utc: datetime, expected: str) -> None:
    assert format_smsmode_datetime(utc) == expected


def test_format_other_zone() -> None:
    new_york = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    # 13:00 UTC; the US is already on summer time, Paris not yet.
    assert format_smsmode_datetime(new_york) == "10032026-14:00"
    assert format_smsmode_datetime(new_york.astimezone(PARIS)) == "10032026-14:00"


def test_format_refuses_naive() -> None:
    with pytest.raises(SmsmodeInvalidScheduleError) as err:
        format_smsmode_datetime(datetime(2026, 1, 1, 12, 0))  # noqa: DTZ001
    assert err.value.reason == "naive_datetime"


def test_parse_callback_datetime() -> None:
    value = parse_callback_datetime("2010-03-25 09:52:17")
    assert value == datetime(2010, 3, 25, 8, 52, 17, tzinfo=UTC)
    assert value.tzinfo is PARIS
    summer = parse_callback_datetime(" 2026-07-14 12:00:00 ")
    assert summer.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("value", ["2010-03-25 09:52:17.0", "2010-03-25 09:52:17.123"])
def test_parse_callback_datetime_with_a_fraction(value: str) -> None:
    """A Java timestamp's fraction of a second is dropped."""
    assert parse_callback_datetime(value) == datetime(
        2010, 3, 25, 8, 52, 17, tzinfo=UTC
    )


def test_parse_reply_callback_datetime() -> None:
    assert parse_reply_callback_datetime("01012013-122233") == datetime(
        2013, 1, 1, 11, 22, 33, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "value",
    [
        "25032010-09:52",
        "25/03/2010 09:52",
        "25/03/2010 09:52:00",
        "2010-03-25 09:52",
        "2010-03-25 09:52:00",
    ],
)
def test_parse_list_datetime_layouts(value: str) -> None:
    assert parse_list_datetime(value) == datetime(2010, 3, 25, 8, 52, tzinfo=UTC)


def test_round_trip_across_changes() -> None:
    for utc in (
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    ):
        # Compare in UTC: an ambiguous local time never equals another zone's.
        assert parse_list_datetime(format_smsmode_datetime(utc)).astimezone(UTC) == utc


def test_ambiguous_autumn_time_is_summer_time() -> None:
    value = parse_list_datetime("25102026-02:30")
    assert value.utcoffset() == timedelta(hours=2)
    assert value.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("parser", "value"),
    [
        (parse_callback_datetime, "25032010-09:52"),
        (parse_callback_datetime, ""),
        (parse_reply_callback_datetime, "2013-01-01 12:22:33"),
        # Fields out of their range, digits of other scripts.
        (parse_callback_datetime, "2026-13-01 10:00:00"),
        (parse_callback_datetime, "2026-02-30 10:00:00"),
        (parse_callback_datetime, "2026-01-01 10:00:60"),
        (parse_callback_datetime, "2026-01-01 10:00:00."),
        (parse_callback_datetime, "2026-01-01 10:00:00.\u0660"),
        (parse_callback_datetime, "\uff12\uff10\uff12\uff16-01-01 10:00:00"),
        (parse_reply_callback_datetime, "01012013-240000"),
        (parse_reply_callback_datetime, "0101\u0662\u0660\u0661\u0663-122233"),
        (parse_list_datetime, "yesterday"),
        (parse_list_datetime, "32012026-10:00"),
    ],
)
def test_parse_refuses_other_layouts(parser: object, value: str) -> None:
    with pytest.raises(ValueError, match="unrecognised date"):
        parser(value)  # type: ignore[operator]
