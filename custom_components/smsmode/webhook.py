"""The entry's webhook: smsmode's delivery-report and inbound-reply callbacks.

smsmode calls back with HTTP GET (query string) and signs nothing: the secret
webhook id keeps strangers out, so it is never logged, but it leaks (proxy
logs, smsmode's settings page), so a callback proves nothing by itself. The
fields that make a callback are checked strictly, the others read when they can
be (api/callbacks.py); each valid callback then goes to a confirmation
(report_confirmation.py, reply_confirmation.py), which fires it through the
inbox only for an SMS this account sent or once smsmode's own lists have it.
Bad input is answered 4xx, fires nothing and is counted (refusals.py); nothing
in the handler can answer 5xx.
"""

from collections.abc import Mapping
from functools import partial
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.hdrs import METH_GET, METH_POST
from homeassistant.components import webhook
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util.aiohttp import MockRequest

from .api import ReplyCallback, SmsmodeCallbackError, parse_callback
from .const import CONF_CLOUDHOOK_URL, DOMAIN, LOGGER
from .coordinator import SmsmodeConfigEntry

# A callback is a short query string; anything larger is not smsmode.
MAX_CALLBACK_BYTES = 8 * 1024
# Refusal reasons of the webhook itself; the parser's are its errors' `reason`.
REFUSED_TOO_LARGE = "too_large"
REFUSED_UNEXPECTED_ERROR = "unexpected_error"


def _cloud(hass: HomeAssistant) -> ModuleType | None:
    """Return Home Assistant Cloud's module when it is loaded, else None.

    Imported late: the cloud component pulls in heavy requirements that an
    installation without Cloud (and the test environment) does not have.
    """
    if "cloud" not in hass.config.components:
        return None
    from homeassistant.components import cloud  # noqa: PLC0415

    return cloud


@callback
def async_callback_url(hass: HomeAssistant, data: Mapping[str, Any]) -> str | None:
    """Return a URL smsmode can reach from the internet for an entry, or None.

    `data` is the entry's data (the config flow has it before the entry exists).
    The entry's Home Assistant Cloud cloudhook wins while Cloud is subscribed
    (logged out or expired, the cloudhook leads nowhere); otherwise the external
    URL. The internal URL is never offered, not even to show: smsmode's servers
    cannot reach it, and a person would paste it into smsmode all the same.
    """
    if (cloudhook := data.get(CONF_CLOUDHOOK_URL)) and _subscribed_cloud(hass):
        return str(cloudhook)
    try:
        return webhook.async_generate_url(
            hass, data[CONF_WEBHOOK_ID], allow_internal=False, prefer_external=True
        )
    except NoURLAvailableError:
        return None


@callback
def _subscribed_cloud(hass: HomeAssistant) -> ModuleType | None:
    """Return Cloud's module when it is loaded, logged in and subscribed."""
    cloud = _cloud(hass)
    if cloud is None or not cloud.async_active_subscription(hass):
        return None
    return cloud


async def async_create_cloudhook(hass: HomeAssistant, webhook_id: str) -> str | None:
    """Make a cloudhook for the webhook when Cloud is subscribed and connected.

    None otherwise: the entry then goes without one until a later setup.
    """
    if (cloud := _subscribed_cloud(hass)) is None:
        return None
    try:
        url: str = await cloud.async_create_cloudhook(hass, webhook_id)
    except cloud.CloudNotAvailable:
        LOGGER.debug("Home Assistant Cloud is not connected: no cloudhook yet")
        return None
    return url


async def async_register(hass: HomeAssistant, entry: SmsmodeConfigEntry) -> None:
    """Register the entry's webhook, and its cloudhook when Cloud is active.

    The config flow makes the cloudhook when Cloud is active then; an entry made
    without one gets it at the first setup that finds Cloud connected. It is made
    first: should Cloud fail the setup, no webhook is left registered to refuse
    the next setup's.
    """
    if CONF_CLOUDHOOK_URL not in entry.data and (
        url := await async_create_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])
    ):
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_CLOUDHOOK_URL: url}
        )
    webhook.async_register(
        hass,
        DOMAIN,
        entry.title,
        entry.runtime_data.webhook_id,
        partial(_async_handle_webhook, entry),
        local_only=False,
        allowed_methods=[METH_GET, METH_POST],
    )


@callback
def async_unregister(hass: HomeAssistant, entry: SmsmodeConfigEntry) -> None:
    """Unregister the webhook the setup registered (unload).

    Its id, not the entry's: a new webhook URL (reconfigure) is in the entry's
    data before the reload unloads the old one.
    """
    webhook.async_unregister(hass, entry.runtime_data.webhook_id)


async def async_delete_cloudhook(hass: HomeAssistant, data: Mapping[str, Any]) -> None:
    """Delete the cloudhook of an entry's data (entry removed, or URL renewed)."""
    cloud = _cloud(hass)
    if CONF_CLOUDHOOK_URL not in data or cloud is None:
        return
    try:
        await cloud.async_delete_cloudhook(hass, data[CONF_WEBHOOK_ID])
    except cloud.CloudNotAvailable:
        LOGGER.debug("Home Assistant Cloud is not available: cloudhook left")


async def async_renew_webhook(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Return an entry's data with a new webhook id, for a URL that leaked.

    The new id gets a cloudhook when Cloud is subscribed (else the next setup
    that finds Cloud connected makes it), and the old cloudhook is deleted once
    the new one exists. The old id answers nothing once the entry reloads.
    """
    renewed = {key: value for key, value in data.items() if key != CONF_CLOUDHOOK_URL}
    renewed[CONF_WEBHOOK_ID] = webhook.async_generate_id()
    if cloudhook := await async_create_cloudhook(hass, renewed[CONF_WEBHOOK_ID]):
        renewed[CONF_CLOUDHOOK_URL] = cloudhook
    await async_delete_cloudhook(hass, data)
    return renewed


async def _async_handle_webhook(
    entry: SmsmodeConfigEntry,
    hass: HomeAssistant,
    webhook_id: str,
    request: web.Request | MockRequest,
) -> web.Response:
    """Answer smsmode; nothing, whatever is sent, can make this a 5xx.

    An unexpected error is a 400 and a debug line naming its type only: the
    request (its URL holds the secret webhook id) is not logged.
    """
    try:
        return await _async_handle_callback(hass, entry, request)
    except Exception as err:  # noqa: BLE001 - any failure is the caller's 400
        LOGGER.debug("Refused a callback after an unexpected %s", type(err).__name__)
        entry.runtime_data.callback_refusals.async_refused(
            hass, entry, REFUSED_UNEXPECTED_ERROR
        )
        return web.Response(status=400)


async def _async_handle_callback(
    hass: HomeAssistant, entry: SmsmodeConfigEntry, request: web.Request | MockRequest
) -> web.Response:
    """Hand one smsmode callback to its confirmation; 4xx for garbage.

    A well-formed callback is answered 200 at once, so that smsmode stops
    retrying: the confirmation fires it later, or never, and the inbox fires
    each callback once however often it comes. Every refusal is counted.
    """
    refusals = entry.runtime_data.callback_refusals
    params = await _read_params(request)
    if params is None:
        refusals.async_refused(hass, entry, REFUSED_TOO_LARGE)
        return web.Response(status=413)
    try:
        parsed = parse_callback(params)
    except SmsmodeCallbackError as err:
        LOGGER.debug(
            "Ignoring a callback that is not smsmode's (%s: %s)",
            err.reason,
            sorted(params),
        )
        refusals.async_refused(hass, entry, err.reason)
        return web.Response(status=400)
    refusals.async_accepted(hass, entry)
    if parsed.unread:
        LOGGER.debug(
            "Callback fields left null, unreadable: %s", ", ".join(parsed.unread)
        )
    # A doorbell, not a proof: each is believed only once the account vouches
    # for it or smsmode's own lists confirm it.
    if isinstance(parsed, ReplyCallback):
        entry.runtime_data.reply_confirmer.async_check(parsed)
    else:
        entry.runtime_data.report_confirmer.async_check(parsed)
    return web.Response(status=200)


async def _read_params(request: web.Request | MockRequest) -> dict[str, str] | None:
    """Read the query string, and a form body if there is one, undecoded first.

    A callback comes as an aiohttp request, or relayed in-process (Home Assistant
    Cloud's cloudhooks, the websocket's `webhook/handle`) as a `MockRequest`,
    which has neither `rel_url` nor `content_length`. aiohttp's `query_string` is
    already percent-decoded as UTF-8, so its raw one is read; a `MockRequest`'s
    is the text the relay was handed, as is. Its body is that text in UTF-8, and
    each `content` is a new reader: it is taken once.

    smsmode does not say how it encodes a reply's text: UTF-8 is tried, then
    ISO-8859-15 (its encoding for SMS text). None when the callback is larger than
    MAX_CALLBACK_BYTES, also for a body without a length (chunked).
    """
    if isinstance(request, MockRequest):
        query = request.query_string
    else:
        query = request.rel_url.raw_query_string
    room = MAX_CALLBACK_BYTES - len(query.encode("utf-8", "replace"))
    if room < 0:
        return None
    text = query
    if request.method == METH_POST:
        stream = request.content
        body = bytearray()
        # read(n) returns what has arrived, up to n bytes: read until the end.
        while chunk := await stream.read(room + 1 - len(body)):
            body += chunk
            if len(body) > room:
                return None
        text = "&".join(
            part for part in (query, body.decode("utf-8", "replace")) if part
        )
    # Blank values are kept: an empty reply (`message=`) is still a reply.
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, encoding="utf-8", errors="strict"
        )
    except UnicodeDecodeError:
        pairs = parse_qsl(text, keep_blank_values=True, encoding="iso-8859-15")
    params: dict[str, str] = {}
    for key, value in pairs:
        params.setdefault(key, value)
    return params
