"""The per-message fields the notify `data` and the services share (public names).

Validated here once, so `notify.smsmode` and `smsmode.send_sms` take the same
options in the same spellings.
"""

from typing import Any, Final

from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .api import MAX_SEGMENTS, VOICE_LANGUAGES, Encoding
from .const import PRIORITY_CRITICAL, PRIORITY_NORMAL, STOP_OPTIONS

ATTR_GROUP: Final = "group"
ATTR_SENDER: Final = "sender"
ATTR_SCHEDULED_AT: Final = "scheduled_at"
ATTR_REPLY_ALLOWED: Final = "reply_allowed"
ATTR_ENCODING: Final = "encoding"
ATTR_STOP: Final = "stop"
ATTR_REF_CLIENT: Final = "ref_client"
ATTR_MAX_SEGMENTS: Final = "max_segments"
ATTR_LANGUAGE: Final = "language"
ATTR_PRIORITY: Final = "priority"

# What a caller may ask for one message; "auto" lets the text decide.
ENCODING_AUTO: Final = "auto"
ENCODING_CHOICES: Final = (ENCODING_AUTO, Encoding.GSM7.value, Encoding.UNICODE.value)
# A voice language, turned into smsmode's spelling. Both are taken: the selector's
# keys (fr_fr) and smsmode's own spelling (fr-FR), which existing YAML may use.
_VOICE_LANGUAGE_SPELLINGS: Final = {
    **VOICE_LANGUAGES,
    **{spelling: spelling for spelling in VOICE_LANGUAGES.values()},
}
VOICE_LANGUAGE: Final = vol.All(
    vol.In(_VOICE_LANGUAGE_SPELLINGS), _VOICE_LANGUAGE_SPELLINGS.__getitem__
)

# Validators of the per-message options, for the notify `data` and the services.
SMS_OPTION_FIELDS: Final[dict[vol.Marker, Any]] = {
    vol.Optional(ATTR_GROUP): cv.string,
    vol.Optional(ATTR_SENDER): cv.string,
    vol.Optional(ATTR_SCHEDULED_AT): cv.datetime,
    vol.Optional(ATTR_REPLY_ALLOWED): cv.boolean,
    vol.Optional(ATTR_ENCODING): vol.In(ENCODING_CHOICES),
    vol.Optional(ATTR_STOP): vol.All(vol.In(STOP_OPTIONS), STOP_OPTIONS.__getitem__),
    vol.Optional(ATTR_REF_CLIENT): cv.string,
    vol.Optional(ATTR_MAX_SEGMENTS): vol.All(
        vol.Coerce(int), vol.Range(min=1, max=MAX_SEGMENTS)
    ),
    vol.Optional(ATTR_PRIORITY): vol.In((PRIORITY_NORMAL, PRIORITY_CRITICAL)),
}
SMS_OPTION_KEYS: Final = frozenset(str(marker) for marker in SMS_OPTION_FIELDS)
