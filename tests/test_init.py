"""Setting an account up and down: key check, smsmode out of reach, unload, removal."""

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_URL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.smsmode.const import (
    CONF_MAX_SEGMENTS,
    DOMAIN,
    EVENT_DELIVERY_REPORT,
    SUBENTRY_TYPE_RECIPIENT,
)
from custom_components.smsmode.options_flow import unflatten
from smsmode_simulator import Fault, Simulator

from .callback_helpers import async_send_around
from .sending_helpers import (
    ALICE,
    WEBHOOK_ID,
    async_step_time,
    balance_reads,
    make_entry,
)

BALANCE = "sensor.smsmode_balance"
OUTBOX = "sensor.smsmode_outbox"
ALICE_NOTIFY = "notify.alice_sms"
STEP = timedelta(seconds=30)
SECOND_KEY = "second-key"


async def test_setup_makes_one_balance_call(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """Setup checks the key with a single request and creates the service device."""
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert [r.endpoint for r in smsmode_simulator.requests] == ["credit.do"]
    devices = dr.async_entries_for_config_entry(
        dr.async_get(hass), loaded_entry.entry_id
    )
    assert [device.identifiers for device in devices] == [
        {(DOMAIN, loaded_entry.entry_id)}
    ]
    assert devices[0].entry_type is dr.DeviceEntryType.SERVICE


async def test_setup_rejected_key_starts_reauth(
    hass: HomeAssistant, config_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """Code 32 at setup fails the entry and starts the reauth flow."""
    smsmode_simulator.add_fault("credit.do", Fault.code(32))
    config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert not hass.services.has_service("notify", DOMAIN)


async def test_unload_and_reload(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Unload removes the notify service; a reload brings everything back."""
    assert hass.services.has_service("notify", DOMAIN)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    assert not hass.services.has_service("notify", DOMAIN)
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.services.has_service("notify", DOMAIN)


async def test_remove_clears_issues(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """Removing the entry clears its repair issues."""
    smsmode_simulator.balance = 1.0
    await loaded_entry.runtime_data.coordinator.async_refresh()
    registry = ir.async_get(hass)
    assert registry.async_get_issue(DOMAIN, f"low_credit_{loaded_entry.entry_id}")
    assert await hass.config_entries.async_remove(loaded_entry.entry_id)
    assert not registry.async_get_issue(DOMAIN, f"low_credit_{loaded_entry.entry_id}")


async def test_recipient_added_changed_or_removed_reloads_once(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each recipient change reloads the entry once; a new title does not.

    Through Home Assistant's flows, and the frontend's call for a removal. Each
    setup reads the balance once; the reload brings or drops the recipient's
    notify entity.
    """
    reads = balance_reads(smsmode_simulator)
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, SUBENTRY_TYPE_RECIPIENT),
        context={"source": SOURCE_USER},
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Alice", "number": "06 12 34 56 78"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert balance_reads(smsmode_simulator) == reads + 1
    state = hass.states.get(ALICE_NOTIFY)
    assert state is not None
    assert state.name == "Alice SMS"

    (alice,) = loaded_entry.subentries.values()
    result = await loaded_entry.start_subentry_reconfigure_flow(hass, alice.subentry_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Alice M.", "number": ALICE[1]}
    )
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert balance_reads(smsmode_simulator) == reads + 2
    state = hass.states.get(ALICE_NOTIFY)
    assert state is not None
    assert state.name == "Alice M. SMS"

    hass.config_entries.async_update_entry(loaded_entry, title="Maison")
    await hass.async_block_till_done()
    assert balance_reads(smsmode_simulator) == reads + 2

    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config_entries/subentries/delete",
            "entry_id": loaded_entry.entry_id,
            "subentry_id": alice.subentry_id,
        }
    )
    assert (await client.receive_json())["success"]
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.states.async_entity_ids("notify") == []
    assert balance_reads(smsmode_simulator) == reads + 3
    assert "update listener" not in caplog.text


async def test_changed_options_reload_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """Saved options reload the entry once, and only when they changed."""
    reads = balance_reads(smsmode_simulator)
    for expected in (reads + 1, reads + 1):
        result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], unflatten({CONF_MAX_SEGMENTS: 3})
        )
        await hass.async_block_till_done()
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert loaded_entry.options[CONF_MAX_SEGMENTS] == 3
        assert loaded_entry.state is ConfigEntryState.LOADED
        assert balance_reads(smsmode_simulator) == expected


async def test_reauth_of_a_loaded_entry_reloads_once(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A new key reloads the entry once, and so does its own key working again.

    A refused key pauses the outbox and the pollers until a reload: an unchanged
    key must reload too. No reload helper is used beside the update listener,
    which Home Assistant reports.
    """
    smsmode_simulator.account.add_api_key(SECOND_KEY)
    reads = balance_reads(smsmode_simulator)
    # Each flow checks the key with a read, each reload reads it again.
    for expected in (reads + 2, reads + 4):
        result = await loaded_entry.start_reauth_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_KEY: SECOND_KEY}
        )
        await hass.async_block_till_done()
        assert result["reason"] == "reauth_successful"
        assert loaded_entry.data[CONF_API_KEY] == SECOND_KEY
        assert loaded_entry.state is ConfigEntryState.LOADED
        assert balance_reads(smsmode_simulator) == expected
    assert "update listener" not in caplog.text


async def _async_set_up_offline(
    hass: HomeAssistant, simulator: Simulator, fault: Fault | None
) -> MockConfigEntry:
    """Set an account with Alice up while smsmode fails: `fault`, or stopped (None).

    A fault hits the setup's balance read only.
    """
    entry = make_entry(simulator, recipients=[ALICE])
    if fault is None:
        await simulator.stop()
    else:
        simulator.add_fault("credit.do", fault)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _async_restart(simulator: Simulator, entry: MockConfigEntry) -> None:
    """Serve again where the entry expects smsmode."""
    await simulator.start("127.0.0.1", int(entry.data[CONF_URL].rsplit(":", 1)[1]))


@pytest.mark.parametrize(
    "fault",
    [
        None,
        Fault.drop_after(),
        Fault.http_error(500),
        Fault.http_error(404),
        Fault.http_error(429),
        Fault.code(50),
    ],
    ids=["stopped", "cut", "http_500", "not_smsmode", "http_429", "code_50"],
)
async def test_setup_with_smsmode_out_of_reach_loads_the_account(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    fault: Fault | None,
) -> None:
    """Anything but a refused key loads the account; the balance follows in a minute.

    The notify service and entities are there at once, the balance sensor is
    unavailable, and one warning says why; the next read, a minute later, fills
    the sensor.
    """
    entry = await _async_set_up_offline(hass, smsmode_simulator, fault)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.services.has_service("notify", DOMAIN)
    assert hass.states.get(ALICE_NOTIFY).state != STATE_UNAVAILABLE
    assert hass.states.get(OUTBOX).state == "0"
    assert hass.states.get(BALANCE).state == STATE_UNAVAILABLE
    assert not entry.runtime_data.coordinator.last_update_success
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    warnings = [
        r
        for r in caplog.records
        if r.levelno == logging.WARNING and "could not be reached" in r.message
    ]
    assert len(warnings) == 1
    if fault is None:
        await _async_restart(smsmode_simulator, entry)
    await async_step_time(hass, freezer, timedelta(minutes=1))
    assert hass.states.get(BALANCE).state == str(smsmode_simulator.balance)
    assert entry.runtime_data.coordinator.last_update_success


async def test_balance_read_every_minute_until_it_works_then_on_the_interval(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Failed reads come back each minute; after one works, every 30 minutes."""
    entry = await _async_set_up_offline(hass, smsmode_simulator, Fault.code(50))
    smsmode_simulator.add_fault("credit.do", Fault.http_error(500), times=2)
    for reads in (2, 3, 4):
        await async_step_time(hass, freezer, timedelta(minutes=1))
        assert len(smsmode_simulator.requests_to("credit.do")) == reads
    assert hass.states.get(BALANCE).state == str(smsmode_simulator.balance)
    await async_step_time(hass, freezer, timedelta(minutes=29))
    assert len(smsmode_simulator.requests_to("credit.do")) == 4
    await async_step_time(hass, freezer, timedelta(minutes=1, seconds=1))
    assert len(smsmode_simulator.requests_to("credit.do")) == 5
    assert entry.state is ConfigEntryState.LOADED


async def test_rate_limited_at_setup_waits_as_asked(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """HTTP 429 asking an hour at setup: no read before the hour, one after."""
    await _async_set_up_offline(
        hass, smsmode_simulator, Fault.http_error(429, retry_after=3600)
    )
    await async_step_time(hass, freezer, timedelta(minutes=59))
    assert len(smsmode_simulator.requests_to("credit.do")) == 1
    await async_step_time(hass, freezer, timedelta(minutes=1, seconds=1))
    assert len(smsmode_simulator.requests_to("credit.do")) == 2
    assert hass.states.get(BALANCE).state == str(smsmode_simulator.balance)


async def test_alert_sent_during_the_outage_goes_once_when_smsmode_is_back(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Set up with smsmode stopped: the alert is queued, callbacks are taken.

    Once smsmode answers again, the alert reaches it exactly once, the report
    taken meanwhile (about an SMS sent before, not through this account) is
    confirmed and fires, and the balance sensor comes back.
    """
    before = await async_send_around(hass, smsmode_simulator, ALICE[1])
    await smsmode_simulator.set_delivery_status(before, ALICE[1], 11)
    entry = await _async_set_up_offline(hass, smsmode_simulator, None)
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    client = await hass_client_no_auth()
    response = await client.get(
        f"/api/webhook/{WEBHOOK_ID}",
        params={
            "numero": ALICE[1],
            "date_reception": "2026-06-15 12:00:00",
            "statut": "11",
            "smsID": before,
        },
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert reports == []

    await hass.services.async_call(
        "notify",
        DOMAIN,
        {"message": "Server down", "target": [ALICE[1]]},
        blocking=True,
    )
    assert hass.states.get(OUTBOX).state == "1"
    await async_step_time(hass, freezer, timedelta(minutes=2))
    await _async_restart(smsmode_simulator, entry)
    for _ in range(40):
        if not len(entry.runtime_data.outbox):
            break
        await async_step_time(hass, freezer, STEP)
    await async_step_time(hass, freezer, timedelta(hours=1))
    assert [m.text for m in smsmode_simulator.messages.values()] == [
        "Bonjour",
        "Server down",
    ]
    assert [e.data["status"] for e in reports if e.data["sms_id"] == before] == [11]
    assert hass.states.get(OUTBOX).state == "0"
    assert float(hass.states.get(BALANCE).state) == smsmode_simulator.balance


async def test_credits_refused_before_the_balance_was_ever_read(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """No balance yet when smsmode refuses a send for want of credits (33).

    The out-of-credit issue is raised, and stays while the balance read later
    is no higher; credits bought clear it.
    """
    entry = await _async_set_up_offline(hass, smsmode_simulator, Fault.code(50))
    smsmode_simulator.balance = 0
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            "notify",
            DOMAIN,
            {"message": "Freezer open", "target": [ALICE[1]]},
            blocking=True,
        )
    registry = ir.async_get(hass)
    issue_id = f"insufficient_credits_{entry.entry_id}"
    assert registry.async_get_issue(DOMAIN, issue_id)
    await async_step_time(hass, freezer, timedelta(minutes=1))
    assert hass.states.get(BALANCE).state == "0.0"
    assert registry.async_get_issue(DOMAIN, issue_id)
    assert registry.async_get_issue(DOMAIN, f"low_credit_{entry.entry_id}")
    smsmode_simulator.balance = 50
    await async_step_time(hass, freezer, timedelta(minutes=31))
    assert registry.async_get_issue(DOMAIN, issue_id) is None


async def test_key_refused_once_smsmode_answers_starts_reauth_once(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Set up offline, then smsmode refuses the key: reauth, and no read every minute."""
    entry = await _async_set_up_offline(hass, smsmode_simulator, Fault.code(50))
    smsmode_simulator.add_fault("credit.do", Fault.code(32))
    await async_step_time(hass, freezer, timedelta(minutes=1))
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert entry.state is ConfigEntryState.LOADED
    await async_step_time(hass, freezer, timedelta(minutes=10))
    assert len(smsmode_simulator.requests_to("credit.do")) == 2
