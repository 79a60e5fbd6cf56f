"""Config flow: account (user, reauth, reconfigure), options, recipient subentries.

Keys and URLs are checked against the local simulator over real HTTP; only the
entry setup is patched out, so that these tests exercise the flow alone.
"""

from collections.abc import Iterator
import hashlib
import logging
import socket
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import SOURCE_USER, ConfigSubentryData
from homeassistant.const import CONF_API_KEY, CONF_NAME, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.data_entry_flow import _BaseFlowManagerView
from homeassistant.helpers.network import NoURLAvailableError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smsmode.assist_settings import ASSIST_KEYS
from custom_components.smsmode.const import (
    CONF_ASSIST_DAILY_CAP,
    CONF_ASSIST_HOURLY_LIMIT,
    CONF_BALANCE_INTERVAL,
    CONF_CLOUDHOOK_URL,
    CONF_DAILY_LIMIT,
    CONF_DELIVERY_REPORTS,
    CONF_ENCODING_POLICY,
    CONF_GUARD_PER_HOUR,
    CONF_GUARD_REPEAT_WINDOW,
    CONF_LOW_CREDIT_THRESHOLD,
    CONF_MAX_SEGMENTS,
    CONF_MONTHLY_LIMIT,
    CONF_NUMBER,
    CONF_OUTBOX_HORIZON,
    CONF_QUEUE_FAILED_SENDS,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_REPLY_ALLOWED,
    CONF_REPLY_POLL_INTERVAL,
    CONF_SENDER,
    CONF_STOP,
    DEFAULT_URL,
    DOMAIN,
    SUBENTRY_TYPE_RECIPIENT,
)
from custom_components.smsmode.options_flow import SECTIONS, unflatten
from smsmode_simulator import Fault, Simulator

EXTERNAL_URL = "https://ha.example.com"
SECOND_KEY = "second-api-key-0123456789"
NUMBER = "33612345678"
OTHER_NUMBER = "33698765432"


def _hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


@pytest.fixture(autouse=True)
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Keep the entry from being set up: these tests are about the flow only."""
    with patch(
        "custom_components.smsmode.async_setup_entry", return_value=True
    ) as mock:
        yield mock


@pytest.fixture
def external_url(hass: HomeAssistant) -> str:
    """Give Home Assistant an external URL, the one smsmode is told to call."""
    hass.config.external_url = EXTERNAL_URL
    return EXTERNAL_URL


@pytest.fixture
def no_url() -> Iterator[None]:
    """Make Home Assistant have no URL at all (no external, internal or cloud)."""
    with patch(
        "homeassistant.components.webhook.get_url",
        side_effect=NoURLAvailableError,
    ):
        yield


@pytest.fixture
def closed_port_url(socket_enabled: None) -> str:
    """Return a loopback URL nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def second_key(smsmode_simulator: Simulator) -> str:
    """Give the simulated account a second valid key (as createAuthorisation does)."""
    smsmode_simulator.account.add_api_key(SECOND_KEY)
    return SECOND_KEY


async def _start_user_flow(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result["flow_id"]


# --- user step ---------------------------------------------------------------


@pytest.mark.usefixtures("external_url")
async def test_user_creates_entry(
    hass: HomeAssistant, smsmode_simulator: Simulator, mock_setup_entry: AsyncMock
) -> None:
    """A working key creates the entry, with a webhook id and its URL shown."""
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            CONF_API_KEY: f" {smsmode_simulator.api_key} ",
            CONF_URL: smsmode_simulator.url,
        },
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "smsmode"
    data = result["data"]
    webhook_id = data[CONF_WEBHOOK_ID]
    assert data == {
        CONF_API_KEY: smsmode_simulator.api_key,
        CONF_URL: smsmode_simulator.url,
        CONF_WEBHOOK_ID: webhook_id,
    }
    assert len(webhook_id) >= 32
    assert result["description"] is None
    assert result["description_placeholders"] == {
        "webhook_url": f"{EXTERNAL_URL}/api/webhook/{webhook_id}"
    }
    entry = result["result"]
    assert entry.unique_id == _hash(smsmode_simulator.api_key)
    assert smsmode_simulator.api_key not in entry.unique_id
    assert [r.endpoint for r in smsmode_simulator.requests] == ["credit.do"]
    assert len(mock_setup_entry.mock_calls) == 1


async def test_user_url_defaults_to_smsmode(hass: HomeAssistant) -> None:
    """The URL field is optional and defaults to smsmode's API."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    schema = result["data_schema"].schema
    url_marker = next(key for key in schema if key == CONF_URL)
    assert url_marker.default() == DEFAULT_URL


@pytest.mark.usefixtures("no_url")
async def test_user_without_url_says_so(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """With no URL yet, the entry is created with the translated "no URL" text."""
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_API_KEY: smsmode_simulator.api_key, CONF_URL: smsmode_simulator.url},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["description"] == "no_url"
    assert result["description_placeholders"] is None


@pytest.mark.usefixtures("external_url")
async def test_user_numbers_further_accounts(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """A second account is "smsmode 2", or the first free number after that."""
    for title in ("smsmode", "smsmode 2", "smsmode 4"):
        MockConfigEntry(domain=DOMAIN, title=title, unique_id=title).add_to_hass(hass)
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_API_KEY: smsmode_simulator.api_key, CONF_URL: smsmode_simulator.url},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "smsmode 3"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.code(32), "invalid_auth"),
        (Fault.http_error(500), "cannot_connect"),
        (Fault.code(31), "cannot_connect"),
        (Fault.drop_before(), "cannot_connect"),
    ],
)
@pytest.mark.usefixtures("external_url")
async def test_user_errors_then_recovers(
    hass: HomeAssistant, smsmode_simulator: Simulator, fault: Fault, error: str
) -> None:
    """A refused key or a failing server shows an error; a retry then works."""
    smsmode_simulator.add_fault("credit.do", fault)
    flow_id = await _start_user_flow(hass)
    user_input = {
        CONF_API_KEY: smsmode_simulator.api_key,
        CONF_URL: smsmode_simulator.url,
    }
    result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_wrong_key(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """A key smsmode does not know is invalid_auth (code 32 from the server)."""
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_API_KEY: "not-a-key", CONF_URL: smsmode_simulator.url}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}


async def test_user_blank_key(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """A key made of blanks is invalid_auth without asking smsmode."""
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_API_KEY: "  ", CONF_URL: smsmode_simulator.url}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert smsmode_simulator.requests == []


async def test_user_closed_port(hass: HomeAssistant, closed_port_url: str) -> None:
    """Nothing listening at the URL is cannot_connect."""
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_API_KEY: "some-key", CONF_URL: closed_port_url}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.parametrize(
    ("url", "error"),
    [
        # Not absolute http(s).
        *(
            pytest.param(url, "invalid_url", id=f"invalid-{url}")
            for url in ("ftp://api.smsmode.com", "api.smsmode.com")
        ),
        # http:// to a public address or any host name but localhost: key in clear.
        # The accepted ones (the simulator's `http://127.0.0.1:PORT` among them) are
        # in tests/test_api_url.py; every other test here goes to the simulator over
        # http.
        *(
            pytest.param(url, "insecure_url", id=f"insecure-{url}")
            for url in (
                "http://api.smsmode.com",
                "http://example.org:8765/proxy",
                "http://simulator:8765",
                "http://localhost.example.org",
                "http://8.8.8.8",
                "http://100.64.0.1",
                "http://172.32.0.1",
                "http://[2001:db8::1]:8080",
                "http://[::ffff:8.8.8.8]",
            )
        ),
    ],
)
async def test_user_url_refused(
    hass: HomeAssistant, smsmode_simulator: Simulator, url: str, error: str
) -> None:
    """A URL the key must not go to is refused on its field, before any call."""
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_API_KEY: smsmode_simulator.api_key, CONF_URL: url}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_URL: error}
    assert smsmode_simulator.requests == []
    assert not hass.config_entries.async_entries(DOMAIN)


async def test_user_unexpected_error(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Anything unexpected is "unknown", logged with its traceback but not the key."""
    flow_id = await _start_user_flow(hass)
    with (
        caplog.at_level(logging.ERROR),
        patch(
            "custom_components.smsmode.config_flow.SmsmodeClient.get_balance",
            side_effect=Exception("boom"),
        ),
    ):
        result = await hass.config_entries.flow.async_configure(
            flow_id,
            {CONF_API_KEY: smsmode_simulator.api_key, CONF_URL: smsmode_simulator.url},
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error while checking the smsmode account" in caplog.text
    assert smsmode_simulator.api_key not in caplog.text


async def test_user_already_configured(
    hass: HomeAssistant, config_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """The same key twice aborts, without calling smsmode."""
    config_entry.add_to_hass(hass)
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_API_KEY: smsmode_simulator.api_key + "\n", CONF_URL: DEFAULT_URL},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert smsmode_simulator.requests == []


# --- reauth ------------------------------------------------------------------


async def test_reauth_accepts_new_key(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    second_key: str,
    mock_setup_entry: AsyncMock,
) -> None:
    """A new working key replaces the old one, and the unique id follows it."""
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: second_key}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    # The integration's own text, not Home Assistant's generic one.
    assert "translation_domain" not in result
    assert config_entry.data[CONF_API_KEY] == second_key
    assert config_entry.data[CONF_URL] == smsmode_simulator.url
    assert config_entry.data[CONF_WEBHOOK_ID] == "0123456789abcdef0123456789abcdef"
    assert config_entry.unique_id == _hash(second_key)
    assert len(mock_setup_entry.mock_calls) == 1  # reloaded


async def test_reauth_same_key_again(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    mock_setup_entry: AsyncMock,
) -> None:
    """The entry's own key, working again, is not a collision; it reloads."""
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: smsmode_simulator.api_key}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert config_entry.unique_id == _hash(smsmode_simulator.api_key)
    await hass.async_block_till_done()
    assert len(mock_setup_entry.mock_calls) == 1


async def test_reauth_refused_key_changes_nothing(
    hass: HomeAssistant, config_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """A refused key shows invalid_auth and leaves the entry as it was."""
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "wrong-key"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {"base": "invalid_auth"}
    assert config_entry.data[CONF_API_KEY] == smsmode_simulator.api_key
    assert config_entry.unique_id == _hash(smsmode_simulator.api_key)


async def test_reauth_key_of_another_entry(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    second_key: str,
) -> None:
    """A key another entry already uses aborts, changing neither entry."""
    config_entry.add_to_hass(hass)
    other = MockConfigEntry(
        domain=DOMAIN,
        title="smsmode 2",
        unique_id=_hash(second_key),
        data={CONF_API_KEY: second_key, CONF_URL: smsmode_simulator.url},
    )
    other.add_to_hass(hass)
    result = await config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: second_key}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert config_entry.data[CONF_API_KEY] == smsmode_simulator.api_key
    assert config_entry.unique_id == _hash(smsmode_simulator.api_key)


# --- reconfigure -------------------------------------------------------------


@pytest.mark.usefixtures("external_url")
async def test_reconfigure_changes_key_and_url(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    second_key: str,
    webhook_id: str,
    mock_setup_entry: AsyncMock,
) -> None:
    """The form shows the webhook URL again; a working key and URL are stored."""
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {
        "webhook_url": f"{EXTERNAL_URL}/api/webhook/{webhook_id}"
    }

    new_url = smsmode_simulator.url + "/"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: second_key, CONF_URL: new_url}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert "translation_domain" not in result  # this integration's text
    assert config_entry.data == {
        CONF_API_KEY: second_key,
        CONF_URL: new_url,
        CONF_WEBHOOK_ID: webhook_id,
    }
    assert config_entry.unique_id == _hash(second_key)
    assert len(mock_setup_entry.mock_calls) == 1


@pytest.mark.usefixtures("external_url")
async def test_reconfigure_keeps_the_key_off_the_form(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    webhook_id: str,
    mock_setup_entry: AsyncMock,
) -> None:
    """The stored key never goes to the browser; an empty key field keeps it."""
    config_entry.add_to_hass(hass)
    key = config_entry.data[CONF_API_KEY]
    result = await config_entry.start_reconfigure_flow(hass)
    assert key not in repr(result["data_schema"].schema)
    suggested = {
        str(field): (field.description or {}).get("suggested_value")
        for field in result["data_schema"].schema
    }
    assert suggested == {
        CONF_API_KEY: None,
        CONF_URL: config_entry.data[CONF_URL],
        "new_webhook_url": False,
    }

    new_url = smsmode_simulator.url + "/"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: new_url}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data == {
        CONF_API_KEY: key,
        CONF_URL: new_url,
        CONF_WEBHOOK_ID: webhook_id,
    }


@pytest.mark.usefixtures("fake_cloud")
async def test_reconfigure_shows_cloudhook(
    hass: HomeAssistant, smsmode_simulator: Simulator, webhook_id: str
) -> None:
    """An entry with a cloudhook shows the cloudhook URL, the one smsmode calls."""
    cloudhook_url = "https://hooks.nabu.casa/abcdef"
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="smsmode",
        unique_id=_hash(smsmode_simulator.api_key),
        data={
            CONF_API_KEY: smsmode_simulator.api_key,
            CONF_URL: smsmode_simulator.url,
            CONF_WEBHOOK_ID: webhook_id,
            CONF_CLOUDHOOK_URL: cloudhook_url,
        },
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {"webhook_url": cloudhook_url}


@pytest.mark.usefixtures("no_url")
async def test_reconfigure_without_url(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    closed_port_url: str,
) -> None:
    """With no URL, the form says so; errors keep it, and a valid input saves."""
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure_no_url"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: smsmode_simulator.api_key, CONF_URL: closed_port_url},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure_no_url"
    assert result["errors"] == {"base": "cannot_connect"}
    assert config_entry.data[CONF_URL] == smsmode_simulator.url

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: smsmode_simulator.api_key, CONF_URL: smsmode_simulator.url},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"


@pytest.mark.usefixtures("external_url")
async def test_reconfigure_errors_change_nothing(
    hass: HomeAssistant, config_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """A refused key or a bad URL keeps the form and the entry as they were."""
    config_entry.add_to_hass(hass)
    before = dict(config_entry.data)
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: "wrong-key", CONF_URL: smsmode_simulator.url},
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: smsmode_simulator.api_key, CONF_URL: "smsmode"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {CONF_URL: "invalid_url"}
    assert dict(config_entry.data) == before


@pytest.mark.usefixtures("external_url")
async def test_reconfigure_refuses_http_off_the_local_network(
    hass: HomeAssistant, config_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """The key would travel in clear: refused on the URL field, nothing changed."""
    config_entry.add_to_hass(hass)
    before = dict(config_entry.data)
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: smsmode_simulator.api_key, CONF_URL: "http://api.smsmode.com"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_URL: "insecure_url"}
    assert dict(config_entry.data) == before
    assert smsmode_simulator.requests == []


@pytest.mark.usefixtures("external_url")
async def test_reconfigure_to_another_server_asks_for_the_key(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    closed_port_url: str,
    webhook_id: str,
    mock_setup_entry: AsyncMock,
) -> None:
    """An empty key field keeps the key for its server only: another must be typed."""
    key = smsmode_simulator.api_key
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="smsmode",
        unique_id=_hash(key),
        data={
            CONF_API_KEY: key,
            CONF_URL: closed_port_url,
            CONF_WEBHOOK_ID: webhook_id,
        },
    )
    entry.add_to_hass(hass)
    before = dict(entry.data)
    result = await entry.start_reconfigure_flow(hass)
    for typed in ({}, {CONF_API_KEY: "  "}):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {**typed, CONF_URL: smsmode_simulator.url}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {CONF_API_KEY: "api_key_for_new_server"}
    assert dict(entry.data) == before
    assert smsmode_simulator.requests == []

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: key, CONF_URL: smsmode_simulator.url}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_URL] == smsmode_simulator.url
    assert len(smsmode_simulator.requests_to("credit.do")) == 1


async def test_reconfigure_key_of_another_entry(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    second_key: str,
) -> None:
    """Reconfiguring to a key another entry uses aborts."""
    config_entry.add_to_hass(hass)
    MockConfigEntry(
        domain=DOMAIN, title="smsmode 2", unique_id=_hash(second_key)
    ).add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: second_key, CONF_URL: smsmode_simulator.url},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert config_entry.data[CONF_API_KEY] == smsmode_simulator.api_key


# --- options -----------------------------------------------------------------


VALID_OPTIONS = {
    CONF_DAILY_LIMIT: 50.0,
    CONF_MONTHLY_LIMIT: 500.0,
    CONF_QUIET_START: "22:00:00",
    CONF_QUIET_END: "07:00:00",
    CONF_GUARD_PER_HOUR: 5.0,
    CONF_GUARD_REPEAT_WINDOW: 30.0,
    CONF_STOP: "if_free",
    CONF_REPLY_ALLOWED: False,
    CONF_MAX_SEGMENTS: 3.0,
    CONF_ENCODING_POLICY: "gsm_replace",
    CONF_DELIVERY_REPORTS: False,
    CONF_BALANCE_INTERVAL: 15.0,
    CONF_LOW_CREDIT_THRESHOLD: 2.5,
    CONF_REPLY_POLL_INTERVAL: 10.0,
    CONF_QUEUE_FAILED_SENDS: False,
    CONF_OUTBOX_HORIZON: 48.0,
    CONF_ASSIST_HOURLY_LIMIT: 5.0,
    CONF_ASSIST_DAILY_CAP: 20.0,
}


async def test_options_saved_and_reloaded(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_setup_entry: AsyncMock
) -> None:
    """Valid options are stored (counts as integers).

    A loaded entry reloads (test_init); this one is not loaded and stays so.
    """
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], unflatten({**VALID_OPTIONS, CONF_SENDER: "Maison"})
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert config_entry.options == {
        **VALID_OPTIONS,
        CONF_SENDER: "Maison",
        CONF_MAX_SEGMENTS: 3,
        CONF_BALANCE_INTERVAL: 15,
        CONF_REPLY_POLL_INTERVAL: 10,
        CONF_OUTBOX_HORIZON: 48,
        CONF_ASSIST_HOURLY_LIMIT: 5,
        CONF_ASSIST_DAILY_CAP: 20,
        CONF_DAILY_LIMIT: 50,
        CONF_MONTHLY_LIMIT: 500,
        CONF_GUARD_PER_HOUR: 5,
        CONF_GUARD_REPEAT_WINDOW: 30,
    }
    assert isinstance(config_entry.options[CONF_ASSIST_DAILY_CAP], int)
    assert isinstance(config_entry.options[CONF_MAX_SEGMENTS], int)
    assert isinstance(config_entry.options[CONF_BALANCE_INTERVAL], int)
    assert isinstance(config_entry.options[CONF_REPLY_POLL_INTERVAL], int)
    assert isinstance(config_entry.options[CONF_OUTBOX_HORIZON], int)
    # Not loaded, so no update listener: the options wait for its next setup.
    assert mock_setup_entry.mock_calls == []


async def test_options_defaults(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Submitting the untouched form stores the documented defaults, no sender."""
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {name: {} for name in SECTIONS}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert config_entry.options == {
        CONF_DAILY_LIMIT: 0,
        CONF_MONTHLY_LIMIT: 0,
        CONF_GUARD_PER_HOUR: 30,
        CONF_GUARD_REPEAT_WINDOW: 10,
        CONF_STOP: "none",
        CONF_REPLY_ALLOWED: False,
        CONF_MAX_SEGMENTS: 5,
        CONF_ENCODING_POLICY: "auto",
        CONF_DELIVERY_REPORTS: True,
        CONF_BALANCE_INTERVAL: 30,
        CONF_LOW_CREDIT_THRESHOLD: 10.0,
        CONF_REPLY_POLL_INTERVAL: 5,
        CONF_QUEUE_FAILED_SENDS: True,
        CONF_OUTBOX_HORIZON: 24,
        CONF_ASSIST_HOURLY_LIMIT: 10,
        CONF_ASSIST_DAILY_CAP: 30,
    }


async def test_options_form_shows_current_values(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """The form is filled with the entry's current options."""
    entry = MockConfigEntry(
        domain=DOMAIN, options={**VALID_OPTIONS, CONF_SENDER: "Maison"}
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    suggested = {
        str(key): key.description["suggested_value"]
        for group in result["data_schema"].schema.values()
        for key in group.schema.schema
        if key.description
    }
    assert suggested == {**VALID_OPTIONS, CONF_SENDER: "Maison"}


async def test_options_flat_entries_keep_working(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Options stored flat before the sections show in their sections, stay flat."""
    entry = MockConfigEntry(domain=DOMAIN, options={CONF_MAX_SEGMENTS: 2})
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    sending = result["data_schema"].schema["sending"].schema.schema
    (marker,) = (key for key in sending if key == CONF_MAX_SEGMENTS)
    assert marker.description == {"suggested_value": 2}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], unflatten(entry.options)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_MAX_SEGMENTS] == 2
    assert set(entry.options) == {key for keys in SECTIONS.values() for key in keys} - {
        CONF_SENDER,
        CONF_QUIET_START,
        CONF_QUIET_END,
    }


@pytest.mark.parametrize(
    ("options", "errors"),
    [
        ({CONF_SENDER: "Ma Maison"}, {"base": "invalid_sender"}),
        ({CONF_SENDER: "0612345678"}, {"base": "invalid_sender"}),
        (
            {CONF_SENDER: "Maison", CONF_REPLY_ALLOWED: True},
            {"base": "sender_with_reply"},
        ),
        (
            {CONF_SENDER: "Très longue", CONF_REPLY_ALLOWED: True},
            {"base": "invalid_sender"},
        ),
    ],
)
async def test_options_refused(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    options: dict[str, object],
    errors: dict[str, str],
) -> None:
    """A sender smsmode would refuse, or a sender with replies, changes nothing."""
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], unflatten({**VALID_OPTIONS, **options})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert config_entry.options == {}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], unflatten(VALID_OPTIONS)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


# --- recipient subentries ----------------------------------------------------


async def _start_recipient_flow(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_TYPE_RECIPIENT), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result["flow_id"]


def _recipient_entry(smsmode_simulator: Simulator) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="smsmode",
        unique_id=_hash(smsmode_simulator.api_key),
        data={CONF_API_KEY: smsmode_simulator.api_key, CONF_URL: DEFAULT_URL},
        subentries_data=[
            ConfigSubentryData(
                data={CONF_NAME: "Alice", CONF_NUMBER: NUMBER},
                subentry_type=SUBENTRY_TYPE_RECIPIENT,
                title="Alice",
                unique_id=NUMBER,
            ),
            ConfigSubentryData(
                data={CONF_NAME: "Bob", CONF_NUMBER: OTHER_NUMBER},
                subentry_type=SUBENTRY_TYPE_RECIPIENT,
                title="Bob",
                unique_id=OTHER_NUMBER,
            ),
        ],
    )


async def test_add_recipient(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A French number as typed is stored in international form."""
    config_entry.add_to_hass(hass)
    flow_id = await _start_recipient_flow(hass, config_entry)
    result = await hass.config_entries.subentries.async_configure(
        flow_id, {CONF_NAME: "Alice", CONF_NUMBER: "06 12 34 56 78"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Alice"
    (subentry,) = config_entry.subentries.values()
    assert subentry.subentry_type == SUBENTRY_TYPE_RECIPIENT
    assert subentry.title == "Alice"
    assert subentry.unique_id == NUMBER
    assert dict(subentry.data) == {CONF_NAME: "Alice", CONF_NUMBER: NUMBER}


async def test_add_recipient_invalid_number(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A number that is not a phone number is refused on its field."""
    config_entry.add_to_hass(hass)
    flow_id = await _start_recipient_flow(hass, config_entry)
    result = await hass.config_entries.subentries.async_configure(
        flow_id, {CONF_NAME: "Alice", CONF_NUMBER: "12"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_NUMBER: "invalid_number"}
    assert config_entry.subentries == {}

    result = await hass.config_entries.subentries.async_configure(
        flow_id, {CONF_NAME: "Alice", CONF_NUMBER: "+33 6 12 34 56 78"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_add_recipient_duplicate(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """The same number, however written, is already configured."""
    entry = _recipient_entry(smsmode_simulator)
    entry.add_to_hass(hass)
    flow_id = await _start_recipient_flow(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        flow_id, {CONF_NAME: "Alice again", CONF_NUMBER: "0033 6 12 34 56 78"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(entry.subentries) == 2


async def test_reconfigure_recipient(
    hass: HomeAssistant, smsmode_simulator: Simulator, mock_setup_entry: AsyncMock
) -> None:
    """A recipient can be renamed and given another number.

    A loaded entry reloads (test_init); this one is not loaded and stays so.
    """
    entry = _recipient_entry(smsmode_simulator)
    entry.add_to_hass(hass)
    alice = next(s for s in entry.subentries.values() if s.unique_id == NUMBER)
    result = await entry.start_subentry_reconfigure_flow(hass, alice.subentry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested == {CONF_NAME: "Alice", CONF_NUMBER: NUMBER}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Alice M.", CONF_NUMBER: "07 61 23 45 67"}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert "translation_domain" not in result  # this integration's text
    alice = entry.subentries[alice.subentry_id]
    assert alice.title == "Alice M."
    assert alice.unique_id == "33761234567"
    assert dict(alice.data) == {CONF_NAME: "Alice M.", CONF_NUMBER: "33761234567"}
    # Not loaded, so no update listener: the change waits for its next setup.
    assert mock_setup_entry.mock_calls == []


async def test_reconfigure_recipient_keeps_own_number(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Renaming only: the recipient's own number is not a duplicate."""
    entry = _recipient_entry(smsmode_simulator)
    entry.add_to_hass(hass)
    alice = next(s for s in entry.subentries.values() if s.unique_id == NUMBER)
    result = await entry.start_subentry_reconfigure_flow(hass, alice.subentry_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Alice M.", CONF_NUMBER: "+33612345678"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries[alice.subentry_id].title == "Alice M."


async def test_reconfigure_recipient_refused(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """An invalid number, or another recipient's, changes nothing."""
    entry = _recipient_entry(smsmode_simulator)
    entry.add_to_hass(hass)
    alice = next(s for s in entry.subentries.values() if s.unique_id == NUMBER)
    result = await entry.start_subentry_reconfigure_flow(hass, alice.subentry_id)
    flow_id = result["flow_id"]

    result = await hass.config_entries.subentries.async_configure(
        flow_id, {CONF_NAME: "Alice", CONF_NUMBER: "phone"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {CONF_NUMBER: "invalid_number"}

    result = await hass.config_entries.subentries.async_configure(
        flow_id, {CONF_NAME: "Alice", CONF_NUMBER: "06 98 76 54 32"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.subentries[alice.subentry_id].unique_id == NUMBER
    assert dict(entry.subentries[alice.subentry_id].data) == {
        CONF_NAME: "Alice",
        CONF_NUMBER: NUMBER,
    }


# --- what the frontend receives ------------------------------------------------


async def test_forms_serialize_for_the_frontend(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Every form converts to the field list the frontend draws, on both cores."""
    config_entry.add_to_hass(hass)
    view = _BaseFlowManagerView(hass.config_entries.flow)
    forms = {
        "user": await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}
        ),
        "reauth": await config_entry.start_reauth_flow(hass),
        "options": await hass.config_entries.options.async_init(config_entry.entry_id),
        "recipient": await hass.config_entries.subentries.async_init(
            (config_entry.entry_id, SUBENTRY_TYPE_RECIPIENT),
            context={"source": SOURCE_USER},
        ),
    }
    fields = {
        name: {
            field["name"]: field
            for field in view._prepare_result_json(form)["data_schema"]
        }
        for name, form in forms.items()
    }
    assert set(fields["user"]) == {CONF_API_KEY, CONF_URL}
    assert fields["user"][CONF_URL]["default"] == DEFAULT_URL
    assert set(fields["reauth"]) == {CONF_API_KEY}
    assert set(fields["recipient"]) == {CONF_NAME, CONF_NUMBER, *ASSIST_KEYS}
    assert set(fields["options"]) == set(SECTIONS)
    assert fields["options"]["sending"]["type"] == "expandable"
    assert fields["options"]["sending"]["expanded"] is True
    assert fields["options"]["guard"]["expanded"] is False
    options = {
        field["name"]: field
        for group in fields["options"].values()
        for field in group["schema"]
    }
    assert set(options) == set(VALID_OPTIONS) | {CONF_SENDER}
    assert options[CONF_MAX_SEGMENTS]["selector"]["number"]["max"] == 5
    assert options[CONF_BALANCE_INTERVAL]["selector"]["number"]["min"] == 5
    assert options[CONF_STOP]["selector"]["select"]["translation_key"] == CONF_STOP
