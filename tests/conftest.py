"""Shared fixtures: one real index build from the real content, reused by the whole session.

The session data folder lives in ``.test-data/`` (ignored by git), so its vector cache survives
between local runs. Every run still ingests, and a fresh clone embeds everything.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import pytest  # noqa: E402

from index.settings import REPO_ROOT, Settings  # noqa: E402

TEST_DATA = REPO_ROOT / ".test-data"
QUESTIONS_FILE = Path(__file__).parent / "data" / "questions.jsonl"


@pytest.fixture(scope="session")
def session_settings() -> Settings:
    """Settings pointing at the session data folder and the real content."""
    TEST_DATA.mkdir(exist_ok=True)
    return Settings(data_dir=TEST_DATA, content_dir=REPO_ROOT / "content")


@pytest.fixture(scope="session")
def embedder(session_settings):
    """The default embedder, loaded once."""
    from index.embedder import load_embedder

    return load_embedder(session_settings.embedder, session_settings.embed_threads)


@pytest.fixture(scope="session")
def built_index(session_settings, embedder):
    """Ingest the real content once; returns the ingest report."""
    from ingest.pipeline import run_ingest

    return run_ingest(session_settings, embedder=embedder)


@pytest.fixture(scope="session")
def assistant(session_settings, built_index, embedder):
    """The assistant over the session build."""
    from assistant.service import Assistant
    from index.store import IndexBuild

    return Assistant(session_settings, IndexBuild.load(session_settings.index_dir), embedder)


@pytest.fixture()
def fresh_settings(tmp_path, session_settings, built_index) -> Settings:
    """Settings with an empty data folder that starts with a copy of the session vector cache."""
    shutil.copytree(session_settings.cache_dir, tmp_path / "data" / "cache")
    return Settings(data_dir=tmp_path / "data", content_dir=session_settings.content_dir)


def load_questions() -> list[dict]:
    """Read the question set written before any tuning."""
    with QUESTIONS_FILE.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def reset_database(url: str) -> None:
    """Give a test an empty database: drop every table of a PostgreSQL test database (SQLite files are new)."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture()
def workspace_settings(tmp_path, session_settings, built_index) -> Settings:
    """Settings over the session index with an empty workspace database.

    The database is PostgreSQL when ``KOMPAS_DATABASE_URL`` is set (as in CI's second run), else a
    fresh SQLite file.
    """
    url = os.environ.get("KOMPAS_DATABASE_URL") or f"sqlite:///{tmp_path / 'workspace.sqlite'}"
    reset_database(url)
    return session_settings.model_copy(update={"database_url": url})


def login_client(app, email: str, team_slug: str = "test-team"):
    """Return a TestClient logged in as a member of ``team_slug``; the account and team are created when missing."""
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from assistant.workspace import accounts
    from assistant.workspace.models import Team, User
    from ui.auth import SESSION_COOKIE

    with app.state.db.session() as db:
        user = db.scalar(select(User).where(User.email == email)) or accounts.create_user(db, email, email.split("@")[0], None)
        team = db.scalar(select(Team).where(Team.slug == team_slug)) or accounts.create_team(db, team_slug, team_slug)
        accounts.add_member(db, team, user)
        token, login = accounts.start_session(db, user, 1)
        csrf = login.csrf_token
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, token)
    client.headers["X-CSRF-Token"] = csrf
    return client
