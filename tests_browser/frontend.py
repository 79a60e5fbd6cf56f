"""Drive Home Assistant's web interface in headless Chromium, through its shadow DOM.

The interface is made of web components, each with its own shadow root: CSS
selectors and `innerText` stop at each of them. The JavaScript below walks the
shadow roots (and the slots' assigned content), so a test can find an element or
read the text a person sees wherever it is. Every wait is bounded.
"""

from collections.abc import Callable
from dataclasses import dataclass
import json
from pathlib import Path
import time
from typing import Any

from selenium.common.exceptions import JavascriptException, WebDriverException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

# How long a step waits for the interface (a page, a dialog, a flow step).
WAIT = 30.0

# Helpers defined in every script: deepAll(root, selector), visibleText(node),
# byText(root, selector, text), isShown(element).
_JS_HELPERS = r"""
const deepAll = (root, selector) => {
  const found = [];
  const walk = (node) => {
    for (const el of node.querySelectorAll("*")) {
      if (el.matches(selector)) found.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(root);
  if (root.shadowRoot) walk(root.shadowRoot);
  return found;
};
const isShown = (el) => {
  const rect = el.getBoundingClientRect();
  if (rect.width === 0 && rect.height === 0) return false;
  const style = getComputedStyle(el);
  return style.visibility !== "hidden" && style.display !== "none";
};
// The text a person sees, in rendering order: shadow content, then what slots show.
const visibleText = (start) => {
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent.replace(/\s+/g, " ").trim();
      if (text) parts.push(text);
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== 11) return;
    if (node.nodeType === Node.ELEMENT_NODE) {
      if (["STYLE", "SCRIPT", "TEMPLATE"].includes(node.tagName)) return;
      const style = getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden") return;
      if (node.tagName === "SLOT") {
        const assigned = node.assignedNodes({flatten: true});
        for (const child of assigned.length ? assigned : node.childNodes) walk(child);
        return;
      }
      if (node.shadowRoot) {
        for (const child of node.shadowRoot.childNodes) walk(child);
        return;
      }
    }
    for (const child of node.childNodes) walk(child);
  };
  walk(start);
  return parts;
};
const byText = (root, selector, text) =>
  deepAll(root, selector).filter(
    (el) => isShown(el) && visibleText(el).join(" ").trim() === text
  );
"""


class FrontendError(AssertionError):
    """The interface did not show what the test waited for."""


@dataclass(frozen=True)
class Field:
    """One field of a flow form, as ha-form hands it to its selector."""

    name: str
    label: str
    helper: str


class Frontend:
    """One browser tab on Home Assistant's web interface."""

    def __init__(self, driver: WebDriver, base_url: str) -> None:
        """Use `driver` on the Home Assistant at `base_url`."""
        self.driver = driver
        self.base_url = base_url

    # --- JavaScript -------------------------------------------------------------

    def js(self, body: str, *args: Any) -> Any:
        """Run `body` (a function body using `arguments`) with the helpers defined."""
        return self.driver.execute_script(_JS_HELPERS + body, *args)

    def wait_for[T](
        self, probe: Callable[[], T | None], what: str, seconds: float = WAIT
    ) -> T:
        """Call `probe` until it returns something truthy, within `seconds`."""
        deadline = time.monotonic() + seconds
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                if value := probe():
                    return value
            except (JavascriptException, WebDriverException) as err:
                last_error = err
            time.sleep(0.25)
        detail = f": {last_error}" if last_error else ""
        raise FrontendError(
            f"{what} (waited {seconds:.0f} s){detail}\n{self.describe()}"
        )

    def describe(self) -> str:
        """Return where the tab is and what it shows (the open dialog), for a failure."""
        try:
            shown = " | ".join(
                self.js(
                    "const dialog = deepAll(document, 'dialog[open]')[0];"
                    "return visibleText(dialog || document.body);"
                )
            )
        except WebDriverException as err:
            shown = f"(cannot read the page: {err.msg})"
        return f"at {self.driver.current_url}, the page shows: {shown[:1500]}"

    def find(self, selector: str, text: str | None = None) -> WebElement | None:
        """Return the first shown element matching `selector` (and `text`), or None."""
        if text is None:
            return self.js(
                "return deepAll(document, arguments[0]).find(isShown) || null;",
                selector,
            )
        return self.js(
            "return byText(document, arguments[0], arguments[1])[0] || null;",
            selector,
            text,
        )

    def wait_element(
        self, selector: str, text: str | None = None, seconds: float = WAIT
    ) -> WebElement:
        """Wait until an element matching `selector` (and `text`) is shown."""
        what = f"no {selector}" + (f" showing {text!r}" if text else "")
        return self.wait_for(lambda: self.find(selector, text), what, seconds)

    def click(self, selector: str, text: str | None = None) -> None:
        """Wait for an element and click it (a DOM click: overlays do not matter)."""
        element = self.wait_element(selector, text)
        self.js("arguments[0].click();", element)

    def text(self, element: WebElement) -> list[str]:
        """Return the text pieces `element` shows, across shadow roots."""
        return list(self.js("return visibleText(arguments[0]);", element))

    def page_text(self) -> list[str]:
        """Return the text pieces the page shows, dialogs included."""
        return list(self.js("return visibleText(document.body);"))

    def click_icon_button(self, label: str) -> None:
        """Click the shown icon button labelled `label` (its tooltip, for a person)."""
        button = self.wait_for(
            lambda: self.js(
                "return deepAll(document, 'ha-icon-button').filter(isShown)"
                ".find((el) => el.label === arguments[0]) || null;",
                label,
            ),
            f"no {label!r} button",
        )
        self.js("arguments[0].click();", button)

    def choose_menu_item(self, text: str) -> None:
        """Open the menu that has the item `text`, then click the item."""
        item = self.wait_for(
            lambda: self.js(
                "return deepAll(document, 'ha-dropdown-item').find("
                "(el) => el.textContent.trim() === arguments[0]) || null;",
                text,
            ),
            f"no menu item {text!r}",
        )
        self.js(
            "arguments[0].closest('ha-dropdown').querySelector('[slot=trigger]')"
            ".click();",
            item,
        )
        self.wait_for(
            lambda: self.js("return isShown(arguments[0]);", item),
            f"the menu of {text!r} did not open",
        )
        self.js("arguments[0].click();", item)

    # --- Pages ------------------------------------------------------------------

    def open(self, path: str) -> None:
        """Load a page of the interface and wait until it is connected."""
        self.driver.get(f"{self.base_url}{path}")
        self.wait_for(
            lambda: self.js(
                "const ha = document.querySelector('home-assistant');"
                "return !!(ha && ha.hass && ha.hass.connected"
                " && ha.hass.localize && ha.hass.localize('ui.common.cancel'));"
            ),
            f"{path} did not load",
        )

    def login(self, username: str, password: str) -> None:
        """Log in on the authorize page the interface sends a new browser to."""
        self.driver.get(self.base_url)
        user_input = self.wait_element("input[autocomplete='username']")
        password_input = self.wait_element("input[type='password']")
        user_input.send_keys(username)
        password_input.send_keys(password)
        self.click("ha-button, mwc-button, button", self._login_label())
        self.wait_for(
            lambda: (
                "/auth/authorize" not in self.driver.current_url
                and self.js(
                    "const ha = document.querySelector('home-assistant');"
                    "return !!(ha && ha.hass && ha.hass.connected);"
                )
            ),
            "the login did not reach the interface",
        )

    def _login_label(self) -> str:
        """Return the text of the login button (the page follows the browser's language)."""
        return str(
            self.wait_for(
                lambda: self.js(
                    "return deepAll(document, 'ha-button, mwc-button, button')"
                    ".filter(isShown).map((el) => visibleText(el).join(' ').trim())"
                    ".find((t) => /^(Log in|Next|Se connecter|Suivant)$/i.test(t));"
                ),
                "no login button",
            )
        )

    def ws(self, message: dict[str, Any]) -> Any:
        """Send a websocket command on the page's own connection; return its result."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "document.querySelector('home-assistant').hass.connection"
            ".sendMessagePromise(JSON.parse(arguments[0]))"
            ".then((r) => done({ok: r === undefined ? null : r}),"
            " (e) => done({error: JSON.stringify(e)}));",
            json.dumps(message),
        )

    def language(self) -> str:
        """Return the language the interface shows."""
        return str(
            self.js("return document.querySelector('home-assistant').hass.language;")
        )

    def set_language(self, language: str) -> None:
        """Speak `language`, as the profile page and the system settings save it.

        Dialogs follow the user's language, but entity names are made in Home
        Assistant's own (Settings > System > General): a French home has both.
        """
        for message in (
            {
                "type": "frontend/set_user_data",
                "key": "language",
                "value": {"language": language},
            },
            {"type": "config/core/update", "language": language},
        ):
            answer = self.ws(message)
            assert "error" not in answer, answer
        self.open("/config/integrations/dashboard")
        self.wait_for(
            lambda: self.language() == language,
            f"the interface is not in {language!r}",
        )

    def screenshot(self, path: Path) -> None:
        """Save the window as a PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        assert self.driver.save_screenshot(str(path)), path

    def localize(self, key: str) -> str:
        """Return the interface's own text for `key` in its current language."""
        text = self.js(
            "return document.querySelector('home-assistant').hass.localize(arguments[0]);",
            key,
        )
        assert text, f"the interface has no text for {key}"
        return str(text)

    # --- The flow dialog (config flow, options flow) ------------------------------

    def flow_step(self, tag: str, seconds: float = WAIT) -> WebElement:
        """Wait until the flow dialog shows a step of this kind (step-flow-form...)."""
        return self.wait_element(
            f"dialog-data-entry-flow {tag}, {tag}", seconds=seconds
        )

    def flow_text(self) -> list[str]:
        """Return the text pieces the flow dialog shows (title, form, buttons)."""
        return list(
            self.js(
                "const flow = deepAll(document, 'dialog-data-entry-flow')[0];"
                "return flow ? visibleText(flow) : [];"
            )
        )

    def flow_fields(self) -> list[Field]:
        """Return the fields of the form the flow dialog shows."""
        rows = self.js(
            "const flow = deepAll(document, 'dialog-data-entry-flow')[0];"
            "return deepAll(flow, 'ha-form ha-selector, ha-selector').filter(isShown)"
            ".map((el) => {"
            "  const helper = el.helper && el.helper.values ? el.helper.values[0]"
            "    : el.helper;"
            "  return [el.name, el.label || '', typeof helper === 'string' ? helper : ''];"
            "});"
        )
        seen: dict[str, Field] = {}
        for name, label, helper in rows:
            seen.setdefault(name, Field(name, label, helper))
        return list(seen.values())

    def fill(self, name: str, value: str) -> None:
        """Replace the value of the text field `name` of the flow form by typing."""
        field = self.wait_for(
            lambda: self.js(
                "const flow = deepAll(document, 'dialog-data-entry-flow')[0];"
                "const selector = deepAll(flow, 'ha-selector')"
                ".find((el) => el.name === arguments[0]);"
                "return selector ? deepAll(selector, 'input')[0] || null : null;",
                name,
            ),
            f"no field {name!r} in the flow dialog",
        )
        field.click()
        # Erased key by key: the field then tells the form, as when a person types.
        current = str(self.js("return arguments[0].value;", field))
        field.send_keys(Keys.END + Keys.BACKSPACE * len(current) + value)
        self.wait_for(
            lambda: self.js("return arguments[0].value;", field) == value,
            f"the field {name!r} did not take {value!r}"
            f" ({self.js('return arguments[0].value;', field)!r})",
            seconds=5,
        )

    def switch_on(self, name: str) -> None:
        """Turn on the boolean field `name` of the flow form, as a click does."""
        find = (
            "const flow = deepAll(document, 'dialog-data-entry-flow')[0];"
            "const selector = deepAll(flow, 'ha-selector')"
            ".find((el) => el.name === arguments[0]);"
            "return selector ? deepAll(selector, 'ha-switch')[0] || null : null;"
        )
        switch = self.wait_for(
            lambda: self.js(find, name), f"no switch {name!r} in the flow dialog"
        )
        # A long form scrolls: the switch may sit under the dialog's buttons.
        self.js("arguments[0].scrollIntoView({block: 'center'});", switch)
        switch.click()
        self.wait_for(
            lambda: self.js("return arguments[0].checked;", switch) is True,
            f"the switch {name!r} did not turn on",
            seconds=5,
        )

    def flow_button(self, text: str) -> None:
        """Click the flow dialog's button showing `text`."""
        button = self.wait_for(
            lambda: self.js(
                "return byText(deepAll(document, 'dialog-data-entry-flow')[0],"
                " 'ha-button, button', arguments[0])[0] || null;",
                text,
            ),
            f"no button {text!r} in the flow dialog",
        )
        self.js("arguments[0].click();", button)

    def close_flow(self) -> None:
        """Close the flow dialog, as its close button does, and wait until it is gone."""
        self.js(
            "const flow = deepAll(document, 'dialog-data-entry-flow')[0];"
            "if (flow && flow.closeDialog) flow.closeDialog();"
        )
        self.wait_for(
            lambda: not self.js("return deepAll(document, 'dialog[open]').length;"),
            "the flow dialog did not close",
        )
