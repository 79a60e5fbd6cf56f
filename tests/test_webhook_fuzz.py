"""Property-based: whatever reaches the webhook, it never answers 5xx.

Anyone who learns the webhook URL can call it, with anything. Hypothesis throws
arbitrary query strings and bodies, and near-valid callbacks with one field
replaced by arbitrary text, at the real webhook through Home Assistant's HTTP
stack: the answer is never a 5xx, garbage fires no event, and an event is fired
only for a callback the parsers accept and smsmode's own data confirms. (Home Assistant's own security filter
answers 400 to a query string with a line break before any webhook runs: a
multi-line reply sent by GET only arrives by reply polling.)
"""

from datetime import timedelta
import itertools
from urllib.parse import unquote, urlencode

from homeassistant.components.http.security_filter import FILTERS, UNSAFE_URL_BYTES
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from hypothesis import HealthCheck, given, settings, strategies as st
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.api import (
    ReplyCallback,
    SmsmodeCallbackError,
    parse_callback,
)
from smsmode_simulator import Simulator

from .callback_helpers import async_reply, async_send_sms
from .test_webhook import BOB, DELIVERY, REPLY, capture_callback_events

FUZZ_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
FIELD_NAMES = sorted({*DELIVERY, *REPLY, "garbage"})
ANY_TEXT = st.text(max_size=200)
_NUMBERS = itertools.count(1)


def _refused_by_home_assistant(query: str) -> bool:
    """Tell whether HA's HTTP security filter answers 400 before the webhook runs.

    It refuses a decoded query string holding a tab or a line break, or looking
    like a common exploit (`<script>`, `../`, SQL), whoever the caller is.
    """
    decoded = unquote(query)
    while (again := unquote(decoded)) != decoded:
        decoded = again
    return any(char in unquote(query) for char in UNSAFE_URL_BYTES) or bool(
        FILTERS.search(decoded)
    )


def _identity(params: dict[str, str]) -> tuple[object, ...] | None:
    """Return what smsmode's own data must match for the callback to fire, or None.

    A report's SMS id and number (its SMS was sent by this account), a reply's
    id, sender and text (blanks aside), as the confirmations compare them.
    """
    try:
        parsed = parse_callback(params)
    except SmsmodeCallbackError:
        return None
    if isinstance(parsed, ReplyCallback):
        return ("reply", parsed.response_id, parsed.sender, parsed.message.split())
    return ("report", parsed.sms_id, parsed.number)


@FUZZ_SETTINGS
@given(
    kind=st.sampled_from(["delivery", "reply"]),
    field=st.sampled_from(FIELD_NAMES),
    value=ANY_TEXT,
    method=st.sampled_from(["GET", "POST"]),
)
async def test_near_valid_callbacks(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    smsmode_simulator: Simulator,
    webhook_id: str,
    kind: str,
    field: str,
    value: str,
    method: str,
) -> None:
    """A real callback with one field replaced: one event if smsmode vouches for it.

    Each example's callback is about an SMS or a reply of its own at smsmode
    (Home Assistant and the inbox are shared by the examples). It fires once
    when the parser takes it and what makes it (ids, number, sender, text) is
    still what smsmode has; otherwise it fires nothing.
    """
    if kind == "delivery":
        # A number per example: the runaway guard allows 30 SMS an hour to one.
        number = f"3361{next(_NUMBERS):07}"
        sms_id = await async_send_sms(hass, loaded_entry, number)
        real = {**DELIVERY, "numero": number, "smsID": sms_id}
    else:
        real = await async_reply(smsmode_simulator, "bonjour", BOB)
    params = {**real, field: value}
    events = capture_callback_events(hass)
    client = await hass_client_no_auth()
    url = f"/api/webhook/{webhook_id}"
    if method == "GET":
        response = await client.get(f"{url}?{urlencode(params)}")
    else:
        response = await client.post(url, data=params)
    await hass.async_block_till_done()
    # Let a confirmation read spaced after an earlier example's happen.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=1))
    await hass.async_block_till_done()
    assert response.status < 500
    if (method == "GET" and _refused_by_home_assistant(urlencode(params))) or (
        identity := _identity(params)
    ) is None:
        assert response.status == 400
        assert events == []
    else:
        assert response.status == 200
        assert len(events) == (1 if identity == _identity(real) else 0)
