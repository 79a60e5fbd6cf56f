"""The smsmode dialogs in the real web interface, in English and in French.

For each language the user's language is saved as the profile page saves it, and
the integration is added as a person does: Settings > Devices & services > Add
integration > smsmode, with the simulator's key and URL. Every label, help text,
description and message of the dialog, and of the options form opened from the
entry's Configure button, must be the text of the integration's translation file
for that language: a raw key, a bare field name or an empty label is reported
with the translation key it should have come from.
"""

from collections.abc import Iterator, Mapping
import contextlib
import json
from pathlib import Path
import re
from typing import Any
import urllib.parse

import pytest
from tests_e2e.conftest import REPO, Hass, Simulator, http_json

from tests_browser.frontend import Field, Frontend

TRANSLATIONS = REPO / "custom_components" / "smsmode" / "translations"
LANGUAGES = ("en", "fr")
# Screenshots kept for the README: one per key step, the form in both languages.
SHOTS = {
    ("en", "user"): "config-flow-en.png",
    ("fr", "user"): "config-flow-fr.png",
    ("en", "create_entry"): "config-flow-created-en.png",
    ("en", "options"): "options-flow-en.png",
}
# What an untranslated text looks like: a key path, a reference, a placeholder.
RAW = re.compile(
    r"component\.smsmode|\[%key:|\b(?:config|options|selector|ui)\.[a-z_]+\.[a-z_]+"
    r"|\{[a-z_]+\}"
)
# How long a form may take to show all its fields and texts.
SETTLE = 10.0
WEBHOOK_URL = re.compile(r"https?://\S+/api/webhook/[A-Za-z0-9_-]+")


def translations(language: str) -> dict[str, Any]:
    """Return the integration's translation file for `language`."""
    return dict(json.loads((TRANSLATIONS / f"{language}.json").read_text()))


def squash(text: str) -> str:
    """Drop all whitespace: text nodes lose the spaces around inline elements."""
    return re.sub(r"\s+", "", text)


def markdown_paragraphs(text: str, placeholders: Mapping[str, str]) -> list[str]:
    """Return the paragraphs of a Markdown message as the dialog shows their text."""
    for name, value in placeholders.items():
        text = text.replace(f"{{{name}}}", value)
    text = text.replace("`", "").replace("**", "")
    return [part for part in re.split(r"\n\s*\n", text) if part.strip()]


def settled_problems(
    page: Frontend,
    key: str,
    strings: Mapping[str, Any],
    selectors: Mapping[str, Any],
    placeholders: Mapping[str, str] | None = None,
) -> list[str]:
    """Check the form until it has no problem, or return those left after a while.

    The dialog renders a long form in several passes: a first look can miss the
    end of it.
    """
    problems: list[str] = []

    def probe() -> bool:
        problems[:] = check_step(page, key, strings, selectors, placeholders)
        return not problems

    with contextlib.suppress(AssertionError):
        page.wait_for(probe, f"{key} still has problems", seconds=SETTLE)
    return problems


def check_step(
    page: Frontend,
    key: str,
    strings: Mapping[str, Any],
    selectors: Mapping[str, Any],
    placeholders: Mapping[str, str] | None = None,
) -> list[str]:
    """Compare the form the dialog shows with its strings; return the problems.

    `key` is where `strings` sit in the translation file (config.step.user).
    """
    problems = []
    shown = page.flow_text()
    joined = squash("".join(shown))
    fields = page.flow_fields()
    if not fields:
        problems.append(f"{key}: the dialog shows no field")
    labels: Mapping[str, str] = strings.get("data", {})
    helps: Mapping[str, str] = strings.get("data_description", {})
    problems.extend(check_fields(key, fields, labels, helps))
    for name, help_text in helps.items():
        if squash(help_text) not in joined:
            problems.append(f"{key}.data_description.{name}: {help_text!r} not shown")
    if description := strings.get("description"):
        problems.extend(
            f"{key}.description: {paragraph!r} not shown"
            for paragraph in markdown_paragraphs(description, placeholders or {})
            if squash(paragraph) not in joined
        )
    for selector, options in selectors.items():
        for option, text in options.items():
            if squash(text) not in joined:
                problems.append(
                    f"selector.{selector}.options.{option}: {text!r} not shown"
                )
            if option in shown:
                problems.append(f"selector.{selector}.options.{option}: shown raw")
    problems.extend(raw_texts(shown, fields))
    return problems


def check_fields(
    key: str, fields: list[Field], labels: Mapping[str, str], helps: Mapping[str, str]
) -> Iterator[str]:
    """Every field has its translated label and help text, and no other."""
    for field in fields:
        where = f"{key}.data.{field.name}"
        if not field.label.strip():
            yield f"{where}: empty label"
        elif field.label == field.name:
            yield f"{where}: the label is the bare field name {field.name!r}"
        elif field.label != labels.get(field.name):
            yield f"{where}: label {field.label!r}, expected {labels.get(field.name)!r}"
        if field.name in helps and field.helper != helps[field.name]:
            yield (
                f"{key}.data_description.{field.name}: help {field.helper!r},"
                f" expected {helps[field.name]!r}"
            )
    if missing := set(labels) - {field.name for field in fields}:
        yield f"{key}.data: no field shown for {sorted(missing)}"


def raw_texts(shown: list[str], fields: list[Field]) -> Iterator[str]:
    """Texts that are translation keys, references, placeholders or field names."""
    names = {field.name for field in fields}
    for text in shown:
        if RAW.search(text):
            yield f"raw translation key shown: {text!r}"
        elif text.rstrip("*") in names:
            yield f"bare field name shown as text: {text!r}"


def selector_options(strings: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """Return the option texts of the select selectors `names`."""
    return {name: strings["selector"][name]["options"] for name in names}


def remove_entries(hass: Hass, token: str) -> None:
    """Delete the smsmode entries left by an earlier test (through the REST API)."""
    status, entries = http_json(
        "GET", f"{hass.url}/api/config/config_entries/entry?domain=smsmode", token=token
    )
    assert status == 200, entries
    for entry in entries:
        status, answer = http_json(
            "DELETE",
            f"{hass.url}/api/config/config_entries/entry/{entry['entry_id']}",
            token=token,
        )
        assert status == 200, answer


def save(page: Frontend, screenshots: Path, language: str, step: str) -> None:
    """Save the screenshot of this step if it is one the README uses."""
    if name := SHOTS.get((language, step)):
        page.screenshot(screenshots / name)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dialogs_translated(
    language: str,
    frontend: Frontend,
    hass: Hass,
    simulator: Simulator,
    onboarded: str,
    screenshots: Path,
) -> None:
    """Add the integration and open its options through the UI, all translated."""
    strings = translations(language)
    remove_entries(hass, onboarded)
    frontend.set_language(language)
    problems: list[str] = []

    # Settings > Devices & services > Add integration > smsmode.
    frontend.open("/config/integrations/dashboard")
    frontend.wait_element("ha-config-integrations-dashboard")
    frontend.click(
        "ha-fab, ha-button",
        frontend.localize("ui.panel.config.integrations.add_integration"),
    )
    search = frontend.wait_element(
        "input[placeholder='"
        + frontend.localize("ui.panel.config.integrations.search_brand")
        + "']"
    )
    search.send_keys("smsmode")
    frontend.click("ha-integration-list-item", "smsmode")
    frontend.flow_step("step-flow-form")
    frontend.wait_for(
        lambda: {f.name for f in frontend.flow_fields()} >= {"api_key", "url"},
        "the smsmode form has no API key and URL fields",
    )
    problems += settled_problems(
        frontend, "config.step.user", strings["config"]["step"]["user"], {}
    )
    save(frontend, screenshots, language, "user")

    # A key smsmode refuses: the error is translated too.
    frontend.fill("api_key", "not-the-key")
    frontend.fill("url", simulator.url)
    submit = frontend.localize("ui.panel.config.integrations.config_flow.submit")
    frontend.flow_button(submit)
    error = strings["config"]["error"]["invalid_auth"]
    try:
        frontend.wait_for(
            lambda: squash(error) in squash("".join(frontend.flow_text())),
            "no error message",
        )
    except AssertionError as err:
        problems.append(f"config.error.invalid_auth: {error!r} not shown ({err})")
    problems.extend(raw_texts(frontend.flow_text(), frontend.flow_fields()))

    # The simulator's key: the entry is made and the message shows the webhook URL.
    frontend.fill("api_key", simulator.api_key)
    frontend.flow_button(submit)
    frontend.flow_step("step-flow-create-entry")
    shown = frontend.flow_text()
    urls = WEBHOOK_URL.findall(" ".join(shown))
    assert urls, f"the creation message shows no webhook URL: {shown}"
    webhook_url = urls[0]
    assert webhook_url.startswith(f"{hass.url}/api/webhook/"), webhook_url
    webhook_id = urllib.parse.urlsplit(webhook_url).path.rsplit("/", 1)[-1]
    hooks = frontend.ws({"type": "webhook/list"})["ok"]
    assert any(
        hook["webhook_id"] == webhook_id and hook["domain"] == "smsmode"
        for hook in hooks
    ), f"{webhook_url} is not a webhook of smsmode"
    joined = squash("".join(shown))
    for paragraph in markdown_paragraphs(
        strings["config"]["create_entry"]["default"], {"webhook_url": webhook_url}
    ):
        if squash(paragraph) not in joined:
            problems.append(f"config.create_entry.default: {paragraph!r} not shown")
    problems.extend(raw_texts(shown, []))
    save(frontend, screenshots, language, "create_entry")
    frontend.close_flow()

    # The entry's Configure button opens the options form.
    frontend.open("/config/integrations/integration/smsmode")
    configure = frontend.localize("ui.panel.config.integrations.config_entry.configure")
    button = frontend.wait_for(
        lambda: frontend.js(
            "return deepAll(document, 'ha-icon-button').filter(isShown)"
            ".find((el) => el.label === arguments[0]) || null;",
            configure,
        ),
        f"no {configure!r} button on the smsmode page",
    )
    frontend.js("arguments[0].click();", button)
    frontend.flow_step("step-flow-form")
    frontend.wait_for(
        lambda: "sender" in {f.name for f in frontend.flow_fields()},
        "the options form has no sender field",
    )
    problems += settled_problems(
        frontend,
        "options.step.init",
        strings["options"]["step"]["init"],
        selector_options(strings, "stop", "encoding_policy"),
    )
    save(frontend, screenshots, language, "options")
    frontend.close_flow()

    assert not problems, f"{language}: " + "\n".join(problems)
