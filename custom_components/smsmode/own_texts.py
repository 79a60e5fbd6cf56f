"""The texts of our own SMS and calls, translated like the errors.

They live in the translations' `exceptions` section, which Home Assistant
loads for custom integrations in every language, so a French home gets French
SMS without a file of our own.
"""

from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN


async def async_own_text(
    hass: HomeAssistant, language: str | None, key: str, **placeholders: str
) -> str:
    """Return one of our texts in `language` (None: Home Assistant's)."""
    texts = await async_get_translations(
        hass, language or hass.config.language, "exceptions", [DOMAIN]
    )
    return texts[f"component.{DOMAIN}.exceptions.{key}.message"].format(**placeholders)
