"""Delivery-report polling: reports for a Home Assistant that smsmode cannot reach.

Without a URL smsmode can call, an SMS goes without `notification_url` and no
report would ever come back. Such SMS are remembered (in the inbox's store) and
their reports (`compteRendu.do`) read on the polling interval until every
recipient has a final status, or for 48 hours, the longest operators take. Each
status goes to the inbox, which fires the same `smsmode_delivery_report` event
as the webhook would, once per (SMS id, number, status). With nothing pending,
nothing is read. A polled report has no operator code nor cost, and its
`received_at` is when it was read. An SMS whose report cannot be read does not
hold up the others: only smsmode out of reach, busy (HTTP 429, code 50) or
refusing the key ends a round early.
"""

from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import callback

from .api import (
    DeliveryCallback,
    SmsmodeAuthenticationError,
    SmsmodeConnectionError,
    SmsmodeError,
    SmsmodeNotFoundError,
    SmsmodeRateLimitError,
    SmsmodeUnavailableError,
    is_final,
)
from .const import LOGGER, REPORT_WINDOW
from .event_data import delivery_report_data
from .polling import SmsmodePoller

# Errors that say smsmode itself cannot answer now: the round stops there.
_ROUND_ENDING: Final = (
    SmsmodeAuthenticationError,
    SmsmodeConnectionError,
    SmsmodeRateLimitError,
    SmsmodeUnavailableError,
)


class SmsmodeReportPoller(SmsmodePoller):
    """Reads the reports of SMS sent without a callback URL, until final."""

    subject = "smsmode's delivery reports"

    @callback
    def async_sent_without_url(
        self, sms_id: str, when: datetime, ref_client: str | None
    ) -> None:
        """Note an SMS (going out at `when`) whose reports nobody will push.

        With polling off nothing is noted: nothing would ever read it back.
        """
        if self._interval is None:
            return
        self._inbox.async_expect_reports(sms_id, when, ref_client)
        self._async_schedule()

    def next_delay(self, now: datetime) -> timedelta | None:
        """Return the interval while an SMS waits for its reports, else None."""
        if self._interval is None or not self._inbox.pending_reports:
            return None
        return self._interval

    async def _async_read(self, now: datetime) -> None:
        """Read each pending SMS's report; forget those final, old or unknown.

        A report that cannot be read is tried again next round, after the
        others; the round then fails with its error (one warning).
        """
        failed: SmsmodeError | None = None
        for sms_id, (since, ref_client) in self._inbox.pending_reports.items():
            if now - since > REPORT_WINDOW:
                self._inbox.async_reports_done(sms_id)
                continue
            if since > now:  # scheduled: nothing to report yet
                continue
            try:
                entries = await self._client.get_delivery_report(sms_id)
            except SmsmodeNotFoundError:
                LOGGER.debug("smsmode no longer knows %s: reports not polled", sms_id)
                self._inbox.async_reports_done(sms_id)
                continue
            except _ROUND_ENDING:
                raise
            except SmsmodeError as err:
                LOGGER.debug("Cannot read the report of %s now: %s", sms_id, err)
                failed = failed or err
                continue
            for entry in entries:
                self._inbox.async_delivery_report(
                    delivery_report_data(
                        DeliveryCallback(
                            number=entry.number,
                            status=entry.status,
                            received_at=now,
                            sms_id=sms_id,
                            ref_client=ref_client,
                            mcc_mnc=None,
                            cost=None,
                        )
                    )
                )
            if entries and all(is_final(entry.status) for entry in entries):
                self._inbox.async_reports_done(sms_id)
        if failed is not None:
            raise failed
