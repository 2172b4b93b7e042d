"""Notes with access checks: every read and write goes through the user's team memberships.

A lookup that the user may not see returns None, exactly like a missing note, so callers
return 404 and never reveal that the note exists.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant.workspace.accounts import team_ids
from assistant.workspace.models import Note, User, utcnow

VISIBILITIES = ("personal", "team")
MAX_TITLE = 200
MAX_BODY = 20_000
MAX_TAGS = 20


class NoteError(ValueError):
    """Raised for invalid note input; ``message_nl`` is shown to the user."""

    def __init__(self, message_en: str, message_nl: str) -> None:
        super().__init__(message_en)
        self.message_nl = message_nl


def _visible(user: User, teams: set[int]):
    return or_(Note.owner_id == user.id, (Note.visibility == "team") & Note.team_id.in_(teams))


def get_visible_note(db: Session, user: User, note_id: int) -> Note | None:
    """Return the note when the user owns it or it is team-visible in one of the user's teams."""
    teams = team_ids(db, user.id)
    return db.scalar(select(Note).where(Note.id == note_id, _visible(user, teams)))


def list_notes(db: Session, user: User, query: str = "", tag: str = "", team_id: int | None = None) -> list[Note]:
    """Return the notes the user may see, newest first, optionally filtered by text, tag and team."""
    teams = team_ids(db, user.id)
    statement = select(Note).where(_visible(user, teams)).order_by(Note.updated_at.desc(), Note.id.desc())
    if team_id is not None:
        statement = statement.where(Note.team_id == team_id)
    notes = list(db.scalars(statement))
    if query:
        needle = query.lower()
        notes = [n for n in notes if needle in " ".join(filter(None, [n.title, n.body, n.question, n.answer])).lower()]
    if tag:
        notes = [n for n in notes if tag in (n.tags or [])]
    return notes


def _validate(title: str, body: str, visibility: str, tags: list[str]) -> None:
    if not title.strip() or len(title) > MAX_TITLE:
        raise NoteError(f"title must be 1 to {MAX_TITLE} characters", f"Geef de notitie een titel van 1 tot {MAX_TITLE} tekens.")
    if len(body) > MAX_BODY:
        raise NoteError(f"body longer than {MAX_BODY} characters", f"De notitie is te lang; houd het bij {MAX_BODY} tekens.")
    if visibility not in VISIBILITIES:
        raise NoteError(f"invalid visibility {visibility!r}", "Kies 'personal' (alleen voor jou) of 'team' (voor je team).")
    if len(tags) > MAX_TAGS or any(not tag.strip() or len(tag) > 40 for tag in tags):
        raise NoteError("invalid tags", f"Gebruik hooguit {MAX_TAGS} tags van elk 1 tot 40 tekens.")


def create_note(db: Session, user: User, team_id: int, title: str, body: str = "", visibility: str = "personal",
                tags: list[str] | None = None, card_ids: list[str] | None = None, question: str | None = None,
                answer: str | None = None, citations: list[dict] | None = None, thread_id: str | None = None) -> Note:
    """Create a note in one of the user's teams.

    :raises NoteError: for invalid input or a team the user is not a member of.
    """
    tags = tags or []
    _validate(title, body, visibility, tags)
    if team_id not in team_ids(db, user.id):
        raise NoteError(f"user {user.id} is not a member of team {team_id}", "Je bent geen lid van dit team.")
    note = Note(team_id=team_id, owner_id=user.id, visibility=visibility, title=title.strip(), body=body, tags=tags,
                card_ids=card_ids or [], question=question, answer=answer, citations=citations or [], thread_id=thread_id)
    db.add(note)
    db.flush()
    return note


def update_note(db: Session, user: User, note_id: int, **changes) -> Note | None:
    """Change a note the user owns; return None when the user does not own a visible note with this id."""
    note = get_visible_note(db, user, note_id)
    if note is None or note.owner_id != user.id:
        return None
    merged = {"title": note.title, "body": note.body, "visibility": note.visibility, "tags": note.tags or []}
    merged.update({key: value for key, value in changes.items() if key in merged and value is not None})
    _validate(merged["title"], merged["body"], merged["visibility"], merged["tags"])
    for key, value in merged.items():
        setattr(note, key, value)
    if changes.get("card_ids") is not None:
        note.card_ids = changes["card_ids"]
    note.updated_at = utcnow()
    db.flush()
    return note


def delete_note(db: Session, user: User, note_id: int) -> bool:
    """Delete a note the user owns; False when there is no such note for this user."""
    note = get_visible_note(db, user, note_id)
    if note is None or note.owner_id != user.id:
        return False
    db.delete(note)
    db.flush()
    return True
