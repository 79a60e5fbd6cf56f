"""Property-based: whatever reaches the webhook, it never answers 5xx.

Anyone who learns the webhook URL can call it, with anything. Hypothesis throws
arbitrary query strings and bodies, and near-valid callbacks with one field
replaced by arbitrary text, at the real webhook through Home Assistant's HTTP
stack: the answer is never a 5xx, garbage fires no event, and an event is fired
only for a callback the parsers accept. (Home Assistant's own security filter
answers 400 to a query string with a line break before any webhook runs: a
multi-line reply sent by GET only arrives by reply polling.)
"""

import itertools
from urllib.parse import quote, unquote, urlencode

from homeassistant.components.http.security_filter import FILTERS, UNSAFE_URL_BYTES
from homeassistant.core import HomeAssistant
from hypothesis import HealthCheck, given, settings, strategies as st
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.api import SmsmodeResponseError, parse_callback

from .test_webhook import DELIVERY, REPLY, capture_callback_events

FUZZ_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
FIELD_NAMES = sorted({*DELIVERY, *REPLY, "garbage"})
# Ids no other example uses (the examples share one Home Assistant and inbox).
_EXAMPLE_IDS = itertools.count(1)
ANY_TEXT = st.text(max_size=200)


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


def _accepted(params: dict[str, str]) -> bool:
    """Tell whether the callback parser takes these parameters."""
    try:
        parse_callback(params)
    except SmsmodeResponseError:
        return False
    return True


@FUZZ_SETTINGS
@given(query=st.text(max_size=300), body=st.binary(max_size=300))
async def test_arbitrary_requests_never_fail(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    query: str,
    body: bytes,
) -> None:
    """Any query string (GET) and any body (POST): a 2xx or 4xx, no event."""
    events = capture_callback_events(hass)
    client = await hass_client_no_auth()
    url = f"/api/webhook/{webhook_id}?{quote(query, safe='=&')}"
    get = await client.get(url)
    post = await client.post(url, data=body)
    await hass.async_block_till_done()
    assert get.status < 500
    assert post.status < 500
    assert events == []


@FUZZ_SETTINGS
@given(
    base=st.sampled_from([DELIVERY, REPLY]),
    field=st.sampled_from(FIELD_NAMES),
    value=ANY_TEXT,
    method=st.sampled_from(["GET", "POST"]),
)
async def test_near_valid_callbacks(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    base: dict[str, str],
    field: str,
    value: str,
    method: str,
) -> None:
    """A real callback with one field replaced: one event if it is valid, else none.

    Each example's callback has ids of its own (Home Assistant and the inbox are
    shared by the examples), so a valid one must fire, unless the fuzzed field
    is the very id the inbox tells repeats by.
    """
    own = next(_EXAMPLE_IDS)
    dedup_field = "smsID" if base is DELIVERY else "responseID"
    ids = {"smsID": f"S{own}"}
    if base is REPLY:
        ids["responseID"] = f"R{own}"
    params = {**base, **ids, field: value}
    events = capture_callback_events(hass)
    client = await hass_client_no_auth()
    url = f"/api/webhook/{webhook_id}"
    if method == "GET":
        response = await client.get(f"{url}?{urlencode(params)}")
    else:
        response = await client.post(url, data=params)
    await hass.async_block_till_done()
    assert response.status < 500
    if method == "GET" and _refused_by_home_assistant(urlencode(params)):
        assert response.status == 400
        assert events == []
    elif _accepted(params):
        assert response.status == 200
        if field == dedup_field:  # maybe an earlier example's id: fired then
            assert len(events) <= 1
        else:
            assert len(events) == 1
    else:
        assert response.status == 400
        assert events == []
