"""Callbacks believed only when smsmode's own data has them, over HTTP, time frozen."""

import asyncio
from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode import sent_memory
from custom_components.smsmode.const import (
    EVENT_DELIVERY_REPORT,
    EVENT_MESSAGE_RECEIVED,
)
from smsmode_simulator import Fault, Simulator
from smsmode_simulator.callbacks import reply_params

from .callback_helpers import (
    async_reply,
    async_report,
    async_send_around,
    async_send_sms,
)
from .conftest import CallWebhook
from .sending_helpers import ALICE, BOB, async_setup_account, async_step_time

LIST = "responseList.do"
REPORT = "compteRendu.do"


@pytest.fixture
async def account(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """Return an account with Alice saved, reply polling off, time frozen.

    Diagnostics come first: they must be set up before the HTTP server starts.
    """
    assert await async_setup_component(hass, "diagnostics", {})
    freezer.move_to("2026-06-15 10:00:00+00:00")
    return await async_setup_account(
        hass,
        smsmode_simulator,
        recipients=[ALICE],
        options={"reply_poll_interval": 0},
    )


async def _confirmations(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> dict[str, dict[str, int]]:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    return diagnostics["callbacks_confirmed"]


async def test_forged_reply_fires_nothing_and_is_dropped(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reply smsmode never had: no event; after two minutes, dropped and counted."""
    caplog.set_level(logging.DEBUG, logger="custom_components.smsmode")
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    forged = {"responseID": "made-up", "emetteur": ALICE[1], "message": "DISARM"}
    assert await call_webhook(forged) == 200
    await hass.async_block_till_done()
    assert len(smsmode_simulator.requests_to(LIST)) == 1
    for _ in range(30):
        await async_step_time(hass, freezer, timedelta(seconds=5))
    assert events == []
    reads = len(smsmode_simulator.requests_to(LIST))
    # 5 s, then doubled after each read that confirms nothing: 0, 10, 30, 70, 110.
    assert 3 <= reads <= 6
    assert "did not confirm 1 reply callback(s) in time" in caplog.text
    counts = await _confirmations(hass, hass_client, account)
    assert counts["replies"] == {"unconfirmed": 1, "waiting": 0}
    # Nothing waits: nothing more is read.
    await async_step_time(hass, freezer, timedelta(minutes=10))
    assert len(smsmode_simulator.requests_to(LIST)) == reads


async def test_reply_with_a_real_id_but_another_text_is_refused(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """Same responseID, another text or sender: refused at the first read."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    real = await async_reply(smsmode_simulator, "non", ALICE[1])
    assert await call_webhook({**real, "message": "DISARM"}) == 200
    assert await call_webhook({**real, "emetteur": BOB[1]}) == 200
    await hass.async_block_till_done()
    assert events == []
    counts = await _confirmations(hass, hass_client, account)
    assert counts["replies"] == {"refused": 2, "waiting": 0}


async def test_reply_confirmed_once_a_lagging_list_has_it(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """Smsmode's list shows a reply 20 s after its callback: it fires then, once."""
    smsmode_simulator.reply_list_lag = timedelta(seconds=20)
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    params = await async_reply(smsmode_simulator, "oui", ALICE[1])
    assert await call_webhook(params) == 200
    assert await call_webhook(params) == 200  # smsmode repeats it
    await hass.async_block_till_done()
    assert events == []
    for _ in range(8):
        await async_step_time(hass, freezer, timedelta(seconds=5))
    assert [e.data["message"] for e in events] == ["oui"]
    assert events[0].data["recipient"] == ALICE[0]
    counts = await _confirmations(hass, hass_client, account)
    assert counts["replies"] == {"confirmed": 1, "waiting": 0}
    # Fired: the next repeat is answered without a read.
    reads = len(smsmode_simulator.requests_to(LIST))
    assert await call_webhook(params) == 200
    await hass.async_block_till_done()
    assert len(smsmode_simulator.requests_to(LIST)) == reads
    assert len(events) == 1


async def test_a_flood_of_forged_replies_costs_few_reads(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """541 forged replies in a minute, then a real one: reads bounded, one event."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    for second in range(60):
        for n in range(500 // 60 + 1):
            forged = {
                "responseID": f"f{second}-{n}",
                "emetteur": ALICE[1],
                "message": "DISARM",
            }
            assert await call_webhook(forged) == 200
        await async_step_time(hass, freezer, timedelta(seconds=1))
    real = await async_reply(smsmode_simulator, "oui", ALICE[1])
    assert await call_webhook(real) == 200
    for _ in range(12):
        await async_step_time(hass, freezer, timedelta(seconds=10))
    assert [e.data["message"] for e in events] == ["oui"]
    # At most one read every 5 s while new callbacks come, then the spacing
    # grows for those already read: 3 minutes, 18 reads where 500 callbacks came.
    reads = len(smsmode_simulator.requests_to(LIST))
    assert reads <= 20
    counts = await _confirmations(hass, hass_client, account)
    replies = counts["replies"]
    assert (replies["confirmed"], replies.get("refused", 0)) == (1, 0)
    assert replies["unconfirmed"] + replies["waiting"] == 540


async def test_reply_linked_to_the_sms_it_answers(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
) -> None:
    """A reply to our reply-allowed SMS says which SMS, text and refClient."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    sms_id = await async_send_sms(
        hass,
        account,
        ALICE[1],
        message="The garage is open. Reply CLOSE to close it",
        reply_allowed=True,
        ref_client="garage",
    )
    assert (
        await call_webhook(await async_reply(smsmode_simulator, "close", ALICE[1]))
        == 200
    )
    await hass.async_block_till_done()
    (event,) = events
    assert {
        key: event.data[key] for key in event.data if key.startswith("reply_to")
    } == {
        "reply_to_sms_id": sms_id,
        "reply_to_ref_client": "garage",
        "reply_to_message": "The garage is open. Reply CLOSE to close it",
    }
    assert (event.data["sms_id"], event.data["ref_client"]) == (sms_id, "garage")
    assert event.data["recipient"] == ALICE[0]


async def test_report_of_an_sms_sent_elsewhere_is_confirmed_once(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """Not sent by this account: fires with smsmode's status; later ones at once."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    sms_id = await async_send_around(hass, smsmode_simulator, ALICE[1])
    received = await async_report(smsmode_simulator, sms_id, ALICE[1], 11)
    # The callback claims "delivered"; smsmode lists "received" (11): its word wins.
    assert await call_webhook({**received, "statut": "14"}) == 200
    await hass.async_block_till_done()
    assert [(e.data["sms_id"], e.data["status"]) for e in events] == [(sms_id, 11)]
    assert len(smsmode_simulator.requests_to(REPORT)) == 1
    later = await async_report(smsmode_simulator, sms_id, ALICE[1], 14)
    assert await call_webhook(later) == 200
    await hass.async_block_till_done()
    assert [e.data["status"] for e in events] == [11, 14]
    assert len(smsmode_simulator.requests_to(REPORT)) == 1
    counts = await _confirmations(hass, hass_client, account)
    assert counts["delivery_reports"] == {"confirmed": 1, "waiting": 0}


async def test_reports_smsmode_denies_are_refused(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """An unknown SMS id, a number smsmode does not list, one our SMS never had."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    elsewhere = await async_send_around(hass, smsmode_simulator, ALICE[1])
    ours = await async_send_sms(hass, account, ALICE[1])
    for forged in (
        {"numero": ALICE[1], "statut": "11", "smsID": "unknown1"},
        {"numero": BOB[1], "statut": "11", "smsID": elsewhere},
        {"numero": BOB[1], "statut": "11", "smsID": ours},
    ):
        assert await call_webhook(forged) == 200
    for _ in range(3):
        await async_step_time(hass, freezer, timedelta(seconds=30))
    assert events == []
    counts = await _confirmations(hass, hass_client, account)
    assert counts["delivery_reports"] == {"refused": 3, "waiting": 0}


async def test_confirmation_waits_out_an_outage(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The list cannot be read for a while: one warning, the reply fires after."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    smsmode_simulator.add_fault(LIST, Fault.http_error(503), times=2)
    assert (
        await call_webhook(await async_reply(smsmode_simulator, "oui", BOB[1])) == 200
    )
    await hass.async_block_till_done()
    assert events == []
    for _ in range(6):
        await async_step_time(hass, freezer, timedelta(seconds=10))
    assert len(events) == 1
    assert caplog.text.count("Cannot read smsmode's replies (to confirm") == 1


async def test_refused_key_while_confirming_starts_reauth(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
) -> None:
    """Smsmode refuses the key (32) on the confirmation read: reauth, no event."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    smsmode_simulator.add_fault(LIST, Fault.code(32))
    assert (
        await call_webhook(await async_reply(smsmode_simulator, "oui", BOB[1])) == 200
    )
    await hass.async_block_till_done()
    assert events == []
    flows = hass.config_entries.flow.async_progress_by_handler("smsmode")
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_sent_sms_remembered_across_a_reload_until_too_old(
    hass: HomeAssistant,
    account: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What went is stored: 48 hours for reports, 30 days when replies were allowed."""
    asked = await async_send_sms(hass, account, ALICE[1], reply_allowed=True)
    told = await async_send_sms(hass, account, ALICE[1])
    assert await hass.config_entries.async_reload(account.entry_id)
    await hass.async_block_till_done()
    memory = account.runtime_data.sent_memory
    remembered = memory.lookup(asked)
    assert remembered is not None
    assert remembered.message is not None
    assert remembered.message.startswith("Bonjour")
    assert remembered.numbers == (ALICE[1],)
    assert remembered.went_to(BOB[1]) is False
    plain = memory.lookup(told)
    assert plain is not None
    assert plain.message is None
    freezer.tick(timedelta(days=3))
    assert memory.lookup(told) is None
    assert memory.lookup(asked) is not None
    freezer.tick(timedelta(days=28))
    assert await hass.config_entries.async_reload(account.entry_id)
    await hass.async_block_till_done()
    assert len(account.runtime_data.sent_memory) == 0

    # The newest are kept past the cap; a large send keeps no numbers.
    monkeypatch.setattr(sent_memory, "MAX_SENT", 2)
    memory = account.runtime_data.sent_memory
    many = tuple(f"3361234{n:04}" for n in range(sent_memory.MAX_NUMBERS_KEPT + 1))
    for sms_id in ("a", "b", "c"):
        memory.async_sent(sms_id, dt_util.utcnow(), numbers=many)
    assert [memory.lookup(sms_id) is not None for sms_id in "abc"] == [
        False,
        True,
        True,
    ]
    kept = memory.lookup("c")
    assert kept is not None
    assert kept.went_to(ALICE[1]) is None


async def test_a_real_reply_is_not_slowed_by_a_forgery_waiting(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A forgery waits with a growing spacing; a real reply after it is read in 5 s."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    forged = {"responseID": "made-up", "emetteur": ALICE[1], "message": "DISARM"}
    assert await call_webhook(forged) == 200
    await hass.async_block_till_done()
    for _ in range(6):  # reads at 0, 10, 30 s: the spacing is 40 s now
        await async_step_time(hass, freezer, timedelta(seconds=6))
    real = await async_reply(smsmode_simulator, "oui", ALICE[1])
    assert await call_webhook(real) == 200
    await async_step_time(hass, freezer, timedelta(seconds=5))
    assert [e.data["message"] for e in events] == ["oui"]


async def test_a_repeated_reply_callback_with_an_older_date_is_confirmed(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
) -> None:
    """Smsmode calls back 10 minutes after the reply: read back to it, and fired.

    Its wait counts from its arrival, not from the date it names.
    """
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    response_id = await smsmode_simulator.inject_reply(
        "oui", ALICE[1], received_at=dt_util.utcnow() - timedelta(minutes=10)
    )
    (reply,) = (r for r in smsmode_simulator.replies if r.response_id == response_id)
    assert await call_webhook(reply_params(reply)) == 200
    await hass.async_block_till_done()
    assert [e.data["response_id"] for e in events] == [response_id]


async def test_report_pushed_out_while_its_read_is_under_way(
    hass: HomeAssistant,
    account: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A flood pushes out the report being read: its answer settles nothing, no error."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    sms_id = await async_send_around(hass, smsmode_simulator, ALICE[1])
    received = await async_report(smsmode_simulator, sms_id, ALICE[1], 11)
    smsmode_simulator.add_fault(REPORT, Fault.slow(5))
    assert await call_webhook(received) == 200
    for _ in range(50):  # the read reaches smsmode, which answers 5 s later
        await asyncio.sleep(0)
    assert smsmode_simulator.faults.pending() == {}
    # The read is under way when 100 forgeries come: the oldest waiting goes.
    for n in range(100):
        forged = {"numero": ALICE[1], "statut": "11", "smsID": f"forged{n}"}
        assert await call_webhook(forged) == 200
    await async_step_time(hass, freezer, timedelta(seconds=5))
    assert events == []
    assert "KeyError" not in caplog.text
    counts = await _confirmations(hass, hass_client, account)
    assert counts["delivery_reports"]["overflow"] == 1
