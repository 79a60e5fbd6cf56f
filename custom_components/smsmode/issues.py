"""Repair issues the integration raises, and clears once the cause is gone."""

from collections.abc import Collection

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import (
    DOMAIN,
    ISSUE_ASSIST_STOPPED,
    ISSUE_CALLBACK_URL_NOT_HTTPS,
    ISSUE_CALLBACKS_REFUSED,
    ISSUE_DAILY_LIMIT,
    ISSUE_INSUFFICIENT_CREDITS,
    ISSUE_LOW_CREDIT,
    ISSUE_MONTHLY_LIMIT,
    ISSUE_NO_EXTERNAL_URL,
    ISSUE_OUTBOX_STUCK,
    ISSUE_OUTBOX_UNREADABLE,
    ISSUE_SENDS_SUPPRESSED,
)

# Home Assistant's page on reaching it from the internet (external URL, Cloud).
REMOTE_ACCESS_DOCS = "https://www.home-assistant.io/docs/configuration/remote/"


def _issue_id(kind: str, entry: ConfigEntry, subject: str | None = None) -> str:
    """Name an entry's issue; `subject` tells apart those of one kind (recipients)."""
    return f"{kind}_{entry.entry_id}" + (f"_{subject}" if subject else "")


@callback
def _async_create_issue(
    hass: HomeAssistant,
    entry: ConfigEntry,
    *,
    translation_key: str,
    severity: ir.IssueSeverity,
    persistent: bool = False,
    learn_more_url: str | None = None,
    subject: str | None = None,
    **placeholders: str,
) -> None:
    """Raise one of the entry's issues, named by its title: none is fixable here."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(translation_key, entry, subject),
        is_fixable=False,
        is_persistent=persistent,
        severity=severity,
        translation_key=translation_key,
        translation_placeholders={"title": entry.title, **placeholders},
        learn_more_url=learn_more_url,
    )


@callback
def async_set_low_credit(
    hass: HomeAssistant, entry: ConfigEntry, balance: float
) -> None:
    """Raise the low-credit issue: the balance is below the option's threshold."""
    _async_create_issue(
        hass,
        entry,
        translation_key=ISSUE_LOW_CREDIT,
        severity=ir.IssueSeverity.WARNING,
        balance=f"{balance:g}",
    )


@callback
def async_set_insufficient_credits(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Raise the out-of-credit issue: smsmode refused a send (code 33)."""
    _async_create_issue(
        hass,
        entry,
        translation_key=ISSUE_INSUFFICIENT_CREDITS,
        severity=ir.IssueSeverity.ERROR,
    )


@callback
def _async_delete_issue(
    hass: HomeAssistant, entry: ConfigEntry, kind: str, subject: str | None = None
) -> None:
    ir.async_delete_issue(hass, DOMAIN, _issue_id(kind, entry, subject))


@callback
def has_insufficient_credits(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Tell whether the out-of-credit issue is up (it outlives a reload)."""
    issue_id = _issue_id(ISSUE_INSUFFICIENT_CREDITS, entry)
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None


@callback
def async_clear_insufficient_credits(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Clear the out-of-credit issue (a send went through, or credits were added)."""
    _async_delete_issue(hass, entry, ISSUE_INSUFFICIENT_CREDITS)


@callback
def async_clear_low_credit(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Clear the low-credit issue (the balance is back above the threshold)."""
    _async_delete_issue(hass, entry, ISSUE_LOW_CREDIT)


@callback
def async_set_no_external_url(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Explain that smsmode cannot reach Home Assistant to call back."""
    _async_create_issue(
        hass,
        entry,
        translation_key=ISSUE_NO_EXTERNAL_URL,
        severity=ir.IssueSeverity.WARNING,
        learn_more_url=REMOTE_ACCESS_DOCS,
    )


@callback
def async_clear_no_external_url(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Clear the no-external-URL issue."""
    _async_delete_issue(hass, entry, ISSUE_NO_EXTERNAL_URL)


@callback
def async_set_callback_url_not_https(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Say that smsmode would call back over plain HTTP, webhook id in clear.

    The URL itself is not shown: it holds the secret id.
    """
    _async_create_issue(
        hass,
        entry,
        translation_key=ISSUE_CALLBACK_URL_NOT_HTTPS,
        severity=ir.IssueSeverity.WARNING,
        learn_more_url=REMOTE_ACCESS_DOCS,
    )


@callback
def async_clear_callback_url_not_https(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Clear the plain-HTTP callback issue (HTTPS, Cloud, or no URL at all now)."""
    _async_delete_issue(hass, entry, ISSUE_CALLBACK_URL_NOT_HTTPS)


@callback
def async_set_outbox_stuck(hass: HomeAssistant, entry: ConfigEntry, count: int) -> None:
    """Say that queued SMS keep failing to go out (smsmode unreachable)."""
    _async_create_issue(
        hass,
        entry,
        translation_key=ISSUE_OUTBOX_STUCK,
        severity=ir.IssueSeverity.WARNING,
        count=str(count),
    )


@callback
def async_clear_outbox_stuck(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Clear the stuck-outbox issue (the queued SMS went, or were given up)."""
    _async_delete_issue(hass, entry, ISSUE_OUTBOX_STUCK)


@callback
def async_set_outbox_unreadable(
    hass: HomeAssistant, entry: ConfigEntry, kept_as: str
) -> None:
    """Say that the stored queue could not be read: SMS in it may not have gone.

    Persistent: it must outlive a restart, since the queue starts empty.
    """
    _async_create_issue(
        hass,
        entry,
        translation_key=ISSUE_OUTBOX_UNREADABLE,
        severity=ir.IssueSeverity.ERROR,
        path=kept_as,
        persistent=True,
    )


@callback
def async_set_callbacks_refused(
    hass: HomeAssistant, entry: ConfigEntry, count: int
) -> None:
    """Say that the webhook refused the last `count` callbacks (all lost)."""
    _async_create_issue(
        hass,
        entry,
        translation_key=ISSUE_CALLBACKS_REFUSED,
        severity=ir.IssueSeverity.WARNING,
        count=str(count),
    )


@callback
def async_clear_callbacks_refused(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Clear the refused-callbacks issue (a callback was accepted)."""
    _async_delete_issue(hass, entry, ISSUE_CALLBACKS_REFUSED)


@callback
def async_set_assist_stopped(
    hass: HomeAssistant, entry: ConfigEntry, recipient: ConfigSubentry
) -> None:
    """Say that a recipient texted STOP: Assist is off for its number.

    Persistent: the person asked, and turning it back on is the user's choice.
    """
    _async_create_issue(
        hass,
        entry,
        translation_key=ISSUE_ASSIST_STOPPED,
        severity=ir.IssueSeverity.WARNING,
        persistent=True,
        subject=recipient.subentry_id,
        recipient=recipient.title,
    )


@callback
def async_set_limit_reached(
    hass: HomeAssistant, entry: ConfigEntry, *, monthly: bool, limit: int
) -> None:
    """Say that the daily (or monthly) budget refused a send."""
    _async_create_issue(
        hass,
        entry,
        translation_key=ISSUE_MONTHLY_LIMIT if monthly else ISSUE_DAILY_LIMIT,
        severity=ir.IssueSeverity.WARNING,
        limit=str(limit),
    )


@callback
def async_prune_assist_stopped(
    hass: HomeAssistant, entry: ConfigEntry, keep: Collection[str]
) -> None:
    """Clear the STOP issues of recipients not in `keep` (subentry ids).

    A recipient with Assist on again, or removed, has no reason for one.
    """
    prefix = f"{_issue_id(ISSUE_ASSIST_STOPPED, entry)}_"
    for domain, issue_id in list(ir.async_get(hass).issues):
        if (
            domain == DOMAIN
            and issue_id.startswith(prefix)
            and issue_id.removeprefix(prefix) not in keep
        ):
            ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def async_clear_limit_reached(
    hass: HomeAssistant, entry: ConfigEntry, *, monthly: bool
) -> None:
    """Clear a budget's issue (a new day or month began, or the limit changed)."""
    _async_delete_issue(
        hass, entry, ISSUE_MONTHLY_LIMIT if monthly else ISSUE_DAILY_LIMIT
    )


@callback
def async_set_sends_suppressed(
    hass: HomeAssistant, entry: ConfigEntry, *, recipient: str, source: str
) -> None:
    """Say that the runaway guard held back SMS to one recipient, and who sent them.

    `recipient` is a number masked but for its last digits; `source` names the
    automation or script whose run sent them, when Home Assistant knows it.
    """
    _async_create_issue(
        hass,
        entry,
        translation_key=ISSUE_SENDS_SUPPRESSED,
        severity=ir.IssueSeverity.WARNING,
        recipient=recipient,
        source=source,
    )


@callback
def async_clear_sends_suppressed(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Clear the runaway guard's issue (its hour is over)."""
    _async_delete_issue(hass, entry, ISSUE_SENDS_SUPPRESSED)


@callback
def async_clear_all(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Clear every issue of an entry (it is being removed)."""
    async_clear_low_credit(hass, entry)
    async_clear_insufficient_credits(hass, entry)
    async_clear_no_external_url(hass, entry)
    async_clear_callback_url_not_https(hass, entry)
    async_clear_outbox_stuck(hass, entry)
    _async_delete_issue(hass, entry, ISSUE_OUTBOX_UNREADABLE)
    async_clear_callbacks_refused(hass, entry)
    async_prune_assist_stopped(hass, entry, ())
    async_clear_limit_reached(hass, entry, monthly=False)
    async_clear_limit_reached(hass, entry, monthly=True)
    async_clear_sends_suppressed(hass, entry)
