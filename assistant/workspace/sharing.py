"""Read-only share links: unguessable tokens, optional expiry, revocable, team-only unless public."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.workspace.accounts import team_ids
from assistant.workspace.models import ShareLink, User, utcnow
from assistant.workspace.notes import NoteError, get_visible_note
from assistant.workspace.threads import thread_owner

# 32 random bytes: 256 bits, twice the 128 bits a link must have at least.
TOKEN_BYTES = 32
KINDS = ("note", "thread", "card", "chapter")
# Notes can hold case details, so a note is never shared publicly.
PUBLIC_KINDS = ("thread", "card", "chapter")


def new_token() -> str:
    """Return a URL-safe token of ``TOKEN_BYTES`` random bytes from the ``secrets`` module."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def create_link(db: Session, user: User, kind: str, target_id: str, team_id: int, public: bool = False,
                expires_at: dt.datetime | None = None) -> ShareLink:
    """Create a share link in one of the user's teams.

    :raises NoteError: for an unknown kind, a note the user cannot see, a team the user is not
        in, a public note link, or an expiry in the past.
    """
    if kind not in KINDS:
        raise NoteError(f"invalid share kind {kind!r}", "Je kunt een notitie, een gesprek, een kaart of een hoofdstuk delen.")
    if team_id not in team_ids(db, user.id):
        raise NoteError(f"user {user.id} is not a member of team {team_id}", "Je bent geen lid van dit team.")
    if public and kind not in PUBLIC_KINDS:
        raise NoteError("notes cannot be shared publicly", "Een notitie kan niet openbaar worden gedeeld; deel hem met je team.")
    if expires_at is not None and expires_at <= utcnow():
        raise NoteError("expiry lies in the past", "De vervaldatum ligt in het verleden.")
    if kind == "note":
        note = get_visible_note(db, user, int(target_id)) if str(target_id).isdigit() else None
        if note is None or note.team_id != team_id:
            raise NoteError(f"note {target_id} not visible to user {user.id}", "Deze notitie is niet gevonden.")
    if kind == "thread" and thread_owner(db, str(target_id)) != user.email:
        raise NoteError(f"thread not owned by user {user.id}", "Dit gesprek is niet gevonden.")
    link = ShareLink(token=new_token(), kind=kind, target_id=str(target_id), team_id=team_id, created_by=user.id,
                     public=public, expires_at=expires_at)
    db.add(link)
    db.flush()
    return link


def _is_live(link: ShareLink) -> bool:
    if link.revoked_at is not None:
        return False
    if link.expires_at is None:
        return True
    expires = link.expires_at if link.expires_at.tzinfo else link.expires_at.replace(tzinfo=dt.timezone.utc)
    return expires > utcnow()


def open_link(db: Session, token: str, user: User | None) -> ShareLink | None:
    """Return the link when it is live and the viewer may open it, else None.

    Public links open for anyone; team links only for logged-in members of the link's team.
    """
    link = db.scalar(select(ShareLink).where(ShareLink.token == token))
    if link is None or not _is_live(link):
        return None
    if link.public:
        return link
    if user is None or link.team_id not in team_ids(db, user.id):
        return None
    return link


def list_links(db: Session, user: User) -> list[ShareLink]:
    """Return the links the user created, newest first."""
    return list(db.scalars(select(ShareLink).where(ShareLink.created_by == user.id).order_by(ShareLink.id.desc())))


def revoke_link(db: Session, user: User, link_id: int) -> bool:
    """Revoke one of the user's links; it stops working at once. False when the user has no such link."""
    link = db.get(ShareLink, link_id)
    if link is None or link.created_by != user.id:
        return False
    if link.revoked_at is None:
        link.revoked_at = utcnow()
    db.flush()
    return True


def requires_login(db: Session, token: str) -> bool:
    """True when the token names a live team link, so an anonymous viewer should log in first."""
    link = db.scalar(select(ShareLink).where(ShareLink.token == token))
    return link is not None and _is_live(link) and not link.public


def thread_shared_with(db: Session, thread_id: str, user: User) -> bool:
    """True when a live share link to the thread exists in one of the user's teams."""
    teams = team_ids(db, user.id)
    links = db.scalars(select(ShareLink).where(ShareLink.kind == "thread", ShareLink.target_id == thread_id)).all()
    return any(_is_live(link) and (link.public or link.team_id in teams) for link in links)
