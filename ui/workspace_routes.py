"""Workspace routes: login and logout, notes, share links and the read-only viewer of shared items."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.orm import Session

from assistant import messages
from assistant.cards import card_markdown
from assistant.workspace import export
from assistant.workspace import notes as notes_service
from assistant.workspace import sharing
from assistant.workspace.accounts import authenticate, end_session, start_session, team_ids
from assistant.workspace.models import Note, ShareLink, Team
from assistant.workspace.threads import thread_owner, transcript
from index.personal_data import personal_data_kinds
from ui.auth import (
    LOGIN_CSRF_COOKIE, SESSION_COOKIE, Viewer, check_csrf, cookie_secure, current_viewer, new_login_csrf,
    set_session_cookie,
)

logger = logging.getLogger(__name__)

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
_markdown = MarkdownIt("commonmark", {"html": False})
router = APIRouter()
CHAT_TOKEN_COOKIE = "access_token"
SHARE_KIND_LABELS = {"note": "Notitie", "thread": "Gesprek", "card": "Kaart", "chapter": "Hoofdstuk"}


def db_session(request: Request) -> Iterator[Session]:
    """Yield a database session for one request.

    Routes that change data commit before they return: FastAPI may send the response before this
    dependency exits, and a browser that follows a redirect at once must see the change.
    """
    with request.app.state.db.session() as session:
        yield session


def optional_viewer(request: Request, db: Session = Depends(db_session)) -> Viewer | None:
    """Return the logged-in viewer, or None for an anonymous request."""
    return current_viewer(request, db, request.app.state.settings)


def required_viewer(request: Request, viewer: Viewer | None = Depends(optional_viewer)) -> Viewer:
    """Return the logged-in viewer and check CSRF on state-changing requests.

    :raises HTTPException: 401 for anonymous requests, 403 for a missing or wrong CSRF token.
    """
    if viewer is None:
        raise HTTPException(status_code=401, detail=messages.LOGIN_REQUIRED)
    check_csrf(request, viewer)
    return viewer


def _client_key(request: Request) -> str:
    return f"ip:{request.client.host if request.client else 'unknown'}"


# --- login and logout -----------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/notities") -> Response:
    token = new_login_csrf()
    response = templates.TemplateResponse(request, "login.html", {"title": "Inloggen", "csrf_token": token, "next": _safe_next(next), "email": "", "error": None, "viewer": None})
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=cookie_secure(request.app.state.settings, request))
    return response


def _safe_next(target: str) -> str:
    """Allow only local paths as redirect targets, so the login cannot send users elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/notities"


@router.post("/login")
def login(request: Request, email: str = Form(""), password: str = Form(""), csrf_token: str = Form(""),
          next: str = Form("/notities"), db: Session = Depends(db_session)) -> Response:
    settings = request.app.state.settings
    limiter = request.app.state.login_limiter
    keys = (_client_key(request), f"account:{email.strip().lower()}")

    def form_again(status: int, error: str) -> Response:
        token = new_login_csrf()
        response = templates.TemplateResponse(request, "login.html", {"title": "Inloggen", "csrf_token": token, "next": _safe_next(next), "email": email, "error": error, "viewer": None}, status_code=status)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=cookie_secure(settings, request))
        return response

    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not csrf_token or csrf_token != cookie_token:
        logger.info("login rejected: CSRF token missing or wrong")
        return form_again(403, messages.CSRF_FAILED)
    if limiter.blocked(*keys):
        logger.warning("login rate-limited for a client")
        return form_again(429, messages.LOGIN_RATE_LIMITED)
    user = authenticate(db, email, password)
    if user is None:
        limiter.record_failure(*keys)
        logger.info("login failed")
        return form_again(401, messages.LOGIN_FAILED)
    limiter.reset(*keys)
    token, _ = start_session(db, user, settings.session_hours)
    db.commit()
    logger.info("user %s logged in", user.id)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, token, settings, request)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form(""), viewer: Viewer | None = Depends(optional_viewer),
           db: Session = Depends(db_session)) -> Response:
    if viewer is not None:
        check_csrf(request, viewer, csrf_token)
        end_session(db, request.cookies.get(SESSION_COOKIE))
        db.commit()
        logger.info("user %s logged out", viewer.user.id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    # Chainlit's own token cookie goes too; the chat also stops at once because it checks the session.
    response.delete_cookie(CHAT_TOKEN_COOKIE, path="/")
    return response


@router.get("/api/me")
def me(viewer: Viewer = Depends(required_viewer), db: Session = Depends(db_session)) -> dict:
    teams = [db.get(Team, team_id) for team_id in sorted(team_ids(db, viewer.user.id))]
    return {"email": viewer.user.email, "display_name": viewer.user.display_name, "csrf_token": viewer.session.csrf_token,
            "teams": [{"id": team.id, "slug": team.slug, "name": team.name} for team in teams]}


# --- notes ----------------------------------------------------------------------------------

class NoteIn(BaseModel):
    """Body of ``POST /api/notes`` and ``PATCH /api/notes/{id}``."""

    title: str | None = Field(default=None, max_length=notes_service.MAX_TITLE)
    body: str | None = Field(default=None, max_length=notes_service.MAX_BODY)
    visibility: str | None = None
    tags: list[str] | None = None
    card_ids: list[str] | None = None
    team_id: int | None = None
    question: str | None = Field(default=None, max_length=2000)
    answer: str | None = Field(default=None, max_length=notes_service.MAX_BODY)
    citations: list[dict] | None = None
    thread_id: str | None = Field(default=None, max_length=64)
    confirm_personal_data: bool = False


def _note_out(note: Note, viewer: Viewer) -> dict:
    return {
        "id": note.id, "team_id": note.team_id, "visibility": note.visibility, "title": note.title, "body": note.body,
        "question": note.question, "answer": note.answer, "citations": note.citations or [], "card_ids": note.card_ids or [],
        "tags": note.tags or [], "thread_id": note.thread_id, "mine": note.owner_id == viewer.user.id,
        "created_at": note.created_at.isoformat(), "updated_at": note.updated_at.isoformat(),
    }


def _not_found() -> JSONResponse:
    return JSONResponse(status_code=404, content={"detail": messages.NOT_FOUND})


def _personal_data_block(body: NoteIn) -> JSONResponse | None:
    """Return a 409 warning when the note text seems to hold personal data and the user has not confirmed."""
    text = "\n".join(filter(None, [body.title, body.body, body.question, body.answer]))
    kinds = personal_data_kinds(text)
    if not kinds:
        return None
    if body.confirm_personal_data:
        logger.info("note saved after a personal-data warning (kinds: %s)", ",".join(kinds))
        return None
    logger.info("note held back: text seems to contain personal data (kinds: %s)", ",".join(kinds))
    names = ", ".join(messages.PERSONAL_DATA_KINDS[kind] for kind in kinds)
    return JSONResponse(status_code=409, content={"detail": messages.PERSONAL_DATA_WARNING.format(kinds=names), "personal_data": kinds})


def _default_team(db: Session, viewer: Viewer, team_id: int | None) -> int | JSONResponse:
    teams = team_ids(db, viewer.user.id)
    if team_id is not None:
        return team_id
    if len(teams) == 1:
        return next(iter(teams))
    detail = messages.TEAM_REQUIRED if teams else messages.NO_TEAM
    return JSONResponse(status_code=422, content={"detail": detail})


@router.get("/api/notes")
def list_notes(q: str = "", tag: str = "", team_id: int | None = None, viewer: Viewer = Depends(required_viewer),
               db: Session = Depends(db_session)) -> list[dict]:
    return [_note_out(note, viewer) for note in notes_service.list_notes(db, viewer.user, q, tag, team_id)]


@router.post("/api/notes", status_code=201)
def create_note(body: NoteIn, viewer: Viewer = Depends(required_viewer), db: Session = Depends(db_session)):
    blocked = _personal_data_block(body)
    if blocked:
        return blocked
    team_id = _default_team(db, viewer, body.team_id)
    if isinstance(team_id, JSONResponse):
        return team_id
    try:
        note = notes_service.create_note(
            db, viewer.user, team_id, title=body.title or "", body=body.body or "", visibility=body.visibility or "personal",
            tags=body.tags, card_ids=body.card_ids, question=body.question, answer=body.answer, citations=body.citations,
            thread_id=body.thread_id,
        )
    except notes_service.NoteError as error:
        logger.info("note rejected for user %s: %s", viewer.user.id, error)
        return JSONResponse(status_code=422, content={"detail": error.message_nl})
    db.commit()
    logger.info("user %s created note %s", viewer.user.id, note.id)
    return _note_out(note, viewer)


@router.get("/api/notes/{note_id}")
def get_note(note_id: int, viewer: Viewer = Depends(required_viewer), db: Session = Depends(db_session)):
    note = notes_service.get_visible_note(db, viewer.user, note_id)
    return _not_found() if note is None else _note_out(note, viewer)


@router.patch("/api/notes/{note_id}")
def update_note(note_id: int, body: NoteIn, viewer: Viewer = Depends(required_viewer), db: Session = Depends(db_session)):
    blocked = _personal_data_block(body)
    if blocked:
        return blocked
    try:
        note = notes_service.update_note(db, viewer.user, note_id, title=body.title, body=body.body,
                                         visibility=body.visibility, tags=body.tags, card_ids=body.card_ids)
    except notes_service.NoteError as error:
        return JSONResponse(status_code=422, content={"detail": error.message_nl})
    db.commit()
    return _not_found() if note is None else _note_out(note, viewer)


@router.delete("/api/notes/{note_id}", status_code=204)
def delete_note(note_id: int, viewer: Viewer = Depends(required_viewer), db: Session = Depends(db_session)):
    if not notes_service.delete_note(db, viewer.user, note_id):
        return _not_found()
    db.commit()
    logger.info("user %s deleted note %s", viewer.user.id, note_id)
    return Response(status_code=204)


EXPORT_TYPES = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "pdf": ("application/pdf", "pdf"),
}


@router.get("/api/export/notes")
def export_notes(format: str = "md", ids: str = "", viewer: Viewer = Depends(required_viewer), db: Session = Depends(db_session)):
    """Download selected notes (``ids=1,2``) or all visible notes as Markdown, DOCX or PDF."""
    if format not in EXPORT_TYPES:
        return JSONResponse(status_code=422, content={"detail": messages.EXPORT_FORMAT_INVALID})
    notes = notes_service.list_notes(db, viewer.user)
    if ids:
        selected = {int(part) for part in ids.split(",") if part.strip().isdigit()}
        notes = [note for note in notes if note.id in selected]
    if not notes:
        return _not_found()
    media_type, extension = EXPORT_TYPES[format]
    content = {"md": lambda: export.notes_markdown(notes).encode("utf-8"), "docx": lambda: export.notes_docx(notes),
               "pdf": lambda: export.notes_pdf(notes)}[format]()
    logger.info("user %s exported %d note(s) as %s", viewer.user.id, len(notes), format)
    headers = {"Content-Disposition": f'attachment; filename="notities.{extension}"'}
    return Response(content=content, media_type=media_type, headers=headers)


# --- privacy rights ---------------------------------------------------------------------------

@router.get("/api/me/export")
def export_my_data(format: str = "json", viewer: Viewer = Depends(required_viewer), db: Session = Depends(db_session)):
    """Download everything stored about the logged-in user, as JSON or as readable Markdown."""
    data = export.user_data(db, viewer.user)
    logger.info("user %s downloaded their data as %s", viewer.user.id, format)
    if format == "md":
        return Response(export.user_data_markdown(data), media_type="text/markdown; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="mijn-gegevens.md"'})
    if format != "json":
        return JSONResponse(status_code=422, content={"detail": messages.EXPORT_FORMAT_INVALID})
    return JSONResponse(data, headers={"Content-Disposition": 'attachment; filename="mijn-gegevens.json"'})


@router.delete("/api/me")
def delete_me(viewer: Viewer = Depends(required_viewer), db: Session = Depends(db_session)) -> Response:
    """Delete the logged-in account: personal notes and chats go, team notes stay without the author."""
    user_id = viewer.user.id
    counts = export.delete_user(db, viewer.user)
    db.commit()
    logger.info("user %s deleted their account (%s)", user_id, counts)
    response = JSONResponse({"detail": messages.ACCOUNT_DELETED, **counts})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- share links ----------------------------------------------------------------------------

class ShareIn(BaseModel):
    """Body of ``POST /api/share-links``."""

    kind: str
    target_id: str = Field(min_length=1, max_length=120)
    team_id: int | None = None
    public: bool = False
    expires_at: dt.datetime | None = None


def _link_out(link: ShareLink) -> dict:
    return {"id": link.id, "kind": link.kind, "target_id": link.target_id, "team_id": link.team_id, "public": link.public,
            "url": f"/s/{link.token}", "expires_at": link.expires_at.isoformat() if link.expires_at else None,
            "revoked": link.revoked_at is not None}


@router.get("/api/share-links")
def list_links(viewer: Viewer = Depends(required_viewer), db: Session = Depends(db_session)) -> list[dict]:
    return [_link_out(link) for link in sharing.list_links(db, viewer.user)]


@router.post("/api/share-links", status_code=201)
def create_link(body: ShareIn, request: Request, viewer: Viewer = Depends(required_viewer), db: Session = Depends(db_session)):
    team_id = _default_team(db, viewer, body.team_id)
    if isinstance(team_id, JSONResponse):
        return team_id
    assistant = request.app.state.assistant
    if body.kind == "card" and assistant.card(body.target_id) is None or body.kind == "chapter" and body.target_id not in assistant.chapter_titles:
        return _not_found()
    expires = body.expires_at
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.timezone.utc)
    try:
        link = sharing.create_link(db, viewer.user, body.kind, body.target_id, team_id, body.public, expires)
    except notes_service.NoteError as error:
        status = 404 if "niet gevonden" in error.message_nl.lower() else 422
        return JSONResponse(status_code=status, content={"detail": messages.NOT_FOUND if status == 404 else error.message_nl})
    db.commit()
    logger.info("user %s created share link %s (%s, public=%s)", viewer.user.id, link.id, link.kind, link.public)
    return _link_out(link)


@router.delete("/api/share-links/{link_id}", status_code=204)
def revoke_link(link_id: int, viewer: Viewer = Depends(required_viewer), db: Session = Depends(db_session)):
    if not sharing.revoke_link(db, viewer.user, link_id):
        return _not_found()
    db.commit()
    logger.info("user %s revoked share link %s", viewer.user.id, link_id)
    return Response(status_code=204)


# --- pages ----------------------------------------------------------------------------------

def _login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


@router.get("/notities", response_class=HTMLResponse)
def notes_page(request: Request, q: str = "", tag: str = "", viewer: Viewer | None = Depends(optional_viewer),
               db: Session = Depends(db_session)) -> Response:
    if viewer is None:
        return _login_redirect(request)
    notes = notes_service.list_notes(db, viewer.user, q, tag)
    return templates.TemplateResponse(request, "notes.html", {"title": "Notities", "notes": notes, "query": q, "tag": tag, "viewer": viewer})


@router.get("/gedeeld", response_class=HTMLResponse)
def links_page(request: Request, viewer: Viewer | None = Depends(optional_viewer), db: Session = Depends(db_session)) -> Response:
    if viewer is None:
        return _login_redirect(request)
    links = sharing.list_links(db, viewer.user)
    return templates.TemplateResponse(request, "links.html", {"title": "Mijn gedeelde links", "links": links, "kinds": SHARE_KIND_LABELS, "viewer": viewer})


@router.post("/gedeeld/{link_id}/intrekken")
def revoke_link_form(link_id: int, request: Request, csrf_token: str = Form(""),
                     viewer: Viewer | None = Depends(optional_viewer), db: Session = Depends(db_session)) -> Response:
    if viewer is None:
        return _login_redirect(request)
    check_csrf(request, viewer, csrf_token)
    if not sharing.revoke_link(db, viewer.user, link_id):
        return templates.TemplateResponse(request, "not_found.html", {"title": "Niet gevonden", "message": messages.NOT_FOUND, "viewer": viewer}, status_code=404)
    db.commit()
    return RedirectResponse("/gedeeld", status_code=303)


@router.get("/chat-files/{name}")
def chat_file(name: str, request: Request, viewer: Viewer | None = Depends(optional_viewer), db: Session = Depends(db_session)) -> Response:
    """Serve a stored chat element to the thread's owner, or to team members with a live share link to the thread."""
    if viewer is None:
        return JSONResponse(status_code=401, content={"detail": messages.LOGIN_REQUIRED})
    thread_id = db.execute(text('SELECT "threadId" FROM elements WHERE "url" = :url'), {"url": f"/chat-files/{name}"}).scalar()
    path = request.app.state.settings.data_dir / "chat-files" / name
    allowed = thread_id is not None and (thread_owner(db, thread_id) == viewer.user.email or sharing.thread_shared_with(db, thread_id, viewer.user))
    if not allowed or not path.is_file() or not name.isalnum():
        return _not_found()
    return Response(path.read_bytes(), media_type="text/plain; charset=utf-8")


@router.put("/chat/feedback")
async def chat_feedback(request: Request) -> Response:
    """Store feedback on a chat answer, only on the user's own threads.

    This route shadows Chainlit 2.12's, which accepts feedback from any logged-in user on any message.
    """
    from chainlit.data import get_data_layer
    from chainlit.types import UpdateFeedbackRequest

    try:
        payload = UpdateFeedbackRequest.model_validate(await request.json())
    except ValueError:
        return JSONResponse(status_code=422, content={"detail": messages.NOT_FOUND})
    query = 'SELECT t."userIdentifier" FROM steps s JOIN threads t ON s."threadId" = t."id" WHERE s."id" = :id'
    if not await _owns_chat_object(request, query, payload.feedback.forId):
        return _not_found()
    feedback_id = await get_data_layer().upsert_feedback(feedback=payload.feedback)
    return JSONResponse({"success": True, "feedbackId": feedback_id})


@router.delete("/chat/feedback")
async def delete_chat_feedback(request: Request) -> Response:
    """Delete feedback, only on the user's own threads."""
    from chainlit.data import get_data_layer

    feedback_id = str((await request.json()).get("feedbackId", ""))
    query = 'SELECT t."userIdentifier" FROM feedbacks f JOIN threads t ON f."threadId" = t."id" WHERE f."id" = :id'
    if not await _owns_chat_object(request, query, feedback_id):
        return _not_found()
    await get_data_layer().delete_feedback(feedback_id)
    return JSONResponse({"success": True})


async def _owns_chat_object(request: Request, query: str, object_id: str) -> bool:
    """True when the logged-in user owns the thread that ``query`` finds for ``object_id``."""
    import asyncio

    def check() -> bool:
        with request.app.state.db.session() as db:
            viewer = current_viewer(request, db, request.app.state.settings)
            owner = db.execute(text(query), {"id": object_id}).scalar()
            allowed = viewer is not None and owner == viewer.user.email
            if not allowed:
                logger.info("chat feedback rejected: not the thread's owner")
            return allowed

    return await asyncio.to_thread(check)


@router.get("/s/{token}", response_class=HTMLResponse)
def shared_view(token: str, request: Request, viewer: Viewer | None = Depends(optional_viewer),
                db: Session = Depends(db_session)) -> Response:
    link = sharing.open_link(db, token, viewer.user if viewer else None)
    if link is None:
        if viewer is None and sharing.requires_login(db, token):
            return _login_redirect(request)
        return templates.TemplateResponse(request, "not_found.html", {"title": "Niet gevonden", "message": messages.NOT_FOUND, "viewer": viewer}, status_code=404)
    assistant = request.app.state.assistant
    context = {"title": "Gedeeld", "viewer": viewer, "note": None, "body_html": None}
    if link.kind == "note":
        note = db.get(Note, int(link.target_id))
        if note is None:
            return templates.TemplateResponse(request, "not_found.html", {"title": "Niet gevonden", "message": messages.NOT_FOUND, "viewer": viewer}, status_code=404)
        context.update(heading=note.title, note=note)
    elif link.kind == "thread":
        context.update(heading="Gedeeld gesprek", turns=transcript(db, link.target_id))
    elif link.kind == "card":
        card = assistant.card(link.target_id)
        chapter = assistant.chapter_titles.get(card.chapter, card.chapter) if card else ""
        context.update(heading=card.title if card else "", body_html=_markdown.render(card_markdown(card, chapter)) if card else "")
    else:
        cards = [card for card in assistant.build.cards.values() if card.chapter == link.target_id]
        items = "\n".join(f"- [{card.title}](/kaarten/{card.id}): {card.summary}" for card in cards)
        context.update(heading=assistant.chapter_titles.get(link.target_id, link.target_id), body_html=_markdown.render(items))
    return templates.TemplateResponse(request, "shared.html", context)
