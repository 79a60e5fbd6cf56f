"""3. Webhook throughput through Home Assistant's HTTP stack, next to a no-op webhook.

Home Assistant's real aiohttp application (`hass.http.app`, every middleware)
is served by the harness's test server on 127.0.0.1 (`hass_client_no_auth`); a
load generator runs in a process of its own (`benchmarks/load.py`: it shares no
interpreter lock with Home Assistant, and cProfile does not count its work) and
sends smsmode callbacks (delivery reports and replies, half each) to the
entry's webhook, each round with callbacks never seen before (each fires its bus
event and updates an event entity), then the same callbacks again (as smsmode
repeats them: acknowledged, nothing fired); the baseline is a no-op webhook
registered in the same Home Assistant, sent the very same query strings. A third
webhook, the floor, does only Home Assistant's part of a new callback: it fires
the same bus event and updates the same event entity from data made in advance,
reading and checking nothing; what smsmode costs above it is the integration's
own work (reading, checking, deduplicating).
Bounded: `COUNT` requests per round, `TIME_LIMIT` seconds at most per round,
`CONCURRENCY` in flight, loopback only.
"""

import asyncio
import pstats
import sys
from typing import Final
from urllib.parse import parse_qsl, urlencode

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.api import ReplyCallback, parse_callback
from custom_components.smsmode.const import (
    EVENT_DELIVERY_REPORT,
    EVENT_MESSAGE_RECEIVED,
)
from custom_components.smsmode.event_data import (
    delivery_report_data,
    reply_callback_data,
)
from custom_components.smsmode.inbox import inbox_signal

from .conftest import WEBHOOK_ID, setup_entry
from .load import Load
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
    """Callbacks as smsmode makes them: delivery reports and replies, alternately."""
    paths = []
    for index in range(count):
        if index % 2:
            params = {
                "numero": "36034",
                "message": f"Oui {index}",
                "emetteur": f"336{index:08d}",
                "date_reception": "01012026-122233",
                "smsID": f"S{index:011d}",
                "responseID": f"R{index:09d}",
            }
        else:
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


def floor_events(entry_id: str) -> list[tuple[str, dict[str, object]]]:
    """Return a reply's and a report's event, as smsmode's webhook fires them.

    Made once, from the first two callbacks of the load: the floor webhook fires
    them in turn without reading its request.
    """
    prefix = f"/api/webhook/{WEBHOOK_ID}?"
    events: list[tuple[str, dict[str, object]]] = []
    for path in smsmode_paths(2):
        query = path.removeprefix(prefix)
        parsed = parse_callback(dict(parse_qsl(query)))
        if isinstance(parsed, ReplyCallback):
            events.append((EVENT_MESSAGE_RECEIVED, reply_callback_data(parsed)))
        else:
            events.append((EVENT_DELIVERY_REPORT, delivery_report_data(parsed)))
    return [
        (event_type, {"config_entry_id": entry_id, **data})
        for event_type, data in events
    ]


async def _load(base: str, paths: list[str]) -> Load:
    """Run one round of load from a process of its own (benchmarks/load.py)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.load",
        base,
        str(CONCURRENCY),
        str(TIME_LIMIT),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await process.communicate("\n".join(paths).encode())
    if process.returncode != 0:
        raise RuntimeError(f"the load generator failed ({process.returncode})")
    return Load.from_json(output.decode())


async def test_webhook_throughput(
    hass: HomeAssistant,
    simulator: LatencySimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Callbacks per second and latency, smsmode's webhook vs a no-op one."""
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
    events = floor_events(entry.entry_id)
    fired = 0

    async def floor(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        nonlocal fired
        event_type, data = events[fired % 2]
        fired += 1
        hass.bus.async_fire(event_type, dict(data))
        async_dispatcher_send(hass, inbox_signal(entry.entry_id, event_type), data)
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
    await _load(base, warm_up)
    await _load(base, noop[:WARM_UP])
    await _load(base, floor_paths[:WARM_UP])
    results: dict[str, list[Load]] = {
        "smsmode": [],
        "repeats": [],
        "no-op": [],
        "floor": [],
    }
    for index in range(ROUNDS):
        chunk = slice(index * COUNT, (index + 1) * COUNT)
        results["no-op"].append(await _load(base, noop[chunk]))
        results["floor"].append(await _load(base, floor_paths[chunk]))
        await hass.async_block_till_done()
        results["smsmode"].append(await _load(base, fresh[chunk]))
        # The same callbacks again, as smsmode repeats them: already seen.
        results["repeats"].append(await _load(base, fresh[chunk]))
        await hass.async_block_till_done()
    # One more round of new callbacks under cProfile (the loop's thread only).
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
        ("smsmode, new callbacks (events fired)", "smsmode"),
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
        + "\nTarget rate of new callbacks >= 0.9 x no-op: "
        f"{'MET' if rate >= 0.9 * noop_rate else 'NOT MET'} "
        f"({ratio(rate, noop_rate)}); the floor reaches {ratio(floor_rate, noop_rate)} "
        f"of the no-op, smsmode {ratio(rate, floor_rate)} of the floor\n"
        + _profile_summary(stats)
    )


def _profile_summary(stats: pstats.Stats) -> str:
    """Return where the event loop's thread spent a profiled smsmode round."""
    busy = loop_busy(stats)
    handler = loop_seconds(stats, "smsmode/webhook.py", "_async_handle_webhook")
    parts = [
        ("reading the query", "smsmode/webhook.py", "_read_params"),
        ("parse_callback", "api/callbacks.py", "parse_callback"),
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
