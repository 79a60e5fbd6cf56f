"""The send path: options as defaults, encoding policy, callback URLs, errors."""

from datetime import datetime, timedelta

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smsmode.api import BatchMessage
from custom_components.smsmode.const import (
    CONF_DELIVERY_REPORTS,
    CONF_ENCODING_POLICY,
    CONF_MAX_SEGMENTS,
    CONF_QUEUE_FAILED_SENDS,
    CONF_REPLY_ALLOWED,
    CONF_SENDER,
    CONF_STOP,
    DOMAIN,
    STOP_OPTIONS,
    EncodingPolicy,
)
from custom_components.smsmode.request import SmsRequest
from smsmode_simulator import Fault, Simulator

from .sending_helpers import (
    ALICE,
    BOB,
    CALLBACK_URL,
    EXTERNAL_URL,
    async_send_batch,
    async_send_sms,
    async_setup_account,
    balance_reads,
    sent,
)

ALICE_NUMBER = ALICE[1]


def _issue(
    hass: HomeAssistant, kind: str, entry: MockConfigEntry
) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{kind}_{entry.entry_id}")


async def test_options_are_defaults(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Sender, STOP and the SMS limit come from the options when not given."""
    entry = await async_setup_account(
        hass,
        smsmode_simulator,
        options={
            CONF_SENDER: "Maison",
            CONF_STOP: "if_free",
            CONF_MAX_SEGMENTS: 1,
            CONF_DELIVERY_REPORTS: False,
        },
    )
    await async_send_sms(
        hass, entry, SmsRequest(message="Bonjour", recipients=["06 12 34 56 78"])
    )
    params = sent(smsmode_simulator)[-1]
    assert params["emetteur"] == "Maison"
    assert params["stop"] == "1"
    assert params["numero"] == ALICE_NUMBER
    assert params["classe_msg"] == "2"
    assert "notification_url" not in params

    with pytest.raises(ServiceValidationError) as err:
        await async_send_sms(
            hass, entry, SmsRequest(message="x" * 200, recipients=[ALICE_NUMBER])
        )
    assert err.value.translation_key == "message_too_long"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["max_segments"] == "1"
    assert err.value.translation_placeholders["segments"] == "2"
    assert err.value.translation_placeholders["units"] == "200"
    assert err.value.translation_placeholders["encoding"] == "GSM"
    assert len(sent(smsmode_simulator)) == 1


async def test_request_overrides_options(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """What the caller gives wins over the options."""
    entry = await async_setup_account(
        hass,
        smsmode_simulator,
        options={CONF_SENDER: "Maison", CONF_STOP: "always"},
    )
    await async_send_sms(
        hass,
        entry,
        SmsRequest(
            message="x" * 200,
            recipients=[ALICE_NUMBER],
            sender="Garage",
            stop=STOP_OPTIONS["none"],
            max_segments=3,
            ref_client="ref-1",
        ),
    )
    params = sent(smsmode_simulator)[-1]
    assert params["emetteur"] == "Garage"
    assert "stop" not in params
    assert params["nbr_msg"] == "3"
    assert params["refClient"] == "ref-1"


async def test_reply_allowed_option(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Replies allowed: class 4, no sender (even the option's), reply URL passed."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    entry = await async_setup_account(
        hass,
        smsmode_simulator,
        options={CONF_REPLY_ALLOWED: True, CONF_SENDER: "Maison"},
    )
    await async_send_sms(
        hass, entry, SmsRequest(message="Oui ou non ?", recipients=[ALICE_NUMBER])
    )
    params = sent(smsmode_simulator)[-1]
    assert params["classe_msg"] == "4"
    assert "emetteur" not in params
    assert params["notification_url"] == CALLBACK_URL
    assert params["notification_url_reponse"] == CALLBACK_URL

    with pytest.raises(ServiceValidationError) as err:
        await async_send_sms(
            hass,
            entry,
            SmsRequest(message="Oui ?", recipients=[ALICE_NUMBER], sender="Maison"),
        )
    assert err.value.translation_key == "sender_with_reply"

    with pytest.raises(ServiceValidationError) as err:
        await async_send_sms(
            hass, entry, SmsRequest(message="Oui ✓ ?", recipients=[ALICE_NUMBER])
        )
    assert err.value.translation_key == "reply_requires_gsm"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["characters"] == "'✓'"
    assert len(sent(smsmode_simulator)) == 1


async def test_replies_without_delivery_reports(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Without delivery reports, a reply-allowed SMS still gets the reply URL."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_DELIVERY_REPORTS: False}
    )
    await async_send_sms(
        hass,
        entry,
        SmsRequest(message="Oui ?", recipients=[ALICE_NUMBER], reply_allowed=True),
    )
    params = sent(smsmode_simulator)[-1]
    assert "notification_url" not in params
    assert params["notification_url_reponse"] == CALLBACK_URL


@pytest.mark.parametrize(
    ("policy", "encoding", "classe", "text"),
    [
        (EncodingPolicy.AUTO, None, "9", "Fête ✓"),
        (EncodingPolicy.AUTO, "auto", "9", "Fête ✓"),
        (EncodingPolicy.AUTO, "unicode", "9", "Fête ✓"),
        (EncodingPolicy.GSM_REPLACE, None, "2", "Fete ?"),
        (EncodingPolicy.GSM_REPLACE, "gsm7", "2", "Fete ?"),
        (EncodingPolicy.GSM_REFUSE, "unicode", "9", "Fête ✓"),
        (EncodingPolicy.GSM_REFUSE, "auto", "9", "Fête ✓"),
    ],
)
async def test_encoding_policy(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    policy: EncodingPolicy,
    encoding: str | None,
    classe: str,
    text: str,
) -> None:
    """The policy applies unless the message asks for an encoding itself."""
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_ENCODING_POLICY: policy}
    )
    result = await async_send_sms(
        hass,
        entry,
        SmsRequest(message="Fête ✓", recipients=[ALICE_NUMBER], encoding=encoding),
    )
    params = sent(smsmode_simulator)[-1]
    assert params["classe_msg"] == classe
    assert params["message"] == text
    assert result.encoding == ("gsm7" if classe == "2" else "unicode")


@pytest.mark.parametrize(
    ("policy", "encoding"),
    [(EncodingPolicy.GSM_REFUSE, None), (EncodingPolicy.AUTO, "gsm7")],
)
async def test_gsm_refused(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    policy: EncodingPolicy,
    encoding: str | None,
) -> None:
    """GSM required: the characters it cannot carry are listed, nothing is sent."""
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_ENCODING_POLICY: policy}
    )
    with pytest.raises(ServiceValidationError) as err:
        await async_send_sms(
            hass,
            entry,
            SmsRequest(
                message="Déjà fête ✓ 😀", recipients=[ALICE_NUMBER], encoding=encoding
            ),
        )
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "non_gsm_characters"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["characters"] == "'ê' '✓' '😀'"
    assert sent(smsmode_simulator) == []


async def test_callback_url_and_issue(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """No external URL: sent without reports and the issue says why; then cleared."""
    entry = await async_setup_account(hass, smsmode_simulator)
    await async_send_sms(
        hass, entry, SmsRequest(message="Bonjour", recipients=[ALICE_NUMBER])
    )
    assert "notification_url" not in sent(smsmode_simulator)[-1]
    assert _issue(hass, "no_external_url", entry) is not None

    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    await async_send_sms(
        hass, entry, SmsRequest(message="Bonjour", recipients=[ALICE_NUMBER])
    )
    params = sent(smsmode_simulator)[-1]
    assert params["notification_url"] == CALLBACK_URL
    assert "notification_url_reponse" not in params
    assert _issue(hass, "no_external_url", entry) is None


async def test_no_url_issue_follows_setup_and_options(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """The issue shows at setup, goes with a URL or with reports off, at reload."""
    entry = await async_setup_account(hass, smsmode_simulator)
    assert _issue(hass, "no_external_url", entry) is not None

    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    assert await hass.config_entries.async_reload(entry.entry_id)
    assert _issue(hass, "no_external_url", entry) is None

    hass.config.external_url = None
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_DELIVERY_REPORTS: False}
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    assert _issue(hass, "no_external_url", entry) is None
    # Replies need no URL (they are polled): a reply-allowed send raises nothing.
    await async_send_sms(
        hass,
        entry,
        SmsRequest(message="Bonjour", recipients=[ALICE_NUMBER], reply_allowed=True),
    )
    assert "notification_url_reponse" not in sent(smsmode_simulator)[-1]
    assert _issue(hass, "no_external_url", entry) is None


async def test_title_and_balance_refresh(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """The title is the first line; the balance is read again after the send."""
    entry = await async_setup_account(hass, smsmode_simulator)
    reads = balance_reads(smsmode_simulator)
    result = await async_send_sms(
        hass,
        entry,
        SmsRequest(
            message="La porte est ouverte",
            title="Alerte",
            recipients=[ALICE_NUMBER, BOB[1], "+33 6 12 34 56 78"],
        ),
    )
    await hass.async_block_till_done()
    assert sent(smsmode_simulator)[-1]["message"] == "Alerte\nLa porte est ouverte"
    assert result.recipients == (ALICE_NUMBER, BOB[1])
    assert balance_reads(smsmode_simulator) == reads + 1
    assert entry.runtime_data.coordinator.data == smsmode_simulator.balance


async def test_schedule(hass: HomeAssistant, smsmode_simulator: Simulator) -> None:
    """A naive time is Home Assistant's; a past one is refused."""
    await hass.config.async_set_time_zone("America/New_York")
    entry = await async_setup_account(hass, smsmode_simulator)
    year = dt_util.now().year + 1
    await async_send_sms(
        hass,
        entry,
        SmsRequest(
            message="Plus tard",
            recipients=[ALICE_NUMBER],
            scheduled_at=datetime(year, 1, 15, 12, 0),  # noqa: DTZ001
        ),
    )
    assert sent(smsmode_simulator)[-1]["date_envoi"] == f"1501{year}-18:00"

    with pytest.raises(ServiceValidationError) as err:
        await async_send_sms(
            hass,
            entry,
            SmsRequest(
                message="Trop tard",
                recipients=[ALICE_NUMBER],
                scheduled_at=dt_util.utcnow() - timedelta(hours=1),
            ),
        )
    assert err.value.translation_key == "past_datetime"
    assert len(sent(smsmode_simulator)) == 1


async def test_validation_errors(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Every invalid number is listed; the sender and reference are checked."""
    entry = await async_setup_account(hass, smsmode_simulator)
    with pytest.raises(ServiceValidationError) as err:
        await async_send_sms(
            hass,
            entry,
            SmsRequest(message="Hi", recipients=["123", ALICE_NUMBER, "abc"]),
        )
    assert err.value.translation_key == "invalid_number"
    assert err.value.translation_placeholders == {
        "error": "Invalid phone number(s): 123, abc",
        "numbers": "123, abc",
    }
    for request, key in (
        (
            SmsRequest(message="Hi", recipients=[ALICE_NUMBER], sender="Ma maison"),
            "invalid_sender",
        ),
        (
            SmsRequest(message="Hi", recipients=[ALICE_NUMBER], ref_client="x" * 41),
            "invalid_ref_client",
        ),
        (SmsRequest(message="", recipients=[ALICE_NUMBER]), "empty_message"),
        (
            SmsRequest(message="Hi", recipients=[ALICE_NUMBER], group="Famille"),
            "invalid_recipients",
        ),
        (
            SmsRequest(message="Hi", recipients=[ALICE_NUMBER], max_segments=9),
            "invalid_max_segments",
        ),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await async_send_sms(hass, entry, request)
        assert err.value.translation_key == key
    assert sent(smsmode_simulator) == []


async def test_authentication_error_starts_reauth(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Code 32: a translated error and the reauth flow."""
    entry = await async_setup_account(hass, smsmode_simulator)
    smsmode_simulator.add_fault("sendSMS.do", Fault.code(32))
    with pytest.raises(HomeAssistantError) as err:
        await async_send_sms(
            hass, entry, SmsRequest(message="Hi", recipients=[ALICE_NUMBER])
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "authentication_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_insufficient_credits_raises_issue(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Code 33: a translated error and a repair issue, until credits come back.

    The balance above the low-credit threshold does not clear it (it was too
    little for that send); more credits, or a send going through, do.
    """
    entry = await async_setup_account(hass, smsmode_simulator)
    coordinator = entry.runtime_data.coordinator
    smsmode_simulator.add_fault("sendSMS.do", Fault.code(33))
    with pytest.raises(HomeAssistantError) as err:
        await async_send_sms(
            hass, entry, SmsRequest(message="Hi", recipients=[ALICE_NUMBER])
        )
    assert err.value.translation_key == "insufficient_credits"
    issue = _issue(hass, "insufficient_credits", entry)
    assert issue is not None
    assert issue.translation_key == "insufficient_credits"
    assert issue.severity is ir.IssueSeverity.ERROR
    assert _issue(hass, "low_credit", entry) is None

    await coordinator.async_refresh()
    assert _issue(hass, "insufficient_credits", entry) is not None
    smsmode_simulator.balance += 50
    await coordinator.async_refresh()
    assert _issue(hass, "insufficient_credits", entry) is None

    smsmode_simulator.add_fault("sendSMS.do", Fault.code(33))
    with pytest.raises(HomeAssistantError):
        await async_send_sms(
            hass, entry, SmsRequest(message="Hi", recipients=[ALICE_NUMBER])
        )
    assert _issue(hass, "insufficient_credits", entry) is not None
    await async_send_sms(
        hass, entry, SmsRequest(message="Hi", recipients=[ALICE_NUMBER])
    )
    assert _issue(hass, "insufficient_credits", entry) is None


async def test_insufficient_credits_issue_clears_after_a_reload(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """The issue outlives a reload (an options change); credits still clear it."""
    entry = await async_setup_account(hass, smsmode_simulator)
    smsmode_simulator.add_fault("sendSMS.do", Fault.code(33))
    with pytest.raises(HomeAssistantError):
        await async_send_sms(
            hass, entry, SmsRequest(message="Hi", recipients=[ALICE_NUMBER])
        )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = entry.runtime_data.coordinator
    assert _issue(hass, "insufficient_credits", entry) is not None
    await coordinator.async_refresh()
    assert _issue(hass, "insufficient_credits", entry) is not None
    smsmode_simulator.balance += 50
    await coordinator.async_refresh()
    assert _issue(hass, "insufficient_credits", entry) is None


@pytest.mark.parametrize(
    ("fault", "kind", "key", "code"),
    [
        (Fault.code(35), ServiceValidationError, "invalid_parameter", "35"),
        (Fault.code(31), HomeAssistantError, "internal_error", "31"),
        (Fault.code(50), HomeAssistantError, "api_error", "50"),
        (
            Fault.http_error(500),
            HomeAssistantError,
            "connection_error_may_have_been_sent",
            None,
        ),
        (
            Fault.drop_after(),
            HomeAssistantError,
            "connection_error_may_have_been_sent",
            None,
        ),
        (Fault.http_error(404), HomeAssistantError, "unexpected_response", None),
        (Fault.http_error(429), HomeAssistantError, "rate_limited", None),
    ],
)
async def test_provider_and_connection_errors(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    fault: Fault,
    kind: type[HomeAssistantError],
    key: str,
    code: str | None,
) -> None:
    """Other codes carry the provider's code; connection errors say if sent.

    The outbox is off here: every failure reaches the caller.
    """
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_QUEUE_FAILED_SENDS: False}
    )
    smsmode_simulator.add_fault("sendSMS.do", fault)
    with pytest.raises(HomeAssistantError) as err:
        await async_send_sms(
            hass, entry, SmsRequest(message="Hi", recipients=[ALICE_NUMBER])
        )
    assert type(err.value) is kind
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders.get("code") == code
    assert smsmode_simulator.api_key not in str(err.value.translation_placeholders)


async def test_batch_replaces_and_uses_options(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """A batch: one request, texts fixed by gsm_replace, options as defaults."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    entry = await async_setup_account(
        hass,
        smsmode_simulator,
        options={
            CONF_ENCODING_POLICY: EncodingPolicy.GSM_REPLACE,
            CONF_SENDER: "Maison",
        },
    )
    result = await async_send_batch(
        hass,
        entry,
        [
            BatchMessage("06 12 34 56 78", "Bonjour Alice, ça va ?"),
            BatchMessage(BOB[1], "Bonjour Bob", sender="Garage"),
        ],
    )
    (params,) = sent(smsmode_simulator, "sendSMSBatch.do")
    assert params["emetteur"] == "Maison"
    assert params["notification_url"] == CALLBACK_URL
    message = smsmode_simulator.messages[result.sms_id]
    assert [r.text for r in message.recipients] == [
        "Bonjour Alice, ca va ?",
        "Bonjour Bob",
    ]
    assert [r.sender for r in message.recipients] == ["Maison", "Garage"]
    assert result.recipients == (ALICE_NUMBER, BOB[1])
