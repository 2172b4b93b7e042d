"""Read access to chat threads stored by Chainlit's data layer (tables ``threads`` and ``steps``)."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session


def thread_owner(db: Session, thread_id: str) -> str | None:
    """Return the e-mail address (Chainlit identifier) of the thread's owner, or None when it does not exist."""
    return db.execute(text('SELECT "userIdentifier" FROM threads WHERE "id" = :id'), {"id": thread_id}).scalar()


def transcript(db: Session, thread_id: str) -> list[dict]:
    """Return the thread's turns in order: each a question with the answer and citations that followed it."""
    rows = db.execute(
        text('SELECT "type", "output", "metadata" FROM steps WHERE "threadId" = :id AND "type" IN (\'user_message\', \'assistant_message\') ORDER BY "createdAt", "id"'),
        {"id": thread_id},
    ).all()
    turns: list[dict] = []
    for step_type, output, metadata in rows:
        if step_type == "user_message":
            turns.append({"question": output or "", "answer": "", "citations": []})
            continue
        details = json.loads(metadata) if isinstance(metadata, str) and metadata else (metadata or {})
        if not turns:
            continue  # the welcome message precedes the first question
        if turns[-1]["answer"]:
            continue  # a later assistant message, such as a note confirmation, is not part of the answer
        turns[-1]["answer"] = details.get("answer", output or "")
        turns[-1]["citations"] = details.get("citations", [])
    return [turn for turn in turns if turn["answer"]]
