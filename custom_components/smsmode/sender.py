"""The account's sender: every SMS, voice call and batch goes through it.

One object per loaded account (in its runtime data), so a reader follows one
send in one place: the options fill in what the caller left out
(request.py), numbers are normalised in the executor, the callback URLs are
worked out (callback_urls.py), the client sends, and what smsmode cannot take
now goes to the outbox, which calls back `async_deliver` when it retries. After
a send, the sender follows it: replies and delivery reports expected, the
balance read.
"""

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Context, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .api import (
    DEFAULT_REGION,
    BatchMessage,
    SendResult,
    SmsmodeClient,
    SmsmodeError,
    analyse,
    gsm_replace,
    normalize_each,
)
from .callback_urls import SmsmodeCallbackUrls
from .const import DOMAIN, LOGGER, EncodingPolicy
from .coordinator import SmsmodeBalanceCoordinator, SmsmodeConfigEntry
from .errors import translate_errors
from .outbox import OutboxClosedError, SmsmodeOutbox
from .outbox_store import QueuedSms
from .outgoing import OutgoingSms, is_queueable
from .quiet_hours import async_fire_scheduled
from .reactions import async_react
from .reply_poller import SmsmodeReplyPoller
from .report_poller import SmsmodeReportPoller
from .request import (
    AccountOptions,
    SmsRequest,
    as_aware,
    async_normalize_numbers,
    compose,
    split_numbers,
)
from .send_plan import SmsOutcome, SmsPlan, plan_sms
from .sent_memory import SmsmodeSentMemory
from .spend_control import SpendControl


class SmsmodeSender:
    """Sends for one account, queues what cannot go now, follows what went."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SmsmodeConfigEntry,
        client: SmsmodeClient,
        *,
        coordinator: SmsmodeBalanceCoordinator,
        reply_poller: SmsmodeReplyPoller,
        report_poller: SmsmodeReportPoller,
        memory: SmsmodeSentMemory,
    ) -> None:
        """Take the account's parts; the outbox is the sender's own."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._coordinator = coordinator
        self._reply_poller = reply_poller
        self._report_poller = report_poller
        self._memory = memory
        self._options = AccountOptions(entry.options)
        self.outbox = SmsmodeOutbox(hass, entry, client, self)
        self.spend = SpendControl(hass, entry, self._options)
        self.callback_urls = SmsmodeCallbackUrls(
            hass, entry, reports_wanted=self._options.reports_wanted
        )
        # Unloaded: a send still under way gets its answer, nothing follows it.
        self._closed = False

    @callback
    def async_close(self) -> None:
        """Stop following sends (the entry is unloading; its pollers are shut)."""
        self._closed = True

    def _translated(self) -> AbstractContextManager[None]:
        """Translate a client error, after the account reacted to it."""
        return translate_errors(self._hass, self._entry, self._coordinator)

    @callback
    def async_react(self, err: SmsmodeError) -> None:
        """Apply what a client error means for the account (reauth, issues)."""
        async_react(self._hass, self._entry, self._coordinator, err)

    async def async_preview_sms(self, request: SmsRequest) -> SmsPlan:
        """Work out a send as `async_send_sms` would, and send nothing.

        Invalid numbers are listed in the plan rather than refused.
        """
        valid, invalid = await self._hass.async_add_executor_job(
            split_numbers, list(request.recipients)
        )
        return plan_sms(
            self._options, request, valid, invalid=invalid, now=dt_util.utcnow()
        )

    async def async_send_sms(
        self, request: SmsRequest, *, context: Context | None = None
    ) -> SmsOutcome:
        """Send one SMS to all its recipients in one request, options as defaults.

        Budgets and the runaway guard act first (critical SMS pass them): what
        they hold back is neither sent nor queued. With the outbox on, the SMS
        goes after those queued before it, and what smsmode cannot take now is
        queued and returned instead: the automation goes on, the outbox sends it
        later, once. The turn is taken before anything is awaited: concurrent
        sends keep the order they were asked in.
        """
        outbox = self.outbox
        async with outbox.turn:
            with self._translated():
                numbers = await async_normalize_numbers(self._hass, request.recipients)
                plan = plan_sms(self._options, request, numbers, now=dt_util.utcnow())
                plan, held = self.spend.admit(plan, context)
                if held and not plan.sms.numbers:
                    return SmsOutcome(plan, None, held)
                result = await self._async_send_now_or_queue(plan.sms)
                self.spend.async_went(plan)
        if plan.quiet_until is not None:
            async_fire_scheduled(self._hass, self._entry.entry_id, plan.sms, result)
        return SmsOutcome(plan, result, held)

    async def _async_send_now_or_queue(
        self, sms: OutgoingSms
    ) -> SendResult | QueuedSms:
        """Send now, or behind the queued SMS; queue what smsmode cannot take now."""
        outbox = self.outbox
        try:
            if outbox.enabled and (len(outbox) or not outbox.closed):
                return await self._async_send_in_turn(sms)
            return await self.async_deliver(sms)
        except SmsmodeError as err:
            # A reload meanwhile gives the entry a new outbox: that one takes it.
            current = self._live_outbox()
            if current is None or not (
                current.enabled and not current.closed and is_queueable(err)
            ):
                raise
            return await current.async_enqueue(sms, err)

    def _live_outbox(self) -> SmsmodeOutbox | None:
        """Return the outbox of the account as loaded now (a reload's new one)."""
        if self._entry.state is not ConfigEntryState.LOADED:
            return None
        return self._entry.runtime_data.sender.outbox

    async def _async_send_in_turn(self, sms: OutgoingSms) -> SendResult | QueuedSms:
        """Send behind the queued SMS, or fail in the open during an unload.

        An outbox unloaded with SMS queued hands them, through the store, to the
        outbox the next setup loads; a new SMS cannot go out ahead of them, nor
        be queued in a store this outbox no longer writes.
        """
        try:
            return await self.outbox.async_send_in_turn(sms)
        except OutboxClosedError:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="account_unloading"
            ) from None

    async def async_deliver(self, sms: OutgoingSms) -> SendResult:
        """Send one prepared SMS now; a failure is the client's `SmsmodeError`.

        The callback URLs are worked out now: a queued message gets the URL Home
        Assistant has when it finally goes.
        """
        notification_url, reply_url = self.callback_urls.async_for_sms(
            reply_allowed=sms.reply_allowed
        )
        result = await self._client.send_sms(
            sms.text,
            sms.numbers,
            group=sms.group,
            encoding=sms.encoding,
            reply_allowed=sms.reply_allowed,
            sender=sms.sender,
            scheduled_at=sms.scheduled_at,
            ref_client=sms.ref_client,
            max_segments=sms.max_segments,
            stop=sms.stop,
            notification_url=notification_url,
            reply_notification_url=reply_url,
            now=dt_util.utcnow(),
        )
        # smsmode lists it from now on: no queued SMS may take it for itself.
        self.outbox.async_claim(result.sms_id, sms.group)
        self.spend.budget.async_count(result.segments * max(1, len(result.recipients)))
        self._async_sent(
            result.sms_id,
            len(result.recipients),
            numbers=None if sms.group else sms.numbers,
            message=sms.text,
            reply_allowed=sms.reply_allowed,
            scheduled_at=sms.scheduled_at,
            poll_reports=notification_url is None and self._options.reports_wanted,
            ref_client=sms.ref_client,
        )
        return result

    @callback
    def async_follow_up(self, sms: OutgoingSms, sms_id: str) -> None:
        """Follow a queued SMS found in the sent list: it went, its answer was lost.

        As after a direct send, except that which callback URL the lost attempt
        carried is not known: when delivery reports are wanted they are polled,
        and the inbox fires each once if callbacks come too.
        """
        segments = analyse(sms.text, encoding=sms.encoding, stop=sms.stop).segments
        self.spend.budget.async_count(segments * max(1, len(sms.numbers)))
        self._async_sent(
            sms_id,
            len(sms.numbers),
            numbers=None if sms.group else sms.numbers,
            message=sms.text,
            reply_allowed=sms.reply_allowed,
            scheduled_at=sms.scheduled_at,
            poll_reports=self._options.reports_wanted,
            ref_client=sms.ref_client,
        )

    async def async_send_voice(
        self,
        message: str,
        recipients: Sequence[str],
        *,
        title: str | None = None,
        voice_title: str | None = None,
        scheduled_at: datetime | None = None,
        language: str | None = None,
    ) -> SendResult:
        """Send a text-to-speech call; `voice_title` is what smsmode reads first."""
        with self._translated():
            numbers = await async_normalize_numbers(self._hass, recipients)
            result = await self._client.send_voice_message(
                compose(message, title),
                numbers,
                title=voice_title or None,
                scheduled_at=as_aware(scheduled_at) if scheduled_at else None,
                language=language,
                now=dt_util.utcnow(),
            )
        self._async_sent(result.sms_id, len(result.recipients), numbers=tuple(numbers))
        return result

    async def async_send_batch(
        self, rows: Sequence[BatchMessage], *, scheduled_at: datetime | None = None
    ) -> SendResult:
        """Send one personalised SMS per row in one sendSMSBatch request.

        Batch files are GSM only: gsm_replace fixes each text, any other policy
        lets the client list what GSM cannot carry.
        """
        if self._options.policy is EncodingPolicy.GSM_REPLACE:
            rows = [replace(row, message=gsm_replace(row.message)) for row in rows]
        reply_allowed = self._options.reply_allowed(None)
        when = as_aware(scheduled_at) if scheduled_at else None
        with self._translated():
            numbers = await self._hass.async_add_executor_job(
                normalize_each, [row.number for row in rows], DEFAULT_REGION
            )
            rows = [
                replace(row, number=number)
                for row, number in zip(rows, numbers, strict=True)
            ]
            notification_url, _ = self.callback_urls.async_for_sms(reply_allowed=False)
            result = await self._client.send_batch(
                rows,
                reply_allowed=reply_allowed,
                sender=self._options.sender(None, reply_allowed=reply_allowed),
                scheduled_at=when,
                max_segments=self._options.max_segments(None),
                notification_url=notification_url,
                now=dt_util.utcnow(),
            )
        self._async_sent(
            result.sms_id,
            len(result.recipients),
            numbers=tuple(row.number for row in rows),
            reply_allowed=reply_allowed,
            scheduled_at=when,
            poll_reports=notification_url is None and self._options.reports_wanted,
        )
        return result

    @callback
    def _async_sent(
        self,
        sms_id: str,
        recipients: int,
        *,
        numbers: tuple[str, ...] | None,
        message: str | None = None,
        reply_allowed: bool = False,
        scheduled_at: datetime | None = None,
        poll_reports: bool = False,
        ref_client: str | None = None,
    ) -> None:
        """Log the send (no number), remember it, expect replies and reports.

        It is remembered (sent_memory.py) so that its delivery reports are
        believed and its replies linked to it; then the balance is read.
        Replies to a reply-allowed SMS are expected from when it goes out: reply
        polling reads the list more often for a while from then on. An SMS that
        went without a callback URL while delivery reports are wanted
        (`poll_reports`) has its reports polled instead.
        """
        LOGGER.debug("smsmode accepted %s for %d recipient(s)", sms_id, recipients)
        if self._closed:
            return  # unloaded while smsmode answered: nothing left to follow it
        now = dt_util.utcnow()
        goes_at = max(now, scheduled_at) if scheduled_at else now
        self._memory.async_sent(
            sms_id,
            goes_at,
            numbers=numbers,
            message=message,
            ref_client=ref_client,
            reply_allowed=reply_allowed,
        )
        if reply_allowed:
            self._reply_poller.async_reply_allowed_sent(goes_at)
        if poll_reports:
            self._report_poller.async_sent_without_url(sms_id, goes_at, ref_client)
        self._coordinator.async_send_accepted()
        # The balance is read again in the background: the caller does not wait
        # for a second round trip.
        self._entry.async_create_task(
            self._hass,
            self._coordinator.async_request_refresh(),
            "smsmode balance after a send",
        )
