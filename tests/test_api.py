"""The web server: health, the ask API with its validation, card endpoints and the mounted chat."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient

from conftest import login_client
from ui.server import create_app


@pytest.fixture(scope="module")
def client(session_settings, built_index):
    with TestClient(create_app(session_settings)) as test_client:
        yield test_client


def test_health_names_build(client, built_index):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "build": built_index.build_id}


def test_ask_cites_comensha_for_reporting_a_victim(client):
    response = client.post("/api/ask", json={"question": "Waar meld ik een vermoedelijk slachtoffer van mensenhandel aan?"})

    assert response.status_code == 200
    body = response.json()
    assert body["answered"] is True
    assert "partner-comensha" in [citation["card_id"] for citation in body["citations"]]


@pytest.mark.parametrize(
    ("payload", "dutch"),
    [
        ({"question": ""}, "leeg"),
        ({"question": "   "}, "leeg"),
        ({"question": "x" * 1001}, "te lang"),
        ({"question": 42}, "tekst"),
        ({"question": ["Wat is mensenhandel?"]}, "tekst"),
        ({}, "question"),
        ({"question": "Wat is mensenhandel?", "extra": 1}, "question"),
    ],
)
def test_ask_rejects_bad_input_in_dutch(client, payload, dutch):
    response = client.post("/api/ask", json=payload)

    assert response.status_code == 422
    assert dutch in response.json()["detail"]


def test_ask_rejects_non_json(client):
    response = client.post("/api/ask", content=b"Wat is mensenhandel?", headers={"content-type": "application/json"})

    assert response.status_code == 422
    assert "JSON" in response.json()["detail"]


def test_question_of_1000_characters_is_accepted(client):
    question = ("Wat is mensenhandel? " * 60)[:1000]

    assert client.post("/api/ask", json={"question": question}).status_code == 200


def test_card_endpoint_returns_card(client):
    response = client.get("/api/cards/partner-comensha")

    assert response.status_code == 200
    card = response.json()
    assert card["id"] == "partner-comensha"
    assert card["kind"] == "met-wie"
    assert card["sources"]
    assert card["body"].startswith("## In het kort")


def test_unknown_card_is_404_in_dutch(client):
    response = client.get("/api/cards/bestaat-niet")

    assert response.status_code == 404
    assert "bestaat niet" in response.json()["detail"]


def test_card_page_is_dutch_html(client):
    response = client.get("/kaarten/acuut-gevaar")

    assert response.status_code == 200
    assert '<html lang="nl">' in response.text
    assert "Acuut gevaar?" in response.text
    assert "Feiten gecontroleerd op" in response.text
    assert "Vragen die deze kaart beantwoordt" in response.text
    assert "/zoeken?q=Welk%20nummer%20bel%20ik" in response.text


def test_chat_page_needs_login(client):
    response = client.get("/chat/", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/chat/"


def test_chat_page_is_dutch_and_offline(client):
    user = login_client(client.app, f"chat-{uuid.uuid4().hex[:8]}@example.org")

    response = user.get("/chat/", follow_redirects=False)

    assert response.status_code == 200
    assert '<html lang="nl">' in response.text
    external = re.findall(r"(?:href|src)=\"(https?://[^\"]+)\"", response.text)
    assert external == []
    assert "fonts.googleapis" not in response.text


def test_chat_config_forces_dutch(client):
    user = login_client(client.app, f"chat-{uuid.uuid4().hex[:8]}@example.org")
    assert user.post("/chat/auth/header").status_code == 200

    response = user.get("/chat/project/settings", params={"language": "en-US"})

    assert response.status_code == 200
    settings = response.json()
    assert settings["ui"]["language"] == "nl"
    assert settings["features"]["spontaneous_file_upload"]["enabled"] is False


def test_serve_builds_missing_index_first(fresh_settings):
    assert not (fresh_settings.index_dir / "CURRENT").exists()

    with TestClient(create_app(fresh_settings)) as fresh_client:
        health = fresh_client.get("/health").json()

    assert health["status"] == "ok"
    assert health["build"] == (fresh_settings.index_dir / "CURRENT").read_text().strip()
