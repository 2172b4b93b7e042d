"""Notes exports, the privacy rights (download and delete), and backup and restore."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document as DocxDocument
from fastapi.testclient import TestClient

from assistant.workspace.backup import BackupError, restore_backup, write_backup
from assistant.workspace.db import Database
from conftest import login_client, reset_database
from ui.server import create_app


@pytest.fixture()
def app(workspace_settings):
    application = create_app(workspace_settings)
    with TestClient(application):
        yield application


def _note(client, title: str, visibility: str = "personal") -> int:
    response = client.post("/api/notes", json={"title": title, "question": "Wat doet CoMensha?", "answer": "CoMensha registreert. [1]",
                                               "citations": [{"title": "CoMensha", "chapter": "Partners", "url": "/kaarten/partner-comensha"}],
                                               "visibility": visibility})
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.mark.parametrize(("fmt", "media"), [("md", "text/markdown"), ("docx", "wordprocessingml"), ("pdf", "application/pdf")])
def test_notes_export_formats(app, fmt, media):
    client = login_client(app, "export@example.org", "team-export")
    _note(client, "Overleg met CoMensha")

    response = client.get("/api/export/notes", params={"format": fmt})

    assert response.status_code == 200
    assert media in response.headers["content-type"]
    assert "attachment" in response.headers["content-disposition"]
    if fmt == "md":
        assert "## Overleg met CoMensha" in response.text
    elif fmt == "docx":
        text = "\n".join(p.text for p in DocxDocument(io.BytesIO(response.content)).paragraphs)
        assert "Overleg met CoMensha" in text
        assert "CoMensha registreert." in text
    else:
        assert response.content.startswith(b"%PDF")
        assert b"Overleg met CoMensha" in response.content


def test_export_of_selected_notes_only(app):
    client = login_client(app, "select@example.org", "team-select")
    first = _note(client, "Eerste notitie")
    _note(client, "Tweede notitie")

    text = client.get("/api/export/notes", params={"format": "md", "ids": str(first)}).text

    assert "Eerste notitie" in text
    assert "Tweede notitie" not in text


def test_export_never_includes_other_teams(app):
    owner = login_client(app, "a-export@example.org", "team-a-export")
    note = _note(owner, "Geheim van team A", "team")
    outsider = login_client(app, "b-export@example.org", "team-b-export")

    response = outsider.get("/api/export/notes", params={"format": "md", "ids": str(note)})

    assert response.status_code == 404
    assert "Geheim van team A" not in response.text


def test_export_rejects_unknown_format(app):
    client = login_client(app, "fmt@example.org", "team-fmt")
    _note(client, "Iets")

    assert client.get("/api/export/notes", params={"format": "xls"}).status_code == 422


def test_download_my_data(app):
    client = login_client(app, "mijn@example.org", "team-mijn")
    _note(client, "Mijn notitie")

    data = client.get("/api/me/export").json()
    readable = client.get("/api/me/export", params={"format": "md"}).text

    assert data["account"]["email"] == "mijn@example.org"
    assert [team["slug"] for team in data["teams"]] == ["team-mijn"]
    assert [note["title"] for note in data["notes"]] == ["Mijn notitie"]
    assert "# Jouw gegevens in Kompas Assistent" in readable
    assert "Mijn notitie" in readable


def test_delete_account_removes_personal_and_anonymises_team_notes(app):
    leaver = login_client(app, "vertrekker@example.org", "team-del")
    colleague = login_client(app, "blijver@example.org", "team-del")
    personal = _note(leaver, "Persoonlijk", "personal")
    shared = _note(leaver, "Voor het team", "team")

    response = leaver.delete("/api/me")

    assert response.status_code == 200
    assert response.json()["personal_notes_deleted"] == 1
    assert response.json()["team_notes_anonymised"] == 1
    assert leaver.get("/api/me").status_code == 401
    assert colleague.get(f"/api/notes/{personal}").status_code == 404
    team_note = colleague.get(f"/api/notes/{shared}").json()
    assert team_note["title"] == "Voor het team"
    assert team_note["mine"] is False
    assert "vertrekker" not in json.dumps(team_note)


def test_delete_account_needs_csrf(app):
    client = login_client(app, "csrf-del@example.org", "team-csrf")
    client.headers.pop("X-CSRF-Token")

    assert client.delete("/api/me").status_code == 403
    assert client.get("/api/me").status_code == 200


def test_backup_and_restore_round_trip(app, workspace_settings, tmp_path):
    client = login_client(app, "backup@example.org", "team-backup")
    _note(client, "Te bewaren notitie", "team")
    target = tmp_path / "backup.json.gz"
    counts = write_backup(app.state.db, target)

    reset_database(workspace_settings.database_url)
    url = workspace_settings.database_url if workspace_settings.database_url.startswith("postgresql") else f"sqlite:///{tmp_path / 'restored.sqlite'}"
    restored = Database(url)
    restore_backup(restored, target)
    with restored.session() as db:
        from sqlalchemy import select

        from assistant.workspace.models import Note, User

        titles = db.scalars(select(Note.title)).all()
        emails = db.scalars(select(User.email)).all()
    with pytest.raises(BackupError, match="--force"):
        restore_backup(restored, target)
    restored.close()

    assert counts["kompas_notes"] == 1
    assert titles == ["Te bewaren notitie"]
    assert "backup@example.org" in emails


def test_restore_rejects_non_backup(app, tmp_path):
    broken = tmp_path / "geen-backup.json.gz"
    broken.write_text("dit is geen back-up", encoding="utf-8")

    with pytest.raises(BackupError, match="geen leesbare back-up"):
        restore_backup(app.state.db, broken)


def test_sqlite_runs_in_wal_mode(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'wal.sqlite'}")
    with database.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    database.close()

    assert mode == "wal"
    assert foreign_keys == 1


def test_chat_cors_is_limited_to_this_deployment(workspace_settings):
    from chainlit.config import config

    settings = workspace_settings.model_copy(update={"public_url": "https://kompas.gemeente.example/"})
    create_app(settings)

    assert config.project.allow_origins == ["https://kompas.gemeente.example"]
    create_app(workspace_settings)
    assert "*" not in config.project.allow_origins
    assert f"http://127.0.0.1:{workspace_settings.port}" in config.project.allow_origins
