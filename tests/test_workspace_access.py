"""Team separation: every notes and share endpoint as owner, team member, other team and anonymous."""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import re

import pytest
from fastapi.testclient import TestClient

from assistant.workspace import accounts, sharing
from ui.auth import SESSION_COOKIE
from ui.server import create_app

PASSWORD = "een-lang-testwachtwoord"


@pytest.fixture()
def app(workspace_settings):
    application = create_app(workspace_settings)
    with TestClient(application):
        with application.state.db.session() as db:
            team_a = accounts.create_team(db, "gemeente-a", "Gemeente A")
            team_b = accounts.create_team(db, "gemeente-b", "Gemeente B")
            for email, team in (("eigenaar@example.org", team_a), ("collega@example.org", team_a), ("ander@example.org", team_b)):
                user = accounts.create_user(db, email, email.split("@")[0], PASSWORD)
                accounts.add_member(db, team, user)
        yield application


def login(app, email: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
    return client


@pytest.fixture()
def clients(app):
    return {
        "owner": login(app, "eigenaar@example.org"),
        "member": login(app, "collega@example.org"),
        "other": login(app, "ander@example.org"),
        "anonymous": TestClient(app, base_url="http://testserver"),
    }


def _note(client, visibility: str, title: str = "Notitie") -> int:
    response = client.post("/api/notes", json={"title": title, "body": "Afspraken met de zorgcoördinator.", "visibility": visibility})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _status(clients, method: str, path: str, **kwargs) -> dict[str, int]:
    return {role: client.request(method, path, follow_redirects=False, **kwargs).status_code for role, client in clients.items()}


def test_personal_note_only_for_owner(clients):
    note = _note(clients["owner"], "personal")

    assert _status(clients, "GET", f"/api/notes/{note}") == {"owner": 200, "member": 404, "other": 404, "anonymous": 401}


def test_team_note_for_team_only(clients):
    note = _note(clients["owner"], "team")

    assert _status(clients, "GET", f"/api/notes/{note}") == {"owner": 200, "member": 200, "other": 404, "anonymous": 401}
    assert "zorgcoördinator" not in clients["other"].get(f"/api/notes/{note}").text


def test_note_edit_only_by_owner(clients):
    note = _note(clients["owner"], "team")

    statuses = {role: client.patch(f"/api/notes/{note}", json={"title": f"door {role}"}).status_code for role, client in clients.items()}

    assert statuses == {"owner": 200, "member": 404, "other": 404, "anonymous": 401}
    assert clients["owner"].get(f"/api/notes/{note}").json()["title"] == "door owner"


def test_note_delete_only_by_owner(clients):
    notes = {role: _note(clients["owner"], "team") for role in clients}

    statuses = {role: client.delete(f"/api/notes/{notes[role]}").status_code for role, client in clients.items()}

    assert statuses == {"owner": 204, "member": 404, "other": 404, "anonymous": 401}


def test_note_list_respects_teams(clients):
    personal = _note(clients["owner"], "personal", "Persoonlijk")
    team = _note(clients["owner"], "team", "Team")

    seen = {role: {n["id"] for n in client.get("/api/notes").json()} for role, client in clients.items() if role != "anonymous"}

    assert seen["owner"] == {personal, team}
    assert seen["member"] == {team}
    assert seen["other"] == set()
    assert clients["anonymous"].get("/api/notes").status_code == 401


def test_note_search_and_tag_filter(clients):
    owner = clients["owner"]
    owner.post("/api/notes", json={"title": "Bibob-overleg", "body": "RIEC-advies", "tags": ["bibob"]})
    owner.post("/api/notes", json={"title": "Opvang", "body": "Centrumgemeente", "tags": ["zorg"]})

    assert [n["title"] for n in owner.get("/api/notes", params={"q": "riec"}).json()] == ["Bibob-overleg"]
    assert [n["title"] for n in owner.get("/api/notes", params={"tag": "zorg"}).json()] == ["Opvang"]


def test_team_share_link_opens_for_team_only(clients):
    note = _note(clients["owner"], "team")
    link = clients["owner"].post("/api/share-links", json={"kind": "note", "target_id": str(note)}).json()

    statuses = _status(clients, "GET", link["url"])

    assert statuses == {"owner": 200, "member": 200, "other": 404, "anonymous": 303}
    assert "Niet gevonden" in clients["other"].get(link["url"]).text


def test_share_link_creation_matrix(clients):
    note = _note(clients["owner"], "team")

    statuses = _status(clients, "POST", "/api/share-links", json={"kind": "note", "target_id": str(note)})

    assert statuses == {"owner": 201, "member": 201, "other": 404, "anonymous": 401}


def test_share_link_revoke_matrix(clients):
    links = {role: clients["owner"].post("/api/share-links", json={"kind": "card", "target_id": "partner-comensha"}).json() for role in clients}

    statuses = {role: client.delete(f"/api/share-links/{links[role]['id']}").status_code for role, client in clients.items()}

    assert statuses == {"owner": 204, "member": 404, "other": 404, "anonymous": 401}


def test_public_card_link_opens_without_login(clients):
    link = clients["owner"].post("/api/share-links", json={"kind": "card", "target_id": "acuut-gevaar", "public": True}).json()

    statuses = _status(clients, "GET", link["url"])

    assert statuses == {"owner": 200, "member": 200, "other": 200, "anonymous": 200}
    page = clients["anonymous"].get(link["url"]).text
    assert "112" in page
    assert "eigenaar" not in page


def test_note_cannot_be_public(clients):
    note = _note(clients["owner"], "team")

    response = clients["owner"].post("/api/share-links", json={"kind": "note", "target_id": str(note), "public": True})

    assert response.status_code == 422
    assert "openbaar" in response.json()["detail"]


def test_revoked_link_stops_at_once(clients):
    owner = clients["owner"]
    link = owner.post("/api/share-links", json={"kind": "chapter", "target_id": "partners"}).json()
    assert owner.get(link["url"]).status_code == 200

    assert owner.delete(f"/api/share-links/{link['id']}").status_code == 204

    assert owner.get(link["url"]).status_code == 404
    assert clients["member"].get(link["url"]).status_code == 404


def test_expired_link_stops_at_once(app, clients):
    owner = clients["owner"]
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)).isoformat()
    link = owner.post("/api/share-links", json={"kind": "card", "target_id": "meldroutes", "expires_at": expires}).json()
    assert owner.get(link["url"]).status_code == 200

    with app.state.db.session() as db:
        row = db.get(sharing.ShareLink, link["id"])
        row.expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)

    assert owner.get(link["url"]).status_code == 404


def test_expiry_in_past_is_rejected(clients):
    past = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)).isoformat()

    response = clients["owner"].post("/api/share-links", json={"kind": "card", "target_id": "meldroutes", "expires_at": past})

    assert response.status_code == 422


def test_token_has_at_least_128_random_bits():
    assert sharing.TOKEN_BYTES * 8 >= 128
    assert "secrets.token_urlsafe(TOKEN_BYTES)" in inspect.getsource(sharing.new_token)
    tokens = {sharing.new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(token) >= 43 for token in tokens)


def test_state_change_without_csrf_is_rejected(clients):
    owner = clients["owner"]
    token = owner.headers.pop("X-CSRF-Token")

    response = owner.post("/api/notes", json={"title": "Zonder token"})
    owner.headers["X-CSRF-Token"] = token

    assert response.status_code == 403
    assert "beveiligingscode" in response.json()["detail"]


def test_login_form_requires_csrf(app):
    client = TestClient(app)

    response = client.post("/login", data={"email": "eigenaar@example.org", "password": PASSWORD}, follow_redirects=False)

    assert response.status_code == 403


def test_login_is_rate_limited(app):
    client = TestClient(app)
    statuses = []
    for _ in range(7):
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        statuses.append(client.post("/login", data={"email": "eigenaar@example.org", "password": "fout-wachtwoord", "csrf_token": token}).status_code)

    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]


def test_logout_invalidates_session(app):
    client = login(app, "collega@example.org")
    cookie = client.cookies.get(SESSION_COOKIE)
    csrf = client.headers["X-CSRF-Token"]

    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    cleared = [value for name, value in response.headers.multi_items() if name == "set-cookie"]
    assert any(value.startswith(f"{SESSION_COOKIE}=") and "Max-Age=0" in value for value in cleared)
    assert any(value.startswith("access_token=") for value in cleared)

    stale = TestClient(app, cookies={SESSION_COOKIE: cookie})
    assert stale.get("/api/me").status_code == 401


def test_session_cookie_flags(app):
    client = TestClient(app, base_url="https://testserver")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)

    response = client.post("/login", data={"email": "eigenaar@example.org", "password": PASSWORD, "csrf_token": token}, follow_redirects=False)

    cookie = next(value for name, value in response.headers.multi_items() if name == "set-cookie" and value.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" in cookie
    assert "Path=/" in cookie


def test_trusted_header_is_off_by_default(app):
    client = TestClient(app)

    assert client.get("/api/me", headers={"X-Remote-User": "eigenaar@example.org"}).status_code == 401


def test_trusted_header_from_configured_proxy(workspace_settings):
    settings = workspace_settings.model_copy(update={"trusted_header": "X-Remote-User", "trusted_proxies": ["testclient"]})
    application = create_app(settings)
    with TestClient(application) as client:
        with application.state.db.session() as db:
            accounts.create_user(db, "gateway@example.org", "Gateway", None)

        response = client.get("/api/me", headers={"X-Remote-User": "gateway@example.org"})

        assert response.status_code == 200
        assert response.json()["email"] == "gateway@example.org"

    untrusted = workspace_settings.model_copy(update={"trusted_header": "X-Remote-User", "trusted_proxies": ["10.0.0.1"]})
    with TestClient(create_app(untrusted)) as client:
        assert client.get("/api/me", headers={"X-Remote-User": "gateway@example.org"}).status_code == 401


def test_personal_data_warns_before_saving(clients, caplog):
    owner = clients["owner"]
    text = "Cliënt met BSN 111222333 gesproken."

    with caplog.at_level(logging.INFO):
        warned = owner.post("/api/notes", json={"title": "Gesprek", "body": text})
        saved = owner.post("/api/notes", json={"title": "Gesprek", "body": text, "confirm_personal_data": True})

    assert warned.status_code == 409
    assert warned.json()["personal_data"] == ["bsn"]
    assert "BSN" in warned.json()["detail"]
    assert saved.status_code == 201
    assert len(owner.get("/api/notes").json()) == 1
    assert all("111222333" not in record.getMessage() for record in caplog.records)


def test_pages_need_login(clients):
    assert clients["anonymous"].get("/notities", follow_redirects=False).status_code == 303
    assert clients["anonymous"].get("/gedeeld", follow_redirects=False).status_code == 303
    owner = clients["owner"]
    owner.post("/api/share-links", json={"kind": "card", "target_id": "partner-ccv"})
    page = owner.get("/gedeeld")
    assert page.status_code == 200
    assert "Mijn gedeelde links" in page.text
    assert "/s/" in page.text


def _insert_thread(app, owner_email: str) -> str:
    """Store a chat thread with one question and answer, as Chainlit's data layer writes it."""
    from sqlalchemy import text

    thread_id = "thread-" + owner_email.split("@")[0]
    metadata = '{"answer": "De politie onderzoekt meldingen. [1]", "citations": [{"title": "Politie en AVIM", "chapter": "Partners", "url": "/kaarten/partner-politie-avim", "quote": "q"}]}'
    with app.state.db.session() as db:
        db.execute(text('INSERT INTO users ("id", "identifier", "metadata", "createdAt") VALUES (:id, :email, \'{}\', \'2026-12-04T10:00:00Z\')'),
                   {"id": "u-" + thread_id, "email": owner_email})
        db.execute(text('INSERT INTO threads ("id", "createdAt", "name", "userId", "userIdentifier") VALUES (:id, \'2026-12-04T10:00:00Z\', \'Vraag\', :user, :email)'),
                   {"id": thread_id, "user": "u-" + thread_id, "email": owner_email})
        db.execute(text('INSERT INTO steps ("id", "name", "type", "threadId", "streaming", "output", "createdAt") VALUES (:id, \'u\', \'user_message\', :thread, false, \'Wat doet de AVIM?\', \'2026-12-04T10:00:01Z\')'),
                   {"id": thread_id + "-q", "thread": thread_id})
        db.execute(text('INSERT INTO steps ("id", "name", "type", "threadId", "streaming", "output", "metadata", "createdAt") VALUES (:id, \'a\', \'assistant_message\', :thread, false, \'antwoord\', :meta, \'2026-12-04T10:00:02Z\')'),
                   {"id": thread_id + "-a", "thread": thread_id, "meta": metadata})
    return thread_id


def test_thread_share_matrix(app, clients):
    thread_id = _insert_thread(app, "eigenaar@example.org")

    statuses = _status(clients, "POST", "/api/share-links", json={"kind": "thread", "target_id": thread_id})

    assert statuses == {"owner": 201, "member": 404, "other": 404, "anonymous": 401}


def test_shared_thread_view_matrix(app, clients):
    thread_id = _insert_thread(app, "eigenaar@example.org")
    link = clients["owner"].post("/api/share-links", json={"kind": "thread", "target_id": thread_id}).json()

    statuses = _status(clients, "GET", link["url"])
    page = clients["member"].get(link["url"]).text

    assert statuses == {"owner": 200, "member": 200, "other": 404, "anonymous": 303}
    assert "Wat doet de AVIM?" in page
    assert "De politie onderzoekt meldingen." in page
    assert "Politie en AVIM" in page
    assert "Wat doet de AVIM?" not in clients["other"].get(link["url"]).text


def test_public_thread_link_shows_no_names(app, clients):
    thread_id = _insert_thread(app, "eigenaar@example.org")
    link = clients["owner"].post("/api/share-links", json={"kind": "thread", "target_id": thread_id, "public": True}).json()

    page = clients["anonymous"].get(link["url"])

    assert page.status_code == 200
    assert "Wat doet de AVIM?" in page.text
    assert "eigenaar" not in page.text


def test_note_on_card_is_shown_to_team_only(clients):
    owner = clients["owner"]
    csrf = owner.headers["X-CSRF-Token"]

    response = owner.post("/kaarten/partner-comensha/notitie", data={"title": "Contact CoMensha", "body": "Afspraak gemaakt.",
                                                                      "visibility": "team", "csrf_token": csrf}, follow_redirects=False)

    assert response.status_code == 303
    assert "Contact CoMensha" in owner.get("/kaarten/partner-comensha").text
    assert "Contact CoMensha" in clients["member"].get("/kaarten/partner-comensha").text
    assert "Contact CoMensha" not in clients["other"].get("/kaarten/partner-comensha").text
    assert "Contact CoMensha" not in clients["anonymous"].get("/kaarten/partner-comensha").text
    assert owner.get("/api/notes").json()[0]["card_ids"] == ["partner-comensha"]


def test_chat_file_access_matrix(app, clients, workspace_settings):
    from sqlalchemy import text

    thread_id = _insert_thread(app, "eigenaar@example.org")
    name = "a" * 64
    folder = workspace_settings.data_dir / "chat-files"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("# Politie en AVIM", encoding="utf-8")
    with app.state.db.session() as db:
        db.execute(text('INSERT INTO elements ("id", "threadId", "name", "url") VALUES (:id, :thread, \'1. Politie\', :url)'),
                   {"id": f"el-{thread_id}", "thread": thread_id, "url": f"/chat-files/{name}"})

    before = _status(clients, "GET", f"/chat-files/{name}")
    clients["owner"].post("/api/share-links", json={"kind": "thread", "target_id": thread_id})
    after = _status(clients, "GET", f"/chat-files/{name}")
    (folder / name).unlink()

    assert before == {"owner": 200, "member": 404, "other": 404, "anonymous": 401}
    assert after == {"owner": 200, "member": 200, "other": 404, "anonymous": 401}


def test_chat_feedback_only_on_own_threads(app, clients):
    thread_id = _insert_thread(app, "eigenaar@example.org")
    feedback = {"feedback": {"forId": f"{thread_id}-a", "threadId": thread_id, "value": 1, "comment": None}, "sessionId": "s"}

    statuses = {role: client.put("/chat/feedback", json=feedback).status_code for role, client in clients.items()}

    assert statuses == {"owner": 200, "member": 404, "other": 404, "anonymous": 404}
