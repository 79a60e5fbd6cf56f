"""One POST to smsmode, and what its reply or failure means.

The batch endpoint takes the API key in the query string, like the reference's only
example (`sendSMSBatch.do?accessToken=…`, the CSV file alone in the body); aiohttp
then writes that URL into some of its errors (a connect timeout, a malformed reply,
a body it cannot write). So no aiohttp error leaves this module: each becomes an
`SmsmodeConnectionError` raised outside the `except` block (neither its cause nor
its context holds the original), whose text has the key replaced, and logs show the
URL without its query string.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
import logging
from urllib.parse import quote_plus

import aiohttp
from yarl import URL

from .exceptions import (
    SmsmodeConnectionError,
    SmsmodeRateLimitError,
    SmsmodeResponseError,
)
from .payloads import LATIN9, Fields, urlencode_form

_LOGGER = logging.getLogger(__name__)

REDACTED = "**********"
_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
_BATCH_FILE_FIELD = "fichier"


@dataclass(frozen=True, slots=True)
class Request:
    """What to POST: the query string (already encoded), the body and its headers."""

    path: str
    query: str
    data: aiohttp.FormData | bytes
    headers: Mapping[str, str]


def form_request(path: str, api_key: str, fields: Fields, charset: str) -> Request:
    """Build a request for any endpoint but the batch: key and fields in the body."""
    return Request(
        path,
        "",
        urlencode_form({"accessToken": api_key, **fields}, charset),
        {aiohttp.hdrs.CONTENT_TYPE: _FORM_CONTENT_TYPE},
    )


def batch_request(path: str, api_key: str, fields: Fields, csv_file: bytes) -> Request:
    """Build a batch request as the reference's example has it.

    The key and the other parameters go in the query string, the CSV file
    (ISO-8859-15, like the query) alone in the body.
    """
    query = urlencode_form({"accessToken": api_key, **fields}, LATIN9)
    data = aiohttp.FormData()
    data.add_field(
        _BATCH_FILE_FIELD, csv_file, filename="sms.csv", content_type="text/csv"
    )
    return Request(path, query.decode("ascii"), data, {})


async def post(
    session: aiohttp.ClientSession,
    base_url: str,
    request: Request,
    *,
    secret: str,
    limits: aiohttp.ClientTimeout,
) -> str:
    """POST the request and return the decoded reply body, `secret` removed.

    Connection failures are told apart by whether the request can have reached
    smsmode: a connection never made (DNS, refused, connect timeout)
    cannot, a timeout, a cut or an HTTP 5xx afterwards can (a gateway's 502 or 504
    may come after smsmode took the request).
    """
    url = URL(f"{base_url}{request.path}", encoded=True)
    # No query (the batch key), no proxy's user:password either.
    _LOGGER.debug("POST %s", url.with_user(None))
    if request.query:
        url = URL(f"{url}?{request.query}", encoded=True)
    failure: SmsmodeConnectionError | None = None
    try:
        async with session.post(
            url,
            data=request.data,
            headers=request.headers,
            timeout=limits,
            allow_redirects=False,
        ) as response:
            raw = await response.read()
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as err:
        failure = SmsmodeConnectionError(
            f"Cannot connect to smsmode: {_redact(err, secret)}",
            may_have_been_sent=False,
        )
    except TimeoutError:
        failure = SmsmodeConnectionError(
            "smsmode did not answer in time", may_have_been_sent=True
        )
    except aiohttp.ClientError as err:
        failure = SmsmodeConnectionError(
            f"Connection to smsmode lost: {_redact(err, secret)}",
            may_have_been_sent=True,
        )
    if failure is not None:
        raise failure
    _LOGGER.debug(
        "%s answered HTTP %s, %d bytes", request.path, response.status, len(raw)
    )
    body = _without(_decode(raw, response.charset), secret)
    if response.status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        raise SmsmodeConnectionError(
            f"smsmode answered HTTP {response.status}", may_have_been_sent=True
        )
    if response.status == HTTPStatus.TOO_MANY_REQUESTS:
        raise SmsmodeRateLimitError(_retry_after(response.headers))
    if response.status >= HTTPStatus.MULTIPLE_CHOICES:
        raise SmsmodeResponseError(f"Unexpected HTTP {response.status}", body)
    return body


def _redact(err: Exception, secret: str) -> str:
    """Name an aiohttp error without the key its text may hold (inside a URL)."""
    return _without(f"{type(err).__name__}: {err}", secret)


def _without(text: str, secret: str) -> str:
    """Replace the key, as typed and as percent-encoded in a query string."""
    return text.replace(secret, REDACTED).replace(quote_plus(secret), REDACTED)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Read `Retry-After`: seconds, or an HTTP date; None when absent or unreadable."""
    value = headers.get(aiohttp.hdrs.RETRY_AFTER, "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except TypeError, ValueError:
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _decode(raw: bytes, charset: str | None) -> str:
    """Decode a reply: its declared charset, else UTF-8, else ISO-8859-15."""
    for codec in (charset, "utf-8"):
        if codec:
            try:
                return raw.decode(codec)
            except LookupError, UnicodeDecodeError:
                continue
    return raw.decode(LATIN9)
