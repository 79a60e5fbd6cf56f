"""3. Webhook throughput through Home Assistant's HTTP stack, next to a no-op webhook.

Home Assistant's real aiohttp application (`hass.http.app`, every middleware)
is served by the harness's test server on 127.0.0.1 (`hass_client_no_auth`); a
load generator runs in a process of its own (`benchmarks/load.py`: it shares no
interpreter lock with Home Assistant, and cProfile does not count its work) and
sends smsmode delivery reports to the entry's webhook, each round with
callbacks never seen before, then the same callbacks again (as smsmode repeats
them: acknowledged, nothing fired). A callback is a doorbell, not a proof: a
report fires at once only for an SMS this account sent, so before each round
the account's sent memory is given that round's SMS ids through its public
method (`SmsmodeSentMemory.async_sent`, what a send through the integration
calls), and each new report goes the whole way (read, checked, found in the
memory, bus event, event entity). Replies cannot fire per callback (each waits
for a `responseList.do` read): they are measured apart (bench_replies.py).
The baseline is a no-op webhook registered in the same Home Assistant, sent the
very same query strings. A third webhook, the floor, does only Home Assistant's
part of a new callback: it fires the same bus event and updates the same event
entity from data made in advance, reading and checking nothing; what smsmode
costs above it is the integration's own work (reading, checking, looking the
SMS up, deduplicating). Target: new callbacks at >= 0.8 x the floor's rate.
Bounded: `COUNT` requests per round, `TIME_LIMIT` seconds at most per round,
`CONCURRENCY` in flight, loopback only.
"""

import pstats
from typing import Final
from urllib.parse import parse_qsl, urlencode

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.api import DeliveryCallback, parse_callback
from custom_components.smsmode.const import EVENT_DELIVERY_REPORT
from custom_components.smsmode.coordinator import SmsmodeConfigEntry
from custom_components.smsmode.event_data import delivery_report_data
from custom_components.smsmode.inbox import inbox_signal

from .conftest import WEBHOOK_ID, setup_entry
from .load import Load, async_run_process
from .support import (
    LatencySimulator,
    emit,
    loop_busy,
    loop_seconds,
    median,
    ms,
    percentile,
    profile_loop,
    ratio,
    table,
)

COUNT: Final = 3_000
CONCURRENCY: Final = 16
TIME_LIMIT: Final = 10.0
ROUNDS: Final = 3
NOOP_ID: Final = "bench-noop-0123456789abcdef"
FLOOR_ID: Final = "bench-floor-0123456789abcdef"
WARM_UP: Final = 200


def smsmode_paths(count: int) -> list[str]:
    """Delivery reports as smsmode makes them, each about its own SMS."""
    paths = []
    for index in range(count):
        params = {
            "numero": f"336{index:08d}",
            "date_reception": "2026-03-29 02:30:17",
            "statut": "11",
            "smsID": f"S{index:011d}",
            "mcc_mnc": "20801",
            "cost": "1",
        }
        paths.append(f"/api/webhook/{WEBHOOK_ID}?{urlencode(params)}")
    return paths


def _report(path: str) -> DeliveryCallback:
    parsed = parse_callback(dict(parse_qsl(path.partition("?")[2])))
    if not isinstance(parsed, DeliveryCallback):
        raise TypeError("the load holds delivery reports only")
    return parsed


def remember_sent(entry: SmsmodeConfigEntry, paths: list[str]) -> None:
    """Make the account's sent memory hold the SMS these reports are about.

    What a send through the integration does for each SMS smsmode accepts: the
    memory keeps 5,000 SMS at most, so each round's are given just before it.
    """
    memory = entry.runtime_data.sent_memory
    now = dt_util.utcnow()
    for path in paths:
        report = _report(path)
        memory.async_sent(report.sms_id, now, numbers=(report.number,))


def floor_event(entry_id: str) -> dict[str, object]:
    """Return a report's event data, as smsmode's webhook fires it.

    Made once, from the first callback of the load: the floor webhook fires it
    without reading its request.
    """
    (path,) = smsmode_paths(1)
    return {"config_entry_id": entry_id, **delivery_report_data(_report(path))}


async def _load(base: str, paths: list[str]) -> Load:
    """Run one round of load from a process of its own (benchmarks/load.py)."""
    return await async_run_process(base, paths, CONCURRENCY, TIME_LIMIT)


async def test_webhook_throughput(
    hass: HomeAssistant,
    simulator: LatencySimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Callbacks per second and latency, smsmode's webhook vs the floor and a no-op."""
    entry, _, _ = await setup_entry(hass, simulator)

    async def noop(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        return web.Response(status=200)

    webhook.async_register(
        hass,
        "bench",
        "no-op",
        NOOP_ID,
        noop,
        local_only=False,
        allowed_methods=["GET", "POST"],
    )
    data = floor_event(entry.entry_id)
    signal = inbox_signal(entry.entry_id, EVENT_DELIVERY_REPORT)

    async def floor(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        hass.bus.async_fire(EVENT_DELIVERY_REPORT, dict(data))
        async_dispatcher_send(hass, signal, data)
        return web.Response(status=200)

    webhook.async_register(
        hass,
        "bench",
        "floor",
        FLOOR_ID,
        floor,
        local_only=False,
        allowed_methods=["GET", "POST"],
    )
    client = await hass_client_no_auth()
    base = str(client.make_url("")).rstrip("/")
    # Every smsmode round gets callbacks never seen before (a repeat is only
    # acknowledged: no event); the no-op gets the very same query strings.
    fresh = smsmode_paths(WARM_UP + (ROUNDS + 1) * COUNT)
    prefix = f"/api/webhook/{WEBHOOK_ID}?"
    noop = [path.replace(prefix, f"/api/webhook/{NOOP_ID}?") for path in fresh]
    floor_paths = [path.replace(prefix, f"/api/webhook/{FLOOR_ID}?") for path in fresh]
    warm_up, fresh = fresh[:WARM_UP], fresh[WARM_UP:]
    noop = noop[WARM_UP:]
    floor_paths = floor_paths[WARM_UP:]
    remember_sent(entry, warm_up)
    await _load(base, warm_up)
    await _load(base, noop[:WARM_UP])
    await _load(base, floor_paths[:WARM_UP])
    results: dict[str, list[Load]] = {
        "smsmode": [],
        "repeats": [],
        "no-op": [],
        "floor": [],
    }
    # Counted for the floor's rounds too: both pay the same listener.
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    new_fired = repeats_fired = 0
    for index in range(ROUNDS):
        chunk = slice(index * COUNT, (index + 1) * COUNT)
        results["no-op"].append(await _load(base, noop[chunk]))
        results["floor"].append(await _load(base, floor_paths[chunk]))
        remember_sent(entry, fresh[chunk])
        await hass.async_block_till_done()
        events.clear()
        results["smsmode"].append(await _load(base, fresh[chunk]))
        await hass.async_block_till_done()
        new_fired += len(events)
        events.clear()
        # The same callbacks again, as smsmode repeats them: already seen.
        results["repeats"].append(await _load(base, fresh[chunk]))
        await hass.async_block_till_done()
        repeats_fired += len(events)
        events.clear()
    # One more round of new callbacks under cProfile (the loop's thread only).
    remember_sent(entry, fresh[ROUNDS * COUNT : (ROUNDS + 1) * COUNT])
    await hass.async_block_till_done()
    stats = await profile_loop(
        lambda: _load(base, fresh[ROUNDS * COUNT : (ROUNDS + 1) * COUNT])
    )
    await hass.async_block_till_done()
    webhook.async_unregister(hass, NOOP_ID)
    webhook.async_unregister(hass, FLOOR_ID)
    await hass.config_entries.async_unload(entry.entry_id)

    def summary(loads: list[Load]) -> tuple[float, float, float, int, int]:
        latencies = [value for load in loads for value in load.latencies]
        return (
            median([load.rate for load in loads]),
            percentile(latencies, 0.50),
            percentile(latencies, 0.99),
            sum(load.done for load in loads),
            sum(load.failed for load in loads),
        )

    noop_rate, noop_p50, noop_p99, _, _ = summary(results["no-op"])
    rows = []
    for label, key in (
        ("no-op (baseline)", "no-op"),
        ("floor: Home Assistant's part only (bus event, event entity)", "floor"),
        ("smsmode, new reports of SMS it sent (events fired)", "smsmode"),
        ("smsmode, repeated callbacks (acknowledged only)", "repeats"),
    ):
        rate, p50, p99, done, failed = summary(results[key])
        rows.append(
            [
                label,
                f"{done:,} / {failed}",
                f"{rate:,.0f}",
                ms(p50),
                ms(p99),
                ratio(rate, noop_rate),
                ratio(p50, noop_p50),
                ratio(p99, noop_p99),
            ]
        )
    rate = summary(results["smsmode"])[0]
    floor_rate = summary(results["floor"])[0]
    emit(
        table(
            f"3. Webhook throughput: {ROUNDS} rounds of {COUNT:,} GET callbacks "
            f"each, {CONCURRENCY} in flight, loopback (median rate; latencies "
            "pooled)",
            [
                "webhook",
                "answered 200 / other",
                "callbacks/s",
                "p50",
                "p99",
                "rate / no-op",
                "p50 / no-op",
                "p99 / no-op",
            ],
            rows,
        )
        + "\nTarget rate of new callbacks >= 0.8 x the floor: "
        f"{'MET' if rate >= 0.8 * floor_rate else 'NOT MET'} "
        f"({ratio(rate, floor_rate)} of the floor); for context, smsmode reaches "
        f"{ratio(rate, noop_rate)} of the no-op and the floor "
        f"{ratio(floor_rate, noop_rate)}\n"
        f"Events fired: {new_fired:,} for {ROUNDS * COUNT:,} new reports (each an "
        f"SMS the account sent), {repeats_fired:,} for the repeats\n"
        + _profile_summary(stats)
    )


def _profile_summary(stats: pstats.Stats) -> str:
    """Return where the event loop's thread spent a profiled smsmode round."""
    busy = loop_busy(stats)
    handler = loop_seconds(stats, "smsmode/webhook.py", "_async_handle_webhook")
    parts = [
        ("reading the query", "smsmode/webhook.py", "_read_params"),
        ("parse_callback", "api/callbacks.py", "parse_callback"),
        ("the sent memory's lookup", "smsmode/sent_memory.py", "lookup"),
        ("the bus event", "homeassistant/core.py", "async_fire_internal"),
        ("the event entities' state writes", "smsmode/event.py", "_async_handle"),
        ("the delayed store write", "helpers/storage.py", "async_delay_save"),
    ]
    shares = ", ".join(
        f"{label} {loop_seconds(stats, module, function) / busy:.0%}"
        for label, module, function in parts
    )
    return (
        "One more smsmode round under cProfile (only shares count): the webhook "
        f"handler took {handler / busy:.0%} of the time the event loop's thread "
        f"was busy (the rest: Home Assistant's HTTP stack); within it: {shares}.\n"
    )
