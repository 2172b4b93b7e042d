"""The chat in a real browser: Debian chromium driven by Playwright, against a real server."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from index.settings import REPO_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PASSWORD = "browser-test-wachtwoord"
RUN = uuid.uuid4().hex[:8]
USERS = {"owner": f"eigenaar-{RUN}@example.org", "member": f"collega-{RUN}@example.org", "other": f"ander-{RUN}@example.org",
         "newcomer": f"nieuw-{RUN}@example.org"}


def _kompas(env: dict, *args: str, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=REPO_ROOT, env=env, input=stdin, text=True, check=True, capture_output=True)


def _create_accounts(env: dict) -> None:
    """Create two teams with three accounts through the admin commands."""
    _kompas(env, "team", "add", f"team-a-{RUN}", "--name", "Gemeente A")
    _kompas(env, "team", "add", f"team-b-{RUN}", "--name", "Gemeente B")
    for role, email in USERS.items():
        _kompas(env, "user", "add", email, "--name", role, "--password-stdin", stdin=PASSWORD + "\n")
        _kompas(env, "team", "add-member", f"team-b-{RUN}" if role == "other" else f"team-a-{RUN}", email)


def run_server(env: dict):
    """Start ``kompas serve`` with ``env`` on its KOMPAS_PORT; return the process and its URL once healthy."""
    # The log goes to a file, because an unread pipe would block the server once it fills.
    log = tempfile.NamedTemporaryFile(prefix="kompas-serve-", suffix=".log", delete=False)
    process = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve"], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{env['KOMPAS_PORT']}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.5)
    process.kill()
    pytest.fail("server did not start: " + Path(log.name).read_text(errors="replace")[-2000:])


def stop_server(process) -> None:
    """Stop a server from ``run_server``."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        # uvicorn waits for open chat sockets to close; the test is over, so stop it hard.
        process.kill()
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def server_url(session_settings, built_index):
    """A ``kompas serve`` process on a free loopback port, over the session index, with three accounts."""
    port = _free_port()
    env = {**os.environ, "KOMPAS_DATA_DIR": str(session_settings.data_dir), "KOMPAS_PORT": str(port)}
    _create_accounts(env)
    process, url = run_server(env)
    yield url
    stop_server(process)


@pytest.fixture()
def page():
    """A fresh headless chromium page in Dutch; requests to other hosts are aborted and recorded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives every launch a fresh temporary profile of its own.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        outside: list[str] = []

        def new_page():
            context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}, accept_downloads=True)
            context.route("**/*", guard)
            fresh = context.new_page()
            fresh.outside_requests = outside
            return fresh

        def guard(route):
            host = urlparse(route.request.url).hostname or ""
            if host in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page = new_page()
        page.new_user_page = new_page
        yield page
        browser.close()


def login(page, server_url: str, email: str, target: str = "/chat/") -> None:
    """Log in through the login form and land on ``target``."""
    page.goto(f"{server_url}/login?next={target}")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{server_url}{target}*")


def wait_until_ready(page) -> None:
    """Wait until the empty chat shows its starters and the socket has settled; earlier input is lost."""
    page.get_by_text("Ik ben nieuw: leid me rond").wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")


def test_chat_answers_with_clickable_source(server_url, page):
    login(page, server_url, USERS["owner"])
    wait_until_ready(page)

    page.locator("#chat-input").fill("Wat doet CoMensha?")
    page.keyboard.press("Enter")

    answer = page.locator(".ai-message").filter(has_text="CoMensha").last
    answer.wait_for(timeout=30_000)
    assert "[1]" in answer.inner_text()
    assert "Bronnen" in answer.inner_text()

    source = answer.locator(".element-link").first
    source.wait_for(timeout=10_000)
    source.click()
    side = page.locator("#side-view-content")
    side.wait_for(timeout=10_000)
    assert "Bronnen" in side.inner_text()
    assert "Feiten gecontroleerd op" in side.inner_text()

    assert page.evaluate("document.documentElement.lang") == "nl"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat.png"))
    assert page.outside_requests == []


def test_chat_follow_up_and_suggestion(server_url, page):
    login(page, server_url, USERS["owner"])
    wait_until_ready(page)
    page.locator("#chat-input").fill("Hoe werkt de opvang van volwassen slachtoffers?")
    page.keyboard.press("Enter")
    page.locator(".ai-message").filter(has_text="[1]").first.wait_for(timeout=30_000)

    page.locator("#chat-input").fill("en wie betaalt dat?")
    page.keyboard.press("Enter")
    page.locator(".ai-message").filter(has_text="centrumgemeente").nth(1).wait_for(timeout=30_000)

    answers_before = page.locator(".ai-message").count()
    suggestion = page.get_by_role("button", name="Hoe werkt zorgcoördinatie mensenhandel?").last
    suggestion.click()
    page.wait_for_function(f"document.querySelectorAll('.ai-message').length > {answers_before}", timeout=30_000)
    assert "zorgcoördinat" in page.locator(".ai-message").last.inner_text().lower()
    assert page.outside_requests == []


def test_note_and_team_share_from_chat(server_url, page):
    login(page, server_url, USERS["owner"])
    wait_until_ready(page)
    page.locator("#chat-input").fill("Wat doet de Nederlandse Arbeidsinspectie?")
    page.keyboard.press("Enter")
    answer = page.locator(".ai-message").filter(has_text="[1]").last
    answer.wait_for(timeout=30_000)
    answer_text = answer.inner_text().split("[1]")[0].strip()

    page.get_by_role("button", name="Bewaar als notitie").last.click()
    page.get_by_text("bewaard als persoonlijke notitie").wait_for(timeout=30_000)
    page.get_by_role("button", name="Deel").last.click()
    shared = page.locator(".ai-message a[href*='/s/']").last
    shared.wait_for(timeout=30_000)
    link = shared.get_attribute("href")

    page.goto(f"{server_url}/notities")
    assert "Wat doet de Nederlandse Arbeidsinspectie?" in page.locator("main").inner_text()

    colleague = page.new_user_page()
    login(colleague, server_url, USERS["member"], "/notities")
    colleague.goto(link if link.startswith("http") else f"{server_url}{link}")
    shared_page = colleague.locator("main").inner_text()
    assert answer_text[:60] in shared_page
    assert "Nederlandse Arbeidsinspectie" in shared_page
    assert "Bronnen" in shared_page
    colleague.screenshot(path=str(SCREENSHOTS / "shared-thread.png"))

    outsider = page.new_user_page()
    login(outsider, server_url, USERS["other"], "/notities")
    outsider.goto(link if link.startswith("http") else f"{server_url}{link}")
    assert "Niet gevonden" in outsider.locator("main").inner_text()
    assert answer_text[:60] not in outsider.locator("main").inner_text()
    assert page.outside_requests == []


def test_resumed_thread_restores_sources_and_actions(server_url, page):
    login(page, server_url, USERS["member"])
    wait_until_ready(page)
    page.locator("#chat-input").fill("Wat doet het RIEC voor gemeenten?")
    page.keyboard.press("Enter")
    page.locator(".ai-message").filter(has_text="[1]").last.wait_for(timeout=30_000)

    page.goto(f"{server_url}/chat/")
    thread = page.locator("#thread-history a").first
    thread.wait_for(timeout=30_000)
    thread.click()

    restored = page.locator(".ai-message").filter(has_text="[1]").last
    restored.wait_for(timeout=30_000)
    page.get_by_role("button", name="Bewaar als notitie").last.wait_for(timeout=30_000)
    card_link = restored.locator("a[href^='/kaarten/']").first
    assert card_link.get_attribute("href") == "/kaarten/partner-riec-liec"
    restored.locator(".element-link").first.click()
    side = page.locator("#side-view-content")
    side.wait_for(timeout=30_000)
    page.wait_for_function("document.querySelector('#side-view-content').innerText.includes('Bronnen')", timeout=30_000)
    page.get_by_role("button", name="Bewaar als notitie").last.click()
    page.get_by_text("bewaard als persoonlijke notitie").wait_for(timeout=30_000)


def test_onboarding_walk_resumes_across_sessions(server_url, page):
    email = USERS["newcomer"]
    login(page, server_url, email)
    wait_until_ready(page)
    page.get_by_text("Ik ben nieuw: leid me rond").click()
    page.get_by_role("button", name="Beleidsadviseur sociaal domein").click(timeout=30_000)
    page.get_by_role("button", name="Net begonnen").click(timeout=30_000)
    page.get_by_role("button", name="Nog geen aanpak").click(timeout=30_000)
    page.get_by_text("route **Basis").or_(page.get_by_text("Ik stel de route")).first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Kies Basis").click()

    page.locator(".ai-message").filter(has_text="Hoofdstuk 1 van 9").last.wait_for(timeout=30_000)
    page.locator("#chat-input").fill("Wat doet CoMensha?")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Verder met de rondleiding").last.click(timeout=30_000)
    page.locator(".ai-message").filter(has_text="Hoofdstuk 1 van 9").nth(1).wait_for(timeout=30_000)

    for chapter_number in (1, 2):
        intro = page.locator(".ai-message").filter(has_text=f"Hoofdstuk {chapter_number} van 9").last
        intro.wait_for(timeout=30_000)
        intro.get_by_role("button", name="Volgende").click()
        page.get_by_text("Reflectievraag").last.wait_for(timeout=30_000)
        page.locator("#chat-input").fill(f"Antwoord op de reflectievraag van hoofdstuk {chapter_number}.")
        page.keyboard.press("Enter")
        for check_number in (1, 2):
            question = page.locator(".ai-message").filter(has_text=f"Check {check_number} van 2").last
            question.get_by_role("button", name="Pauzeer").wait_for(timeout=30_000)
            controls = re.compile(r"^\s*(Sla over|Pauzeer)\s*$")
            option = question.locator("button").filter(has_text=re.compile(r"\w{4,}")).filter(has_not_text=controls).first
            option.click()
        page.get_by_text("is afgerond").last.wait_for(timeout=30_000)

    next_intro = page.locator(".ai-message").filter(has_text="Hoofdstuk 3 van 9").last
    next_intro.wait_for(timeout=30_000)
    next_intro.get_by_role("button", name="Pauzeer").click()
    page.get_by_text("gepauzeerd").last.wait_for(timeout=30_000)
    page.goto(f"{server_url}/leerpad")
    page.get_by_role("button", name="Uitloggen").click()

    login(page, server_url, email)
    page.get_by_text("Welkom terug").wait_for(timeout=30_000)
    assert "Aard en omvang" not in page.get_by_text("Welkom terug").inner_text()
    page.get_by_role("button", name="Ga verder").click()
    page.get_by_text("Hoofdstuk 3 van 9").last.wait_for(timeout=30_000)

    page.goto(f"{server_url}/leerpad")
    training = page.locator("main").inner_text()
    assert "Wat is mensenhandel? (100%, afgerond)" in training
    assert "Aard en omvang (100%, afgerond)" in training
    assert page.locator("textarea").first.input_value() == "Antwoord op de reflectievraag van hoofdstuk 1."
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "training-after-chat.png"))
