"""Refused callbacks show: counted by reason, warned about hourly, a repair issue.

A refused callback is lost, so a change in what smsmode sends must not go
unnoticed: the diagnostics count refusals by reason, each reason logs one
warning an hour, and 20 refusals in a row raise a repair issue that the next
accepted callback clears.
"""

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.const import DOMAIN

from .conftest import CallWebhook
from .test_webhook import DELIVERY, REPLY

BAD_STATUS = {**DELIVERY, "statut": "abc"}
BAD_SENDER = {**REPLY, "emetteur": "not a number"}


@pytest.fixture
async def diagnostics(hass: HomeAssistant) -> None:
    """Set up diagnostics before any client starts the HTTP server."""
    assert await async_setup_component(hass, "diagnostics", {})


def _issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"callbacks_refused_{entry.entry_id}"
    )


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.smsmode")
        and record.levelno == logging.WARNING
    ]


async def test_refusals_counted_by_reason_in_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_entry: MockConfigEntry,
    diagnostics: None,
    call_webhook: CallWebhook,
) -> None:
    """Each refusal is counted under its reason; an accepted callback ends the run."""
    assert await call_webhook(BAD_STATUS) == 400
    assert await call_webhook(BAD_STATUS) == 400
    assert await call_webhook(BAD_SENDER) == 400
    assert await call_webhook({**REPLY, "message": "x" * 10_000}) == 413
    result = await get_diagnostics_for_config_entry(hass, hass_client, loaded_entry)
    assert result["callbacks_refused"] == {
        "by_reason": {"delivery_statut": 2, "reply_emetteur": 1, "too_large": 1},
        "in_a_row": 4,
    }
    assert await call_webhook(DELIVERY) == 200
    result = await get_diagnostics_for_config_entry(hass, hass_client, loaded_entry)
    assert result["callbacks_refused"]["in_a_row"] == 0
    assert result["callbacks_refused"]["by_reason"]["delivery_statut"] == 2


async def test_one_warning_per_reason_per_hour(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    call_webhook: CallWebhook,
    webhook_id: str,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reason warns once, then again an hour later; it names nothing it was sent."""
    for _ in range(3):
        assert await call_webhook(BAD_STATUS) == 400
    assert await call_webhook(BAD_SENDER) == 400
    warnings = _warnings(caplog)
    assert len(warnings) == 2
    assert "(delivery_statut)" in warnings[0]
    assert "(reply_emetteur)" in warnings[1]
    freezer.tick(timedelta(minutes=59))
    assert await call_webhook(BAD_STATUS) == 400
    assert len(_warnings(caplog)) == 2
    freezer.tick(timedelta(minutes=1))
    assert await call_webhook(BAD_STATUS) == 400
    assert len(_warnings(caplog)) == 3
    for text in _warnings(caplog):
        for secret in (webhook_id, "/api/webhook", "33612345678", "33601020304"):
            assert secret not in text
        assert "bonjour" not in text


async def test_repair_issue_after_20_refused_in_a_row(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, call_webhook: CallWebhook
) -> None:
    """20 refusals in a row raise the issue; an accepted callback clears it."""
    for _ in range(19):
        assert await call_webhook(BAD_STATUS) == 400
    assert await call_webhook(REPLY) == 200  # the run is broken: it starts again
    for _ in range(19):
        assert await call_webhook(BAD_SENDER) == 400
    assert _issue(hass, loaded_entry) is None
    assert await call_webhook(BAD_STATUS) == 400
    issue = _issue(hass, loaded_entry)
    assert issue is not None
    assert issue.translation_key == "callbacks_refused"
    assert issue.translation_placeholders == {"title": "smsmode", "count": "20"}
    # Already fired: a repeat still proves smsmode's callbacks get through.
    assert await call_webhook(REPLY) == 200
    assert _issue(hass, loaded_entry) is None


async def test_repair_issue_goes_with_the_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, call_webhook: CallWebhook
) -> None:
    """Removing the account removes its refused-callbacks issue."""
    for _ in range(20):
        assert await call_webhook(BAD_STATUS) == 400
    assert _issue(hass, loaded_entry) is not None
    assert await hass.config_entries.async_remove(loaded_entry.entry_id)
    assert _issue(hass, loaded_entry) is None
