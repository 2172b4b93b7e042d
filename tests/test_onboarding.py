"""Guided onboarding content, and the team lead's progress view."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from assistant.onboarding import chapter_intro, chapter_order, check_questions, suggest_route
from assistant.workspace import accounts, training
from conftest import login_client
from ui.server import create_app


def _all_ids(assistant) -> set[str]:
    return set(assistant.build.cards)


@pytest.mark.parametrize("route", ["basis", "verdieping"])
def test_check_answers_stand_in_cited_card(assistant, route):
    route_ids = {card.id for card in training.route_cards(assistant.build, route)}
    for chapter in chapter_order(assistant.build):
        questions = check_questions(assistant.build, chapter, route_ids)
        assert questions, chapter.id
        for question in questions:
            card = assistant.card(question.answer)
            assert question.sentence in " ".join(re.sub(r"\*\*", "", card.body).split()), (chapter.id, question.sentence)
            assert question.answer in [option.id for option in question.options]
            assert len({option.id for option in question.options}) == len(question.options)


def test_every_intro_sentence_is_cited(assistant):
    for chapter in chapter_order(assistant.build):
        intro = chapter_intro(assistant.build, chapter, _all_ids(assistant), assistant.chapter_titles, assistant.card_url)
        text = intro.markdown()
        sentences = [part for part in re.split(r"(?<=\])\s+", text) if part]

        assert len(sentences) >= 2, chapter.id
        for sentence in sentences:
            marker = re.search(r"\[(\d+)\]$", sentence)
            assert marker, sentence
            cited = intro.citations[int(marker.group(1)) - 1]
            body = " ".join(re.sub(r"\*\*", "", assistant.card(cited.card_id).body).split())
            assert sentence[: marker.start()].strip() in body


@pytest.mark.parametrize(
    ("intake", "route"),
    [({"stage": "geen"}, "basis"), ({"duration": "nieuw", "stage": "verder"}, "basis"), ({"duration": "langer", "stage": "verder"}, "verdieping")],
)
def test_route_suggestion_from_intake(intake, route):
    assert suggest_route(intake) == route


@pytest.fixture()
def app(workspace_settings):
    application = create_app(workspace_settings)
    with TestClient(application):
        yield application


def test_team_view_for_own_lead_only(app):
    member = login_client(app, "lid@example.org", "team-voortgang")
    member.post("/leerpad/route", data={"route": "basis", "csrf_token": member.headers["X-CSRF-Token"]})
    lead = login_client(app, "lead@example.org", "team-voortgang")
    other_lead = login_client(app, "andere-lead@example.org", "ander-team")
    with app.state.db.session() as db:
        accounts.add_member(db, accounts.get_team(db, "team-voortgang"), accounts.get_user(db, "lead@example.org"), "lead")
        accounts.add_member(db, accounts.get_team(db, "ander-team"), accounts.get_user(db, "andere-lead@example.org"), "lead")

    page = lead.get("/team/team-voortgang/voortgang")

    assert page.status_code == 200
    assert "lid" in page.text
    assert "basis" in page.text
    assert other_lead.get("/team/team-voortgang/voortgang").status_code == 404
    assert member.get("/team/team-voortgang/voortgang").status_code == 404
    assert lead.get("/team/bestaat-niet/voortgang").status_code == 404
