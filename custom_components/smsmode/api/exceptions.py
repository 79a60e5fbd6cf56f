"""The one exception tree of the smsmode client.

Callers catch `SmsmodeError` and look at `retryable` to know whether sending the same
request again is safe: it is only when nothing can have been accepted by smsmode, so a
retry never makes a recipient receive the same SMS twice. Retrying is left to the
caller (the client never re-sends on its own): only the caller knows whether a delay is
acceptable. No message of this module ever contains the API key: the client never hands
it to an exception, and it removes it from any reply body before parsing.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

EXCERPT_LENGTH = 80


class SmsmodeError(Exception):
    """Anything that went wrong while talking to smsmode.

    `code` is the provider's code when smsmode gave one, `description` its text (or
    ours when the failure happened before or around the exchange).
    """

    def __init__(self, description: str, *, code: int | None = None) -> None:
        """Keep the code and description apart so callers need not parse `str()`."""
        super().__init__(description)
        self.code = code
        self.description = description

    @property
    def retryable(self) -> bool:
        """Whether the same request may be sent again without risk of duplicates."""
        return False


class SmsmodeConnectionError(SmsmodeError):
    """smsmode could not be reached, or did not answer (DNS, refused, timeout, 5xx).

    `may_have_been_sent` is False only when the request cannot have been accepted:
    the connection was never established. A timeout, a connection cut or an HTTP
    5xx after the request was written leaves the outcome unknown (a proxy's 502 or
    504 can come after smsmode accepted it): never re-send it blindly.
    """

    def __init__(self, description: str, *, may_have_been_sent: bool) -> None:
        """Record whether the request may have reached smsmode."""
        super().__init__(description)
        self.may_have_been_sent = may_have_been_sent

    @property
    def retryable(self) -> bool:
        """Only a request that cannot have been accepted is safe to send again."""
        return not self.may_have_been_sent


class SmsmodeRateLimitError(SmsmodeError):
    """smsmode (or a proxy in front of it) refused the request: HTTP 429.

    Nothing was carried out, so the request may be sent again, after
    `retry_after` seconds when the reply said how long (`Retry-After`).
    """

    def __init__(self, retry_after: float | None) -> None:
        """Keep how long smsmode asked to wait, when it said."""
        super().__init__("smsmode asked to slow down (HTTP 429)")
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """A refused request was not carried out: it may be sent again, later."""
        return True


class SmsmodeResponseError(SmsmodeError):
    """The reply was not in the format the endpoint documents.

    The outcome of a send is then unknown, so this is never retryable. `excerpt` holds
    the start of the body to help diagnose it.
    """

    def __init__(self, description: str, body: str) -> None:
        """Keep a short excerpt of the body: enough to diagnose, not a whole page."""
        self.excerpt = (
            body if len(body) <= EXCERPT_LENGTH else f"{body[:EXCERPT_LENGTH]}…"
        )
        super().__init__(f"{description}: {self.excerpt!r}")


class SmsmodeCallbackError(SmsmodeResponseError):
    """A callback that is not smsmode's: `field`, one that identifies it, is not valid.

    `kind` is `delivery` or `reply`, `field` smsmode's parameter name (`smsID`);
    `reason` joins them as a stable slug (`delivery_smsid`). Only parameter names
    are quoted: values come from anyone who knows the URL, and may hold a number.
    """

    def __init__(self, kind: str, field: str, names: Iterable[str]) -> None:
        """Name the kind and the first identifying field that failed."""
        super().__init__(f"Invalid {kind} callback ({field})", ", ".join(sorted(names)))
        self.kind = kind
        self.field = field

    @property
    def reason(self) -> str:
        """The refusal's slug: kind and field, lower case (`reply_emetteur`)."""
        return f"{self.kind}_{self.field.lower()}"


class SmsmodeApiError(SmsmodeError):
    """smsmode answered with a code other than 0 (the request was refused)."""

    def __init__(self, code: int, description: str) -> None:
        """Carry the provider's code and its own description."""
        super().__init__(description, code=code)

    def __str__(self) -> str:
        """Show the code too: the descriptions are short French sentences."""
        return f"smsmode error {self.code}: {self.description}"


class SmsmodeInternalError(SmsmodeApiError):
    """Code 31: internal error at smsmode."""


class SmsmodeAuthenticationError(SmsmodeApiError):
    """Code 32: the API key was refused."""


class SmsmodeInsufficientCreditsError(SmsmodeApiError):
    """Code 33: not enough credits on the account."""


class SmsmodeInvalidParameterError(SmsmodeApiError):
    """Code 35: a mandatory parameter is missing or incorrect."""


class SmsmodeIdentifierError(SmsmodeApiError):
    """Code 41: the sub-account already exists, or the transfer target does not."""


class SmsmodeUnavailableError(SmsmodeApiError):
    """Code 50: smsmode is temporarily unavailable and accepted nothing."""

    @property
    def retryable(self) -> bool:
        """Nothing was accepted, so sending again later is safe."""
        return True


class SmsmodeNotFoundError(SmsmodeApiError):
    """Code 61: the SMS does not exist (any more)."""


_API_ERRORS: dict[int, type[SmsmodeApiError]] = {
    31: SmsmodeInternalError,
    32: SmsmodeAuthenticationError,
    33: SmsmodeInsufficientCreditsError,
    35: SmsmodeInvalidParameterError,
    41: SmsmodeIdentifierError,
    50: SmsmodeUnavailableError,
    61: SmsmodeNotFoundError,
}


def api_error(code: int, description: str) -> SmsmodeApiError:
    """Build the exception matching a provider code (the base class for others)."""
    return _API_ERRORS.get(code, SmsmodeApiError)(code, description)


class SmsmodeValidationError(SmsmodeError):
    """The request was refused before sending: nothing was sent.

    `reason` is a stable slug a user interface can translate, e.g. `invalid_number`,
    `invalid_sender`, `sender_with_reply`, `invalid_ref_client`, `message_too_long`,
    `non_gsm_characters`, `reply_requires_gsm`, `naive_datetime`, `past_datetime`,
    `ambiguous_datetime`, `batch_row_line_break`,
    `empty_message`, `invalid_recipients`, `invalid_max_segments`, `invalid_language`,
    `invalid_range`, `invalid_amount`, `invalid_value`.
    """

    def __init__(self, reason: str, description: str) -> None:
        """Keep the slug next to the human-readable description."""
        super().__init__(description)
        self.reason = reason


class SmsmodeInvalidNumberError(SmsmodeValidationError):
    """One or more phone numbers are not valid; `numbers` lists every offender."""

    def __init__(self, numbers: Iterable[str]) -> None:
        """List the offending numbers as the user typed them."""
        self.numbers = tuple(numbers)
        super().__init__(
            "invalid_number", f"Invalid phone number(s): {', '.join(self.numbers)}"
        )


class SmsmodeInvalidSenderError(SmsmodeValidationError):
    """The custom sender (`emetteur`) is not allowed."""


class SmsmodeMessageTooLongError(SmsmodeValidationError):
    """The text needs more SMS than allowed; smsmode would cut it, so it is refused."""

    def __init__(
        self, *, units: int, segments: int, max_segments: int, encoding: str
    ) -> None:
        """Say how long the text is and what the limit was."""
        self.units = units
        self.segments = segments
        self.max_segments = max_segments
        self.encoding = encoding
        super().__init__(
            "message_too_long",
            f"Message needs {segments} SMS ({units} {encoding} characters), "
            f"more than the {max_segments} allowed",
        )


class SmsmodeBatchRowError(SmsmodeValidationError):
    """A batch row smsmode may not read as meant; `row` is its number, from 1.

    Only a text with a line break so far: the reference does not say how smsmode
    parses a CSV field over several lines.
    """

    def __init__(self, row: int) -> None:
        """Name the row as the caller listed it."""
        self.row = row
        super().__init__(
            "batch_row_line_break", f"Row {row} of the batch holds a line break"
        )


class SmsmodeEncodingError(SmsmodeValidationError):
    """Characters that cannot be sent with the required encoding (`characters`)."""

    def __init__(
        self,
        characters: Iterable[str],
        *,
        reason: str = "non_gsm_characters",
        description: str = "Characters not in the GSM set",
    ) -> None:
        """List the offending characters (quoted, so invisible ones show up)."""
        self.characters = tuple(characters)
        listed = " ".join(repr(char) for char in self.characters)
        super().__init__(reason, f"{description}: {listed}" if listed else description)


class SmsmodeInvalidScheduleError(SmsmodeValidationError):
    """The scheduled time is naive (no time zone), ambiguous in Paris, or past."""
