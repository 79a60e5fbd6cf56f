"""7. Action-call latency of new alerts while smsmode is out, 20 SMS queued.

smsmode takes no request for the whole outage: each attempt, and each look-up
in the sent list, ends at the client's timeout. 20 alerts are queued first,
then alerts come at random moments (a Poisson stream) until the outage ends;
each `smsmode.send_sms` action call is timed as an automation waits for it.
Baseline, from the same run: the same number of sends with smsmode up, behind
the 50 ms round trip.

A real 10-minute outage is played 10 times faster: the client's timeout 1 s
(10 s), the backoff 1.5 s to 90 s (15 s to 15 min), the wait before a look-up
1.5 s (15 s), the outage 60 s. What a call waits for depends on what the
outbox is doing when it comes (an attempt under way, a backoff), which the
compression keeps; a blocking outbox would show the (compressed) timeout.
After the outage, every alert must reach smsmode exactly once, in order.
"""

import asyncio
from datetime import timedelta
import random
import time
from typing import Final

from homeassistant.core import HomeAssistant
import pytest

from custom_components.smsmode import retry
from custom_components.smsmode.api import connection as api_connection
from custom_components.smsmode.const import DOMAIN
from smsmode_simulator import Fault

from .conftest import setup_entry
from .support import LatencySimulator, emit, ms, percentile, ratio, table

SPEED_UP: Final = 10
OUTAGE: Final = 600 / SPEED_UP
QUEUED_FIRST: Final = 20
NEW_ALERTS: Final = 80
NUMBER: Final = "33611223344"
SEND: Final = "sendSMS.do"
LIST: Final = "smsList.do"
# Longer than the benchmark: a request met during the outage is never answered.
BLACK_HOLE: Final = Fault.late(3600)


@pytest.fixture(autouse=True)
def compressed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Play the outage SPEED_UP times faster (see the module docstring)."""
    monkeypatch.setattr(api_connection, "DEFAULT_TIMEOUT", 10 / SPEED_UP)
    monkeypatch.setattr(retry, "RETRY_BASE", timedelta(seconds=15 / SPEED_UP))
    monkeypatch.setattr(retry, "RETRY_MAX", timedelta(seconds=900 / SPEED_UP))
    monkeypatch.setattr(retry, "UNKNOWN_OUTCOME_WAIT", timedelta(seconds=15 / SPEED_UP))


async def _timed_send(hass: HomeAssistant, entry_id: str, text: str) -> float:
    start = time.perf_counter()
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry_id, "recipients": [NUMBER], "message": text},
        blocking=True,
        return_response=True,
    )
    return time.perf_counter() - start


async def test_latency_during_an_outage(
    hass: HomeAssistant, simulator: LatencySimulator
) -> None:
    """Print p50 and p99 of the calls during the outage, against smsmode up."""
    entry, _, _ = await setup_entry(hass, simulator)
    up = [await _timed_send(hass, entry.entry_id, f"Up {n}") for n in range(NEW_ALERTS)]
    simulator.forget()

    for endpoint in (SEND, LIST):
        simulator.add_fault(endpoint, BLACK_HOLE, times=10_000)
    started = time.perf_counter()
    first = await _timed_send(hass, entry.entry_id, "Alert 0")
    for n in range(1, QUEUED_FIRST):
        await _timed_send(hass, entry.entry_id, f"Alert {n}")
    arrivals = random.Random(11)  # noqa: S311 - arrival times, not secrets
    during = []
    for n in range(QUEUED_FIRST, QUEUED_FIRST + NEW_ALERTS):
        await asyncio.sleep(arrivals.expovariate(NEW_ALERTS / OUTAGE))
        during.append(await _timed_send(hass, entry.entry_id, f"Alert {n}"))
    await asyncio.sleep(max(0.0, OUTAGE - (time.perf_counter() - started)))
    tried, looked_up = simulator.count(SEND), simulator.count(LIST)
    simulator.faults.clear()

    ended = time.perf_counter()
    queue = entry.runtime_data.outbox
    async with asyncio.timeout(3 * 900 / SPEED_UP):
        while len(queue):  # noqa: ASYNC110 - the outbox has no hook to await
            await asyncio.sleep(0.1)
    recovery = time.perf_counter() - ended
    texts = [m.text for m in simulator.messages.values() if m.numbers == [NUMBER]]
    expected = [f"Alert {n}" for n in range(QUEUED_FIRST + NEW_ALERTS)]
    await hass.config_entries.async_unload(entry.entry_id)

    p99_up = percentile(up, 0.99)
    met = percentile(during, 0.99) <= p99_up
    rows = [
        [
            "smsmode up (baseline)",
            len(up),
            ms(percentile(up, 0.5)),
            ms(p99_up),
            ms(max(up)),
            "",
        ],
        [
            f"outage, {QUEUED_FIRST}+ queued",
            len(during),
            ms(percentile(during, 0.5)),
            ms(percentile(during, 0.99)),
            ms(max(during)),
            ratio(percentile(during, 0.99), p99_up),
        ],
    ]
    emit(
        table(
            f"7. Action-call latency of new alerts during a 10-minute outage "
            f"(played x{SPEED_UP}: timeout {10 / SPEED_UP:g} s, outage "
            f"{OUTAGE:g} s), {QUEUED_FIRST} queued first",
            ["sends", "calls", "p50", "p99", "max", "p99 / up p99"],
            rows,
        )
        + f"\nThe first alert of the outage waited the timeout: {ms(first)} "
        f"(not counted above: nothing was queued yet)."
        f"\nRequests smsmode received during the outage: {tried} sends and "
        f"{looked_up} sent-list reads, for {QUEUED_FIRST + NEW_ALERTS} alerts."
        f"\nAfter the outage: all sent in {recovery:.1f} s (the backoff step "
        f"under way); each alert once, in order: "
        f"{'yes' if texts == expected else f'NO ({len(texts)} SMS)'}."
        f"\nTarget: p99 during the outage <= p99 of a send with smsmode up: "
        f"{'MET' if met else 'NOT MET'}.\n"
    )
