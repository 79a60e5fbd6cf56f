"""The simulator as tests and the command line use it: one account behind a server.

`Simulator` serves the smsmode API and the `/_sim/` control API on a loopback port,
and gives tests direct handles on the state (messages, replies, requests,
callbacks), the clock, the faults and the delivery reports.
"""

import asyncio
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final, Self

from aiohttp import web

from .account import SMSMODE_NUMBER, Account
from .api_routes import SmsmodeApi
from .callbacks import CallbackSender, CallbackTransport, delivery_params, reply_params
from .clock import Clock
from .codes import ProviderError
from .control import ControlApi
from .delivery import next_status
from .endpoints import ENDPOINTS
from .errors import SimulatorError
from .faults import Fault, FaultQueue
from .models import CallbackRecord, InboundReply, Message, Recipient, RecordedRequest
from .numbers import normalize_number

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType

DEFAULT_BALANCE: Final = 100.0
DEFAULT_ACCOUNT_NAME: Final = "simulateur"
# Bounds of the wait between two looks at pending reports in automatic mode.
_MIN_AUTO_TICK: Final = 0.05
_MAX_AUTO_TICK: Final = 1.0
# The server waits this long for requests in flight when it stops.
_SHUTDOWN_TIMEOUT: Final = 1.0


def _number(raw: str) -> str:
    """Return a phone number in international form; SimulatorError if invalid."""
    try:
        return normalize_number(raw)
    except ProviderError:
        raise SimulatorError(f"not a phone number: {raw!r}") from None


class Simulator:
    """A stateful stand-in for api.smsmode.com.

    Delivery reports progress when a test calls `advance_delivery` or
    `set_delivery_status`, or on their own every `auto_delivery_delay` seconds when
    that is set (the command line's `--auto-delivery`).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        balance: float = DEFAULT_BALANCE,
        account_name: str = DEFAULT_ACCOUNT_NAME,
        clock: Clock | None = None,
        auto_delivery_delay: float | None = None,
        reply_notification_url: str | None = None,
        seed: int | None = None,
    ) -> None:
        """Open an account with one API key (random unless given) and a balance.

        `reply_notification_url` is the account-level reply URL (smsmode's
        "Paramètres > développeurs"), used when an SMS gave none. `seed` makes the
        generated ids and keys repeatable.
        """
        self.clock = clock or Clock()
        self.account = Account(
            clock=self.clock,
            name=account_name,
            api_key=api_key,
            balance=balance,
            seed=seed,
        )
        self.faults = FaultQueue()
        self.requests: list[RecordedRequest] = []
        self.reply_notification_url = reply_notification_url
        self.auto_delivery_delay = auto_delivery_delay
        # How long a reply takes to show in responseList.do after its callback.
        self.reply_list_lag = timedelta()
        self._callbacks = CallbackSender()
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._stopping = asyncio.Event()
        self._auto_task: asyncio.Task[None] | None = None

    @property
    def api_key(self) -> str:
        """The account's first API key."""
        return self.account.api_keys[0].access_token

    @property
    def url(self) -> str:
        """Base URL of the running server, like `http://127.0.0.1:8080`."""
        if self._url is None:
            raise SimulatorError("the simulator is not started")
        return self._url

    @property
    def balance(self) -> float:
        """The account's credits."""
        return self.account.balance

    @balance.setter
    def balance(self, value: float) -> None:
        self.account.balance = value

    @property
    def messages(self) -> dict[str, Message]:
        """Every accepted message by id, deleted ones included (`deleted`).

        Scheduled messages whose time has come (by `clock`) are sent first.
        """
        self.account.release_due()
        return self.account.messages

    @property
    def replies(self) -> list[InboundReply]:
        """Inbound replies, oldest first."""
        return self.account.replies

    @property
    def callbacks(self) -> list[CallbackRecord]:
        """Every callback made, in order."""
        return self._callbacks.records

    @property
    def callback_transport(self) -> CallbackTransport:
        """What makes callbacks: `async (url) -> HTTP status`; a real GET by default."""
        return self._callbacks.transport

    @callback_transport.setter
    def callback_transport(self, transport: CallbackTransport) -> None:
        self._callbacks.transport = transport

    def requests_to(self, endpoint: str) -> list[RecordedRequest]:
        """Return the recorded requests to one endpoint (`sendSMS.do`)."""
        return [request for request in self.requests if request.endpoint == endpoint]

    def add_fault(self, endpoint: str, fault: Fault, times: int = 1) -> None:
        """Make the next `times` requests to `endpoint` meet `fault`."""
        if endpoint not in {name for _, name in ENDPOINTS}:
            raise SimulatorError(f"unknown endpoint {endpoint!r}")
        self.faults.add(endpoint, fault, times)

    def make_app(self) -> web.Application:
        """Build the aiohttp application: smsmode API and `/_sim/` control API."""
        app = web.Application()
        api = SmsmodeApi(self.account, self.faults, self.requests, self._pause)
        app.add_routes(api.routes())
        app.add_routes(ControlApi(self).routes())
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on `host`:`port` (0: a free port) and return the base URL."""
        if self._runner is not None:
            raise SimulatorError("the simulator is already started")
        self._stopping.clear()
        runner = web.AppRunner(
            self.make_app(), access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        if ":" in bound_host:
            bound_host = f"[{bound_host}]"
        self._url = f"http://{bound_host}:{bound_port}"
        if self.auto_delivery_delay is not None:
            self._auto_task = asyncio.create_task(
                self._deliver_automatically(self.auto_delivery_delay)
            )
        return self._url

    async def stop(self) -> None:
        """Stop serving and end every task, timer and connection it started."""
        self._stopping.set()
        if self._auto_task is not None:
            self._auto_task.cancel()
            await asyncio.gather(self._auto_task, return_exceptions=True)
            self._auto_task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._url = None
        await self._callbacks.close()

    async def __aenter__(self) -> Self:
        """Start on a free loopback port."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop."""
        await self.stop()

    async def _pause(self, seconds: float) -> None:
        """Wait before a slow reply; cut short when the simulator stops."""
        try:
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        except TimeoutError:
            return

    def _message(self, sms_id: str) -> Message:
        """Return a message not deleted, scheduled ones made due first."""
        self.account.release_due()
        message = self.account.messages.get(sms_id)
        if message is None or message.deleted:
            raise SimulatorError(f"no message {sms_id!r}")
        return message

    @staticmethod
    def _recipients(message: Message, number: str | None) -> list[Recipient]:
        """All recipients, or those with `number`."""
        if number is None:
            return message.recipients
        wanted = _number(number)
        found = [r for r in message.recipients if r.number == wanted]
        if not found:
            raise SimulatorError(f"{number!r} is not a recipient of {message.sms_id}")
        return found

    async def advance_delivery(
        self, sms_id: str, number: str | None = None
    ) -> dict[str, int]:
        """Move each recipient (or just `number`) one step along its delivery path.

        Each change is reported to the SMS's `notification_url`. Returns the
        statuses by number. A scheduled SMS must be due first (see `clock`).
        """
        message = self._message(sms_id)
        if message.pending:
            raise SimulatorError(f"{sms_id} is scheduled and not sent yet")
        await self._advance(message, self._recipients(message, number))
        return message.statuses

    async def set_delivery_status(self, sms_id: str, number: str, status: int) -> None:
        """Give a recipient any status (annex code) and report it."""
        message = self._message(sms_id)
        recipients = self._recipients(message, number)
        now = self.clock.now()
        for recipient in recipients:
            recipient.set_status(status, now)
        await self._report(message, recipients)

    async def inject_reply(
        self,
        text: str,
        sender: str,
        sms_id: str | None = None,
        *,
        to: str = SMSMODE_NUMBER,
        received_at: datetime | None = None,
    ) -> str:
        """Receive an SMS from `sender`, as if they answered, and return its id.

        It answers `sms_id`, or else the newest reply-allowed (class 4) SMS sent to
        `sender`, if any. It is reported to that SMS's `notification_url_reponse`,
        else to the account-level `reply_notification_url`.
        """
        number = _number(sender)
        if sms_id is not None:
            message: Message | None = self._message(sms_id)
        else:
            message = self.account.latest_reply_allowed_to(number)
        if received_at is not None and received_at.tzinfo is None:
            raise SimulatorError("received_at must be aware")
        received = received_at or self.clock.now()
        reply = InboundReply(
            response_id=self.account.new_response_id(),
            received_at=received,
            sender=number,
            text=text,
            recipient=to,
            sms_id=None if message is None else message.sms_id,
            ref_client=None if message is None else message.ref_client,
            listed_at=max(received, self.clock.now()) + self.reply_list_lag,
        )
        self.account.replies.append(reply)
        url = (
            message.reply_notification_url if message is not None else None
        ) or self.reply_notification_url
        if url is not None:
            await self._callbacks.send("reply", url, reply_params(reply))
        return reply.response_id

    async def _advance(self, message: Message, recipients: Iterable[Recipient]) -> None:
        """Move recipients one step and report those that changed."""
        now = self.clock.now()
        changed = []
        for recipient in recipients:
            status = next_status(message.kind, recipient.number, recipient.status)
            if status is not None:
                recipient.set_status(status, now)
                changed.append(recipient)
        await self._report(message, changed)

    async def _report(self, message: Message, recipients: Iterable[Recipient]) -> None:
        """Send one delivery callback per recipient, when the SMS asked for them."""
        if message.notification_url is None:
            return
        for recipient in recipients:
            await self._callbacks.send(
                "delivery",
                message.notification_url,
                delivery_params(message, recipient),
            )

    async def _deliver_automatically(self, delay: float) -> None:
        """Advance every report whose last change is `delay` seconds old, forever."""
        step = timedelta(seconds=delay)
        while True:
            await asyncio.sleep(min(max(delay / 4, _MIN_AUTO_TICK), _MAX_AUTO_TICK))
            self.account.release_due()
            now = self.clock.now()
            for message in list(self.account.live_messages()):
                if not message.pending:
                    await self._advance(
                        message,
                        [r for r in message.recipients if now - r.last_change >= step],
                    )
