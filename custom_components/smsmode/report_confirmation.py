"""Delivery reports fired only for SMS this account sent, or smsmode confirms.

A report about an SMS this integration sent (sent_memory.py) fires at once,
unless the SMS's numbers were kept and this one is not among them. Any other
(an SMS sent before this was installed, or a forgery) waits (confirmation.py)
until `compteRendu.do` for its SMS id lists its number: it then fires with the
status smsmode lists, the callback's other fields (date, operator, cost,
refClient) kept, since the report gives none; and the SMS is remembered, so its
next reports fire at once. An id smsmode does not know, or a number it does
not list for it, is refused. One SMS's report is read per round.
"""

from dataclasses import replace
from datetime import datetime, timedelta

from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from .api import DeliveryCallback, SmsmodeNotFoundError
from .confirmation import CONFIRMED, REFUSED, SmsmodeConfirmer
from .const import LOGGER
from .event_data import delivery_report_data


class SmsmodeReportConfirmer(SmsmodeConfirmer[DeliveryCallback]):
    """Fires the reports of known SMS, confirms the others one SMS a round."""

    subject = "smsmode's delivery reports (to confirm a callback)"
    kind = "delivery report"
    min_spacing = timedelta(seconds=2)
    max_spacing = timedelta(seconds=30)
    confirm_for = timedelta(minutes=10)
    max_waiting = 100

    @callback
    def async_check(self, report: DeliveryCallback) -> None:
        """Fire a report about one of our SMS; hold any other for smsmode."""
        if (sent := self._memory.lookup(report.sms_id)) is None:
            self._async_wait(report.sms_id, report, dt_util.utcnow())
        elif sent.went_to(report.number) is False:
            LOGGER.debug("A delivery report names a number its SMS did not go to")
            self.counts[REFUSED] += 1
        else:
            self._inbox.async_delivery_report(delivery_report_data(report))

    async def _async_confirm(self, now: datetime) -> int:
        """Read the report of the SMS that waits longest, settle its callbacks."""
        sms_id = next(iter(self._waiting))
        try:
            entries = await self._client.get_delivery_report(sms_id)
        except SmsmodeNotFoundError:
            LOGGER.debug("A delivery report names an SMS smsmode does not know")
            self.counts[REFUSED] += len(self._async_take(sms_id))
            return 0
        statuses = {entry.number: entry.status for entry in entries}
        confirmed = 0
        for report in self._async_take(sms_id):
            if (status := statuses.get(report.number)) is None:
                LOGGER.debug("A delivery report names a number smsmode does not list")
                self.counts[REFUSED] += 1
                continue
            self._inbox.async_delivery_report(
                delivery_report_data(replace(report, status=status))
            )
            self.counts[CONFIRMED] += 1
            confirmed += 1
        if confirmed:
            self._memory.async_sent(sms_id, now, numbers=tuple(statuses))
        return confirmed
