"""4. Setup and steady state: setup time, API calls at setup, memory held.

Setup is timed as the first one (the integration, its platforms and their
dependencies loaded into Home Assistant) and then as reloads (unload, set up
again: `async_setup_entry` alone), with the 50 ms round trip and without one.

Memory is what tracemalloc sees still allocated, garbage collected, after 10,000
sends (notify, one recipient each) and then 10,000 callbacks (webhook, half
delivery reports, half replies), split by who allocated it: a frame in
custom_components/smsmode, the test harness's in-memory storage (a real Home
Assistant writes the same data to a file), or anything else (Home Assistant,
aiohttp, the load). What the integration remembers is capped (numbers already
normalised, callbacks already seen, ids of SMS smsmode accepted), and 10,000 sends
to new numbers do not fill the numbers' cap: more sends to new numbers fill every
cap first. A further 5,000 sends and 5,000 callbacks, new numbers and
new ids, then show whether what the integration holds keeps growing (unbounded)
or stays put (capped): bounded means the number of blocks it holds grows, per
operation, by less than a tenth of what it did in the first round (bytes may
move a little as a dict resizes its table). The round trip is 0 and the
simulator forgets what it was sent after each chunk (its memory is not the
integration's, and its time per request grows with what it holds).
"""

import asyncio
from collections.abc import Awaitable, Callable
import gc
import time
import tracemalloc
from typing import Final

from aiohttp import ClientSession
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.api.recipients import CACHED_NUMBERS
from custom_components.smsmode.const import DOMAIN
from custom_components.smsmode.inbox import MAX_SEEN
from custom_components.smsmode.outbox_queue import MAX_CLAIMED

from .bench_webhook import smsmode_paths
from .conftest import setup_entry
from .support import (
    ROUND_TRIP,
    LatencySimulator,
    emit,
    french_mobiles,
    median,
    ms,
    ratio,
    table,
)

SENDS: Final = 10_000
CALLBACKS: Final = 10_000
# Sends to new numbers, after the first round, until every cap is full (and a
# margin), and callbacks likewise: none when the first round filled them.
FILL_SENDS: Final = max(0, CACHED_NUMBERS + 1_000 - SENDS)
FILL_CALLBACKS: Final = max(0, 2 * MAX_SEEN + 1_000 - CALLBACKS)
# The last round, caps full: half the callbacks each cap remembers.
MORE: Final = 5_000
IN_FLIGHT: Final = 50
RELOADS: Final = 5
WARM_UP: Final = 200
# Frames kept per allocation: enough to find the integration's frame above the
# standard library (urllib's parse_qsl under the webhook), few enough to keep
# tracing affordable (each frame kept slows every allocation).
TRACE_FRAMES: Final = 4
INTEGRATION: Final = "*custom_components/smsmode/*"
HARNESS: Final = "*pytest_homeassistant_custom_component/*"
# tracemalloc's own snapshots are allocated while tracing: never counted.
_NOT_COUNTED: Final = (
    tracemalloc.Filter(False, tracemalloc.__file__),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    tracemalloc.Filter(False, "<unknown>"),
)

type Call = Callable[[], Awaitable[object]]


async def _in_chunks(calls: list[Call], simulator: LatencySimulator) -> float:
    """Run the calls `IN_FLIGHT` at a time; return the wall time."""
    start = time.perf_counter()
    for first in range(0, len(calls), IN_FLIGHT):
        await asyncio.gather(*(call() for call in calls[first : first + IN_FLIGHT]))
        simulator.forget()
    return time.perf_counter() - start


def _held(
    after: tracemalloc.Snapshot, before: tracemalloc.Snapshot, pattern: str | None
) -> tuple[int, int]:
    """Return bytes and blocks allocated between the snapshots, still held.

    Only those with a frame matching `pattern` (None: all of them).
    """
    if pattern is not None:
        keep = [tracemalloc.Filter(True, pattern, all_frames=True)]
        after, before = after.filter_traces(keep), before.filter_traces(keep)
    stats = after.compare_to(before, "filename")
    return sum(s.size_diff for s in stats), sum(s.count_diff for s in stats)


def _top_lines(
    after: tracemalloc.Snapshot, before: tracemalloc.Snapshot, count: int
) -> list[str]:
    """Return the integration's lines holding the most new memory."""
    keep = [tracemalloc.Filter(True, INTEGRATION)]
    stats = after.filter_traces(keep).compare_to(before.filter_traces(keep), "lineno")
    out = []
    for stat in stats[:count]:
        if stat.size_diff <= 0:
            break
        frame = stat.traceback[0]
        name = frame.filename.rsplit("custom_components/", 1)[-1]
        out.append(
            f"{name}:{frame.lineno} {stat.size_diff / 1024:,.1f} KiB "
            f"in {stat.count_diff:,} blocks"
        )
    return out


def _snapshot() -> tracemalloc.Snapshot:
    gc.collect()
    return tracemalloc.take_snapshot().filter_traces(_NOT_COUNTED)


def _kib(value: int) -> str:
    return f"{value / 1024:,.1f} KiB"


async def _time_setups(
    hass: HomeAssistant, simulator: LatencySimulator, entry_id: str
) -> list[list[object]]:
    """Reload the entry `RELOADS` times per round trip; one row per round trip."""
    rows: list[list[object]] = []
    for latency in (ROUND_TRIP, 0.0):
        simulator.latency = latency
        times, calls = [], []
        for _ in range(RELOADS):
            await hass.config_entries.async_unload(entry_id)
            before = simulator.count()
            start = time.perf_counter()
            if not await hass.config_entries.async_setup(entry_id):
                raise RuntimeError("smsmode did not set up again")
            times.append(time.perf_counter() - start)
            calls.append(simulator.count() - before)
            await hass.async_block_till_done()
        rows.append(
            [
                f"reload: async_setup_entry (median of {RELOADS})",
                f"{latency * 1000:.0f} ms",
                max(calls),
                ms(median(times)),
                ratio(median(times), latency) if latency else "(no round trip)",
            ]
        )
    return rows


async def test_setup_and_memory(
    hass: HomeAssistant,
    simulator: LatencySimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Set up (time, API calls), then measure memory after sends and callbacks."""
    entry, first_seconds, first_calls = await setup_entry(hass, simulator)
    rows: list[list[object]] = [
        [
            "first setup (loads the platforms)",
            f"{ROUND_TRIP * 1000:.0f} ms",
            first_calls,
            ms(first_seconds),
            ratio(first_seconds, ROUND_TRIP),
        ]
    ]
    rows += await _time_setups(hass, simulator, entry.entry_id)
    calls_met = all(row[2] == 1 for row in rows)
    emit(
        table(
            "4a. Setup with the simulator (target: one API call)",
            ["what", "round trip", "API calls (max)", "wall", "/ round trip"],
            rows,
        )
        + f"\nOne API call at setup: {'MET' if calls_met else 'NOT MET'}\n"
    )

    simulator.latency = 0.0
    # A session of its own: the harness's test client keeps every response.
    base = str((await hass_client_no_auth()).make_url("")).rstrip("/")
    session = ClientSession()
    numbers = french_mobiles(WARM_UP + SENDS + FILL_SENDS + MORE)
    paths = smsmode_paths(WARM_UP + CALLBACKS + FILL_CALLBACKS + MORE)

    def send(number: str) -> Call:
        return lambda: hass.services.async_call(
            "notify",
            DOMAIN,
            {"message": "Porte ouverte", "target": [number]},
            blocking=True,
        )

    def callback(path: str) -> Call:
        async def call() -> None:
            async with session.get(base + path) as response:
                if response.status != 200:
                    raise RuntimeError(f"callback answered {response.status}")
                await response.read()

        return call

    def sends(first: int, count: int) -> list[Call]:
        return [send(n) for n in numbers[first : first + count]]

    def callbacks(first: int, count: int) -> list[Call]:
        return [callback(p) for p in paths[first : first + count]]

    try:
        # Warm-up (caches, lazy imports, the first send's balance refresh).
        await _in_chunks(sends(0, WARM_UP) + callbacks(0, WARM_UP), simulator)
        await hass.async_block_till_done()
        tracemalloc.start(TRACE_FRAMES)
        try:
            s0 = _snapshot()
            t_sends = await _in_chunks(sends(WARM_UP, SENDS), simulator)
            await hass.async_block_till_done()
            s1 = _snapshot()
            t_callbacks = await _in_chunks(callbacks(WARM_UP, CALLBACKS), simulator)
            await hass.async_block_till_done()
            s2 = _snapshot()
            # Traced too: what the last round evicts from the caps was allocated
            # while tracing, so its freeing is seen (tracemalloc ignores blocks
            # allocated before it started).
            t_fill = await _in_chunks(
                sends(WARM_UP + SENDS, FILL_SENDS)
                + callbacks(WARM_UP + CALLBACKS, FILL_CALLBACKS),
                simulator,
            )
            await hass.async_block_till_done()
            s3 = _snapshot()
            t_more = await _in_chunks(
                sends(WARM_UP + SENDS + FILL_SENDS, MORE)
                + callbacks(WARM_UP + CALLBACKS + FILL_CALLBACKS, MORE),
                simulator,
            )
            await hass.async_block_till_done()
            s4 = _snapshot()
        finally:
            tracemalloc.stop()
    finally:
        await session.close()
    await hass.config_entries.async_unload(entry.entry_id)

    def row(
        what: str,
        after: tracemalloc.Snapshot,
        before: tracemalloc.Snapshot,
        work: int,
    ) -> list[object]:
        mine, blocks = _held(after, before, INTEGRATION)
        harness, _ = _held(after, before, HARNESS)
        total, _ = _held(after, before, None)
        return [
            what,
            _kib(mine),
            f"{blocks:,}",
            f"{mine / work:,.1f} B",
            _kib(harness),
            _kib(total - mine - harness),
        ]

    _, first_blocks = _held(s2, s0, INTEGRATION)
    _, more_blocks = _held(s4, s3, INTEGRATION)
    first_rate = first_blocks / (SENDS + CALLBACKS)
    more_rate = more_blocks / (2 * MORE)
    # Bounded: per operation, the last round leaves under a tenth of the
    # blocks the first one did (an unbounded structure would leave as many).
    bounded = more_rate < 0.1 * max(first_rate, 1e-9)
    emit(
        table(
            f"4b. Memory still allocated (tracemalloc, {TRACE_FRAMES} frames, after "
            f"gc; round trip 0; traced phases took {t_sends:.1f} s, "
            f"{t_callbacks:.1f} s, {t_fill:.1f} s, {t_more:.1f} s)",
            [
                "phase",
                "custom_components/smsmode",
                "its blocks",
                "per send or callback",
                "harness storage mock",
                "anything else",
            ],
            [
                row(f"{SENDS:,} sends", s1, s0, SENDS),
                row(f"then {CALLBACKS:,} callbacks", s2, s1, CALLBACKS),
                row(
                    f"held after {SENDS:,} sends and {CALLBACKS:,} callbacks",
                    s2,
                    s0,
                    SENDS + CALLBACKS,
                ),
                row(
                    f"held with every cap full ({FILL_SENDS:,} sends and "
                    f"{FILL_CALLBACKS:,} callbacks more)",
                    s3,
                    s0,
                    SENDS + CALLBACKS + FILL_SENDS + FILL_CALLBACKS,
                ),
                row(
                    f"then growth over {MORE:,} more sends and {MORE:,} more callbacks",
                    s4,
                    s3,
                    2 * MORE,
                ),
            ],
        )
        + f"\nCaps: {CACHED_NUMBERS:,} numbers normalised, {MAX_SEEN:,} callbacks "
        f"seen per kind (replies, reports), {MAX_CLAIMED:,} ids of SMS smsmode "
        "accepted"
        + "\nIntegration's lines holding the most after the first round: "
        + ("; ".join(_top_lines(s2, s0, 5)) or "none")
        + "\nIts lines that grew most in the last round: "
        + ("; ".join(_top_lines(s4, s3, 3)) or "none")
        + "\nBounded (per operation, the last round leaves < 10 % of the blocks "
        f"the first left): {'MET' if bounded else 'NOT MET'} (first round "
        f"{first_rate:.3f} blocks per operation, last round {more_rate:.3f})\n"
    )
