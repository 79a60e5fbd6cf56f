"""Callbacks as smsmode would send them, about SMS and replies smsmode really has.

Since a callback fires only for an SMS this account sent, or once smsmode's own
lists confirm it, the webhook tests build their callbacks from what the
simulator holds: an SMS sent through Home Assistant (or around it, with the
client), a reply the simulator received.
"""

import itertools
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smsmode.api import SmsmodeClient
from custom_components.smsmode.const import DOMAIN
from smsmode_simulator import Simulator
from smsmode_simulator.callbacks import delivery_params, reply_params

# The reference's example callbacks (sections 12 and 13): their ids are made up,
# smsmode has neither, so neither fires.
DELIVERY_EXAMPLE = {
    "numero": "33612345678",
    "date_reception": "2026-03-29 02:30:17",
    "statut": "11",
    "smsID": "S7EpYZ5kmS87",
    "refClient": "12azer34",
    "mcc_mnc": "20801",
    "cost": "1",
}
REPLY_EXAMPLE = {
    "numero": "36034",
    "message": "bonjour",
    "emetteur": "33601020304",
    "date_reception": "01012013-122233",
    "smsID": "abcd1234",
    "refClient": "monclient123",
    "responseID": "azertyu123",
}


# Each SMS its own text: the runaway guard holds back a text repeated at once.
_TEXTS = (f"Bonjour {n}" for n in itertools.count(1))


async def async_send_sms(
    hass: HomeAssistant, entry: MockConfigEntry, number: str, **fields: Any
) -> str:
    """Send an SMS through the `send_sms` action; return its id."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": [number],
            "message": next(_TEXTS),
            **fields,
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return str(response["sms_id"])


async def async_send_around(
    hass: HomeAssistant, simulator: Simulator, number: str, **fields: Any
) -> str:
    """Send an SMS with the client alone, unknown to the integration."""
    client = SmsmodeClient(
        async_get_clientsession(hass), simulator.api_key, base_url=simulator.url
    )
    result = await client.send_sms("Bonjour", [number], now=dt_util.utcnow(), **fields)
    return result.sms_id


async def async_report(
    simulator: Simulator, sms_id: str, number: str, status: int, **extra: str
) -> dict[str, str]:
    """Give a recipient a status; return its delivery callback's parameters."""
    await simulator.set_delivery_status(sms_id, number, status)
    message = simulator.messages[sms_id]
    (recipient,) = (r for r in message.recipients if r.number == number)
    return {**delivery_params(message, recipient), **extra}


async def async_reply(
    simulator: Simulator, text: str, sender: str, sms_id: str | None = None
) -> dict[str, str]:
    """Have the simulator receive a reply; return its callback's parameters."""
    response_id = await simulator.inject_reply(text, sender, sms_id)
    (reply,) = (r for r in simulator.replies if r.response_id == response_id)
    return reply_params(reply)
