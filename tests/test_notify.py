"""Notify: the legacy `notify.smsmode` service and the recipient entities."""

from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.notify import legacy as notify_legacy
from homeassistant.config_entries import ConfigEntryState, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest

from custom_components.smsmode.const import DOMAIN
from custom_components.smsmode.notify import (
    SmsmodeNotificationService,
    async_get_service,
    async_unload_legacy_notify,
)
from smsmode_simulator import Contact, Fault, Simulator

from .sending_helpers import (
    ALICE,
    BOB,
    CALLBACK_URL,
    EXTERNAL_URL,
    async_setup_account,
    make_entry,
    sent,
)


async def _notify(hass: HomeAssistant, service: str = DOMAIN, **data: Any) -> None:
    await hass.services.async_call("notify", service, data, blocking=True)


async def test_one_request_for_all_targets(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Fifty targets, a title: one request, the title on its own first line."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    await async_setup_account(hass, smsmode_simulator, recipients=[ALICE])
    targets = [f"336123456{index:02d}" for index in range(50)]
    await _notify(hass, message="Fuite d'eau", title="Alerte", target=targets)
    (params,) = sent(smsmode_simulator)
    assert params["numero"] == ",".join(targets)
    assert params["message"] == "Alerte\nFuite d'eau"
    assert params["notification_url"] == CALLBACK_URL


async def test_target_falls_back_to_recipients(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Without a target, the recipients configured on the account get it."""
    await async_setup_account(hass, smsmode_simulator, recipients=[ALICE, BOB])
    await _notify(hass, message="Bonjour")
    assert sent(smsmode_simulator)[-1]["numero"] == f"{ALICE[1]},{BOB[1]}"


async def test_no_recipient_at_all(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """No target and no configured recipient: a translated validation error."""
    await async_setup_account(hass, smsmode_simulator)
    with pytest.raises(ServiceValidationError) as err:
        await _notify(hass, message="Bonjour")
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "no_recipients"
    assert err.value.translation_placeholders == {"title": "smsmode"}
    assert sent(smsmode_simulator) == []


async def test_every_data_key(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Each `data` option reaches smsmode; a naive time is Home Assistant's."""
    await async_setup_account(hass, smsmode_simulator)
    when = (dt_util.now() + timedelta(days=2)).replace(
        second=0, microsecond=0, tzinfo=None
    )
    await _notify(
        hass,
        message="x" * 100,
        target=[ALICE[1]],
        data={
            "sender": "Maison",
            "reply_allowed": False,
            "scheduled_at": when.isoformat(),
            "encoding": "unicode",
            "stop": "always",
            "ref_client": "porte-42",
            "max_segments": 3,
        },
    )
    params = sent(smsmode_simulator)[-1]
    expected = when.replace(tzinfo=dt_util.get_default_time_zone())
    assert params["emetteur"] == "Maison"
    assert params["classe_msg"] == "9"
    assert params["stop"] == "2"
    assert params["refClient"] == "porte-42"
    assert params["nbr_msg"] == "3"
    assert params["date_envoi"] == expected.astimezone(
        dt_util.get_time_zone("Europe/Paris")
    ).strftime("%d%m%Y-%H:%M")

    await _notify(
        hass,
        message="Oui ?",
        target=[ALICE[1]],
        data={
            "reply_allowed": True,
            "scheduled_at": datetime.now(dt_util.UTC) + timedelta(days=1),
        },
    )
    assert sent(smsmode_simulator)[-1]["classe_msg"] == "4"


async def test_group(hass: HomeAssistant, smsmode_simulator: Simulator) -> None:
    """A contact group replaces the numbers, and the configured recipients."""
    smsmode_simulator.account.add_contact(
        Contact(last_name="Martin", mobile=ALICE[1], groups=("Famille",))
    )
    await async_setup_account(hass, smsmode_simulator, recipients=[BOB])
    await _notify(hass, message="À table", data={"group": "Famille"})
    params = sent(smsmode_simulator)[-1]
    assert params["groupe"] == "Famille"
    assert "numero" not in params


@pytest.mark.parametrize("language", ["en_gb", "en-GB"])
async def test_voice(
    hass: HomeAssistant, smsmode_simulator: Simulator, language: str
) -> None:
    """`voice: true` calls the targets instead of texting them.

    The language is the selector's key or smsmode's spelling (older automations).
    """
    await async_setup_account(hass, smsmode_simulator, recipients=[ALICE])
    await _notify(
        hass,
        message="La porte est ouverte",
        title="Alerte",
        data={"voice": True, "language": language, "voice_title": "Maison"},
    )
    (params,) = sent(smsmode_simulator, "sendVoiceMessage.do")
    assert params["numero"] == ALICE[1]
    assert params["message"] == "Alerte\nLa porte est ouverte"
    assert params["language"] == "en-GB"
    assert params["title"] == "Maison"
    assert sent(smsmode_simulator) == []


@pytest.mark.parametrize(
    ("data", "key", "placeholder"),
    [
        ({"colour": "red"}, "invalid_notify_data", "colour"),
        ({"encoding": "utf8"}, "invalid_notify_data", "encoding"),
        ({"max_segments": 9}, "invalid_notify_data", "max_segments"),
        ({"scheduled_at": "tomorrow"}, "invalid_notify_data", "scheduled_at"),
        ({"voice": True, "sender": "Maison"}, "option_not_for_voice", "sender"),
        (
            {"voice": True, "group": "Famille", "stop": "always"},
            "option_not_for_voice",
            "group, stop",
        ),
        ({"voice": True, "language": "fr"}, "invalid_notify_data", "language"),
        ({"language": "fr_fr"}, "option_needs_voice", "language"),
    ],
)
async def test_invalid_data(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    data: dict[str, Any],
    key: str,
    placeholder: str,
) -> None:
    """Bad `data` is refused, naming the key, before anything is sent."""
    await async_setup_account(hass, smsmode_simulator, recipients=[ALICE])
    with pytest.raises(ServiceValidationError) as err:
        await _notify(hass, message="Bonjour", data=data)
    assert err.value.translation_key == key
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["key"] == placeholder
    assert len(smsmode_simulator.requests) == 1  # the balance read at setup


async def test_invalid_numbers(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Invalid targets are all listed."""
    await async_setup_account(hass, smsmode_simulator)
    with pytest.raises(ServiceValidationError) as err:
        await _notify(hass, message="Bonjour", target=["0612", ALICE[1], "+1 12"])
    assert err.value.translation_key == "invalid_number"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["numbers"] == "0612, +1 12"


async def test_provider_error(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """A refusal by smsmode reaches the caller translated."""
    await async_setup_account(hass, smsmode_simulator, recipients=[ALICE])
    smsmode_simulator.add_fault("sendSMS.do", Fault.code(35))
    with pytest.raises(ServiceValidationError) as err:
        await _notify(hass, message="Bonjour")
    assert err.value.translation_key == "invalid_parameter"


async def test_one_service_per_account(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Later accounts get `smsmode_<title>`; unloading one keeps the others."""
    first = make_entry(smsmode_simulator, title="smsmode", webhook_id="a" * 32)
    second = make_entry(smsmode_simulator, title="Maison", webhook_id="b" * 32)
    third = make_entry(smsmode_simulator, title="Maison", webhook_id="c" * 32)
    nameless = make_entry(smsmode_simulator, title="", webhook_id="d" * 32)
    for entry in (first, second, third, nameless):
        entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(first.entry_id)
    await hass.async_block_till_done()
    names = ("smsmode", "smsmode_maison", "smsmode_maison_2")
    for name in names:
        assert hass.services.has_service("notify", name)
    assert hass.services.has_service("notify", f"smsmode_{nameless.entry_id.lower()}")

    await _notify(hass, "smsmode_maison", message="Bonjour", target=[ALICE[1]])
    assert len(sent(smsmode_simulator)) == 1

    assert await hass.config_entries.async_unload(second.entry_id)
    await hass.async_block_till_done()
    assert second.state is ConfigEntryState.NOT_LOADED
    assert not hass.services.has_service("notify", "smsmode_maison")
    assert hass.services.has_service("notify", "smsmode")
    assert hass.services.has_service("notify", "smsmode_maison_2")

    assert await hass.config_entries.async_setup(second.entry_id)
    await hass.async_block_till_done()
    assert hass.services.has_service("notify", "smsmode_maison")
    await _notify(hass, "smsmode_maison", message="Re", target=[ALICE[1]])
    assert len(sent(smsmode_simulator)) == 2


async def test_unloaded_service_stays_unregistered(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """An unloaded entry's service comes back with its next setup only.

    Notify keeps every service it set up (no public API drops one), and its
    `async_reload` registers them all again: those of past setups stay off.
    """
    entry = await async_setup_account(hass, smsmode_simulator, recipients=[ALICE])
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await notify_legacy.async_reload(hass, DOMAIN)
    assert not hass.services.has_service("notify", DOMAIN)

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await notify_legacy.async_reload(hass, DOMAIN)
    await _notify(hass, message="Bonjour")
    assert [params["numero"] for params in sent(smsmode_simulator)] == [ALICE[1]]


async def test_yaml_platform_is_not_supported(hass: HomeAssistant) -> None:
    """`notify: - platform: smsmode` gives no service: accounts are entries."""
    assert await async_get_service(hass, {}, None) is None


async def test_unloaded_before_discovery(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """An entry unloaded while discovery runs registers nothing afterwards."""
    notify_service = SmsmodeNotificationService("unknown")
    await notify_service.async_unload()
    await notify_service.async_setup(hass, "smsmode_late", "smsmode_late")
    await notify_service.async_register_services()
    assert not hass.services.has_service("notify", "smsmode_late")

    entry = await async_setup_account(hass, smsmode_simulator)
    stale = SmsmodeNotificationService("unknown")
    await stale.async_setup(hass, "smsmode_stale", "smsmode_stale")
    with pytest.raises(ServiceValidationError):
        await stale.async_send_message("Bonjour", target=[ALICE[1]])
    await stale.async_unload()
    assert not hass.services.has_service("notify", "smsmode_stale")

    # Unloading twice (or an entry that never loaded its service) is harmless.
    await async_unload_legacy_notify(hass, entry)
    await async_unload_legacy_notify(hass, entry)
    assert not hass.services.has_service("notify", DOMAIN)
    assert entry.state is ConfigEntryState.LOADED

    # Discovery reaching the platform for an entry gone or unloaded: no service.
    info = {"name": "smsmode_late", "entry_id": "unknown"}
    assert await async_get_service(hass, {}, info) is None
    assert await hass.config_entries.async_unload(entry.entry_id)
    info = {"name": "smsmode_late", "entry_id": entry.entry_id}
    assert await async_get_service(hass, {}, info) is None


async def test_recipient_entities(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """One entity per recipient subentry, on its own device, sending to it."""
    other = ConfigSubentryData(
        data={"name": "Not a recipient"}, subentry_type="other", title="Other"
    )
    entry = make_entry(smsmode_simulator, recipients=[ALICE, BOB], extra=[other])
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    entity_ids = {}
    for subentry_id, subentry in entry.subentries.items():
        if subentry.subentry_type != "recipient":
            assert not entity_registry.async_get_entity_id(
                "notify", DOMAIN, f"{entry.entry_id}_{subentry_id}"
            )
            continue
        entity_id = entity_registry.async_get_entity_id(
            "notify", DOMAIN, f"{entry.entry_id}_{subentry_id}"
        )
        assert entity_id is not None
        registered = entity_registry.async_get(entity_id)
        assert registered is not None
        assert registered.config_subentry_id == subentry_id
        assert registered.translation_key == "recipient"
        assert registered.device_id is not None
        device = device_registry.async_get(registered.device_id)
        assert device is not None
        assert device.identifiers == {(DOMAIN, f"{entry.entry_id}_{subentry_id}")}
        assert device.name == subentry.title
        assert device.entry_type is dr.DeviceEntryType.SERVICE
        # No model: it could not be translated.
        assert (device.manufacturer, device.model) == ("smsmode", None)
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.name == f"{subentry.title} SMS"
        entity_ids[subentry.data["number"]] = entity_id

    await hass.services.async_call(
        "notify",
        "send_message",
        {"entity_id": entity_ids[BOB[1]], "message": "Bonjour", "title": "Alerte"},
        blocking=True,
    )
    params = sent(smsmode_simulator)[-1]
    assert params["numero"] == BOB[1]
    assert params["message"] == "Alerte\nBonjour"
    state = hass.states.get(entity_ids[BOB[1]])
    assert state is not None
    assert state.state != "unknown"

    smsmode_simulator.add_fault("sendSMS.do", Fault.code(33))
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "notify",
            "send_message",
            {"entity_id": entity_ids[ALICE[1]], "message": "Bonjour"},
            blocking=True,
        )
    assert err.value.translation_key == "insufficient_credits"
