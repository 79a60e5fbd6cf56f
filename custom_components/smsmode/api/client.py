"""Async client of the smsmode HTTP API 1.6: one method per endpoint.

How a request travels is `connection.py`'s. Everything is validated before
sending (see `payloads.py`): a request that would be cut, mangled or refused is not
sent at all.
The client never re-sends on its own: `SmsmodeError.retryable` tells the caller when
doing so is safe, and only the caller knows whether a delay is acceptable.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Unpack

from .connection import SmsmodeConnection
from .const import (
    LIST_DEFAULT_COUNT,
    PATH_ADD_CONTACT,
    PATH_BALANCE,
    PATH_CREATE_API_KEY,
    PATH_CREATE_SUB_ACCOUNT,
    PATH_DELETE_SMS,
    PATH_DELIVERY_REPORT,
    PATH_REPLY_LIST,
    PATH_SEND_BATCH,
    PATH_SEND_SMS,
    PATH_SEND_VOICE,
    PATH_SENT_SMS_LIST,
    PATH_SMS_STATUS,
    PATH_TRANSFER_CREDITS,
    PSEUDO_MAX_LENGTH,
    SENT_LIST_MAX,
    VOICE_LANGUAGES,
)
from .exceptions import SmsmodeEncodingError, SmsmodeValidationError
from .message import MAX_SEGMENTS, Encoding, StopMode, encode_text, non_gsm_characters
from .models import (
    ApiKey,
    BatchMessage,
    DeliveryReportEntry,
    Reply,
    SendResult,
    SentSms,
    SmsStatus,
)
from .parsers import (
    parse_api_key,
    parse_balance,
    parse_delivery_report,
    parse_reply_list,
    parse_sent_sms_list,
    parse_sms_status,
)
from .payloads import (
    LATIN9,
    SubAccountDetails,
    batch_file,
    birth_date_field,
    check_text,
    date_field,
    latin9_text,
    schedule_field,
    send_options,
    sub_account_fields,
)
from .recipients import normalize_each, normalize_number

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date


class SmsmodeClient(SmsmodeConnection):
    """Client of one smsmode account, on a session the caller owns and closes.

    One method per endpoint; how a request travels is `SmsmodeConnection`'s.
    """

    async def create_api_key(self) -> ApiKey:
        """Create a further API key for the account (API 2.0, JSON reply)."""
        return parse_api_key(await self._request(PATH_CREATE_API_KEY, {}))

    async def send_sms(
        self,
        message: str,
        recipients: Sequence[str] = (),
        *,
        group: str | None = None,
        encoding: Encoding | None = None,
        reply_allowed: bool = False,
        sender: str | None = None,
        scheduled_at: datetime | None = None,
        ref_client: str | None = None,
        max_segments: int = MAX_SEGMENTS,
        stop: StopMode = StopMode.NONE,
        notification_url: str | None = None,
        reply_notification_url: str | None = None,
        now: datetime | None = None,
    ) -> SendResult:
        """Send one SMS to numbers or to a contact group, in one request.

        The encoding is GSM when every character allows it, else Unicode (class 9),
        unless given. A text whose estimate (STOP included) needs more than
        `max_segments` SMS is refused, never cut; `nbr_msg` carries that cap, and
        the result the estimate. With `reply_allowed` (class 4) the text must be GSM
        and no sender can be set.
        """
        numbers = self._recipients(recipients, group)
        analysis = check_text(
            message,
            encoding=encoding,
            stop=stop,
            reply_allowed=reply_allowed,
            max_segments=max_segments,
        )
        fields = {
            "message": encode_text(message, analysis.encoding),
            "numero": ",".join(numbers) or None,
            "groupe": group,
            "stop": str(int(stop)) if stop else None,
            "notification_url_reponse": reply_notification_url,
            **send_options(
                analysis,
                max_segments=max_segments,
                reply_allowed=reply_allowed,
                sender=sender,
                scheduled_at=scheduled_at,
                ref_client=ref_client,
                notification_url=notification_url,
                now=now,
            ),
        }
        charset = "utf-8" if analysis.encoding is Encoding.UNICODE else LATIN9
        sms_id = await self._send(PATH_SEND_SMS, fields, charset=charset)
        return SendResult(
            sms_id, tuple(numbers), analysis.segments, analysis.encoding, analysis.units
        )

    async def send_voice_message(
        self,
        message: str,
        recipients: Sequence[str],
        *,
        title: str | None = None,
        scheduled_at: datetime | None = None,
        language: str | None = None,
        now: datetime | None = None,
    ) -> SendResult:
        """Send a text-to-speech call (1 credit per recipient).

        The text (and title) travel as ISO-8859-15, like SMS of class 2: any French
        text fits, characters outside it are refused rather than read as "?".
        """
        numbers = self._recipients(recipients, None)
        if not message:
            raise SmsmodeValidationError("empty_message", "The message is empty")
        if language is not None and language not in VOICE_LANGUAGES.values():
            raise SmsmodeValidationError(
                "invalid_language",
                f"Language must be one of {sorted(VOICE_LANGUAGES.values())}",
            )
        fields = {
            "message": latin9_text(message),
            "numero": ",".join(numbers),
            "title": latin9_text(title) if title else None,
            "date_envoi": schedule_field(scheduled_at, now),
            "language": language,
        }
        sms_id = await self._send(PATH_SEND_VOICE, fields)
        return SendResult(sms_id, tuple(numbers), 1, None, len(message))

    async def send_batch(
        self,
        messages: Sequence[BatchMessage],
        *,
        reply_allowed: bool = False,
        sender: str | None = None,
        scheduled_at: datetime | None = None,
        ref_client: str | None = None,
        max_segments: int = MAX_SEGMENTS,
        notification_url: str | None = None,
        now: datetime | None = None,
    ) -> SendResult:
        """Send one personalised SMS per row, as one CSV file (campaign id returned).

        The file is ISO-8859-15, so every text must be GSM. Each row is checked
        against `max_segments` (`nbr_msg`, the cap); the result reports the longest
        row's estimate. Rows are kept as given (one SMS per row, even for a number
        listed twice).
        """
        if not messages:
            raise SmsmodeValidationError("invalid_recipients", "No message to send")
        numbers = normalize_each((row.number for row in messages), self._region)
        non_gsm = non_gsm_characters("".join(row.message for row in messages))
        if non_gsm:
            raise SmsmodeEncodingError(non_gsm)
        longest = max(
            (
                check_text(
                    row.message,
                    encoding=Encoding.GSM7,
                    stop=StopMode.NONE,
                    reply_allowed=reply_allowed,
                    max_segments=max_segments,
                )
                for row in messages
            ),
            key=lambda analysis: analysis.units,
        )
        csv_file = batch_file(numbers, messages, reply_allowed=reply_allowed)
        fields = send_options(
            longest,
            max_segments=max_segments,
            reply_allowed=reply_allowed,
            sender=sender,
            scheduled_at=scheduled_at,
            ref_client=ref_client,
            notification_url=notification_url,
            now=now,
        )
        campaign_id = await self._send(PATH_SEND_BATCH, fields, csv_file=csv_file)
        return SendResult(
            campaign_id, tuple(numbers), longest.segments, Encoding.GSM7, longest.units
        )

    async def get_delivery_report(self, sms_id: str) -> list[DeliveryReportEntry]:
        """Per-recipient statuses of an SMS sent in the last 30 days."""
        body = await self._request(PATH_DELIVERY_REPORT, {"smsID": sms_id})
        return parse_delivery_report(body)

    async def get_balance(self) -> float:
        """Remaining credits (negative on post-paid accounts)."""
        return parse_balance(await self._request(PATH_BALANCE, {}))

    async def get_sms_status(self, sms_id: str) -> SmsStatus:
        """Status of an SMS (of the campaign when it had several recipients)."""
        return parse_sms_status(await self._request(PATH_SMS_STATUS, {"smsID": sms_id}))

    async def list_sent_sms(
        self, *, start: int = 0, count: int = LIST_DEFAULT_COUNT
    ) -> list[SentSms]:
        """Sent SMS, newest first: `count` (at most 10000) from index `start`."""
        if start < 0 or not 0 < count <= SENT_LIST_MAX:
            raise SmsmodeValidationError(
                "invalid_range", f"start must be >= 0 and count 1 to {SENT_LIST_MAX}"
            )
        body = await self._request(
            PATH_SENT_SMS_LIST, {"start": str(start), "offset": str(count)}
        )
        return parse_sent_sms_list(body)

    async def list_replies(
        self,
        *,
        start: int | None = None,
        count: int | None = None,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
    ) -> list[Reply]:
        """Inbound replies, by page from the newest or between two dates.

        smsmode takes one or the other, and both dates together: anything else is
        refused here. Without arguments, its default (the 50 newest).
        """
        paging = start is not None or count is not None
        dates = start_date is not None or end_date is not None
        if (
            (paging and dates)
            or (dates and (start_date is None or end_date is None))
            or (start is not None and start < 0)
            or (count is not None and count < 1)
        ):
            raise SmsmodeValidationError(
                "invalid_range",
                "Give start/count, or start_date and end_date together, not both",
            )
        fields = {
            "start": None if start is None else str(start),
            "offset": None if count is None else str(count),
            "startDate": date_field(start_date),
            "endDate": date_field(end_date),
        }
        return parse_reply_list(await self._request(PATH_REPLY_LIST, fields))

    async def delete_sms(
        self, *, sms_id: str | None = None, number: str | None = None
    ) -> None:
        """Delete an SMS (scheduled ones too) by id, or the newest sent to a number."""
        if (sms_id is None) == (number is None):
            raise SmsmodeValidationError(
                "invalid_value", "Give either an SMS id or a number"
            )
        fields = {
            "smsID": sms_id,
            "numero": None
            if number is None
            else normalize_number(number, self._region),
        }
        await self._command(PATH_DELETE_SMS, fields)

    async def add_contact(
        self,
        last_name: str,
        mobile: str,
        *,
        first_name: str | None = None,
        groups: Iterable[str] = (),
        company: str | None = None,
        other: str | None = None,
        birth_date: date | None = None,
    ) -> None:
        """Add a contact to the address book; missing groups are created."""
        group_names = list(groups)
        if any("," in name or not name.strip() for name in group_names):
            raise SmsmodeValidationError(
                "invalid_value", "Group names must be non-empty and without commas"
            )
        fields = {
            "nom": last_name,
            "mobile": normalize_number(mobile, self._region),
            "prenom": first_name,
            "groupes": ",".join(group_names) or None,
            "societe": company,
            "other": other,
            "date": birth_date_field(birth_date),
        }
        await self._command(PATH_ADD_CONTACT, fields)

    async def transfer_credits(
        self, target: str, amount: int, *, reference: str | None = None
    ) -> None:
        """Transfer whole credits to another account (sub-account or parent)."""
        if isinstance(amount, bool) or amount <= 0:
            raise SmsmodeValidationError(
                "invalid_amount", "The amount must be a positive whole number"
            )
        fields = {
            "targetPseudo": target,
            "creditAmount": str(amount),
            "reference": reference,
        }
        await self._command(PATH_TRANSFER_CREDITS, fields)

    async def create_sub_account(
        self,
        pseudo: str,
        password: str,
        *,
        birth_date: date | None = None,
        **details: Unpack[SubAccountDetails],
    ) -> None:
        """Create a sub-account (identifier of at most 50 characters)."""
        if not 0 < len(pseudo) <= PSEUDO_MAX_LENGTH or not password:
            raise SmsmodeValidationError(
                "invalid_value",
                f"The identifier must be 1 to {PSEUDO_MAX_LENGTH} characters, "
                "with a password",
            )
        fields = {
            "newPseudo": pseudo,
            "newPass": password,
            "date": birth_date_field(birth_date),
            **sub_account_fields(details),
        }
        await self._command(PATH_CREATE_SUB_ACCOUNT, fields)
