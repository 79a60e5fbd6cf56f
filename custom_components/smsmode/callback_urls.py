"""The URLs each send gives smsmode to call back, and the issues while none is right.

Worked out at each send, not once: a queued SMS gets the URL Home Assistant has
when it finally goes, and an external URL set or Cloud subscribed meanwhile
shows at once.
"""

from urllib.parse import urlsplit

from homeassistant.core import HomeAssistant, callback

from .coordinator import SmsmodeConfigEntry
from .issues import (
    async_clear_callback_url_not_https,
    async_clear_no_external_url,
    async_set_callback_url_not_https,
    async_set_no_external_url,
)
from .webhook import async_callback_url


class SmsmodeCallbackUrls:
    """One account's callback URL, checked, with its repair issues kept in step."""

    def __init__(
        self, hass: HomeAssistant, entry: SmsmodeConfigEntry, *, reports_wanted: bool
    ) -> None:
        """Take whether delivery reports are wanted (the account's options)."""
        self._hass = hass
        self._entry = entry
        self._reports_wanted = reports_wanted

    @callback
    def async_check(self) -> str | None:
        """Return the URL smsmode can call back, and keep the repair issues in step.

        One stands while delivery reports are wanted and there is no such URL
        (replies still come, by polling); it goes as soon as either changes.
        Another stands while the URL is plain `http://` (an external URL without
        TLS): every callback, and the webhook id in its URL, would cross the
        internet in clear.
        """
        url = async_callback_url(self._hass, self._entry.data)
        if url is None and self._reports_wanted:
            async_set_no_external_url(self._hass, self._entry)
        else:
            async_clear_no_external_url(self._hass, self._entry)
        if url is not None and urlsplit(url).scheme.lower() == "http":
            async_set_callback_url_not_https(self._hass, self._entry)
        else:
            async_clear_callback_url_not_https(self._hass, self._entry)
        return url

    @callback
    def async_for_sms(self, *, reply_allowed: bool) -> tuple[str | None, str | None]:
        """Delivery-report and reply URLs, when wanted and smsmode can reach us."""
        if (url := self.async_check()) is None:
            return None, None
        reports = url if self._reports_wanted else None
        return reports, (url if reply_allowed else None)
