"""The files Home Assistant and HACS read agree with each other and with the code.

Every key in English has French text and the reverse; every translation key the
code raises or creates exists; every service and field of services.yaml is
translated and has an icon; the manifest and hacs.json carry what hassfest and
HACS require.
"""

import ast
from collections.abc import Iterator
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.helpers import selector
from homeassistant.util.yaml import load_yaml_dict
import pytest

from custom_components.smsmode.api import VOICE_LANGUAGES
from custom_components.smsmode.errors import VALIDATION_KEYS

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "smsmode"
ROOT = INTEGRATION.parent.parent


def _json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _leaves(tree: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


EN = _json(INTEGRATION / "translations" / "en.json")
FR = _json(INTEGRATION / "translations" / "fr.json")


def test_french_and_english_have_the_same_keys() -> None:
    """Each string exists in both languages, with the same placeholders."""
    en, fr = dict(_leaves(EN)), dict(_leaves(FR))
    assert sorted(set(en) ^ set(fr)) == []
    for key, text in en.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(
            re.findall(r"{(\w+)}", fr[key])
        ), key
        assert "[%key:" not in text, f"{key}: references are not resolved for us"
        assert fr[key].strip(), key


def _constants() -> dict[str, str]:
    """Return the string constants of const.py, to resolve keys passed by name."""
    tree = ast.parse((INTEGRATION / "const.py").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if isinstance(node.value, ast.Constant) and isinstance(
                node.value.value, str
            ):
                for target in targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = node.value.value
    return found


def _key_values(node: ast.expr, constants: dict[str, str]) -> list[str]:
    """Return the string(s) a translation_key argument can take."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    if isinstance(node, ast.IfExp):
        return _key_values(node.body, constants) + _key_values(node.orelse, constants)
    return []  # computed at run time: covered by the tests that raise it


def _translation_keys_in_code() -> set[tuple[str, str]]:
    """Return the (section, key) pairs the code passes as translation_key.

    And the keys of our own SMS texts, read by `async_own_text`.
    """
    constants = _constants()
    found: set[tuple[str, str]] = set()
    for path in INTEGRATION.rglob("*.py"):
        if "api" in path.relative_to(INTEGRATION).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "async_own_text" and len(node.args) >= 3:
                # The texts of our own SMS (own_texts.py): hass, language, key.
                found.update(
                    ("exceptions", key) for key in _key_values(node.args[2], constants)
                )
                continue
            if name.endswith("async_create_issue"):
                section = "issues"
            elif name == "SelectSelectorConfig":
                section = "selector"
            elif name.endswith(("Error", "Failed", "NotReady")):
                section = "exceptions"
            else:
                continue
            for keyword in node.keywords:
                if keyword.arg == "translation_key":
                    found.update(
                        (section, key) for key in _key_values(keyword.value, constants)
                    )
    return found


@pytest.mark.parametrize(("section", "key"), sorted(_translation_keys_in_code()))
def test_every_raised_key_is_translated(section: str, key: str) -> None:
    """An exception or issue key used in code has its text in both languages."""
    assert key in EN.get(section, {}), f"{section}.{key} missing in en.json"
    assert key in FR.get(section, {}), f"{section}.{key} missing in fr.json"


def test_services_are_translated_and_have_icons() -> None:
    """Every service and field of services.yaml has a name, description and icon."""
    services = load_yaml_dict(str(INTEGRATION / "services.yaml"))
    icons = _json(INTEGRATION / "icons.json")["services"]
    for service, spec in services.items():
        assert icons[service]["service"].startswith("mdi:"), service
        for language in (EN, FR):
            text = language["services"][service]
            assert text["name"], service
            assert text["description"], service
            for field, field_spec in (spec or {}).get("fields", {}).items():
                if "collapsed" in (field_spec or {}):  # a section: its own fields
                    assert text["sections"][field]["name"], f"{service}.{field}"
                    nested = list(field_spec["fields"])
                else:
                    nested = [field]
                for name in nested:
                    assert text["fields"][name]["name"], f"{service}.{name}"
                    assert text["fields"][name]["description"], f"{service}.{name}"


def test_service_selectors_are_valid() -> None:
    """Every selector of services.yaml is one Home Assistant accepts (as hassfest).

    And no translation names a field services.yaml no longer has.
    """
    services = load_yaml_dict(str(INTEGRATION / "services.yaml"))
    for service, spec in services.items():
        fields: dict[str, Any] = {}
        for field, field_spec in (spec or {}).get("fields", {}).items():
            fields.update(field_spec.get("fields", {field: field_spec}))
        for field_spec in fields.values():
            selector.validate_selector(field_spec["selector"])
        for language in (EN, FR):
            assert set(language["services"][service]["fields"]) == set(fields), service


def test_service_select_options_are_translated() -> None:
    """Each option of a translated select has its text, and the voice languages.

    The voice language's options are the client's keys: the service schema turns
    them into smsmode's spelling.
    """
    services = load_yaml_dict(str(INTEGRATION / "services.yaml"))
    select = services["send_voice_message"]["fields"]["language"]["selector"]["select"]
    assert select["options"] == list(VOICE_LANGUAGES)
    for spec in services.values():
        for field, field_spec in (spec or {}).get("fields", {}).items():
            for nested in field_spec.get("fields", {field: field_spec}).values():
                options = nested["selector"].get("select", {})
                if key := options.get("translation_key"):
                    for language in (EN, FR):
                        texts = language["selector"][key]["options"]
                        assert set(texts) == set(options["options"]), key


def test_manifest_and_hacs() -> None:
    """The manifest keys hassfest and HACS require, in hassfest's order."""
    manifest = _json(INTEGRATION / "manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    for key in ("codeowners", "config_flow", "documentation", "iot_class"):
        assert key in manifest
    assert manifest["issue_tracker"].startswith("https://")
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert all("==" in requirement for requirement in manifest["requirements"])
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    for requirement in manifest["requirements"]:
        assert requirement in requirements
    hacs = _json(ROOT / "hacs.json")
    assert set(hacs) <= {
        "name",
        "homeassistant",
        "country",
        "render_readme",
        "content_in_root",
        "filename",
        "hide_default_branch",
        "persistent_directory",
        "zip_release",
        "hacs",
    }
    oldest = (ROOT / "requirements_test_oldest.txt").read_text(encoding="utf-8")
    assert "0.13.320" in oldest  # pytest-homeassistant-custom-component for 2026.3.4
    assert hacs["homeassistant"] == "2026.3.4"


def _entity_translation_keys() -> set[tuple[str, str]]:
    """Return the (platform, key) pairs the entity platforms declare."""
    found: set[tuple[str, str]] = set()
    for platform in ("sensor", "event", "notify"):
        path = INTEGRATION / f"{platform}.py"
        source = path.read_text(encoding="utf-8") if path.exists() else ""
        found.update(
            (platform, key)
            for key in re.findall(r'_attr_translation_key = "(\w+)"', source)
        )
    return found


@pytest.mark.parametrize(("platform", "key"), sorted(_entity_translation_keys()))
def test_every_entity_is_translated(platform: str, key: str) -> None:
    """An entity's translation key has a name in both languages."""
    for language in (EN, FR):
        assert language["entity"][platform][key]["name"]


@pytest.mark.parametrize(
    "key",
    sorted(
        VALIDATION_KEYS
        | {
            "batch_row_line_break",
            "non_gsm_characters",
            "non_latin9_characters",
            "reply_requires_gsm",
        }
    ),
)
def test_every_client_refusal_is_translated(key: str) -> None:
    """The client's refusal reasons passed through as keys have their text."""
    assert EN["exceptions"][key]["message"]
    assert FR["exceptions"][key]["message"]
