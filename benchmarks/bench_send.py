"""1. Fan-out of `notify.smsmode`, 2. personalised batch, against a 50 ms round trip.

Each send goes through a real Home Assistant (the test harness) and the
integration's service, to the simulator behind a 50 ms round trip. The baseline
is the way most Home Assistant SMS integrations send: one request per number,
made with the same client on the same session, one after the other (and, as a
kinder baseline, all at once, which HA's session caps at 100 connections).

One request per number, one after the other, is measured up to 300 numbers and
extrapolated above (the time per request at 300, times N): 10,000 x 50 ms would
take more than 8 minutes. Such figures are marked "(est.)".

One more send goes to 10,000 numbers never seen, which phonenumbers parses
once (the integration remembers what it normalised). After the table, the
N = 10,000 send is split: the round trip, the simulator's own time, phonenumbers
(timed apart on numbers never seen, as the integration calls it: once in the
executor, then once more on the normalised numbers in `SmsmodeClient.send_sms`).
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
import time
from typing import Final

from homeassistant.core import HomeAssistant

from custom_components.smsmode.api import SmsmodeClient, normalize_numbers
from custom_components.smsmode.const import DOMAIN

from .conftest import setup_entry
from .support import (
    ROUND_TRIP,
    LatencySimulator,
    LoopMonitor,
    emit,
    french_mobiles,
    median,
    ms,
    ratio,
    table,
)

FAN_OUT_SIZES: Final = (1, 10, 300, 1_000, 10_000)
BATCH_SIZES: Final = (10, 300, 1_000)
SEQUENTIAL_MEASURED_UP_TO: Final = 300
# All at once: above this, requests queued behind HA's 100 connections per host
# wait longer than the client's 10 s timeout (total, queueing included) and fail.
CONCURRENT_UP_TO: Final = 1_000
REPEATS: Final = 3
TEXT: Final = "Water leak in the cellar"
SEND: Final = "sendSMS.do"
BATCH: Final = "sendSMSBatch.do"

type Call = Callable[[], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Run:
    """One measured call: wall time, requests, simulator time, loop stall."""

    seconds: float
    sends: int
    other_requests: int
    server_seconds: float
    max_stall: float


async def _measure(simulator: LatencySimulator, endpoint: str, call: Call) -> Run:
    sends, total = simulator.count(endpoint), simulator.count()
    server = simulator.server_seconds
    with LoopMonitor() as monitor:
        start = time.perf_counter()
        await call()
        seconds = time.perf_counter() - start
    made = simulator.count(endpoint) - sends
    return Run(
        seconds,
        made,
        simulator.count() - total - made,
        simulator.server_seconds - server,
        monitor.max_stall,
    )


async def _median_run(simulator: LatencySimulator, endpoint: str, call: Call) -> Run:
    """Return the median run (by wall time) of `REPEATS`."""
    runs = [await _measure(simulator, endpoint, call) for _ in range(REPEATS)]
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


async def _one_round_trip(client: SmsmodeClient) -> float:
    """Return the median time of a balance read: one round trip, as seen."""
    times = []
    for _ in range(7):
        start = time.perf_counter()
        await client.get_balance()
        times.append(time.perf_counter() - start)
    return median(times)


async def _sequential(client: SmsmodeClient, numbers: Sequence[str]) -> None:
    for number in numbers:
        await client.send_sms(TEXT, [number])


async def _concurrent(client: SmsmodeClient, numbers: Sequence[str]) -> None:
    await asyncio.gather(*(client.send_sms(TEXT, [number]) for number in numbers))


def _send_cells(label: str, run: Run, round_trip: float) -> list[object]:
    """Return the first six cells of a fan-out row: what one send to N cost."""
    ha_side = run.seconds - run.server_seconds - ROUND_TRIP * run.sends
    return [
        label,
        f"{run.sends} + {run.other_requests}",
        ms(run.seconds),
        ratio(run.seconds, round_trip),
        ms(run.max_stall),
        f"{ms(run.server_seconds)} / {ms(ha_side)}",
    ]


def _timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _phonenumbers_seconds(numbers: Sequence[str]) -> tuple[float, float]:
    """Return the time to normalise the numbers, then to normalise them again.

    The second pass is what `SmsmodeClient.send_sms` does on the event loop with
    the numbers the integration already normalised in the executor.
    """
    normalised: list[str] = []
    first = _timed(lambda: normalised.extend(normalize_numbers(numbers)))
    return first, _timed(lambda: normalize_numbers(normalised))


async def test_fan_out(hass: HomeAssistant, simulator: LatencySimulator) -> None:
    """Compare `notify.smsmode` to N recipients with one request per recipient."""
    entry, _, _ = await setup_entry(hass, simulator)
    client = entry.runtime_data.client
    round_trip = await _one_round_trip(client)
    target = 1.2 * round_trip + 0.020

    def notify(numbers: Sequence[str]) -> Call:
        return lambda: hass.services.async_call(
            "notify", DOMAIN, {"message": TEXT, "target": list(numbers)}, blocking=True
        )

    # The first send: the balance refresh it asks for runs inline (no cooldown).
    first = await _measure(simulator, SEND, notify(french_mobiles(1)))
    rows: list[list[object]] = [
        [
            "1 (first send)",
            f"{first.sends} + {first.other_requests}",
            ms(first.seconds),
            ratio(first.seconds, round_trip),
            ms(first.max_stall),
            *[""] * 6,
        ]
    ]
    per_request = 0.0
    one_request = True
    largest = first
    for size in FAN_OUT_SIZES:
        numbers = french_mobiles(size)
        fan = await _median_run(simulator, SEND, notify(numbers))
        one_request = one_request and fan.sends == 1
        largest = fan
        if size <= SEQUENTIAL_MEASURED_UP_TO:
            seq = await _measure(
                simulator, SEND, lambda n=numbers: _sequential(client, n)
            )
            seq_seconds, seq_label = seq.seconds, ms(seq.seconds)
            per_request = seq.seconds / size
        else:
            seq_seconds = per_request * size
            seq_label = f"~{ms(seq_seconds)} (est.)"
        if size <= CONCURRENT_UP_TO:
            conc = await _measure(
                simulator, SEND, lambda n=numbers: _concurrent(client, n)
            )
            conc_label = ms(conc.seconds)
            conc_ratio = ratio(conc.seconds, fan.seconds)
        else:
            conc_label, conc_ratio = "not run (1)", ""
        rows.append(
            [
                *_send_cells(f"{size:,}", fan, round_trip),
                f"{size:,}",
                seq_label,
                ratio(seq_seconds, fan.seconds),
                conc_label,
                conc_ratio,
            ]
        )

    size = FAN_OUT_SIZES[-1]
    # One send to as many numbers never seen: each is parsed by phonenumbers
    # (in the executor) before it is remembered.
    new = await _measure(simulator, SEND, notify(french_mobiles(size, start=size)))
    rows.append(
        [
            *_send_cells(f"{size:,} (numbers never seen, one run)", new, round_trip),
            *[""] * 5,
        ]
    )
    executor_pass, loop_pass = _phonenumbers_seconds(
        french_mobiles(size, start=2 * size)
    )
    await hass.config_entries.async_unload(entry.entry_id)

    met = one_request and largest.seconds <= target
    emit(
        table(
            f"1. Fan-out: notify.smsmode to N recipients (round trip "
            f"{ms(round_trip)}, injected {ms(ROUND_TRIP)}; median of {REPEATS})",
            [
                "N",
                "requests (send + other)",
                "wall",
                "/ round trip",
                "loop max stall",
                "simulator / HA side",
                "per-recipient: requests",
                "one after the other",
                "/ fan-out",
                "all at once",
                "/ fan-out",
            ],
            rows,
        )
        + "\n(1) 10,000 requests at once queue behind HA's 100 connections per host "
        "longer than the client's 10 s timeout.\n"
        f"\nTarget: one request for every N: {'MET' if one_request else 'NOT MET'}."
        f"\nTarget: N = {size:,} within 1.2 x round trip + 20 ms = {ms(target)}: "
        f"{'MET' if met else 'NOT MET'} ({ms(largest.seconds)}, "
        f"{ratio(largest.seconds, target)} the target).\n"
        f"\nWhere N = {size:,} goes: round trip {ms(ROUND_TRIP)}; simulator "
        f"{ms(largest.server_seconds)}; phonenumbers, timed apart on {size:,} other "
        f"numbers never seen: {ms(executor_pass)} to normalise them (in the "
        f"executor, the first time only: the result is remembered) and "
        f"{ms(loop_pass)} to check the result again (what SmsmodeClient.send_sms "
        f"does, on the event loop).\n"
    )


async def test_personalised_batch(
    hass: HomeAssistant, simulator: LatencySimulator
) -> None:
    """Compare `smsmode.send_batch` with N different texts with N separate sends."""
    entry, _, _ = await setup_entry(hass, simulator)
    client = entry.runtime_data.client
    round_trip = await _one_round_trip(client)
    rows: list[list[object]] = []
    per_request = 0.0
    one_request = True
    for size in BATCH_SIZES:
        numbers = french_mobiles(size)
        texts = [
            f"Bonjour {index}, votre code est {index * 7919 % 100000:05d}"
            for index in range(size)
        ]
        messages = [
            {"number": n, "message": t} for n, t in zip(numbers, texts, strict=True)
        ]

        def batch(m: list[dict[str, str]] = messages) -> Awaitable[object]:
            return hass.services.async_call(
                DOMAIN,
                "send_batch",
                {"config_entry_id": entry.entry_id, "messages": m},
                blocking=True,
                return_response=True,
            )

        async def separate(
            n: Sequence[str] = numbers, t: Sequence[str] = texts
        ) -> None:
            for number, text in zip(n, t, strict=True):
                await client.send_sms(text, [number])

        result = await _median_run(simulator, BATCH, batch)
        one_request = one_request and result.sends == 1
        if size <= SEQUENTIAL_MEASURED_UP_TO:
            seq = await _measure(simulator, SEND, separate)
            seq_seconds, seq_label = seq.seconds, ms(seq.seconds)
            seq_requests = seq.sends
            per_request = seq.seconds / size
        else:
            seq_seconds = per_request * size
            seq_label, seq_requests = f"~{ms(seq_seconds)} (est.)", size
        rows.append(
            [
                f"{size:,}",
                f"{result.sends} + {result.other_requests}",
                ms(result.seconds),
                ratio(result.seconds, round_trip),
                ms(result.max_stall),
                f"{seq_requests:,}",
                seq_label,
                ratio(seq_seconds, result.seconds),
            ]
        )
    await hass.config_entries.async_unload(entry.entry_id)
    emit(
        table(
            f"2. Personalised batch: smsmode.send_batch, N different texts "
            f"(round trip {ms(round_trip)}; median of {REPEATS})",
            [
                "N",
                "requests (batch + other)",
                "wall",
                "/ round trip",
                "loop max stall",
                "separate sends: requests",
                "separate sends: wall",
                "separate / batch",
            ],
            rows,
        )
        + f"\nTarget: one request for every N: {'MET' if one_request else 'NOT MET'}.\n"
    )
