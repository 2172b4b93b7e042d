"""The compass pages in a real browser: browsing, downloads, search, the training route and accessibility."""

from __future__ import annotations

import os
import uuid

import httpx
import pytest

# The browser page fixture (Dutch locale, downloads on, other hosts blocked) is shared with the chat tests.
from test_browser import PASSWORD, SCREENSHOTS, _free_port, _kompas, login, page, run_server, stop_server  # noqa: F401

pytestmark = [pytest.mark.browser]
RUN = uuid.uuid4().hex[:8]
EMAIL = f"lezer-{RUN}@example.org"
# axe-core impact levels that fail the check; "moderate" and "minor" findings are reported only.
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="module")
def server_url(session_settings, built_index):
    """A ``kompas serve`` process with one advisor account in a team."""
    port = _free_port()
    env = {**os.environ, "KOMPAS_DATA_DIR": str(session_settings.data_dir), "KOMPAS_PORT": str(port)}
    _kompas(env, "team", "add", f"team-{RUN}")
    _kompas(env, "user", "add", EMAIL, "--name", "Lezer", "--password-stdin", stdin=PASSWORD + "\n")
    _kompas(env, "team", "add-member", f"team-{RUN}", EMAIL)
    process, url = run_server(env)
    yield url
    stop_server(process)


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_browse_download_read_and_progress(server_url, page, assistant):
    login(page, server_url, EMAIL, "/")
    page.get_by_role("link", name="Alle hoofdstukken").click()
    page.get_by_role("link", name="Met wie werk je samen?").click()
    page.get_by_role("link", name="CoMensha", exact=True).click()
    assert page.locator("h1").first.inner_text() == "CoMensha"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    text = _pdf_text(download_info.value.path())
    card = assistant.card("partner-comensha")
    assert card.title in text
    assert card.sources[0].title[:30] in " ".join(text.split())

    page.get_by_role("button", name="Markeer als gelezen").click()
    page.get_by_role("button", name="Gelezen ✓").wait_for()
    page.goto(f"{server_url}/")
    progress = page.locator("section", has_text="Verder met je leerpad")
    assert progress.is_visible()
    assert "%" in progress.inner_text()
    assert page.outside_requests == []


def test_search_finds_card_by_paraphrase(server_url, page):
    page.goto(f"{server_url}/zoeken")
    page.locator("#q").fill("Wie is voogd van een kind dat zonder ouders naar Nederland kwam?")
    page.get_by_role("button", name="Zoeken").click()

    first = page.locator("ol.cards h3 a").first
    assert first.get_attribute("href") == "/kaarten/partner-nidos"
    assert page.locator("ol.cards mark").count() > 0


def test_training_route_resumes_after_login(server_url, page):
    login(page, server_url, EMAIL, "/leerpad")
    if page.get_by_role("button", name="Start het leerpad").count():
        page.get_by_role("button", name="Start het leerpad").click()
    first_next = page.get_by_role("link", name="Ga verder waar je was").inner_text()
    page.get_by_role("link", name="Ga verder waar je was").click()
    page.get_by_role("button", name="Markeer als gelezen").click()
    page.goto(f"{server_url}/leerpad")
    question = page.locator("form textarea").first
    question.fill("In onze gemeente zien we vooral signalen bij arbeidsmigranten.")
    page.get_by_role("button", name="Bewaar antwoord").first.click()

    page.get_by_role("button", name="Uitloggen").click()
    login(page, server_url, EMAIL, "/leerpad")

    resumed = page.get_by_role("link", name="Ga verder waar je was").inner_text()
    assert resumed != first_next
    assert page.locator("form textarea").first.input_value() == "In onze gemeente zien we vooral signalen bij arbeidsmigranten."


@pytest.mark.parametrize(
    ("name", "path"),
    [("home", "/"), ("chapter", "/hoofdstukken/zorg-en-opvang"), ("card", "/kaarten/acuut-gevaar"),
     ("search", "/zoeken?q=signalen+arbeidsuitbuiting"), ("training", "/leerpad"), ("notes", "/notities")],
)
def test_pages_pass_accessibility_check(server_url, page, name, path):
    from axe_playwright_python.sync_playwright import Axe

    login(page, server_url, EMAIL, "/")
    page.goto(f"{server_url}{path}")
    assert page.evaluate("document.documentElement.lang") == "nl"

    results = Axe().run(page)

    blocking = [v["id"] for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
    assert blocking == [], results.generate_report()
    assert page.outside_requests == []


def test_pages_work_without_javascript(server_url, session_settings):
    response = httpx.get(f"{server_url}/kaarten/partner-comensha")

    assert response.status_code == 200
    assert "<script" not in response.text
    assert "CoMensha" in response.text
