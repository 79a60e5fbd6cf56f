"""Escalating alerts: one step after another until someone acknowledges.

Each step sends its contact an SMS people can answer (or calls them), then
waits. Only confirmed replies count (the inbox's signal: a callback alone never
fires it), and only one answering an SMS of the alert, from one of its
contacts, with its word. A delivery report saying a step's SMS cannot arrive
ends that step at once. Where the alert stands is stored before each step
sends: after a restart a step already begun is never sent again, and its wait
still counts from when it began.
"""

import asyncio
from collections import Counter
from datetime import datetime
import secrets
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.dispatcher import (
    async_dispatcher_connect,
    async_dispatcher_send,
)
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .alert_events import (
    async_fire_acknowledged,
    async_fire_escalated,
    async_fire_exhausted,
)
from .alert_model import Alert, AlertContact, StepSent, is_acknowledgement
from .alert_sending import async_send_step, async_tell_acknowledged
from .const import DOMAIN, EVENT_DELIVERY_REPORT, EVENT_MESSAGE_RECEIVED, LOGGER
from .coordinator import SmsmodeConfigEntry
from .inbox import inbox_signal

STORAGE_VERSION: Final = 1
# An automation gone wrong must not start alerts without end: each one's SMS
# are critical, so neither the budgets nor the runaway guard would stop them.
MAX_OPEN_ALERTS: Final = 20


def alerts_signal(entry_id: str) -> str:
    """Dispatcher signal sent whenever an account's open alerts change."""
    return f"{DOMAIN}_{entry_id}_alerts"


def _alert_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.alerts")


async def async_remove_alerts(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's stored alerts (the entry is being removed)."""
    await _alert_store(hass, entry_id).async_remove()


class SmsmodeEscalation:
    """One account's open alerts, their timers, and what ends them."""

    def __init__(self, hass: HomeAssistant, entry: SmsmodeConfigEntry) -> None:
        """Hold nothing until `async_load`."""
        self._hass = hass
        self._entry = entry
        self._store = _alert_store(hass, entry.entry_id)
        self.alerts: dict[str, Alert] = {}
        self._timers: dict[str, CALLBACK_TYPE] = {}
        # One change at a time: a step sending, a reply, a timer, a service.
        self._lock = asyncio.Lock()
        self._closed = False
        # Replies to an alert's SMS that did not acknowledge it, by reason.
        self.ignored: Counter[str] = Counter()

    async def async_load(self) -> None:
        """Read the open alerts back (a restart or a reload)."""
        stored = await self._store.async_load() or {}
        for data in stored.get("alerts", []):
            alert = Alert.from_dict(data)
            self.alerts[alert.alert_id] = alert

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Listen to confirmed replies and reports; resume every open alert."""
        unsubs = [
            async_dispatcher_connect(
                self._hass,
                inbox_signal(self._entry.entry_id, EVENT_MESSAGE_RECEIVED),
                self._async_reply,
            ),
            async_dispatcher_connect(
                self._hass,
                inbox_signal(self._entry.entry_id, EVENT_DELIVERY_REPORT),
                self._async_report,
            ),
        ]
        for alert in self.alerts.values():
            self._async_plan(alert)

        @callback
        def _stop() -> None:
            for unsub in unsubs:
                unsub()

        return _stop

    async def async_shutdown(self) -> None:
        """Stop the timers and let a step under way finish (unload)."""
        self._closed = True
        for unsub in self._timers.values():
            unsub()
        self._timers.clear()
        async with self._lock:
            await self._async_save()

    def as_dict(self) -> dict[str, Any]:
        """Diagnostics: each open alert's step, and replies that did not count."""
        return {
            "open": [
                {
                    "step": alert.step + 1,
                    "steps": len(alert.steps),
                    "started_at": alert.started_at.isoformat(),
                }
                for alert in self.alerts.values()
            ],
            "replies_ignored": dict(self.ignored),
        }

    @callback
    def _async_task(self, job: Any) -> None:
        self._entry.async_create_task(self._hass, job, "smsmode escalating alert")

    async def _async_save(self) -> None:
        await self._store.async_save(
            {"alerts": [alert.as_dict() for alert in self.alerts.values()]}
        )

    @callback
    def _async_changed(self) -> None:
        async_dispatcher_send(self._hass, alerts_signal(self._entry.entry_id))

    async def async_send_alert(self, alert: Alert, context: Context | None) -> str:
        """Open an alert and send its first step; answer its id.

        The same message to the same contacts while such an alert is open is
        that alert: a trigger firing again does not start a second chain. A
        first SMS smsmode would refuse outright (too long, say) refuses the
        alert, which is then forgotten.
        """
        async with self._lock:
            for open_alert in self.alerts.values():
                if (open_alert.message, open_alert.contacts) == (
                    alert.message,
                    alert.contacts,
                ):
                    return open_alert.alert_id
            if len(self.alerts) >= MAX_OPEN_ALERTS:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="too_many_alerts",
                    translation_placeholders={"maximum": str(MAX_OPEN_ALERTS)},
                )
            self.alerts[alert.alert_id] = alert
            try:
                await self._async_begin(alert, 0, context, refuse=True)
            except ServiceValidationError:
                await self._async_close(alert)
                raise
        return alert.alert_id

    async def _async_begin(
        self, alert: Alert, step: int, context: Context | None, *, refuse: bool = False
    ) -> None:
        """Start a step: stored as begun first, so that it is never sent twice."""
        alert.step = step
        alert.step_started_at = dt_util.utcnow()
        alert.sent[step] = StepSent()
        await self._async_save()
        self._async_plan(alert)
        self._async_changed()
        sent = alert.sent[step]
        try:
            await async_send_step(self._hass, self._entry, alert, step, context)
        except HomeAssistantError as err:
            if refuse and isinstance(err, ServiceValidationError):
                raise  # the first SMS as asked can never go: no alert at all
            sent.error = str(err)
            LOGGER.warning("An escalating alert's step could not be sent: %s", err)
        await self._async_save()
        async_fire_escalated(self._hass, self._entry.entry_id, alert, step)

    @callback
    def _async_plan(self, alert: Alert) -> None:
        """Time the end of the step under way (at once when already over)."""
        if (unsub := self._timers.pop(alert.alert_id, None)) is not None:
            unsub()
        if self._closed or (ends := alert.next_step_at) is None:
            return
        step = alert.step
        if ends <= dt_util.utcnow():
            self._async_task(self._async_next(alert.alert_id, step))
            return

        @callback
        def _over(_now: datetime) -> None:
            self._timers.pop(alert.alert_id, None)
            self._async_task(self._async_next(alert.alert_id, step))

        self._timers[alert.alert_id] = async_track_point_in_utc_time(
            self._hass, _over, ends
        )

    async def _async_next(self, alert_id: str, step: int) -> None:
        """End a step unanswered: the next one, or nobody left (exhausted)."""
        async with self._lock:
            alert = self.alerts.get(alert_id)
            if alert is None or alert.step != step or self._closed:
                return  # acknowledged, cancelled, or moved on meanwhile
            if step + 1 < len(alert.steps):
                await self._async_begin(alert, step + 1, None)
                return
            await self._async_close(alert)
            async_fire_exhausted(self._hass, self._entry.entry_id, alert)

    async def _async_close(self, alert: Alert) -> None:
        """Forget an alert that ended, and stop its timer."""
        self.alerts.pop(alert.alert_id, None)
        if (unsub := self._timers.pop(alert.alert_id, None)) is not None:
            unsub()
        await self._async_save()
        self._async_changed()

    def _alert_of(
        self, data: dict[str, Any], *, ref: str, sms_id: str
    ) -> tuple[Alert, int] | None:
        for alert in self.alerts.values():
            if (step := alert.step_of(data.get(ref), data.get(sms_id))) is not None:
                return alert, step
        return None

    @callback
    def _async_reply(self, data: dict[str, Any]) -> None:
        """Take a confirmed reply: an acknowledgement, if it is one."""
        if self._closed:
            return  # unloading: the next setup's polling reads it again
        found = self._alert_of(data, ref="reply_to_ref_client", sms_id="sms_id")
        if found is None:
            return  # not an answer to an alert's SMS
        alert, _ = found
        contact = alert.contact_with(str(data["sender"]))
        if contact is None:
            self.ignored["not_in_chain"] += 1
            return
        if not is_acknowledgement(str(data["message"]), alert.word):
            self.ignored["other_words"] += 1
            return
        self._async_task(
            self._async_acknowledged(alert.alert_id, by=contact.name, contact=contact)
        )

    @callback
    def _async_report(self, data: dict[str, Any]) -> None:
        """End the step at once when its SMS cannot be delivered."""
        if self._closed or not data.get("final") or data.get("delivered"):
            return
        found = self._alert_of(data, ref="ref_client", sms_id="sms_id")
        if found is not None and found[0].step == found[1]:
            self._async_task(self._async_next(found[0].alert_id, found[1]))

    async def async_acknowledge(self, alert_id: str, *, by: str | None) -> None:
        """Acknowledge an open alert from the UI or another channel (the service)."""
        if not await self._async_acknowledged(alert_id, by=by, contact=None):
            self._open(alert_id)  # raises: not open (any more)

    async def _async_acknowledged(
        self, alert_id: str, *, by: str | None, contact: AlertContact | None
    ) -> bool:
        """End an alert as acknowledged; False when it is not open any more.

        Everyone the chain reached, except who acknowledged, is told when the
        alert asks for it.
        """
        async with self._lock:
            if (alert := self.alerts.get(alert_id)) is None or self._closed:
                return False
            await self._async_close(alert)
            # Someone has it: later contacts' SMS still queued need not go.
            dropped = await self._async_withdraw(alert)
        async_fire_acknowledged(
            self._hass, self._entry.entry_id, alert, by=by, contact=contact
        )
        told = [c.number for c in alert.reached(dropped) if c != contact]
        if alert.notify_acknowledged and told:
            await async_tell_acknowledged(self._hass, self._entry, alert, by, told)
        return True

    async def async_cancel(self, alert_id: str) -> None:
        """End an alert without a word to anyone: its steps still queued never go."""
        async with self._lock:
            alert = self._open(alert_id)
            await self._async_close(alert)
            await self._async_withdraw(alert)

    async def _async_withdraw(self, alert: Alert) -> set[str]:
        """Take the alert's queued SMS back; answer the refClients surely not sent."""
        queued = {alert.ref(step) for step, sent in alert.sent.items() if sent.queued}
        if not queued:
            return set()
        return await self._entry.runtime_data.outbox.async_withdraw(queued)

    def _open(self, alert_id: str) -> Alert:
        if (alert := self.alerts.get(alert_id)) is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="alert_not_open",
                translation_placeholders={
                    "alert_id": alert_id,
                    "title": self._entry.title,
                },
            )
        return alert


def new_alert_id() -> str:
    """Make a random id: nobody guesses another home's alerts from theirs."""
    return secrets.token_hex(6)
