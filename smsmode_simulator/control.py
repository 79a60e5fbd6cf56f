"""The `/_sim/` control API: JSON over HTTP for people and end-to-end tests.

It does what a test does on the `Simulator` object, for whoever only has the URL:
read the state, inject replies, move delivery reports, queue faults, set the
balance, move the clock.

- `GET /_sim/state`
- `POST /_sim/replies` `{"text", "sender", "sms_id"?, "to"?}` → `{"response_id"}`
- `POST /_sim/messages/{sms_id}/advance` `{"number"?}` → `{"statuses"}`
- `POST /_sim/messages/{sms_id}/status` `{"number", "status"}` → `{"statuses"}`
- `POST /_sim/faults` `{"endpoint", "kind", "code"|"status"|"seconds", "times"?,
  "retry_after"?}` (`retry_after`: an HTTP error's `Retry-After`, seconds)
- `DELETE /_sim/faults`
- `POST /_sim/account` `{"balance"?, "reply_notification_url"?,
  "reply_list_lag_seconds"?}` (how long a reply takes to show in responseList.do)
- `POST /_sim/clock` `{"advance_seconds"}` or `{"now": ISO 8601 with offset}`
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from .account import SMSMODE_NUMBER
from .errors import SimulatorError
from .faults import Fault, FaultKind

if TYPE_CHECKING:
    from collections.abc import Callable

    from .models import CallbackRecord, InboundReply, Message, RecordedRequest
    from .simulator import Simulator

PREFIX: Final = "/_sim"

type Json = dict[str, Any]


def _bad_request(reason: str) -> web.HTTPBadRequest:
    """Build a 400 with a JSON `{"error": reason}` body."""
    return web.HTTPBadRequest(
        text=web.json_response({"error": reason}).text, content_type="application/json"
    )


def _get[T](data: Json, name: str, kind: type[T], default: T | None = None) -> T:
    """Return a field of the JSON sent, of the given type; 400 if missing or wrong."""
    value = data.get(name, default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise _bad_request(f"{name!r} must be a {kind.__name__}")
    return value


def _optional[T](data: Json, name: str, kind: type[T]) -> T | None:
    """Return an optional field, None when absent or null."""
    return None if data.get(name) is None else _get(data, name, kind)


_FAULT_BUILDERS: Final[dict[FaultKind, Callable[[Json], Fault]]] = {
    FaultKind.CODE: lambda data: Fault.code(_get(data, "code", int)),
    FaultKind.HTTP_ERROR: lambda data: Fault.http_error(
        _get(data, "status", int, 500),
        retry_after=_optional(data, "retry_after", float),
    ),
    FaultKind.SLOW: lambda data: Fault.slow(_get(data, "seconds", float)),
    FaultKind.LATE: lambda data: Fault.late(_get(data, "seconds", float)),
    FaultKind.DROP_BEFORE: lambda _: Fault.drop_before(),
    FaultKind.DROP_AFTER: lambda _: Fault.drop_after(),
}


def message_json(message: Message) -> Json:
    """Describe a message with its recipients and their status history."""
    return {
        "sms_id": message.sms_id,
        "kind": message.kind.value,
        "class": message.message_class,
        "text": message.text,
        "sender": message.sender,
        "ref_client": message.ref_client,
        "group": message.group,
        "accepted_at": message.accepted_at.isoformat(),
        "scheduled_at": None
        if message.scheduled_at is None
        else message.scheduled_at.isoformat(),
        "max_segments": message.max_segments,
        "stop": message.stop,
        "notification_url": message.notification_url,
        "reply_notification_url": message.reply_notification_url,
        "title": message.title,
        "language": message.language,
        "segments": message.segments,
        "cost": message.cost,
        "deleted": message.deleted,
        "recipients": [
            {
                "number": recipient.number,
                "text": recipient.text,
                "sender": recipient.sender,
                "ref_client": recipient.ref_client,
                "segments": recipient.segments,
                "status": recipient.status,
                "history": [
                    {"status": change.status, "at": change.at.isoformat()}
                    for change in recipient.history
                ],
            }
            for recipient in message.recipients
        ],
    }


def _reply_json(reply: InboundReply) -> Json:
    """Describe an inbound reply."""
    return {
        "response_id": reply.response_id,
        "received_at": reply.received_at.isoformat(),
        "sender": reply.sender,
        "text": reply.text,
        "recipient": reply.recipient,
        "sms_id": reply.sms_id,
        "ref_client": reply.ref_client,
    }


def _callback_json(record: CallbackRecord) -> Json:
    """Describe a callback made."""
    return {
        "kind": record.kind,
        "url": record.url,
        "params": record.params,
        "status": record.status,
        "error": record.error,
    }


def _request_json(request: RecordedRequest) -> Json:
    """Describe a request received (its decoded parameters, not its raw body)."""
    return {
        "method": request.method,
        "path": request.path,
        "endpoint": request.endpoint,
        "query_string": request.query_string,
        "content_type": request.content_type,
        "params": request.params,
    }


class ControlApi:
    """Routes under `/_sim/` acting on one simulator."""

    def __init__(self, simulator: Simulator) -> None:
        """Act on `simulator`."""
        self._simulator = simulator

    def routes(self) -> list[web.RouteDef]:
        """Return the control routes."""
        return [
            web.get(f"{PREFIX}/state", self._state),
            web.post(f"{PREFIX}/replies", self._inject_reply),
            web.post(f"{PREFIX}/messages/{{sms_id}}/advance", self._advance),
            web.post(f"{PREFIX}/messages/{{sms_id}}/status", self._set_status),
            web.post(f"{PREFIX}/faults", self._add_fault),
            web.delete(f"{PREFIX}/faults", self._clear_faults),
            web.post(f"{PREFIX}/account", self._account),
            web.post(f"{PREFIX}/clock", self._clock),
        ]

    def state(self) -> Json:
        """Everything the simulator holds, as JSON."""
        simulator = self._simulator
        account = simulator.account
        account.release_due()
        return {
            "url": simulator.url,
            "now": simulator.clock.now().isoformat(),
            "account": account.name,
            "api_keys": [key.access_token for key in account.api_keys],
            "balance": account.balance,
            "reply_notification_url": simulator.reply_notification_url,
            "messages": [message_json(m) for m in account.messages.values()],
            "replies": [_reply_json(reply) for reply in account.replies],
            "sub_accounts": [
                {"pseudo": sub.pseudo, "balance": sub.balance, "details": sub.details}
                for sub in account.sub_accounts.values()
            ],
            "contacts": [
                {
                    "last_name": contact.last_name,
                    "first_name": contact.first_name,
                    "mobile": contact.mobile,
                    "groups": list(contact.groups),
                }
                for contact in account.contacts
            ],
            "groups": account.groups,
            "faults": self._faults(),
            "callbacks": [_callback_json(record) for record in simulator.callbacks],
            "requests": [_request_json(request) for request in simulator.requests],
        }

    @staticmethod
    async def _body(request: web.Request) -> Json:
        """Return the JSON object sent (an empty body counts as `{}`)."""
        if not await request.read():
            return {}
        try:
            data = await request.json()
        except ValueError:
            raise _bad_request("the body must be JSON") from None
        if not isinstance(data, dict):
            raise _bad_request("the body must be a JSON object")
        return data

    async def _state(self, request: web.Request) -> web.Response:
        """GET /_sim/state."""
        return web.json_response(self.state())

    async def _inject_reply(self, request: web.Request) -> web.Response:
        """POST /_sim/replies."""
        data = await self._body(request)
        try:
            response_id = await self._simulator.inject_reply(
                _get(data, "text", str),
                _get(data, "sender", str),
                _optional(data, "sms_id", str),
                to=_optional(data, "to", str) or SMSMODE_NUMBER,
            )
        except SimulatorError as err:
            raise _bad_request(str(err)) from None
        return web.json_response({"response_id": response_id}, status=201)

    async def _advance(self, request: web.Request) -> web.Response:
        """POST /_sim/messages/{sms_id}/advance."""
        data = await self._body(request)
        try:
            statuses = await self._simulator.advance_delivery(
                request.match_info["sms_id"], _optional(data, "number", str)
            )
        except SimulatorError as err:
            raise _bad_request(str(err)) from None
        return web.json_response({"statuses": statuses})

    async def _set_status(self, request: web.Request) -> web.Response:
        """POST /_sim/messages/{sms_id}/status."""
        data = await self._body(request)
        sms_id = request.match_info["sms_id"]
        try:
            await self._simulator.set_delivery_status(
                sms_id, _get(data, "number", str), _get(data, "status", int)
            )
        except SimulatorError as err:
            raise _bad_request(str(err)) from None
        return web.json_response(
            {"statuses": self._simulator.messages[sms_id].statuses}
        )

    async def _add_fault(self, request: web.Request) -> web.Response:
        """POST /_sim/faults."""
        data = await self._body(request)
        try:
            kind = FaultKind(_get(data, "kind", str))
            fault = _FAULT_BUILDERS[kind](data)
            self._simulator.add_fault(
                _get(data, "endpoint", str), fault, _get(data, "times", int, 1)
            )
        except (ValueError, SimulatorError) as err:
            raise _bad_request(str(err)) from None
        return web.json_response(self._faults(), status=201)

    async def _clear_faults(self, request: web.Request) -> web.Response:
        """DELETE /_sim/faults."""
        self._simulator.faults.clear()
        return web.json_response(self._faults())

    def _faults(self) -> Json:
        """Describe the pending faults per endpoint."""
        return {
            endpoint: [{"kind": f.kind.value, "value": f.value} for f in faults]
            for endpoint, faults in self._simulator.faults.pending().items()
        }

    async def _account(self, request: web.Request) -> web.Response:
        """POST /_sim/account."""
        data = await self._body(request)
        balance = _optional(data, "balance", float)
        if balance is not None:
            self._simulator.account.balance = balance
        if "reply_notification_url" in data:
            self._simulator.reply_notification_url = _optional(
                data, "reply_notification_url", str
            )
        lag = _optional(data, "reply_list_lag_seconds", float)
        if lag is not None:
            self._simulator.reply_list_lag = timedelta(seconds=max(lag, 0.0))
        return web.json_response(
            {
                "balance": self._simulator.account.balance,
                "reply_notification_url": self._simulator.reply_notification_url,
                "reply_list_lag_seconds": (
                    self._simulator.reply_list_lag.total_seconds()
                ),
            }
        )

    async def _clock(self, request: web.Request) -> web.Response:
        """POST /_sim/clock."""
        data = await self._body(request)
        clock = self._simulator.clock
        if (now := _optional(data, "now", str)) is not None:
            try:
                clock.set(datetime.fromisoformat(now))
            except ValueError as err:
                raise _bad_request(str(err)) from None
        if (seconds := _optional(data, "advance_seconds", float)) is not None:
            clock.advance(timedelta(seconds=seconds))
        return web.json_response({"now": clock.now().isoformat()})
