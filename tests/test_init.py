"""Setting an account up and down: key check, smsmode out of reach, unload, removal."""

from datetime import timedelta
import logging
from types import MappingProxyType

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState, ConfigSubentry
from homeassistant.const import CONF_URL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.const import DOMAIN, EVENT_DELIVERY_REPORT
from smsmode_simulator import Fault, Simulator

from .sending_helpers import ALICE, WEBHOOK_ID, async_step_time, make_entry

BALANCE = "sensor.smsmode_balance"
OUTBOX = "sensor.smsmode_outbox"
ALICE_NOTIFY = "notify.alice_sms"
STEP = timedelta(seconds=30)


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


async def test_recipients_added_or_removed_reload_the_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """A recipient added or removed reloads the entry once; other changes do not.

    The reload adds or drops the recipient's notify entity; a title change reads
    no balance again.
    """
    alice = ConfigSubentry(
        data=MappingProxyType({"name": "Alice", "number": "33612345678"}),
        subentry_type="recipient",
        title="Alice",
        unique_id="33612345678",
    )
    hass.config_entries.async_add_subentry(loaded_entry, alice)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert len(hass.states.async_entity_ids("notify")) == 1
    setups = len(smsmode_simulator.requests_to("credit.do"))
    # Set up once, then once again for the reload: one balance read each.
    assert setups == 2

    hass.config_entries.async_update_entry(loaded_entry, title="Maison")
    await hass.async_block_till_done()
    assert len(smsmode_simulator.requests_to("credit.do")) == setups

    hass.config_entries.async_remove_subentry(loaded_entry, alice.subentry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.states.async_entity_ids("notify") == []
    assert len(smsmode_simulator.requests_to("credit.do")) == setups + 1


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

    Once smsmode answers again, the alert reaches it exactly once, and the
    balance sensor comes back.
    """
    entry = await _async_set_up_offline(hass, smsmode_simulator, None)
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    client = await hass_client_no_auth()
    response = await client.get(
        f"/api/webhook/{WEBHOOK_ID}",
        params={
            "numero": ALICE[1],
            "date_reception": "2026-06-15 12:00:00",
            "statut": "11",
            "smsID": "sentbeforethecut",
        },
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert [event.data["sms_id"] for event in reports] == ["sentbeforethecut"]

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
    assert [m.text for m in smsmode_simulator.messages.values()] == ["Server down"]
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
