"""Conversations: follow-ups resolved against earlier turns, in the assistant and through the API."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from assistant.conversation import ThreadStore, is_follow_up, resolve_question
from ui.server import create_app


@pytest.mark.parametrize(
    "question",
    ["en wie betaalt dat?", "Hoe zit dat bij minderjarigen?", "En hoe bereik ik ze?", "Wat doen zij precies?", "and who pays for that?"],
)
def test_follow_ups_are_recognised(question):
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    ["Wat doet CoMensha?", "Hoe richt ik een interne meldroute in voor collega's?", "Wat is het verschil tussen mensenhandel en mensensmokkel?"],
)
def test_standalone_questions_are_not_follow_ups(question):
    assert not is_follow_up(question)


def test_follow_up_is_joined_to_previous_turn():
    assert resolve_question("en wie betaalt dat?", ["Hoe werkt de opvang van volwassen slachtoffers?"]) == (
        "Hoe werkt de opvang van volwassen slachtoffers? en wie betaalt dat?"
    )
    assert resolve_question("en wie betaalt dat?", []) == "en wie betaalt dat?"


def test_follow_up_lands_on_previous_topic(assistant):
    history = ["Hoe werkt de opvang van volwassen slachtoffers?"]

    answer = assistant.ask("en wie betaalt dat?", history=history)

    assert "opvang-volwassenen" in [citation.card_id for citation in answer.citations]


def test_thread_store_expires_and_bounds():
    store = ThreadStore(max_threads=2, ttl_seconds=3600)
    first, second, third = store.create(), store.create(), store.create()

    assert store.get(first.id) is None
    assert store.get(second.id) is second
    assert store.get(third.id) is third
    assert re.fullmatch(r"[0-9a-f]{32}", first.id)

    expired = ThreadStore(ttl_seconds=0)
    thread = expired.create()
    assert expired.get(thread.id) is None


@pytest.fixture(scope="module")
def client(session_settings, built_index):
    with TestClient(create_app(session_settings)) as test_client:
        yield test_client


def test_api_returns_thread_and_resolves_follow_up(client):
    first = client.post("/api/ask", json={"question": "Wat doet CoMensha?"}).json()
    thread_id = first["thread_id"]

    follow_up = client.post("/api/ask", json={"question": "En hoe bereik ik ze?", "thread_id": thread_id}).json()

    assert re.fullmatch(r"[0-9a-f]{32}", thread_id)
    assert follow_up["thread_id"] == thread_id
    assert follow_up["citations"][0]["card_id"] == "partner-comensha"


def test_api_new_question_gets_new_thread(client):
    first = client.post("/api/ask", json={"question": "Wat is mensenhandel?"}).json()
    second = client.post("/api/ask", json={"question": "Wat is mensenhandel?"}).json()

    assert first["thread_id"] != second["thread_id"]


def test_api_unknown_thread_is_404(client):
    response = client.post("/api/ask", json={"question": "En wie betaalt dat?", "thread_id": "0" * 32})

    assert response.status_code == 404
    assert "bestaat niet" in response.json()["detail"]


@pytest.mark.parametrize("thread_id", ["abc", 42, "Z" * 32])
def test_api_invalid_thread_id_is_422(client, thread_id):
    response = client.post("/api/ask", json={"question": "Wat is mensenhandel?", "thread_id": thread_id})

    assert response.status_code == 422
    assert "thread_id" in response.json()["detail"]
