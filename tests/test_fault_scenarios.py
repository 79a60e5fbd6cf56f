"""Fault injection: nothing lost, nothing sent twice, whatever smsmode does.

Each scenario drives a real Home Assistant (the test harness) and the
integration against the simulator, with faults injected and time accelerated
(frozen, then stepped). It counts the alerts attempted, delivered (one message
in the simulator), duplicated (more than one), failed in the open (the caller
got an error, or `smsmode_send_failed` said so) and lost (none of these), and
how long, in simulated time, the account took to recover after the fault.
For an escalating alert's chain, each step's SMS is one alert,
told apart by its refClient. Every scenario must lose and duplicate nothing. `scripts/fault-report` runs
this module with `--fault-report` to print the table for people.
"""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
import time
from typing import Any
from urllib.parse import urlencode

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import webhook
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.aiohttp import MockRequest
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.api import SmsmodeClient
from custom_components.smsmode.const import (
    CONF_GUARD_PER_HOUR,
    CONF_GUARD_REPEAT_WINDOW,
    DEFAULT_GUARD_PER_HOUR,
    DEFAULT_GUARD_REPEAT_WINDOW,
    DOMAIN,
    EVENT_ALERT_ACKNOWLEDGED,
    EVENT_ALERT_ESCALATED,
    EVENT_ALERT_EXHAUSTED,
    EVENT_DELIVERY_REPORT,
    EVENT_SEND_FAILED,
    EVENT_SEND_SUPPRESSED,
)
from smsmode_simulator import Fault, Simulator
from smsmode_simulator.models import MessageKind

from .callback_helpers import async_reply
from .conftest import FAULT_RESULTS
from .sending_helpers import ALICE, WEBHOOK_ID, async_setup_account

SEND = "sendSMS.do"
STEP = timedelta(seconds=30)


@dataclass(slots=True)
class ScenarioResult:
    """What one scenario did to the alerts it tried to send."""

    name: str
    attempted: int = 0
    delivered: int = 0
    duplicated: int = 0
    failed: int = 0
    # Held back on purpose by the runaway guard (counted by it).
    suppressed: int = 0
    recovery: timedelta | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        """Alerts neither delivered, reported as failed, nor counted as suppressed."""
        return self.attempted - self.delivered - self.failed - self.suppressed


class Harness:
    """One account on the simulator, and what a scenario needs to drive it."""

    def __init__(
        self,
        hass: HomeAssistant,
        simulator: Simulator,
        freezer: FrozenDateTimeFactory,
        entry: MockConfigEntry,
    ) -> None:
        """Hold the pieces; count explicit failures from the events."""
        self.hass = hass
        self.simulator = simulator
        self.freezer = freezer
        self.entry = entry
        self.failed_events = async_capture_events(hass, EVENT_SEND_FAILED)
        self.errors = 0

    async def alert(self, text: str) -> None:
        """Send one alert as an automation would; an error counts as failed."""
        try:
            await self.hass.services.async_call(
                "notify",
                "smsmode",
                {"message": text, "target": [ALICE[1]]},
                blocking=True,
            )
        except HomeAssistantError:
            self.errors += 1

    async def step(self, times: int = 1, delta: timedelta = STEP) -> None:
        """Move simulated time on, letting every due timer run."""
        for _ in range(times):
            self.freezer.tick(delta)
            async_fire_time_changed(self.hass, dt_util.utcnow())
            await self.hass.async_block_till_done(wait_background_tasks=True)

    async def drain(self, limit: timedelta = timedelta(hours=6)) -> timedelta:
        """Step until the outbox is empty; return how long it took."""
        start = dt_util.utcnow()
        while len(self.entry.runtime_data.outbox) and dt_util.utcnow() - start < limit:
            await self.step()
        return dt_util.utcnow() - start

    def result(
        self, name: str, texts: list[str], recovery: timedelta
    ) -> ScenarioResult:
        """Count what the simulator received for the alerts `texts`.

        The same text sent twice on purpose is two alerts: each copy up to that
        count is delivered, each one beyond is a duplicate.
        """
        received = Counter(message.text for message in self.simulator.messages.values())
        expected = Counter(texts)
        return ScenarioResult(
            name=name,
            attempted=len(texts),
            delivered=sum(min(received[t], n) for t, n in expected.items()),
            duplicated=sum(max(received[t] - n, 0) for t, n in expected.items()),
            failed=self.errors + len(self.failed_events),
            recovery=recovery,
        )


async def outage_during_a_burst(h: Harness) -> ScenarioResult:
    """Cut smsmode off for 10 minutes while 20 alerts go out, then bring it back."""
    url = h.simulator.url
    port = int(url.rsplit(":", 1)[1])
    await h.simulator.stop()
    texts = [f"Server down #{n}" for n in range(20)]
    for text in texts:
        await h.alert(text)
        await h.step()  # one alert every 30 s: 10 minutes
    await h.simulator.start("127.0.0.1", port)
    assert h.simulator.url == url
    recovery = await h.drain()
    return h.result("10-minute outage during a burst", texts, recovery)


async def restart_with_messages_queued(h: Harness) -> ScenarioResult:
    """Five alerts queued (code 50), then Home Assistant restarts the account."""
    h.simulator.add_fault(SEND, Fault.code(50), times=5)
    texts = [f"Door opened #{n}" for n in range(5)]
    for text in texts:
        await h.alert(text)
    assert await h.hass.config_entries.async_unload(h.entry.entry_id)
    assert await h.hass.config_entries.async_setup(h.entry.entry_id)
    await h.hass.async_block_till_done()
    return h.result(
        "Home Assistant restarted with messages queued", texts, await h.drain()
    )


async def boot_during_an_outage(h: Harness) -> ScenarioResult:
    """Home Assistant starts while smsmode is out of reach (the router comes up last).

    The account loads all the same; alerts sent in the 5 minutes before
    smsmode answers wait in the outbox, and go once it does.
    """
    url = h.simulator.url
    port = int(url.rsplit(":", 1)[1])
    assert await h.hass.config_entries.async_unload(h.entry.entry_id)
    await h.simulator.stop()
    assert await h.hass.config_entries.async_setup(h.entry.entry_id)
    await h.hass.async_block_till_done()
    texts = [f"Power back, freezer warm #{n}" for n in range(10)]
    for text in texts:
        await h.alert(text)
        await h.step()  # one alert every 30 s: 5 minutes
    await h.simulator.start("127.0.0.1", port)
    assert h.simulator.url == url
    recovery = await h.drain()
    accepted = [message.text for message in h.simulator.messages.values()]
    assert accepted == texts, accepted
    return h.result("Boot during an outage", texts, recovery)


async def answer_lost_after_the_request_was_written(h: Harness) -> ScenarioResult:
    """Let smsmode take 3 alerts and the answers never arrive (connection cut).

    The client reports a timeout after the request was written and a cut before
    the answer alike ("may have been sent", tests/api covers both); a cut is
    used here because a real timeout needs the loop's clock, frozen in these
    scenarios.
    """
    h.simulator.add_fault(SEND, Fault.drop_after(), times=3)
    texts = [f"Water leak #{n}" for n in range(3)]
    for text in texts:
        await h.alert(text)
    return h.result("Answer lost after the request was written", texts, await h.drain())


async def same_text_twice(h: Harness) -> ScenarioResult:
    """Send one alert twice: one taken but unanswered, one cut before smsmode.

    The first is found in smsmode's list; that line cannot stand for the
    second, which is sent: two alerts, two SMS.
    """
    h.simulator.add_fault(SEND, Fault.drop_after())
    h.simulator.add_fault(SEND, Fault.drop_before())
    texts = ["Door opened", "Door opened"]
    for text in texts:
        await h.alert(text)
    return h.result("The same alert twice, outcomes unknown", texts, await h.drain())


async def down_then_up(h: Harness) -> ScenarioResult:
    """Send "server up" while "server down" waits: it goes after it."""
    h.simulator.add_fault(SEND, Fault.code(50), times=2)
    texts = ["Server down", "Server up"]
    for text in texts:
        await h.alert(text)
    recovery = await h.drain()
    # smsmode's messages, in the order it accepted them.
    accepted = [message.text for message in h.simulator.messages.values()]
    assert accepted == texts, accepted
    return h.result("Down, then up while down waits: order kept", texts, recovery)


async def code_50_storm(h: Harness) -> ScenarioResult:
    """Ten alerts while smsmode answers "temporarily unavailable" 15 times."""
    h.simulator.add_fault(SEND, Fault.code(50), times=15)
    texts = [f"Temperature alarm #{n}" for n in range(10)]
    for text in texts:
        await h.alert(text)
    return h.result("Code 50 storm", texts, await h.drain())


async def http_500s(h: Harness) -> ScenarioResult:
    """Ten alerts while smsmode (or its gateway) answers HTTP 500, 15 times."""
    h.simulator.add_fault(SEND, Fault.http_error(500), times=15)
    texts = [f"Backup failed #{n}" for n in range(10)]
    for text in texts:
        await h.alert(text)
    return h.result("HTTP 500s", texts, await h.drain())


async def key_revoked_mid_run(h: Harness) -> ScenarioResult:
    """Revoke the key while alerts wait: reauth, no loop, then all go."""
    h.simulator.add_fault(SEND, Fault.code(50), times=3)
    texts = [f"Intrusion #{n}" for n in range(3)]
    for text in texts:
        await h.alert(text)
    h.simulator.add_fault(SEND, Fault.code(32))
    await h.step(times=40)
    flows = h.hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    attempts = len(h.simulator.requests_to(SEND))
    await h.step(times=40)
    assert len(h.simulator.requests_to(SEND)) == attempts, "retry loop on a bad key"
    # The user enters a new key: the account reloads and the alerts go.
    result = await h.hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_API_KEY: h.simulator.api_key}
    )
    assert result["reason"] == "reauth_successful"
    await h.hass.async_block_till_done()
    return h.result("Key revoked mid-run", texts, await h.drain())


async def credits_exhausted(h: Harness) -> ScenarioResult:
    """No credits: every alert fails at once, in the open; nothing waits."""
    h.simulator.balance = 0
    texts = [f"Freezer open #{n}" for n in range(5)]
    for text in texts:
        await h.alert(text)
    issue = ir.async_get(h.hass).async_get_issue(
        DOMAIN, f"insufficient_credits_{h.entry.entry_id}"
    )
    assert issue is not None
    assert len(h.entry.runtime_data.outbox) == 0
    return h.result("Credits exhausted", texts, timedelta(0))


def _reports_result(
    name: str, events: list[Any], statuses: Counter[int]
) -> ScenarioResult:
    """Count 200 distinct delivery reports: each must be one event."""
    seen = Counter(event.data["sms_id"] for event in events)
    result = ScenarioResult(
        name,
        attempted=200,
        delivered=len(seen),
        duplicated=sum(count - 1 for count in seen.values()),
        recovery=timedelta(0),
    )
    result.notes.append(f"HTTP answers: {dict(sorted(statuses.items()))}")
    return result


async def _sent_ids(h: Harness, count: int) -> list[str]:
    """Send `count` alerts; return their SMS ids, which reports may name."""
    h.simulator.balance += count
    for n in range(count):
        await h.alert(f"Alert {n}")
    return list(h.simulator.messages)[-count:]


async def flood_of_callbacks(h: Harness, client: Any) -> ScenarioResult:
    """200 delivery reports, each sent 3 times, among 600 forged or malformed.

    The forged ones are well formed but name SMS smsmode never sent: each
    costs at most one report read, coalesced, and fires nothing.
    """
    sms_ids = await _sent_ids(h, 200)
    events = async_capture_events(h.hass, EVENT_DELIVERY_REPORT)
    statuses: Counter[int] = Counter()
    for n, sms_id in enumerate(sms_ids):
        report = {
            "numero": ALICE[1],
            "date_reception": "2026-06-15 12:00:00",
            "statut": "11",
            "smsID": sms_id,
        }
        for _ in range(3):
            response = await client.get(
                f"/api/webhook/{WEBHOOK_ID}?{urlencode(report)}"
            )
            statuses[response.status] += 1
        for garbage in (
            {**report, "statut": "eleven"},
            {**report, "numero": "x"},
            {"smsID": "?" * 100},
            {**report, "smsID": f"forged{n}"},
        ):
            response = await client.get(
                f"/api/webhook/{WEBHOOK_ID}?{urlencode(garbage)}"
            )
            statuses[response.status] += 1
    # Ten minutes: every forged report is settled, refused or dropped.
    await h.step(40, timedelta(seconds=15))
    assert set(statuses) == {200, 400}, statuses
    # Report polling reads the sent SMS's later statuses meanwhile: not counted.
    reported = [event for event in events if event.data["status"] == 11]
    assert all(not e.data["sms_id"].startswith("forged") for e in events)
    result = _reports_result(
        "Flood of duplicate, forged and malformed callbacks", reported, statuses
    )
    reads = sum(
        request.params.get("smsID", "").startswith("forged")
        for request in h.simulator.requests_to("compteRendu.do")
    )
    result.notes.append(f"reads for 200 forged reports: {reads}")
    return result


async def queue_of_200_on_a_busy_account(h: Harness) -> ScenarioResult:
    """200 alerts queued while a busy account's other users send 600 SMS.

    smsmode takes the first alert but its answer is lost, then answers code 50
    for a while: the first is looked up in a sent list where 600 newer lines
    stand before it (three pages), found, and the 199 others follow it.
    """
    texts = [f"Sensor {n} offline" for n in range(200)]
    h.simulator.add_fault(SEND, Fault.drop_after())
    await h.alert(texts[0])
    h.simulator.balance += 1000  # the 600 others' and the alerts'
    other = SmsmodeClient(
        async_get_clientsession(h.hass),
        h.simulator.api_key,
        base_url=h.simulator.url,
    )
    for n in range(600):
        await other.send_sms(f"Newsletter {n}", ["33611111111"])
    h.simulator.add_fault(SEND, Fault.code(50), times=5)
    for text in texts[1:]:
        await h.alert(text)
    result = h.result("200 queued SMS on a busy account", texts, await h.drain())
    result.notes.append(
        f"sent-list pages read: {len(h.simulator.requests_to('smsList.do'))}"
    )
    return result


async def callbacks_relayed_in_process(h: Harness) -> ScenarioResult:
    """200 delivery reports relayed as Home Assistant Cloud relays them.

    Cloud (and the websocket command `webhook/handle`) hands the handler a
    `MockRequest`, not an aiohttp request: half of them GET, half POST.
    """
    sms_ids = await _sent_ids(h, 200)
    events = async_capture_events(h.hass, EVENT_DELIVERY_REPORT)
    statuses: Counter[int] = Counter()
    for n, sms_id in enumerate(sms_ids):
        report = urlencode(
            {
                "numero": ALICE[1],
                "date_reception": "2026-06-15 12:00:00",
                "statut": "11",
                "smsID": sms_id,
            }
        )
        method = "GET" if n % 2 else "POST"
        request = MockRequest(
            content=b"" if method == "GET" else report.encode(),
            mock_source="cloud",
            method=method,
            headers=None
            if method == "GET"
            else {"Content-Type": "application/x-www-form-urlencoded"},
            query_string=report if method == "GET" else None,
        )
        response = await webhook.async_handle_webhook(h.hass, WEBHOOK_ID, request)
        statuses[response.status] += 1
    await h.hass.async_block_till_done()
    return _reports_result("Callbacks relayed in-process (HA Cloud)", events, statuses)


def _real_seconds() -> float:
    """Return a real monotonic clock: frozen time does not reach this one."""
    return time.clock_gettime(time.CLOCK_MONOTONIC_RAW)


async def runaway_automation(h: Harness) -> ScenarioResult:
    """Fire 1,000 alerts in a minute, 10 texts in turn, as a looping automation.

    The account runs with the guard's defaults: repeats of a text within its
    window are suppressed, and past the hourly limit everything to the
    recipient is; at most that many leave, every other is counted, and each
    burst of 20 concurrent calls is answered while the loop goes on.
    """
    h.hass.config_entries.async_update_entry(
        h.entry, options={CONF_GUARD_REPEAT_WINDOW: DEFAULT_GUARD_REPEAT_WINDOW}
    )
    await h.hass.async_block_till_done()
    suppressed_events = async_capture_events(h.hass, EVENT_SEND_SUPPRESSED)
    texts = [f"Motion in the garage #{n % 10}" for n in range(1000)]
    # Responsiveness: the longest the event loop went without running a probe
    # that yields at every turn, in real time (the test's clock is frozen).
    longest = 0.0
    running = True

    async def probe() -> None:
        nonlocal longest
        last = _real_seconds()
        while running:
            await asyncio.sleep(0)
            now = _real_seconds()
            longest = max(longest, now - last)
            last = now

    probing = asyncio.ensure_future(probe())
    for burst in range(50):
        await asyncio.gather(
            *(h.alert(text) for text in texts[burst * 20 : (burst + 1) * 20])
        )
        h.freezer.tick(timedelta(seconds=1.2))
    running = False
    await probing
    result = h.result("Runaway automation: 1,000 sends in a minute", texts, STEP * 0)
    guard = h.entry.runtime_data.sender.spend.guard
    result.suppressed = sum(guard.suppressed.values())
    assert result.delivered <= DEFAULT_GUARD_PER_HOUR, result
    assert len(h.simulator.messages) == result.delivered
    assert len(suppressed_events) == 1, suppressed_events
    result.notes.append(f"suppressed by reason: {guard.suppressed}")
    result.notes.append(
        f"longest the event loop was held meanwhile: {longest * 1000:.1f} ms"
    )
    return result


# An escalating alert's chain: 60 s steps, so that a 10-minute outage starting
# in its step 2 spans many of them.
CHAIN_STEP = timedelta(seconds=60)
CHAIN = ["33622000001", "33622000002", "33622000003", "33622000004"]


async def _alert_down_10_minutes(
    h: Harness, outage: Callable[[bool], Awaitable[None]], **fields: Any
) -> tuple[str, list[Any], timedelta]:
    """Start an alert, take smsmode away 10 minutes from 1:30 (step 2), drain.

    Return the alert's id, its `escalated` events, and how long the outbox
    took to empty once smsmode was back.
    """
    escalated = async_capture_events(h.hass, EVENT_ALERT_ESCALATED)
    response = await h.hass.services.async_call(
        DOMAIN,
        "send_alert",
        {
            "config_entry_id": h.entry.entry_id,
            "message": "Water leak in the cellar",
            "contacts": CHAIN,
            "step_wait": {"seconds": CHAIN_STEP.total_seconds()},
            **fields,
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    await h.step(3)  # 1:30: step 2 began at 1:00
    await outage(True)
    await h.step(20)  # 10 minutes
    await outage(False)
    return str(response["alert_id"]), escalated, await h.drain()


async def _chain_result(
    h: Harness, name: str, alert_id: str, escalated: list[Any], others: list[str]
) -> ScenarioResult:
    """Count the chain's SMS steps (by their refClient) and the `others` (by text).

    smsmode must hold each step's SMS once, in the chain's order, and the chain
    must be over: no open alert, none stored.
    """
    assert h.entry.runtime_data.escalation.alerts == {}
    assert h.hass.states.get("sensor.smsmode_open_alerts").state == "0"
    stored = await Store[dict[str, Any]](
        h.hass, 1, f"{DOMAIN}.{h.entry.entry_id}.alerts"
    ).async_load()
    assert stored == {"alerts": []}, stored
    steps = [
        f"alert-{alert_id}-{event.data['step']}"
        for event in escalated
        if event.data["channel"] == "sms"
    ]
    sms = [m for m in h.simulator.messages.values() if m.kind is MessageKind.SMS]
    chain = [m.ref_client for m in sms if m.ref_client in steps]
    # In the chain's order: each step's first copy comes after the one before.
    assert list(dict.fromkeys(chain)) == steps, chain
    received = Counter(m.ref_client if m.ref_client in steps else m.text for m in sms)
    expected = Counter([*steps, *others])
    result = ScenarioResult(
        name=name,
        attempted=len(steps) + len(others),
        delivered=sum(min(received[t], n) for t, n in expected.items()),
        duplicated=sum(max(received[t] - n, 0) for t, n in expected.items()),
        failed=h.errors + len(h.failed_events),
    )
    queued = sum(1 for e in escalated if e.data["queued"])
    result.notes.append(f"steps: {len(escalated)}, SMS steps queued: {queued}")
    return result


async def alert_acknowledged_after_an_outage(h: Harness, client: Any) -> ScenarioResult:
    """SMS refused (HTTP 503) 10 minutes mid-chain; voice calls still go.

    Four contacts, an SMS then a call each, 60 s a step, four rounds (32
    minutes: longer than the outbox's longest wait, 15 minutes, after the
    outage): the queued steps go once smsmode is back, and the contact whose
    SMS came last answers "ok" through the webhook: acknowledged, and the
    others reached are told.
    """
    acknowledged = async_capture_events(h.hass, EVENT_ALERT_ACKNOWLEDGED)

    async def refuse_sms(down: bool) -> None:
        if down:
            h.simulator.add_fault(SEND, Fault.http_error(503), times=10_000)
        else:
            h.simulator.faults.clear()

    alert_id, escalated, recovery = await _alert_down_10_minutes(
        h, refuse_sms, voice_call=True, rounds=4
    )
    assert h.entry.runtime_data.escalation.alerts, "the chain ended before smsmode"
    last = [m for m in h.simulator.messages.values() if m.kind is MessageKind.SMS][-1]
    (number,) = (r.number for r in last.recipients)
    params = await async_reply(h.simulator, "ok", number, last.sms_id)
    response = await client.get(f"/api/webhook/{WEBHOOK_ID}?{urlencode(params)}")
    assert response.status == 200
    await h.step(1, timedelta(seconds=5))  # smsmode's list confirms the reply
    assert [e.data["number"] for e in acknowledged] == [number]
    await h.drain()
    text = f"Acknowledged by {number}: Water leak in the cellar"
    result = await _chain_result(
        h, "Alert chain, SMS refused 10 min: acknowledged", alert_id, escalated, [text]
    )
    result.recovery = recovery
    calls = h.simulator.requests_to("sendVoiceMessage.do")
    result.notes.append(
        f"voice calls (never refused): {len(calls)}; acknowledged at step "
        f"{acknowledged[0].data['step']} after {acknowledged[0].data['after']:.0f} s"
    )
    return result


async def alert_exhausted_after_an_outage(h: Harness, client: Any) -> ScenarioResult:
    """Out of reach 10 minutes mid-chain; nobody answers: exhausted.

    Four contacts, three rounds of 60 s steps (12 minutes): the chain goes
    on while the steps wait in the outbox, ends exhausted once, and every
    step's SMS reaches smsmode once, in order.
    """
    exhausted = async_capture_events(h.hass, EVENT_ALERT_EXHAUSTED)
    url = h.simulator.url
    port = int(url.rsplit(":", 1)[1])

    async def cut(down: bool) -> None:
        if down:
            await h.simulator.stop()
        else:
            await h.simulator.start("127.0.0.1", port)

    alert_id, escalated, recovery = await _alert_down_10_minutes(h, cut, rounds=3)
    for _ in range(10):
        if exhausted:
            break
        await h.step()
    assert len(exhausted) == 1, exhausted
    result = await _chain_result(
        h, "Alert chain, unreachable 10 min: exhausted", alert_id, escalated, []
    )
    result.recovery = recovery
    result.notes.append(f"exhausted after {exhausted[0].data['after']:.0f} s")
    return result


Scenario = Callable[[Harness], Awaitable[ScenarioResult]]
SCENARIOS: dict[str, Scenario] = {
    "outage": outage_during_a_burst,
    "restart": restart_with_messages_queued,
    "boot_outage": boot_during_an_outage,
    "answer_lost": answer_lost_after_the_request_was_written,
    "same_text": same_text_twice,
    "down_then_up": down_then_up,
    "code_50": code_50_storm,
    "http_500": http_500s,
    "key_revoked": key_revoked_mid_run,
    "credits": credits_exhausted,
    "busy_account": queue_of_200_on_a_busy_account,
    "relayed_callbacks": callbacks_relayed_in_process,
    "runaway": runaway_automation,
}


@pytest.fixture
async def harness(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> Harness:
    """Return one account on the simulator, time frozen at a known moment."""
    freezer.move_to("2026-06-15 10:00:00+00:00")
    # The outbox's scenarios send hundreds of alerts to one number on purpose:
    # the runaway guard is off but where a scenario turns it on.
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_GUARD_PER_HOUR: 0}
    )
    return Harness(hass, smsmode_simulator, freezer, entry)


def _check(result: ScenarioResult, request: pytest.FixtureRequest) -> None:
    request.config.stash.setdefault(FAULT_RESULTS, []).append(result)
    assert result.lost == 0, result
    assert result.duplicated == 0, result


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_scenario(
    harness: Harness, name: str, request: pytest.FixtureRequest
) -> None:
    """Nothing lost, nothing duplicated."""
    _check(await SCENARIOS[name](harness), request)


async def test_flood_of_callbacks(
    harness: Harness,
    hass_client_no_auth: ClientSessionGenerator,
    request: pytest.FixtureRequest,
) -> None:
    """Each report is one event; garbage is a 400; never a 5xx."""
    client = await hass_client_no_auth()
    _check(await flood_of_callbacks(harness, client), request)


ALERT_SCENARIOS = {
    "alert_acknowledged": alert_acknowledged_after_an_outage,
    "alert_exhausted": alert_exhausted_after_an_outage,
}


@pytest.mark.parametrize("name", list(ALERT_SCENARIOS))
async def test_alert_scenario(
    harness: Harness,
    hass_client_no_auth: ClientSessionGenerator,
    name: str,
    request: pytest.FixtureRequest,
) -> None:
    """An escalating alert through an outage: every step once, in order, and an end."""
    client = await hass_client_no_auth()
    _check(await ALERT_SCENARIOS[name](harness, client), request)
