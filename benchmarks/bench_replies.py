"""8. Confirmed replies: latency from callback to event, and a flood of forgeries.

A reply callback fires nothing by itself: it waits until a `responseList.do`
read lists the same reply (reply_confirmation.py). Reads are coalesced: the
first at once, then at least 5 s apart, doubling up to 40 s while reads
confirm nothing; a callback not confirmed within 2 minutes is dropped.

Those spacings are played SPEED_UP times faster (0.5 s to 4 s, dropped after
12 s; reports' 2 s to 30 s, 10 minutes, likewise), as the outbox benchmark
plays its outage: what a callback waits for depends on where the reads stand
when it comes, which the compression keeps; the simulator's 50 ms round trip
is not compressed. A wait for the next read is so measured a tenth of its real
length: the tables say which rows hold one, and give it back in real time.

8a. Replies one at a time, each more than the spacing after the last read (a
home's replies come minutes apart): the callback GET to `smsmode_message_received`,
against one list read through the client alone (the round trip included).
8b. A reply that comes right after another one was confirmed: it waits for the
next read, the spacing later.
8c. A flood: forged replies and delivery reports (ids smsmode never gave) from
a load generator in a process of its own (benchmarks/load.py), a round every
real 10 s for 2 real minutes, then the 2 minutes in which they are dropped; a
real reply in the middle. Then a real reply followed at once by more forged
replies than the confirmation holds (2,000): it is pushed out before the next
read. The rate at which the webhook answered forgeries is set against a no-op
webhook sent the very same query strings.
"""

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
import time
from typing import Final
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.test_utils import TestClient
from homeassistant.components import webhook
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.api import SmsmodeClient
from custom_components.smsmode.const import (
    EVENT_DELIVERY_REPORT,
    EVENT_MESSAGE_RECEIVED,
)
from custom_components.smsmode.coordinator import SmsmodeConfigEntry
from custom_components.smsmode.reply_confirmation import SmsmodeReplyConfirmer
from custom_components.smsmode.report_confirmation import SmsmodeReportConfirmer
from smsmode_simulator.callbacks import reply_params

from .conftest import WEBHOOK_ID, setup_entry
from .load import Load, async_run_process
from .support import LatencySimulator, emit, median, ms, percentile, ratio, table

SPEED_UP: Final = 10
REPLY_MIN: Final = timedelta(seconds=5 / SPEED_UP)
ISOLATED: Final = 40
PAIRS: Final = 10
BASELINE_READS: Final = 20
# The flood: a round every FLOOD_EVERY for FLOOD_FOR (both played SPEED_UP
# times faster), FLOOD_ROUND forged callbacks a round, half replies.
FLOOD_FOR: Final = 120 / SPEED_UP
FLOOD_EVERY: Final = 10 / SPEED_UP
FLOOD_ROUND: Final = 500
PUSH_OUT: Final = 2_500
CONCURRENCY: Final = 16
NOOP_ID: Final = "bench-noop-0123456789abcdef"
LIST: Final = "responseList.do"
REPORT: Final = "compteRendu.do"


@pytest.fixture(autouse=True)
def compressed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Play the confirmations' spacings SPEED_UP times faster (module docstring)."""
    for confirmer in (SmsmodeReplyConfirmer, SmsmodeReportConfirmer):
        for name in ("min_spacing", "max_spacing", "confirm_for"):
            monkeypatch.setattr(confirmer, name, getattr(confirmer, name) / SPEED_UP)


@dataclass
class Arrivals:
    """When each reply's `smsmode_message_received` fired, by response id."""

    fired: dict[str, float] = field(default_factory=dict)
    reports: int = 0
    _waiters: dict[str, asyncio.Future[float]] = field(default_factory=dict)

    @callback
    def on_reply(self, event: Event) -> None:
        """Note the time; wake whoever waits for this reply."""
        now = time.perf_counter()
        response_id = str(event.data["response_id"])
        self.fired[response_id] = now
        if (waiter := self._waiters.pop(response_id, None)) is not None:
            waiter.set_result(now)

    @callback
    def on_report(self, event: Event) -> None:
        """Count a delivery report (the flood's must fire none)."""
        self.reports += 1

    def expect(self, response_id: str) -> asyncio.Future[float]:
        """Return a future set when this reply fires."""
        future = asyncio.get_running_loop().create_future()
        self._waiters[response_id] = future
        return future


def _listen(hass: HomeAssistant) -> Arrivals:
    arrivals = Arrivals()
    hass.bus.async_listen(EVENT_MESSAGE_RECEIVED, arrivals.on_reply)
    hass.bus.async_listen(EVENT_DELIVERY_REPORT, arrivals.on_report)
    return arrivals


async def _real_reply(simulator: LatencySimulator, index: int) -> dict[str, str]:
    """Have the simulator receive a reply; return its callback's parameters."""
    response_id = await simulator.inject_reply(f"Oui {index}", f"336{index:08d}")
    (reply,) = (r for r in simulator.replies if r.response_id == response_id)
    return reply_params(reply)


async def _timed_reply(
    client: TestClient,
    arrivals: Arrivals,
    simulator: LatencySimulator,
    index: int,
    wait: float = 30,
) -> float | None:
    """GET a real reply's callback; seconds until its event, None if never."""
    params = await _real_reply(simulator, index)
    fired = arrivals.expect(params["responseID"])
    start = time.perf_counter()
    response = await client.get(f"/api/webhook/{WEBHOOK_ID}?{urlencode(params)}")
    if response.status != 200:
        raise RuntimeError(f"the webhook answered {response.status}")
    try:
        async with asyncio.timeout(wait):
            return await fired - start
    except TimeoutError:
        return None


async def _list_read(hass: HomeAssistant, simulator: LatencySimulator) -> float:
    """Time one reply-list read with the client alone: the baseline."""
    client = SmsmodeClient(
        async_get_clientsession(hass), simulator.api_key, base_url=simulator.url
    )
    now = dt_util.utcnow()
    start = time.perf_counter()
    await client.list_replies(start_date=now - timedelta(minutes=2), end_date=now)
    return time.perf_counter() - start


def _forged(start: int, count: int) -> Iterator[dict[str, str]]:
    """Callbacks smsmode never made: replies and reports, alternately.

    The replies' date is older than smsmode's 30 days of replies, so each read
    covers the last 2 minutes (a forger's date within 30 days would only widen
    the range read).
    """
    for index in range(start, start + count):
        if index % 2:
            yield {
                "numero": "36034",
                "message": "DISARM",
                "emetteur": f"336{index:08d}",
                "date_reception": "01012026-122233",
                "responseID": f"forged{index:09d}",
            }
        else:
            yield {
                "numero": f"336{index:08d}",
                "date_reception": "2026-03-29 02:30:17",
                "statut": "11",
                "smsID": f"forged{index:06d}",
                "mcc_mnc": "20801",
                "cost": "1",
            }


def _paths(webhook_id: str, callbacks: Iterator[dict[str, str]]) -> list[str]:
    return [f"/api/webhook/{webhook_id}?{urlencode(params)}" for params in callbacks]


def _real_time_wait(latency: float, read: float) -> str:
    """Return the wait for the next read in a latency, given back in real time."""
    return f"{max(0.0, latency - read) * SPEED_UP:,.1f} s"


async def test_reply_latency(
    hass: HomeAssistant,
    simulator: LatencySimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Print p50 and p99 from callback to event, against one list read."""
    entry, _, _ = await setup_entry(hass, simulator)
    arrivals = _listen(hass)
    client = await hass_client_no_auth()
    reads = [await _list_read(hass, simulator) for _ in range(BASELINE_READS)]
    read = median(reads)
    before = simulator.count(LIST)
    isolated: list[float] = []
    lost = 0
    for index in range(ISOLATED):
        # More than the (compressed) spacing since the last read.
        await asyncio.sleep(REPLY_MIN.total_seconds() * 1.2)
        latency = await _timed_reply(client, arrivals, simulator, index)
        if latency is None:
            lost += 1
        else:
            isolated.append(latency)
    isolated_reads = simulator.count(LIST) - before
    following: list[float] = []
    before = simulator.count(LIST)
    for pair in range(PAIRS):
        await asyncio.sleep(REPLY_MIN.total_seconds() * 1.2)
        index = ISOLATED + 2 * pair
        first = await _timed_reply(client, arrivals, simulator, index)
        second = await _timed_reply(client, arrivals, simulator, index + 1)
        lost += (first is None) + (second is None)
        if second is not None:
            following.append(second)
    pair_reads = simulator.count(LIST) - before
    await hass.config_entries.async_unload(entry.entry_id)

    rows = [
        [
            "baseline: one responseList.do read, client alone",
            len(reads),
            ms(read),
            ms(percentile(reads, 0.99)),
            "",
            "",
            "",
        ],
        [
            "a reply, more than the spacing after the last read",
            len(isolated),
            ms(percentile(isolated, 0.5)),
            ms(percentile(isolated, 0.99)),
            ratio(percentile(isolated, 0.5), read),
            ratio(percentile(isolated, 0.99), read),
            f"{isolated_reads} ({isolated_reads / ISOLATED:.2f} a reply)",
        ],
        [
            "a reply right after another one fired (waits, compressed)",
            len(following),
            ms(percentile(following, 0.5)),
            ms(percentile(following, 0.99)),
            ratio(percentile(following, 0.5), read),
            ratio(percentile(following, 0.99), read),
            f"{pair_reads} ({pair_reads / (2 * PAIRS):.2f} a reply)",
        ],
    ]
    emit(
        table(
            "8a-b. Reply latency, callback GET to smsmode_message_received "
            f"(round trip {ms(simulator.latency)}; spacings played x{SPEED_UP})",
            ["replies", "count", "p50", "p99", "p50 / read", "p99 / read", "reads"],
            rows,
        )
        + f"\nReplies that never fired: {lost}."
        f"\nA reply right after another one waits for the next read: "
        f"{_real_time_wait(percentile(following, 0.5), read)} (p50) and "
        f"{_real_time_wait(percentile(following, 0.99), read)} (p99) in real "
        "time, then one read.\n"
    )


async def _flood_round(
    base: str, paths: list[str], noop: list[str]
) -> tuple[Load, Load]:
    """Send one round of forgeries to smsmode's webhook, then to the no-op."""
    flood = await async_run_process(base, paths, CONCURRENCY, 10.0)
    baseline = await async_run_process(base, noop, CONCURRENCY, 10.0)
    return flood, baseline


def _counts(entry: SmsmodeConfigEntry) -> str:
    runtime = entry.runtime_data
    replies = dict(sorted(runtime.reply_confirmer.as_dict().items()))
    reports = dict(sorted(runtime.report_confirmer.as_dict().items()))
    return f"replies {replies}, reports {reports}"


async def test_forged_flood(
    hass: HomeAssistant,
    simulator: LatencySimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Print the rate answered, the reads made, the events fired, a real reply."""
    entry, _, _ = await setup_entry(hass, simulator)
    arrivals = _listen(hass)

    async def noop(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        return web.Response(status=200)

    webhook.async_register(
        hass, "bench", "no-op", NOOP_ID, noop, local_only=False,
        allowed_methods=["GET", "POST"],
    )  # fmt: skip
    read = median([await _list_read(hass, simulator) for _ in range(BASELINE_READS)])
    client = await hass_client_no_auth()
    base = str(client.make_url("")).rstrip("/")
    # The no-op warmed up (smsmode's first round is the flood's own).
    await async_run_process(
        base, _paths(NOOP_ID, _forged(10**7, 200)), CONCURRENCY, 10.0
    )
    lists, reports = simulator.count(LIST), simulator.count(REPORT)
    rounds = round(FLOOD_FOR / FLOOD_EVERY)
    loads: list[Load] = []
    noops: list[Load] = []
    real: list[float | None] = []
    started = time.perf_counter()
    real_task: asyncio.Task[float | None] | None = None
    for index in range(rounds):
        if index == rounds // 2:
            real_task = asyncio.create_task(
                _timed_reply(client, arrivals, simulator, 0, wait=60)
            )
        batch = list(_forged(index * FLOOD_ROUND, FLOOD_ROUND))
        flood, baseline = await _flood_round(
            base, _paths(WEBHOOK_ID, iter(batch)), _paths(NOOP_ID, iter(batch))
        )
        loads.append(flood)
        noops.append(baseline)
        await asyncio.sleep(
            max(0.0, started + (index + 1) * FLOOD_EVERY - time.perf_counter())
        )
    flood_seconds = time.perf_counter() - started
    if real_task is not None:
        real.append(await real_task)
    flood_lists = simulator.count(LIST) - lists
    flood_reports = simulator.count(REPORT) - reports
    # The 2 minutes (played) in which what still waits is dropped.
    await asyncio.sleep(2 * 60 / SPEED_UP + 5)
    tail_lists = simulator.count(LIST) - lists - flood_lists
    tail_reports = simulator.count(REPORT) - reports - flood_reports
    counts_after_flood = _counts(entry)
    fired_forged = len(arrivals.fired) - sum(1 for r in real if r is not None)
    fired_reports = arrivals.reports

    # A real reply, then more forged replies than the confirmation holds.
    replies_only = [
        params for params in _forged(10**6, 2 * PUSH_OUT) if "responseID" in params
    ]
    # Forgeries one by one until reads are the most apart (each read confirmed
    # nothing), then the real reply just after a read: the next is far.
    for params in replies_only[:80]:
        await client.get(f"/api/webhook/{WEBHOOK_ID}?{urlencode(params)}")
        await asyncio.sleep(0.1)
    listed = simulator.count(LIST)
    while simulator.count(LIST) == listed:  # noqa: ASYNC110 - no hook to await
        await asyncio.sleep(0.01)
    await asyncio.sleep(simulator.latency + 0.02)
    pushed_task = asyncio.create_task(
        _timed_reply(client, arrivals, simulator, 1, wait=2 * 60 / SPEED_UP + 2)
    )
    await asyncio.sleep(0.05)
    push = await async_run_process(
        base, _paths(WEBHOOK_ID, iter(replies_only[80:])), CONCURRENCY, 10.0
    )
    pushed = await pushed_task
    counts_after_push = _counts(entry)
    await hass.config_entries.async_unload(entry.entry_id)
    webhook.async_unregister(hass, NOOP_ID)

    sent = sum(load.done + load.failed for load in loads)
    latencies = [value for load in loads for value in load.latencies]
    noop_latencies = [value for load in noops for value in load.latencies]
    rate = median([load.rate for load in loads])
    noop_rate = median([load.rate for load in noops])
    rows = [
        [
            "no-op (baseline), the same query strings",
            f"{sum(n.done for n in noops):,} / {sum(n.failed for n in noops)}",
            f"{noop_rate:,.0f}",
            ms(percentile(noop_latencies, 0.5)),
            ms(percentile(noop_latencies, 0.99)),
            "x 1.00",
        ],
        [
            "smsmode, forged replies and reports",
            f"{sum(n.done for n in loads):,} / {sum(n.failed for n in loads)}",
            f"{rate:,.0f}",
            ms(percentile(latencies, 0.5)),
            ms(percentile(latencies, 0.99)),
            ratio(rate, noop_rate),
        ],
    ]
    real_latency = real[0] if real else None
    emit(
        table(
            f"8c. Flood of forged callbacks: {sent:,} ({sent // 2:,} replies, "
            f"{sent // 2:,} reports) in {rounds} rounds of {FLOOD_ROUND}, one every "
            f"{FLOOD_EVERY * SPEED_UP:g} s for {FLOOD_FOR * SPEED_UP / 60:g} minutes "
            f"(played x{SPEED_UP}: {flood_seconds:.1f} s), {CONCURRENCY} in flight",
            [
                "webhook",
                "answered 200 / other",
                "callbacks/s (median round)",
                "p50",
                "p99",
                "rate / no-op",
            ],
            rows,
        )
        + f"\nAPI reads during the flood: {flood_lists} {LIST} and "
        f"{flood_reports} {REPORT}; in the 2 minutes after it (forgeries "
        f"dropped): {tail_lists} and {tail_reports}."
        f"\nEvents fired by forgeries: {fired_forged} replies, {fired_reports} "
        f"delivery reports (target 0: "
        f"{'MET' if fired_forged == 0 and fired_reports == 0 else 'NOT MET'})."
        f"\nOutcomes counted (diagnostics): {counts_after_flood}."
        "\nA real reply in the middle of the flood: "
        + (
            "never fired"
            if real_latency is None
            else f"fired after {ms(real_latency)} ({_real_time_wait(real_latency, read)}"
            f" of wait in real time; one read alone: {ms(read)})"
        )
        + f".\nA real reply, then {push.done:,} forged replies before the next read "
        f"(the confirmation holds 2,000): "
        + ("never fired" if pushed is None else f"fired after {ms(pushed)}")
        + f"; outcomes now: {counts_after_push}.\n"
    )
