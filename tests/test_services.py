"""The smsmode services, against the simulator: data sent, answers, errors."""

from datetime import date, datetime, timedelta
import logging
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import Context, HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_capture_events,
    async_fire_time_changed,
)
import voluptuous as vol

from custom_components.smsmode.const import DOMAIN
from smsmode_simulator import PARIS, Contact, Fault, Simulator

from .sending_helpers import (
    ALICE,
    BOB,
    CALLBACK_URL,
    EXTERNAL_URL,
    async_setup_account,
    make_entry,
    sent,
)

SERVICES = (
    "send_sms",
    "send_batch",
    "send_voice_message",
    "cancel_sms",
    "get_sms_status",
    "get_delivery_report",
    "list_sent_sms",
    "list_replies",
    "add_contact",
    "transfer_credits",
    "create_sub_account",
    "create_api_key",
)


async def _call(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: str,
    *,
    response: bool = True,
    context: Context | None = None,
    **data: Any,
) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        service,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=response,
        context=context,
    )


def _integration_log(caplog: pytest.LogCaptureFixture) -> str:
    """Return what this integration's own loggers wrote.

    Home Assistant's bus logs every service call's data at debug level, a
    password field included: that is core's debug output, outside the integration.
    """
    return "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.smsmode")
    )


@pytest.fixture
async def entry(hass: HomeAssistant, smsmode_simulator: Simulator) -> MockConfigEntry:
    """Return a loaded account with two recipients."""
    return await async_setup_account(hass, smsmode_simulator, recipients=[ALICE, BOB])


async def test_services_registered(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Every service exists once the integration is set up."""
    for service in SERVICES:
        assert hass.services.has_service(DOMAIN, service)


async def test_send_sms(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """One SMS to every number (comma-separated works too), with what it cost."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    response = await _call(
        hass,
        entry,
        "send_sms",
        recipients="06 12 34 56 78, +447911123456",
        message="Le colis est arrivé ✓",
        sender="Maison",
        stop="if_free",
        ref_client="colis",
        max_segments=2,
    )
    (params,) = sent(smsmode_simulator)
    assert response == {
        "sms_id": next(iter(smsmode_simulator.messages)),
        "recipients": [ALICE[1], "447911123456"],
        "segments": 1,
        "encoding": "unicode",
        "queued": False,
        "scheduled_at": None,
        "quiet_hours": False,
        "suppressed": {},
    }
    assert params["numero"] == f"{ALICE[1]},447911123456"
    assert params["emetteur"] == "Maison"
    assert params["stop"] == "1"
    assert params["refClient"] == "colis"
    assert params["notification_url"] == CALLBACK_URL

    assert await _call(hass, entry, "send_sms", response=False, message="Hi") is None
    assert sent(smsmode_simulator)[-1]["numero"] == f"{ALICE[1]},{BOB[1]}"


async def test_send_sms_to_group(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A contact group: no number sent, none listed in the answer."""
    smsmode_simulator.account.add_contact(
        Contact(last_name="Martin", mobile=ALICE[1], groups=("Famille",))
    )
    response = await _call(
        hass,
        entry,
        "send_sms",
        group="Famille",
        message="A table !",
        reply_allowed=True,
    )
    assert response["recipients"] == []
    assert response["encoding"] == "gsm7"
    params = sent(smsmode_simulator)[-1]
    assert params["groupe"] == "Famille"
    assert params["classe_msg"] == "4"


async def test_send_sms_no_recipient(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """No number, no group, no configured recipient: refused."""
    entry = await async_setup_account(hass, smsmode_simulator)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, entry, "send_sms", message="Hi")
    assert err.value.translation_key == "no_recipients"


async def test_send_sms_errors(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Invalid numbers listed, too long refused, 33 raises the repair issue."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            entry,
            "send_sms",
            recipients=["12", "06 12 34 56 78", "x"],
            message="Hi",
        )
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["numbers"] == "12, x"

    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, entry, "send_sms", message="é" * 400, max_segments=2)
    assert err.value.translation_key == "message_too_long"
    assert sent(smsmode_simulator) == []

    with pytest.raises(vol.Invalid):
        await _call(hass, entry, "send_sms", message="Hi", encoding="latin1")

    smsmode_simulator.add_fault("sendSMS.do", Fault.code(33))
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, entry, "send_sms", message="Hi")
    assert err.value.translation_key == "insufficient_credits"


async def test_send_batch(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Personalised texts in one sendSMSBatch request; the campaign id answers."""
    when = dt_util.now() + timedelta(days=1)
    response = await _call(
        hass,
        entry,
        "send_batch",
        messages=[
            {"number": "06 12 34 56 78", "message": "Bonjour Alice", "ref_client": "a"},
            {"number": BOB[1], "message": "Bonjour Bob", "sender": "Garage"},
        ],
        scheduled_at=when.isoformat(),
    )
    (request,) = smsmode_simulator.requests_to("sendSMSBatch.do")
    assert request.params["date_envoi"] == when.astimezone(PARIS).strftime(
        "%d%m%Y-%H:%M"
    )
    campaign = smsmode_simulator.messages[response["campaign_id"]]
    assert response == {
        "campaign_id": campaign.sms_id,
        "recipients": [ALICE[1], BOB[1]],
        "segments": 1,
    }
    assert [r.text for r in campaign.recipients] == ["Bonjour Alice", "Bonjour Bob"]
    assert [r.sender for r in campaign.recipients] == [None, "Garage"]
    assert [r.ref_client for r in campaign.recipients] == ["a", None]

    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            entry,
            "send_batch",
            messages=[{"number": BOB[1], "message": "Fête ✓"}],
        )
    assert err.value.translation_key == "non_gsm_characters"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["characters"] == "'ê' '✓'"

    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            entry,
            "send_batch",
            messages=[
                {"number": BOB[1], "message": "Bonjour"},
                {"number": ALICE[1], "message": "Bonjour\nà demain"},
            ],
        )
    assert err.value.translation_key == "batch_row_line_break"
    assert err.value.translation_placeholders == {
        "error": "Row 2 of the batch holds a line break",
        "row": "2",
    }
    assert len(smsmode_simulator.requests_to("sendSMSBatch.do")) == 1

    with pytest.raises(vol.Invalid):
        await _call(hass, entry, "send_batch", messages=[])


async def test_send_voice_message(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A voice call to the configured recipients, with a title and language."""
    response = await _call(
        hass,
        entry,
        "send_voice_message",
        message="La porte du garage est ouverte",
        title="Message de la maison",
        language="fr-FR",
    )
    (params,) = sent(smsmode_simulator, "sendVoiceMessage.do")
    assert params["title"] == "Message de la maison"
    assert params["language"] == "fr-FR"
    assert response["recipients"] == [ALICE[1], BOB[1]]
    assert response["encoding"] is None

    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, entry, "send_voice_message", message="Ça va ✓ ?")
    assert err.value.translation_key == "non_latin9_characters"


@pytest.mark.parametrize("language", ["en_gb", "en-GB"])
async def test_voice_language_by_key_or_smsmode_spelling(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    entry: MockConfigEntry,
    language: str,
) -> None:
    """The selector's key and smsmode's spelling, which older automations use, work.

    Either way smsmode gets its own spelling; anything else is refused.
    """
    await _call(hass, entry, "send_voice_message", message="Bonjour", language=language)
    (params,) = sent(smsmode_simulator, "sendVoiceMessage.do")
    assert params["language"] == "en-GB"

    with pytest.raises(vol.Invalid):
        await _call(hass, entry, "send_voice_message", message="Bonjour", language="en")


async def test_cancel_sms(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A scheduled SMS is deleted by id or number; its credits come back."""
    balance = smsmode_simulator.balance
    when = (dt_util.now() + timedelta(days=1)).isoformat()
    first = await _call(hass, entry, "send_sms", message="Hi", scheduled_at=when)
    await _call(
        hass, entry, "send_sms", message="Re", recipients=[BOB[1]], scheduled_at=when
    )
    assert smsmode_simulator.balance == balance - 3

    await _call(hass, entry, "cancel_sms", response=False, sms_id=first["sms_id"])
    await _call(hass, entry, "cancel_sms", response=False, number="06 98 76 54 32")
    assert all(message.deleted for message in smsmode_simulator.messages.values())
    assert smsmode_simulator.balance == balance
    # The second refresh waits for the coordinator's debounce cooldown.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done()
    assert entry.runtime_data.coordinator.data == balance

    for data in ({}, {"sms_id": "abc", "number": BOB[1]}):
        with pytest.raises(ServiceValidationError) as err:
            await _call(hass, entry, "cancel_sms", response=False, **data)
        assert err.value.translation_key == "sms_id_or_number"

    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, entry, "cancel_sms", response=False, sms_id="unknown")
    assert err.value.translation_key == "api_error"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["code"] == "61"


async def test_status_and_delivery_report(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Statuses come as int and slug, with what they mean for delivery."""
    sms_id = (await _call(hass, entry, "send_sms", message="Hi"))["sms_id"]
    await smsmode_simulator.advance_delivery(sms_id)
    await smsmode_simulator.advance_delivery(sms_id, ALICE[1])

    status = await _call(hass, entry, "get_sms_status", sms_id=sms_id)
    assert status == {
        "sms_id": sms_id,
        "status": 15,
        "status_name": "partially_received",
        "delivered": False,
        "final": False,
        "description": status["description"],
    }
    report = await _call(hass, entry, "get_delivery_report", sms_id=sms_id)
    assert report == {
        "sms_id": sms_id,
        "recipients": [
            {
                "number": ALICE[1],
                "status": 11,
                "status_name": "received",
                "delivered": True,
                "final": True,
            },
            {
                "number": BOB[1],
                "status": 13,
                "status_name": "delivered_to_operator",
                "delivered": False,
                "final": False,
            },
        ],
    }


async def test_read_service_errors(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Read services map errors too: 32 starts reauth, 5xx is a connection error."""
    smsmode_simulator.add_fault("smsStatus.do", Fault.code(32))
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, entry, "get_sms_status", sms_id="abc")
    assert err.value.translation_key == "authentication_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]

    smsmode_simulator.add_fault("smsList.do", Fault.http_error(503))
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, entry, "list_sent_sms")
    assert err.value.translation_key == "connection_error_may_have_been_sent"


async def test_list_sent_sms(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Sent SMS, newest first, dates in ISO 8601."""
    for text in ("Un", "Deux", "Trois"):
        await _call(hass, entry, "send_sms", message=text, recipients=[ALICE[1]])
    response = await _call(hass, entry, "list_sent_sms", start=1, count=5)
    assert [sms["text"] for sms in response["messages"]] == ["Deux", "Un"]
    first = response["messages"][0]
    assert first["recipient"] == ALICE[1]
    assert first["cost"] == 1.0
    assert first["recipient_count"] == 1
    assert datetime.fromisoformat(first["sent_at"]).tzinfo is not None
    assert sent(smsmode_simulator, "smsList.do")[-1]["offset"] == "5"


async def test_list_replies(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Replies by page or between two dates (naive: Home Assistant's zone)."""
    sms_id = (
        await _call(hass, entry, "send_sms", message="Oui ?", reply_allowed=True)
    )["sms_id"]
    now = datetime.now(PARIS).replace(second=0, microsecond=0)
    await smsmode_simulator.inject_reply(
        "Non", BOB[1], received_at=now - timedelta(days=3)
    )
    await smsmode_simulator.inject_reply("Oui", ALICE[1], received_at=now)

    response = await _call(hass, entry, "list_replies", start=0, count=10)
    assert [reply["message"] for reply in response["replies"]] == ["Oui", "Non"]
    reply = response["replies"][0]
    assert reply["sender"] == ALICE[1]
    assert reply["sms_id"] == sms_id
    assert datetime.fromisoformat(reply["received_at"]) == now

    start = dt_util.as_local(now - timedelta(days=1)).replace(tzinfo=None)
    response = await _call(
        hass,
        entry,
        "list_replies",
        start_date=start.isoformat(),
        end_date=(dt_util.now() + timedelta(hours=1)).isoformat(),
    )
    assert [reply["message"] for reply in response["replies"]] == ["Oui"]

    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, entry, "list_replies", start=0, start_date=start.isoformat())
    assert err.value.translation_key == "invalid_range"


async def test_add_contact(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """The mobile is normalised; groups are created."""
    await _call(
        hass,
        entry,
        "add_contact",
        response=False,
        last_name="Martin",
        mobile="06 12 34 56 78",
        first_name="Alice",
        groups=["Famille", "Voisins"],
        company="ACME",
        other="Clé sous le paillasson",
        birth_date="1990-05-17",
    )
    (contact,) = smsmode_simulator.account.contacts
    assert contact == Contact(
        last_name="Martin",
        mobile=ALICE[1],
        first_name="Alice",
        groups=("Famille", "Voisins"),
        company="ACME",
        other="Clé sous le paillasson",
        birth_date="17051990",
    )
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, entry, "add_contact", response=False, last_name="X", mobile="12"
        )
    assert err.value.translation_key == "invalid_number"
    with pytest.raises(vol.Invalid):
        await _call(
            hass,
            entry,
            "add_contact",
            response=False,
            last_name="X",
            mobile=ALICE[1],
            groups=["a,b"],
        )


async def test_accented_names_travel_in_the_request_charset(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Accented names ("Hélène", "Élèves") go as ISO-8859-15, as smsmode reads them.

    A send to that group finds it; a name ISO-8859-15 cannot hold is refused,
    translated, and nothing is sent.
    """
    await _call(
        hass,
        entry,
        "add_contact",
        response=False,
        last_name="Hélène",
        mobile=ALICE[1],
        groups=["Élèves"],
    )
    assert b"nom=H%E9l%E8ne" in smsmode_simulator.requests[-1].body
    (contact,) = smsmode_simulator.account.contacts
    assert (contact.last_name, contact.groups) == ("Hélène", ("Élèves",))
    result = await _call(
        hass, entry, "send_sms", group="Élèves", message="Cours annulé"
    )
    assert result["recipients"] == []
    (message,) = smsmode_simulator.messages.values()
    assert message.numbers == [ALICE[1]]

    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            entry,
            "add_contact",
            response=False,
            last_name="Łukasz",
            mobile=BOB[1],
        )
    assert err.value.translation_key == "unsupported_characters"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["characters"] == "'Ł'"
    assert len(smsmode_simulator.account.contacts) == 1


async def test_sub_account_and_transfer(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A sub-account gets credits; its password is made here, answered, not logged.

    No password goes in as service data, which Home Assistant records.
    """
    caplog.set_level(logging.DEBUG)
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    result = await _call(
        hass,
        entry,
        "create_sub_account",
        pseudo="atelier",
        reference="ref",
        last_name="Martin",
        city="Lyon",
        email="atelier@example.com",
        birth_date=date(1990, 5, 17),
    )
    sub_account = smsmode_simulator.account.sub_accounts["atelier"]
    assert result == {"pseudo": "atelier", "password": sub_account.password}
    password = sub_account.password
    assert len(password) == 20
    assert password.isascii()
    assert password.isalnum()
    assert sub_account.details["ville"] == "Lyon"
    assert password not in _integration_log(caplog)
    assert password not in str([call.data for call in calls])
    # Each sub-account gets its own.
    await _call(hass, entry, "create_sub_account", pseudo="atelier-2")
    assert smsmode_simulator.account.sub_accounts["atelier-2"].password != password

    balance = smsmode_simulator.balance
    await _call(
        hass,
        entry,
        "transfer_credits",
        response=False,
        target="atelier",
        amount=10,
        reference="juin",
    )
    assert sub_account.balance == 10
    await hass.async_block_till_done()
    assert entry.runtime_data.coordinator.data == balance - 10

    with pytest.raises(HomeAssistantError) as err:
        await _call(
            hass, entry, "transfer_credits", response=False, target="nobody", amount=1
        )
    assert err.value.translation_key == "api_error"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["code"] == "41"

    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, entry, "create_sub_account", pseudo="atelier")
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["code"] == "41"


async def test_create_api_key_answers_it_once(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A further key: in the response only, working, the entry's own key kept."""
    caplog.set_level(logging.DEBUG)
    result = await _call(hass, entry, "create_api_key")
    token = result["access_token"]
    assert token == smsmode_simulator.account.api_keys[-1].access_token
    assert token != entry.data["api_key"]
    assert (result["state"], result["account"]) == ("ACTIVE", "simulateur")
    assert set(result) == {
        "id",
        "access_token",
        "creation_date",
        "state",
        "expiration",
        "account",
    }
    assert token not in _integration_log(caplog)
    assert token not in str(entry.data)
    # The entry goes on with its own key.
    await entry.runtime_data.coordinator.async_refresh()
    assert smsmode_simulator.requests[-1].params["accessToken"] == entry.data["api_key"]


async def test_admin_only(
    hass: HomeAssistant, entry: MockConfigEntry, hass_read_only_user: MockUser
) -> None:
    """Moving credits, creating accounts and the account's lists: administrators'."""
    context = Context(user_id=hass_read_only_user.id)
    with pytest.raises(Unauthorized):
        await _call(
            hass,
            entry,
            "transfer_credits",
            response=False,
            context=context,
            target="atelier",
            amount=1,
        )
    with pytest.raises(Unauthorized):
        await _call(
            hass,
            entry,
            "create_sub_account",
            context=context,
            pseudo="atelier",
        )
    with pytest.raises(Unauthorized):
        await _call(hass, entry, "create_api_key", context=context)


async def test_account_lists_are_admin_only(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    entry: MockConfigEntry,
    hass_read_only_user: MockUser,
    hass_admin_user: MockUser,
) -> None:
    """The lists hold the whole account's history: a user reads none of it."""
    await _call(hass, entry, "send_sms", message="Code 1234", recipients=[ALICE[1]])
    reads = len(smsmode_simulator.requests)
    user = Context(user_id=hass_read_only_user.id)
    for service in ("list_sent_sms", "list_replies"):
        with pytest.raises(Unauthorized):
            await _call(hass, entry, service, context=user)
    assert len(smsmode_simulator.requests) == reads
    admin = Context(user_id=hass_admin_user.id)
    response = await _call(hass, entry, "list_sent_sms", context=admin)
    assert [sms["text"] for sms in response["messages"]] == ["Code 1234"]


async def test_config_entry_must_be_loaded(
    hass: HomeAssistant, smsmode_simulator: Simulator, entry: MockConfigEntry
) -> None:
    """An unknown or unloaded entry is refused with Home Assistant's messages."""
    other = make_entry(smsmode_simulator, title="Autre", webhook_id="e" * 32)
    other.add_to_hass(hass)
    await hass.config_entries.async_unload(other.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, other, "get_sms_status", sms_id="abc")
    assert err.value.translation_key == "service_config_entry_not_loaded"

    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "get_sms_status",
            {"config_entry_id": "nope", "sms_id": "abc"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "service_config_entry_not_found"
