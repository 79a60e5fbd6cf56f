"""Request parameters read from the raw bytes, the way smsmode reads them.

aiohttp would decode form values as UTF-8; smsmode decodes the message of classes
2 and 4 as ISO-8859-15. So the query string and the body are split and
percent-decoded here into bytes, and each value is decoded only when used: texts
(`message`, `title`) by `classe_msg`, everything else as UTF-8.
"""

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from typing import Final
from urllib.parse import unquote_to_bytes

from .codes import INVALID_PARAMETER, ProviderError
from .text import Alphabet, decode_wire_text

FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded"
MULTIPART_CONTENT_TYPE: Final = "multipart/form-data"
_UNICODE_CLASS: Final = 9


def _split_form(raw: bytes) -> list[tuple[str, bytes]]:
    """Split `a=1&b=%A4` into names and percent-decoded (`+` = space) byte values."""
    pairs = []
    for item in raw.split(b"&"):
        if not item:
            continue
        name, _, value = item.partition(b"=")
        pairs.append(
            (
                unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace"),
                unquote_to_bytes(value.replace(b"+", b" ")),
            )
        )
    return pairs


def _split_multipart(
    content_type: str, body: bytes
) -> tuple[list[tuple[str, bytes]], dict[str, bytes]]:
    """Split a multipart/form-data body into plain fields and file parts (by name)."""
    message = BytesParser(_class=EmailMessage, policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    fields: list[tuple[str, bytes]] = []
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        if part.get_filename() is None:
            fields.append((name, payload))
        else:
            files.setdefault(name, payload)
    return fields, files


@dataclass(frozen=True, slots=True)
class RequestParams:
    """The parameters of one request: query string first, then the body.

    A name given twice keeps its first value, as a servlet's getParameter does.
    An empty value counts as absent.
    """

    values: dict[str, bytes]
    files: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def parse(
        cls,
        method: str,
        query_string: bytes,
        content_type: str,
        body: bytes,
        *,
        body_fields: bool = True,
    ) -> RequestParams:
        """Read the query string and, for POST, a form or multipart body.

        Other body types are ignored, as a servlet ignores them. Without
        `body_fields`, only the files of a multipart body are read: the batch
        endpoint, whose only example has every parameter in the query string.
        """
        pairs = _split_form(query_string)
        files: dict[str, bytes] = {}
        if method == "POST":
            media_type = content_type.split(";", 1)[0].strip().lower()
            if media_type == FORM_CONTENT_TYPE:
                pairs += _split_form(body)
            elif media_type == MULTIPART_CONTENT_TYPE:
                fields, files = _split_multipart(content_type, body)
                if body_fields:
                    pairs += fields
        values: dict[str, bytes] = {}
        for name, value in pairs:
            values.setdefault(name, value)
        return cls(values, files)

    @property
    def alphabet(self) -> Alphabet:
        """How texts are encoded: UTF-8 for `classe_msg=9`, else ISO-8859-15."""
        raw = self.values.get("classe_msg", b"")
        if raw.isdigit() and int(raw) == _UNICODE_CLASS:
            return Alphabet.UNICODE
        return Alphabet.GSM

    def get(self, name: str) -> str | None:
        """Return the decoded value, or None when absent or empty."""
        raw = self.values.get(name)
        if not raw:
            return None
        # One charset per request, as smsmode reads it: every field, not only
        # the text (a group or contact name is ISO-8859-15 too).
        return decode_wire_text(raw, self.alphabet)

    def require(self, name: str) -> str:
        """Return the decoded value; code 35 when absent."""
        value = self.get(name)
        if value is None:
            raise ProviderError(INVALID_PARAMETER)
        return value

    def integer(
        self, name: str, default: int, minimum: int = 0, maximum: int | None = None
    ) -> int:
        """Return a whole number within bounds, the default when absent; else 35."""
        value = self.get(name)
        if value is None:
            return default
        if not value.isascii() or not value.isdigit():
            raise ProviderError(INVALID_PARAMETER)
        number = int(value)
        if number < minimum or (maximum is not None and number > maximum):
            raise ProviderError(INVALID_PARAMETER)
        return number

    def decoded(self) -> dict[str, str]:
        """Every value decoded (files as ISO-8859-15 text), for the request log."""
        result = {name: self.get(name) or "" for name in self.values}
        for name, content in self.files.items():
            result[name] = decode_wire_text(content, Alphabet.GSM)
        return result
