"""Callbacks to the account's servers: delivery reports and inbound replies.

smsmode calls them with HTTP GET and the data in the query string. The call goes
through a replaceable transport so Home Assistant tests can route it into their own
test client; every call is recorded, with the HTTP status it got.
"""

from collections.abc import Awaitable, Callable, Mapping
from typing import Final
from urllib.parse import urlencode

import aiohttp
from yarl import URL

from .clock import DELIVERY_CALLBACK_FORMAT, REPLY_CALLBACK_FORMAT, format_paris
from .models import CallbackRecord, InboundReply, Message, Recipient

# Takes the full URL, returns the HTTP status answered.
type CallbackTransport = Callable[[str], Awaitable[int]]

_TIMEOUT: Final = aiohttp.ClientTimeout(total=10)
# Operator code sent with every delivery report (Orange France).
MCC_MNC: Final = "20801"


def callback_url(base: str, params: Mapping[str, str]) -> str:
    """Append the parameters to the URL (which may already have a query)."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}{urlencode(params)}"


def delivery_params(message: Message, recipient: Recipient) -> dict[str, str]:
    """Build a delivery report's parameters, in the order of the reference's example.

    `refClient` only when the SMS had one; `cost` is the recipient's credits.
    """
    params = {
        "numero": recipient.number,
        "date_reception": format_paris(recipient.last_change, DELIVERY_CALLBACK_FORMAT),
        "statut": str(recipient.status),
        "smsID": message.sms_id,
    }
    if recipient.ref_client is not None:
        params["refClient"] = recipient.ref_client
    params["mcc_mnc"] = MCC_MNC
    params["cost"] = str(recipient.segments)
    return params


def reply_params(reply: InboundReply) -> dict[str, str]:
    """Build an inbound reply's parameters, in the order of the reference's example.

    `smsID` and `refClient` only when the reply answers an SMS that has them.
    """
    params = {
        "numero": reply.recipient,
        "message": reply.text,
        "emetteur": reply.sender,
        "date_reception": format_paris(reply.received_at, REPLY_CALLBACK_FORMAT),
    }
    if reply.sms_id is not None:
        params["smsID"] = reply.sms_id
    if reply.ref_client is not None:
        params["refClient"] = reply.ref_client
    params["responseID"] = reply.response_id
    return params


class CallbackSender:
    """Makes the callbacks through `transport` and records each one."""

    def __init__(self) -> None:
        """Use a real HTTP GET until a test replaces `transport`."""
        self.transport: CallbackTransport = self._http_get
        self.records: list[CallbackRecord] = []
        self._session: aiohttp.ClientSession | None = None

    async def send(self, kind: str, base_url: str, params: dict[str, str]) -> None:
        """Call `base_url` with `params`; a failure is recorded, never raised."""
        url = callback_url(base_url, params)
        try:
            status = await self.transport(url)
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            self.records.append(CallbackRecord(kind, url, params, None, repr(err)))
        else:
            self.records.append(CallbackRecord(kind, url, params, status))

    async def _http_get(self, url: str) -> int:
        """GET the URL, exactly as built, on the simulator's own session."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=_TIMEOUT)
        async with self._session.get(
            URL(url, encoded=True), allow_redirects=False
        ) as response:
            return response.status

    async def close(self) -> None:
        """Close the HTTP session, if one was opened."""
        if self._session is not None:
            await self._session.close()
            self._session = None
