"""The HTML reference in a real browser: headless Chromium, driven by Selenium through chromedriver.

The page is opened as a reader opens it (a file URL, nothing from the network) and used: request and responses
side by side with their examples, anchors followed (by address, by a change of the hash, by a click on a rule's
link), the filter box typed into, a nested field unfolded, a variant's tab chosen, the narrow and print layouts.
Screenshots (and a PDF of the print) are saved in the test's temporary folder. Without Chromium, chromedriver
(Debian packages ``chromium`` and ``chromium-driver``) or Selenium (the dev extra), the tests skip and say which.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("jinja2", reason="the reference needs the docs extra (jinja2)")
pytest.importorskip("selenium", reason="Selenium (in the dev extra) drives the browser: pip install selenium")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

import invoicespec  # noqa: E402
from invoicespec.outputs.docs import build_docs, reference  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def page_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("reference")
    build_docs(out)
    return (out / "index.html").as_uri()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = next((found for name in ("chromium", "chromium-browser", "google-chrome")
                     if (found := shutil.which(name))), None)
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        missing = " and ".join(name for name, found in (("Chromium", chromium), ("chromedriver", driver))
                               if found is None)
        pytest.skip(f"{missing} not installed (Debian: apt-get install chromium chromium-driver): the HTML "
                    "reference was not opened in a browser")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND"):  # nothing may reach the network
        options.add_argument(argument)
    session = webdriver.Chrome(service=Service(driver), options=options)
    session.set_window_size(1440, 1000)
    yield session
    session.quit()


def _open(browser: Any, url: str, width: int = 1440, height: int = 1000) -> None:
    browser.set_window_size(width, height)
    browser.get("about:blank")  # a new document even when only the hash would change
    browser.get(url)


def _screenshot(browser: Any, folder: Path, name: str) -> Path:
    target = folder / name
    assert browser.save_screenshot(str(target))
    assert target.read_bytes()[:8] == PNG
    return target


def _landed(browser: Any, anchor: str) -> None:
    """The field with this id is shown, every fold and tab around it open, and it is in view below the header."""
    element = browser.find_element(By.ID, anchor)
    assert element.tag_name == "details" and element.get_attribute("open") is not None, anchor
    folded = browser.execute_script(
        "var out = []; for (var at = arguments[0].parentElement; at; at = at.parentElement) {"
        "  if (at.tagName === 'DETAILS' && !at.open) out.push(at.getAttribute('data-path'));"
        "  if (at.classList.contains('tabpanel') && !at.classList.contains('active')) out.push('inactive tab'); }"
        "return out;", element)
    assert folded == [], (anchor, folded)
    summary = element.find_element(By.CSS_SELECTOR, ":scope > summary")
    assert summary.is_displayed(), anchor
    top, header, height = browser.execute_script(
        "return [arguments[0].getBoundingClientRect().top, document.querySelector('header.top')"
        ".getBoundingClientRect().bottom, window.innerHeight];", summary)
    assert header - 1 <= top < height - 20, (anchor, top, header, height)


def test_request_and_responses_side_by_side_with_examples_that_are_valid(browser: Any, page_url: str,
                                                                         tmp_path: Path):
    _open(browser, page_url)
    for operation in reference():
        section = browser.find_element(By.ID, operation.id)
        request, responses = section.find_elements(By.CSS_SELECTOR, ".exchange > .pane")
        browser.execute_script("arguments[0].scrollIntoView()", request)
        left, right = request.rect, responses.rect
        assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 2, operation.id
        shown_parts = [tab.text for tab in request.find_elements(By.CSS_SELECTOR, ":scope > .tabset > .tabs > [role=tab]")]
        assert shown_parts[0] == "body"
        statuses = [tab.text for tab in responses.find_elements(By.CSS_SELECTOR, ":scope > .tabset > .tabs > [role=tab]")]
        assert statuses == [part.name.removeprefix("response.") for part in operation.response_parts]
        for part in operation.parts:
            panel = browser.find_element(By.ID, part.anchor)
            example = panel.find_element(By.CSS_SELECTOR, "figure.example pre.example code")
            text = browser.execute_script("return arguments[0].textContent", example)
            payload = json.loads(text) if part.example_language == "json" else text
            # The example shown is the schema's own, and valid: the validator has the last word.
            assert invoicespec.errors(operation.id, payload, part=part.name) == [], (operation.id, part.name)
    browser.execute_script("document.getElementById('pennylane.create_customer_invoice').scrollIntoView()")
    _screenshot(browser, tmp_path, "wide.png")


@pytest.mark.parametrize("anchor", [
    "getbill.create_debt--request--/phone",
    "pennylane.create_customer_invoice--request--/invoice_lines/*/label--2",  # in a variant's second tab
    "nitrobox.create_deposit_invoice--response.4XX--/errors/*/fieldName",  # nested, in a second response tab
    "riverty.create_receivable--request.path--/clientId",  # another request part's tab
    "riverty.create_receivable--request--/sessions/*/identifiedCredentials/*/identifier/country--2",
])
def test_anchors_land_on_the_field(browser: Any, page_url: str, anchor: str):
    _open(browser, f"{page_url}#{anchor}")
    _landed(browser, anchor)
    _open(browser, page_url)  # and by a change of the hash, as a link inside the page makes
    browser.execute_script("window.location.hash = arguments[0]", anchor)
    _landed(browser, anchor)


def test_a_rule_links_to_the_field_it_names(browser: Any, page_url: str):
    _open(browser, page_url)
    rule_links = browser.find_elements(By.CSS_SELECTOR, "#getbill\\.create_debt--request ul.rules a[href^='#']")
    assert rule_links, "the x- rules are stated next to the fields they name, with links"
    target = rule_links[0].get_attribute("href").split("#", 1)[1]
    browser.execute_script("arguments[0].click()", rule_links[0])
    _landed(browser, target)


def test_the_filter_box(browser: Any, page_url: str, tmp_path: Path):
    _open(browser, page_url)
    status = browser.find_element(By.ID, "filter-status")
    total = sum(len(part.fields) for operation in reference() for part in operation.parts)
    assert status.text == f"{total} fields"
    box = browser.find_element(By.ID, "filter")
    box.send_keys("phone")
    matching = browser.find_elements(By.CSS_SELECTOR, "details.node.match")
    assert matching and all(node.is_displayed() for node in matching)
    own_texts = browser.execute_script(
        "return arguments[0].map(function (node) { return node.querySelector(':scope > summary').textContent + ' ' +"
        " node.getAttribute('data-path') + ' ' + Array.prototype.map.call(node.querySelectorAll("
        "':scope > .node-body > :not(.choice):not(.children)'), function (e) { return e.textContent; }).join(' '); });",
        matching)
    assert all("phone" in text.lower() for text in own_texts)
    counted = [node for node in matching if node.get_attribute("id")]
    assert status.text == f"{len(counted)} of {total} fields match"
    assert browser.find_element(By.ID, "getbill.create_debt--request--/phone").is_displayed()
    hidden = browser.find_elements(By.CSS_SELECTOR, "details.node[hidden]")
    assert hidden and not any(node.find_elements(By.CSS_SELECTOR, "details.node.match") for node in hidden[:50])
    _screenshot(browser, tmp_path, "filtered.png")
    box.send_keys(" response")  # every word must match: fewer fields
    assert 0 < len(browser.find_elements(By.CSS_SELECTOR, "details.node.match[id]")) < len(counted)
    box.clear()
    box.send_keys(" ")  # clear() sends no input event
    assert status.text == f"{total} fields"
    assert not browser.find_elements(By.CSS_SELECTOR, "details.node[hidden]")

    _open(browser, page_url + "?filter=due_date")  # the address fills the box
    assert browser.find_element(By.ID, "filter").get_attribute("value") == "due_date"
    assert browser.find_element(By.ID, "getbill.create_debt--request--/due_date").is_displayed()


def test_unfolding_a_nested_field_and_choosing_a_variant(browser: Any, page_url: str, tmp_path: Path):
    _open(browser, page_url)
    parent = browser.find_element(By.ID, "pennylane.create_customer_invoice--request--/discount")
    child = browser.find_element(By.ID, "pennylane.create_customer_invoice--request--/discount/type")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", parent)
    assert parent.get_attribute("open") is None and not child.is_displayed()
    parent.find_element(By.CSS_SELECTOR, ":scope > summary").click()
    assert parent.get_attribute("open") is not None and child.is_displayed()
    assert "required" in child.find_element(By.CSS_SELECTOR, ":scope > summary").text
    _screenshot(browser, tmp_path, "unfolded.png")

    root = browser.find_element(By.CSS_SELECTOR, "#pennylane\\.create_customer_invoice--request details.node")
    tabs = root.find_elements(By.CSS_SELECTOR, ":scope > .node-body > .choice .tabs [role=tab]")
    panels = root.find_elements(By.CSS_SELECTOR, ":scope > .node-body > .choice .tabset > .tabpanel")
    assert [tab.text for tab in tabs] == ["Draft customer invoice", "Finalized customer invoice"]
    assert panels[0].is_displayed() and not panels[1].is_displayed()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", tabs[1])
    tabs[1].click()
    assert panels[1].is_displayed() and not panels[0].is_displayed()
    assert tabs[1].get_attribute("aria-selected") == "true"
    _screenshot(browser, tmp_path, "variant-tab.png")


def test_narrow_and_print_layouts(browser: Any, page_url: str, tmp_path: Path):
    _open(browser, page_url, 390, 900)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    request, responses = browser.find_elements(By.CSS_SELECTOR, "#getbill\\.create_debt .exchange > .pane")
    assert responses.rect["y"] >= request.rect["y"] + request.rect["height"]  # one under the other
    _screenshot(browser, tmp_path, "narrow.png")

    _open(browser, page_url)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.CSS_SELECTOR, "nav").is_displayed()
        assert not browser.find_element(By.ID, "filter").is_displayed()
        second_status = browser.find_element(By.ID, "getbill.create_debt--response.400")
        assert second_status.is_displayed()  # every response, not only the first tab
        folded = browser.find_element(By.ID, "pennylane.create_customer_invoice--request--/discount/type")
        assert folded.get_attribute("open") is None  # nothing stays folded on paper (Selenium's is_displayed
        # takes any closed <details> for hidden, so the browser's own verdict is asked)
        assert browser.execute_script("return arguments[0].checkVisibility() && "
                                      "arguments[0].getBoundingClientRect().height > 0", folded)
        _screenshot(browser, tmp_path, "print.png")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = tmp_path / "reference.pdf"
    pdf.write_bytes(__import__("base64").b64decode(browser.print_page()))
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 100_000
