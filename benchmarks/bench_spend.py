"""8. Spend control: a cost preview for 10,000 recipients, the guard's cost per send.

The preview (`split_numbers` + `plan_sms`, what `smsmode.preview_sms` runs) is
timed against a send's own work before its request (`normalize_numbers` +
`check_text`, what `async_send_sms` and the client run) on the same 10,000
numbers and text, same run: the ratio says what the preview adds. The guard's
check and record for one recipient are timed per send against the send's own
text analysis (`analyse`), same run. Medians of a few passes.
"""

from collections.abc import Callable
import time
from typing import Any, Final, cast

from homeassistant.util import dt as dt_util

from custom_components.smsmode.api import DEFAULT_REGION, StopMode, normalize_numbers
from custom_components.smsmode.api.payloads import check_text
from custom_components.smsmode.request import AccountOptions, SmsRequest, split_numbers
from custom_components.smsmode.send_guard import SendGuard
from custom_components.smsmode.send_plan import plan_sms

from .support import emit, french_mobiles, median, ratio, table

RECIPIENTS: Final = 10_000
SENDS: Final = 100_000
PASSES: Final = 3
TEXT: Final = "Alarme : fuite d'eau détectée dans la cave, vanne fermée 💧"


def _timed(run: Callable[[], object], passes: int = PASSES) -> float:
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return median(times)


def test_preview_and_guard() -> None:
    """Seconds for a 10,000-recipient preview, and microseconds of guard per send."""
    numbers = french_mobiles(RECIPIENTS)
    options = AccountOptions({})
    request = SmsRequest(message=TEXT, recipients=numbers)

    def own_analysis() -> object:
        valid = normalize_numbers(numbers, DEFAULT_REGION)
        check_text(
            TEXT, encoding=None, stop=StopMode.NONE, reply_allowed=False, max_segments=5
        )
        return valid

    def preview() -> object:
        valid, invalid = split_numbers(numbers)
        return plan_sms(options, request, valid, invalid=invalid, now=dt_util.utcnow())

    send_s = _timed(own_analysis)
    preview_s = _timed(preview)

    guard = SendGuard(
        cast("Any", None), cast("Any", None), per_hour=30, repeat_window=10
    )
    recipients = [(number,) for number in french_mobiles(SENDS)]
    now = dt_util.utcnow()

    def guarded() -> None:
        for one in recipients:
            allowed, _held = guard.split(one, TEXT, now)
            guard.async_record(allowed, TEXT, now)

    def analysed() -> None:
        for _ in recipients:
            check_text(
                TEXT,
                encoding=None,
                stop=StopMode.NONE,
                reply_allowed=False,
                max_segments=5,
            )

    guard_s = _timed(guarded, 1)
    analysis_s = _timed(analysed, 1)
    emit(
        table(
            f"8a. Cost preview for {RECIPIENTS:,} recipients (median of {PASSES})",
            ["work", "time", "/ send's own"],
            [
                [
                    "send's own: normalize_numbers + check_text",
                    f"{send_s * 1000:,.1f} ms",
                    ratio(send_s, send_s),
                ],
                [
                    "preview: split_numbers + plan_sms",
                    f"{preview_s * 1000:,.1f} ms",
                    ratio(preview_s, send_s),
                ],
            ],
        )
        + "\n"
        + table(
            f"8b. Runaway guard, {SENDS:,} sends to distinct recipients",
            ["work", "per send", "/ analysis"],
            [
                [
                    "send's own text analysis (check_text)",
                    f"{analysis_s / SENDS * 1e6:,.2f} µs",
                    ratio(analysis_s, analysis_s),
                ],
                [
                    "guard: split + record",
                    f"{guard_s / SENDS * 1e6:,.2f} µs",
                    ratio(guard_s, analysis_s),
                ],
            ],
        )
    )
