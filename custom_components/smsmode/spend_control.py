"""Spend control: the budgets and the runaway guard a send passes first.

The sender asks `admit` before it sends or queues anything, so what is held
back costs nothing and waits nowhere; critical SMS pass untouched (and are
counted like the others once smsmode takes them).
"""

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Context, HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .budget import SmsBudget
from .request import AccountOptions
from .send_guard import SendGuard
from .send_plan import SmsPlan


class SpendControl:
    """One account's budgets and runaway guard."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, options: AccountOptions
    ) -> None:
        """Take the limits from the options (a change reloads the entry)."""
        self.budget = SmsBudget(
            hass, entry, daily=options.daily_limit, monthly=options.monthly_limit
        )
        self.guard = SendGuard(
            hass,
            entry,
            per_hour=options.guard_per_hour,
            repeat_window=options.guard_repeat_window,
        )

    async def async_load(self) -> None:
        """Read the counts of today and this month back."""
        await self.budget.async_load()

    async def async_shutdown(self) -> None:
        """Write the counts and stop the timers (unload)."""
        self.guard.async_shutdown()
        await self.budget.async_shutdown()

    @callback
    def admit(
        self, plan: SmsPlan, context: Context | None
    ) -> tuple[SmsPlan, dict[str, str]]:
        """Apply the runaway guard, then the budgets, to a non-critical SMS.

        Returns the plan for the recipients left, and why each other was held
        back. A budget refusal raises (the suppressions are counted even then).
        """
        if plan.critical:
            return plan, {}
        now = dt_util.utcnow()
        allowed, held = self.guard.split(plan.sms.numbers, plan.sms.text, now)
        if held:
            plan = plan.to(allowed)
            self.guard.async_suppressed(held, now, context)
            if not allowed:
                return plan, held
        self.budget.async_check(plan.parts)
        return plan, held

    @callback
    def async_went(self, plan: SmsPlan) -> None:
        """Let the guard count an SMS smsmode took or the outbox queued.

        What failed is not counted: sending it again, corrected, is no repeat.
        """
        if not plan.critical:
            self.guard.async_record(plan.sms.numbers, plan.sms.text, dt_util.utcnow())
