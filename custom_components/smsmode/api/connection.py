"""How the client reaches smsmode: one account's key, server and session.

Every call is one POST with the API key in the form body, except the batch send,
whose key goes in the query string as the reference's example has it
(`transport.py` keeps that URL out of every log line and error).
"""

from collections.abc import Sequence
from typing import TypedDict, Unpack

import aiohttp
from yarl import URL

from .const import DEFAULT_BASE_URL, DEFAULT_REGION, DEFAULT_TIMEOUT
from .exceptions import SmsmodeResponseError, SmsmodeValidationError, api_error
from .models import CodeReply
from .parsers import parse_code_reply
from .payloads import LATIN9, Fields
from .recipients import normalize_numbers
from .transport import batch_request, form_request, post


class RequestOptions(TypedDict, total=False):
    """How a request's body is made: a batch's CSV file, the text fields' charset."""

    csv_file: bytes | None
    charset: str


class SmsmodeConnection:
    """One account's key, server and session: how each request is made."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | None = None,
        region: str = DEFAULT_REGION,
    ) -> None:
        """Bind the client to a session, an API key and a server (the simulator's).

        `region` is the country national numbers (`06…`) are read in; `timeout`
        (seconds) defaults to DEFAULT_TIMEOUT as it is when the client is made.
        """
        url = URL(base_url)
        if not api_key or not url.absolute or url.scheme not in ("http", "https"):
            raise ValueError("An API key and an absolute http(s) base URL are needed")
        self._session = session
        self._api_key = api_key
        self._base_url = str(url).rstrip("/")
        # The connection gets half the time on its own, so that a server that
        # never accepts it is told apart ("nothing sent") from one that never
        # answers a request already written ("may have been sent").
        timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self._timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=timeout / 2)
        self._region = region

    def __repr__(self) -> str:
        """Show the server only: the API key is a secret."""
        return f"{type(self).__name__}(base_url={self._base_url!r})"

    async def _request(
        self,
        path: str,
        fields: Fields,
        *,
        csv_file: bytes | None = None,
        charset: str = LATIN9,
    ) -> str:
        """POST the fields (and the batch file) and return the decoded reply body.

        Text fields go in `charset`, the request's (UTF-8 for a Unicode SMS).
        """
        request = (
            form_request(path, self._api_key, fields, charset)
            if csv_file is None
            else batch_request(path, self._api_key, fields, csv_file)
        )
        return await post(
            self._session,
            self._base_url,
            request,
            secret=self._api_key,
            limits=self._timeout,
        )

    async def _command(
        self, path: str, fields: Fields, **options: Unpack[RequestOptions]
    ) -> CodeReply:
        """Call an endpoint answering `code | description | id`; raise unless 0."""
        reply = parse_code_reply(await self._request(path, fields, **options))
        if reply.code != 0:
            raise api_error(reply.code, reply.description)
        return reply

    async def _send(
        self, path: str, fields: Fields, **options: Unpack[RequestOptions]
    ) -> str:
        """Call a send endpoint and return the id of what smsmode accepted."""
        reply = await self._command(path, fields, **options)
        if reply.id is None:
            raise SmsmodeResponseError(
                "smsmode accepted (code 0) but gave no id", reply.description
            )
        return reply.id

    def _recipients(self, recipients: Sequence[str], group: str | None) -> list[str]:
        """Normalise the numbers, or check a group is used alone (exactly one)."""
        if group is not None:
            if recipients or not group.strip():
                raise SmsmodeValidationError(
                    "invalid_recipients", "Give either numbers or a group, not both"
                )
            return []
        numbers = normalize_numbers(recipients, self._region)
        if not numbers:
            raise SmsmodeValidationError("invalid_recipients", "No recipient")
        return numbers
