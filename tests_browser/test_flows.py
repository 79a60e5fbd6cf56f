"""The smsmode dialogs in the real web interface, in English and in French.

For each language the user's language is saved as the profile page saves it, and
the integration is added as a person does: Settings > Devices & services > Add
integration > smsmode, with the simulator's key and URL. Every label, help text,
description and message of the dialog, and of the options form opened from the
entry's Configure button, must be the text of the integration's translation file
for that language: a raw key, a bare field name or an empty label is reported
with the translation key it should have come from.

From the entry's page then (Home Assistant itself speaking the language too, as
it names the entities in its own): adding and editing a recipient, Reconfigure
(then again with a new webhook URL, whose closing message shows it), and the
reauthentication that a key smsmode refuses starts. Each dialog must end
on the integration's own message, and the entry's page and its devices' pages
must show their names and their entities' translated, with no text of the other
language.
"""

from collections.abc import Iterable, Iterator, Mapping
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
    ("fr", "entry"): "entry-page-fr.png",
    ("fr", "reauth"): "reauth-fr.png",
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
    frontend.click_icon_button(
        frontend.localize("ui.panel.config.integrations.config_entry.configure")
    )
    frontend.flow_step("step-flow-form")
    frontend.wait_for(
        lambda: "sender" in {f.name for f in frontend.flow_fields()},
        "the options form has no sender field",
    )
    # Sections: only the first is open; each shows its translated name.
    init = strings["options"]["step"]["init"]
    sending = init["sections"]["sending"]
    problems += settled_problems(
        frontend,
        "options.step.init",
        {
            "description": init["description"],
            "data": sending["data"],
            "data_description": sending["data_description"],
        },
        selector_options(strings, "stop", "encoding_policy"),
    )
    joined = squash("".join(frontend.flow_text()))
    problems.extend(
        f"options.step.init.sections.{name}.name: {section['name']!r} not shown"
        for name, section in init["sections"].items()
        if squash(section["name"]) not in joined
    )
    save(frontend, screenshots, language, "options")
    # Every section opened: each field's label and help, as the user sees them.
    frontend.js(
        "const flow = deepAll(document, 'dialog-data-entry-flow')[0];"
        "deepAll(flow, 'ha-expansion-panel').forEach((panel) => {"
        "  panel.expanded = true;"
        "});"
    )
    sections = init["sections"].values()
    problems += settled_problems(
        frontend,
        "options.step.init",
        {
            "description": init["description"],
            "data": {k: v for s in sections for k, v in s["data"].items()},
            "data_description": {
                k: v for s in sections for k, v in s.get("data_description", {}).items()
            },
        },
        selector_options(strings, "stop", "encoding_policy"),
    )
    frontend.close_flow()

    assert not problems, f"{language}: " + "\n".join(problems)


def add_entry(hass: Hass, simulator: Simulator, token: str) -> str:
    """Add smsmode with the simulator's key through the REST API; return its id.

    Adding it through the dialog is test_dialogs_translated's part.
    """
    status, form = http_json(
        "POST",
        f"{hass.url}/api/config/config_entries/flow",
        {"handler": "smsmode", "show_advanced_options": False},
        token=token,
    )
    assert status == 200, form
    status, result = http_json(
        "POST",
        f"{hass.url}/api/config/config_entries/flow/{form['flow_id']}",
        {"api_key": simulator.api_key, "url": simulator.url},
        token=token,
    )
    assert status == 200, result
    assert result["type"] == "create_entry", result
    return str(result["result"]["entry_id"])


def fill_form(
    page: Frontend,
    key: str,
    strings: Mapping[str, Any],
    values: Mapping[str, str],
    placeholders: Mapping[str, str] | None = None,
    switch_on: Iterable[str] = (),
) -> list[str]:
    """Check the form the dialog shows, fill it in and submit it; return the problems."""
    page.flow_step("step-flow-form")
    page.wait_for(
        lambda: {f.name for f in page.flow_fields()} >= set(strings["data"]),
        f"{key}: the form has no fields {sorted(strings['data'])}",
    )
    problems = settled_problems(page, key, strings, {}, placeholders)
    for name, value in values.items():
        page.fill(name, value)
    for name in switch_on:
        page.switch_on(name)
    page.flow_button(page.localize("ui.panel.config.integrations.config_flow.submit"))
    return problems


def closing_problems(page: Frontend, key: str, message: str) -> list[str]:
    """Check the dialog ends on the integration's own `message`, then close it.

    Home Assistant's generic text in its place ("Reconfiguration was successful",
    in English whatever the language) is what this catches.
    """
    page.flow_step("step-flow-abort")
    problems: list[str] = []
    try:
        page.wait_for(
            lambda: squash(message) in squash("".join(page.flow_text())),
            f"{key}: {message!r} not shown",
            seconds=SETTLE,
        )
    except AssertionError:
        problems.append(f"{key}: {message!r} not shown, but {page.flow_text()}")
    problems.extend(raw_texts(page.flow_text(), []))
    page.close_flow()
    return problems


def foreign_texts(language: str) -> set[str]:
    """Return the texts of the other languages that `language` says otherwise."""
    own = set(texts(translations(language)))
    return {
        text
        for other in LANGUAGES
        if other != language
        for text in texts(translations(other))
        if text not in own
    }


def texts(tree: Mapping[str, Any]) -> Iterator[str]:
    """Yield the texts of a translation file."""
    for value in tree.values():
        if isinstance(value, Mapping):
            yield from texts(value)
        else:
            yield str(value)


def page_problems(
    page: Frontend, where: str, expected: list[str], foreign: set[str]
) -> list[str]:
    """Check the page shows each `expected` text, and none foreign or raw."""
    problems: list[str] = []

    def probe() -> bool:
        shown = page.page_text()
        problems[:] = [
            f"{where}: {text!r} not shown" for text in expected if text not in shown
        ]
        problems.extend(
            f"{where}: {text!r} is in another language"
            for text in shown
            if text in foreign
        )
        problems.extend(f"{where}: {problem}" for problem in raw_texts(shown, []))
        return not problems

    with contextlib.suppress(AssertionError):
        page.wait_for(probe, f"{where} still has problems", seconds=SETTLE)
    return problems


def device_ids(page: Frontend, entry_id: str) -> dict[str, str]:
    """Return the ids of the entry's devices by name."""
    devices = page.ws({"type": "config/device_registry/list"})["ok"]
    return {
        device["name"]: device["id"]
        for device in devices
        if entry_id in device["config_entries"]
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_entry_page_translated(
    language: str,
    frontend: Frontend,
    hass: Hass,
    simulator: Simulator,
    onboarded: str,
    screenshots: Path,
) -> None:
    """Add and edit a recipient, reconfigure and reauthenticate, from the entry's page.

    Each dialog ends on the integration's own message in the user's language;
    the entry's page and its devices' pages show their names and their entities'
    in it, and nothing in another language.
    """
    strings = translations(language)
    recipient = strings["config_subentries"]["recipient"]
    foreign = foreign_texts(language)
    remove_entries(hass, onboarded)
    frontend.set_language(language)
    entry_id = add_entry(hass, simulator, onboarded)
    page = "/config/integrations/integration/smsmode"
    frontend.open(page)
    problems: list[str] = []

    # Add recipient, a button of the integration's page.
    frontend.click("ha-button", recipient["initiate_flow"]["user"])
    problems += fill_form(
        frontend,
        "config_subentries.recipient.step.user",
        recipient["step"]["user"],
        {"name": "Alice", "number": "06 12 34 56 78"},
    )
    frontend.flow_step("step-flow-create-entry")
    frontend.close_flow()
    problems += page_problems(
        frontend, "the entry's page", ["Alice", recipient["entry_type"]], foreign
    )
    save(frontend, screenshots, language, "entry")

    # Edit recipient, the pencil of the recipient's row.
    frontend.click_icon_button(recipient["initiate_flow"]["reconfigure"])
    problems += fill_form(
        frontend,
        "config_subentries.recipient.step.reconfigure",
        recipient["step"]["reconfigure"],
        {"name": "Alice Martin"},
    )
    problems += closing_problems(
        frontend,
        "config_subentries.recipient.abort.reconfigure_successful",
        recipient["abort"]["reconfigure_successful"],
    )

    # Reconfigure, in the entry's menu: the key left empty is kept.
    frontend.choose_menu_item(
        frontend.localize("ui.panel.config.integrations.config_entry.reconfigure")
    )
    frontend.flow_step("step-flow-form")
    urls = frontend.wait_for(
        lambda: WEBHOOK_URL.findall(" ".join(frontend.flow_text())),
        "the reconfigure form shows no webhook URL",
    )
    problems += fill_form(
        frontend,
        "config.step.reconfigure",
        strings["config"]["step"]["reconfigure"],
        {"url": simulator.url},
        {"webhook_url": urls[0]},
    )
    problems += closing_problems(
        frontend,
        "config.abort.reconfigure_successful",
        strings["config"]["abort"]["reconfigure_successful"],
    )

    # Reconfigure with a new webhook URL: the closing message shows the new one,
    # the only one registered from then on.
    frontend.choose_menu_item(
        frontend.localize("ui.panel.config.integrations.config_entry.reconfigure")
    )
    problems += fill_form(
        frontend,
        "config.step.reconfigure",
        strings["config"]["step"]["reconfigure"],
        {},
        {"webhook_url": urls[0]},
        switch_on=["new_webhook_url"],
    )
    frontend.flow_step("step-flow-abort")
    new_urls = frontend.wait_for(
        lambda: WEBHOOK_URL.findall(" ".join(frontend.flow_text())),
        "the closing message shows no new webhook URL",
    )
    assert new_urls[0] != urls[0], "the webhook URL was not renewed"
    hooks = {hook["webhook_id"] for hook in frontend.ws({"type": "webhook/list"})["ok"]}
    assert new_urls[0].rsplit("/", 1)[-1] in hooks
    assert urls[0].rsplit("/", 1)[-1] not in hooks
    renewed = strings["config"]["abort"]["webhook_url_renewed"]
    joined = squash("".join(frontend.flow_text()))
    for paragraph in markdown_paragraphs(renewed, {"webhook_url": new_urls[0]}):
        if squash(paragraph) not in joined:
            problems.append(
                f"config.abort.webhook_url_renewed: {paragraph!r} not shown"
            )
    problems.extend(raw_texts(frontend.flow_text(), []))
    frontend.close_flow()

    # smsmode refuses the key once (code 32) when the entry loads again: Home
    # Assistant asks for a new one on the integration's page.
    status, answer = http_json(
        "POST",
        f"{simulator.url}/_sim/faults",
        {"endpoint": "credit.do", "kind": "code", "code": 32},
    )
    assert status == 201, answer
    status, answer = http_json(
        "POST",
        f"{hass.url}/api/config/config_entries/entry/{entry_id}/reload",
        token=onboarded,
    )
    assert status == 200, answer
    frontend.open(page)
    reconnect = frontend.localize("ui.panel.config.integrations.reconfigure")
    frontend.wait_element("ha-button", reconnect)
    problems += page_problems(frontend, "the page asking for a key", [], foreign)
    save(frontend, screenshots, language, "reauth")
    frontend.click("ha-button", reconnect)
    problems += fill_form(
        frontend,
        "config.step.reauth_confirm",
        strings["config"]["step"]["reauth_confirm"],
        {"api_key": simulator.api_key},
        {"name": "smsmode"},
    )
    problems += closing_problems(
        frontend,
        "config.abort.reauth_successful",
        strings["config"]["abort"]["reauth_successful"],
    )

    # The devices' pages: the account's entities and the recipient's.
    entities = strings["entity"]
    shown_on = {
        "smsmode": [
            entities["sensor"]["balance"]["name"],
            entities["sensor"]["outbox"]["name"],
            entities["event"]["received_sms"]["name"],
            entities["event"]["delivery_report"]["name"],
        ],
        "Alice Martin": [entities["notify"]["recipient"]["name"]],
    }
    devices = device_ids(frontend, entry_id)
    for name, texts in shown_on.items():
        frontend.open(f"/config/devices/device/{devices[name]}")
        problems += page_problems(
            frontend, f"the page of {name}", [name, *texts], foreign
        )

    assert not problems, f"{language}: " + "\n".join(problems)
