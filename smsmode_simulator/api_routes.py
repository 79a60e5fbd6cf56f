"""The HTTP side of the smsmode API: routing, recording, faults, authentication.

Each request is recorded as it arrived, then meets its endpoint's next fault (if
any), then is authenticated and handed to its endpoint (`endpoints`).
"""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from aiohttp import hdrs, web

from .codes import ProviderError, code_reply
from .endpoints import ENDPOINTS, QUERY_PARAMETERS_ONLY, ApiCall, Handler, ReplyBody
from .faults import Fault, FaultKind, FaultQueue
from .models import RecordedRequest
from .params import RequestParams

if TYPE_CHECKING:
    from .account import Account

API_PATH: Final = "/http/{version}/{endpoint}"

type Pause = Callable[[float], Awaitable[None]]


def _reply(body: ReplyBody) -> web.Response:
    """Plain text (UTF-8), or JSON for createAuthorisation.do."""
    if isinstance(body, dict):
        return web.json_response(body)
    return web.Response(text=body, content_type="text/plain", charset="utf-8")


def _drop(request: web.Request) -> web.Response:
    """Close the connection at once; the response returned is never written."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response()


class SmsmodeApi:
    """Answers `/http/1.6/*.do` and `/http/2.0/createAuthorisation.do`."""

    def __init__(
        self,
        account: Account,
        faults: FaultQueue,
        requests: list[RecordedRequest],
        pause: Pause,
    ) -> None:
        """Serve `account`, taking faults from `faults` and logging to `requests`.

        `pause` waits before a slow reply (and may end early at shutdown).
        """
        self._account = account
        self._faults = faults
        self._requests = requests
        self._pause = pause

    def routes(self) -> list[web.RouteDef]:
        """GET and POST on every endpoint path (no HEAD: it would send SMS)."""
        return [
            web.get(API_PATH, self._handle, allow_head=False),
            web.post(API_PATH, self._handle),
        ]

    async def _handle(self, request: web.Request) -> web.Response:
        """Record, apply the next fault, process and answer one request."""
        endpoint = request.match_info["endpoint"]
        route = (request.match_info["version"], endpoint)
        handler = ENDPOINTS.get(route)
        if handler is None:
            raise web.HTTPNotFound
        body = await request.read()
        query_string = request.rel_url.raw_query_string
        content_type = request.headers.get(hdrs.CONTENT_TYPE, "")
        params = RequestParams.parse(
            request.method,
            query_string.encode(),
            content_type,
            body,
            body_fields=route not in QUERY_PARAMETERS_ONLY,
        )
        self._requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                endpoint=endpoint,
                query_string=query_string,
                body=body,
                content_type=content_type,
                params=params.decoded(),
            )
        )
        fault = self._faults.take(endpoint)
        if fault is not None and not fault.processes_request:
            return self._refuse(request, endpoint, fault)
        if fault is not None and fault.kind is FaultKind.LATE:
            await self._pause(fault.value)
        response = self._process(endpoint, handler, params, request.method)
        if fault is None or fault.kind is FaultKind.LATE:
            return response
        if fault.kind is FaultKind.SLOW:
            await self._pause(fault.value)
            return response
        return _drop(request)

    def _process(
        self, endpoint: str, handler: Handler, params: RequestParams, method: str
    ) -> web.Response:
        """Authenticate, then run the endpoint; a refusal becomes its code reply."""
        try:
            self._account.authenticate(params.get("accessToken"))
            self._account.release_due()
            body = handler(ApiCall(self._account, params, method))
        except ProviderError as err:
            body = code_reply(endpoint, err.code)
        return _reply(body)

    @staticmethod
    def _refuse(request: web.Request, endpoint: str, fault: Fault) -> web.Response:
        """Answer a fault that stops the request before any processing."""
        if fault.kind is FaultKind.CODE:
            return _reply(code_reply(endpoint, int(fault.value)))
        if fault.kind is FaultKind.HTTP_ERROR:
            headers = (
                {"Retry-After": f"{fault.retry_after:g}"}
                if fault.retry_after is not None
                else None
            )
            return web.Response(
                status=int(fault.value), text="Simulated HTTP error", headers=headers
            )
        return _drop(request)
