"""Backup and restore of the workspace database as one gzip-compressed JSON file.

The format is the same for SQLite and PostgreSQL, so a backup also moves a deployment from one
to the other. Login sessions are left out: a restore starts with everybody logged out.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

from sqlalchemy import DateTime, MetaData, Table, delete, insert, select, text

from assistant.workspace.db import Database

BACKUP_FORMAT = 1
# Tables in an order that satisfies their foreign keys when inserting.
TABLES = (
    "kompas_teams", "kompas_users", "kompas_memberships", "kompas_notes", "kompas_share_links",
    "kompas_training", "kompas_card_reads", "kompas_reflections", "kompas_onboarding", "users", "threads", "steps", "elements", "feedbacks",
)


SERIAL_TABLES = ("kompas_teams", "kompas_users", "kompas_notes", "kompas_share_links")


class BackupError(ValueError):
    """Raised for an unreadable backup or a restore that would overwrite data without ``force``."""


def _tables(database: Database) -> list[Table]:
    metadata = MetaData()
    metadata.reflect(database.engine, only=list(TABLES))
    return [metadata.tables[name] for name in TABLES]


def _encode(value):
    return value.isoformat() if isinstance(value, (dt.datetime, dt.date)) else value


def write_backup(database: Database, path: Path) -> dict[str, int]:
    """Write every workspace table to ``path``; return the row count per table."""
    with database.engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        tables = {}
        for table in _tables(database):
            rows = connection.execute(select(table)).mappings().all()
            tables[table.name] = [{key: _encode(value) for key, value in row.items()} for row in rows]
    payload = {"format": BACKUP_FORMAT, "revision": revision, "created": dt.datetime.now(dt.timezone.utc).isoformat(), "tables": tables}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as handle:
        json.dump(payload, handle)
    tmp.replace(path)
    return {name: len(rows) for name, rows in tables.items()}


def read_backup(path: Path) -> dict:
    """Read and check a backup file.

    :raises BackupError: when the file is missing, not a backup, or of an unknown format.
    """
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            payload = json.load(handle)
    except (OSError, ValueError) as error:
        raise BackupError(f"{path} is geen leesbare back-up ({error})") from error
    if payload.get("format") != BACKUP_FORMAT or not isinstance(payload.get("tables"), dict):
        raise BackupError(f"{path} heeft een onbekend back-upformaat")
    return payload


def restore_backup(database: Database, path: Path, force: bool = False) -> dict[str, int]:
    """Replace the workspace data with the backup in ``path``; return the row count per table.

    :raises BackupError: when the database already contains accounts and ``force`` is not set.
    """
    payload = read_backup(path)
    tables = _tables(database)
    with database.engine.begin() as connection:
        existing = connection.execute(text("SELECT COUNT(*) FROM kompas_users")).scalar()
        if existing and not force:
            raise BackupError(f"de database bevat al {existing} account(s); gebruik --force om ze te vervangen")
        for table in reversed(tables):
            connection.execute(delete(table))
        connection.execute(text("DELETE FROM kompas_sessions"))
        for table in tables:
            rows = payload["tables"].get(table.name, [])
            if not rows:
                continue
            dates = {column.name for column in table.columns if isinstance(column.type, DateTime)}
            decoded = [{key: (dt.datetime.fromisoformat(value) if key in dates and value else value) for key, value in row.items()} for row in rows]
            connection.execute(insert(table), decoded)
        if connection.dialect.name == "postgresql":
            # Inserted ids bypass PostgreSQL's sequences; move them past the restored rows.
            for name in SERIAL_TABLES:
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE(MAX(id), 1)) FROM {name}"))
    return {name: len(rows) for name, rows in payload["tables"].items()}
