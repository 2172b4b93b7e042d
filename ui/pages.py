"""The compass on the web: home, chapters, cards, search, the training route and downloads."""

from __future__ import annotations

import datetime as dt
import logging
import re

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from assistant import messages
from assistant.cards import card_markdown, dutch_date
from assistant.downloads import (
    COMPASS_TARGET_ID, DownloadCache, DownloadKind, DownloadNotFoundError, card_markdown_file, card_pdf, chapter_pdf, compass_pdf,
)
from assistant.workspace import notes as notes_service
from assistant.workspace import sharing, training
from assistant.workspace.accounts import team_ids
from index.text import tokenize
from ui.auth import Viewer, check_csrf
from ui.workspace_routes import _login_redirect, _markdown, db_session, optional_viewer, templates

logger = logging.getLogger(__name__)
router = APIRouter()

KIND_LABELS = {"wat": "Wat?", "hoe": "Hoe?", "met-wie": "Met wie?"}
FORM_LABELS = {
    "seksuele-uitbuiting": "Seksuele uitbuiting", "arbeidsuitbuiting": "Arbeidsuitbuiting",
    "criminele-uitbuiting": "Criminele uitbuiting", "orgaanverwijdering": "Gedwongen orgaanverwijdering",
    "bedelarij": "Gedwongen bedelarij",
}
# Passages fetched for a search before filters apply; the compass has a few hundred in all.
SEARCH_PASSAGES = 60
SNIPPET_WORDS = 45


def _not_found(request: Request, viewer: Viewer | None, message: str) -> Response:
    return templates.TemplateResponse(request, "not_found.html", {"title": "Niet gevonden", "message": message, "viewer": viewer}, status_code=404)


def _progress(request: Request, db: Session, viewer: Viewer | None):
    if viewer is None:
        return None
    record = training.get_route(db, viewer.user)
    return training.progress(db, viewer.user, request.app.state.assistant.build, record.route) if record else None


@router.get("/", response_class=HTMLResponse)
def home(request: Request, viewer: Viewer | None = Depends(optional_viewer), db: Session = Depends(db_session)) -> Response:
    """Show the three entry points, the search box and, for a user with progress, where to continue."""
    progress = _progress(request, db, viewer)
    assistant = request.app.state.assistant
    next_card = assistant.card(progress.next_card_id) if progress and progress.next_card_id else None
    return templates.TemplateResponse(request, "home.html", {"title": "Home", "viewer": viewer, "progress": progress, "next_card": next_card})


@router.get("/hoofdstukken", response_class=HTMLResponse)
def chapters(request: Request, viewer: Viewer | None = Depends(optional_viewer)) -> Response:
    """List the chapters in training order."""
    build = request.app.state.assistant.build
    ordered = sorted(build.chapters.values(), key=lambda chapter: chapter.position)
    counts = {chapter.id: sum(1 for card in build.cards.values() if card.chapter == chapter.id) for chapter in ordered}
    return templates.TemplateResponse(request, "chapters.html", {"title": "Hoofdstukken", "viewer": viewer, "chapters": ordered, "counts": counts})


@router.get("/hoofdstukken/{chapter_id}", response_class=HTMLResponse)
def chapter(chapter_id: str, request: Request, viewer: Viewer | None = Depends(optional_viewer), db: Session = Depends(db_session)) -> Response:
    """Show a chapter: its introduction and its cards."""
    build = request.app.state.assistant.build
    item = build.chapters.get(chapter_id)
    if item is None:
        return _not_found(request, viewer, messages.NOT_FOUND)
    cards = [card for card in build.cards.values() if card.chapter == chapter_id]
    intro = next((card for card in cards if card.is_intro), None)
    read = training.read_card_ids(db, viewer.user) if viewer else set()
    context = {"title": item.title, "viewer": viewer, "chapter": item, "cards": [card for card in cards if not card.is_intro],
               "intro_html": _markdown.render(intro.body) if intro else "", "kinds": KIND_LABELS, "read": read}
    return templates.TemplateResponse(request, "chapter.html", context)


def _render_card(request: Request, card_id: str, viewer: Viewer | None, db: Session, error: str | None = None,
                 status: int = 200, shared_url: str | None = None) -> Response:
    assistant = request.app.state.assistant
    card = assistant.card(card_id)
    if card is None:
        return _not_found(request, viewer, messages.CARD_NOT_FOUND.format(card_id=card_id))
    notes = [note for note in notes_service.list_notes(db, viewer.user) if card_id in (note.card_ids or [])] if viewer else []
    chapter_title = assistant.chapter_titles.get(card.chapter, card.chapter)
    related = [assistant.card(related_id) for related_id in card.related if assistant.card(related_id)]
    context = {
        "title": card.title, "viewer": viewer, "card": card, "chapter_title": chapter_title,
        "card_html": _markdown.render(card_markdown(card, chapter_title)), "notes": notes, "related": related, "error": error,
        "is_read": viewer is not None and card.id in training.read_card_ids(db, viewer.user), "shared_url": shared_url,
    }
    return templates.TemplateResponse(request, "card.html", context, status_code=status)


@router.get("/kaarten/{card_id}", response_class=HTMLResponse)
def card_page(card_id: str, request: Request, gedeeld: str = "", viewer: Viewer | None = Depends(optional_viewer),
              db: Session = Depends(db_session)) -> Response:
    """Show a card with its sources, related cards, actions and, when logged in, the user's and team's notes on it."""
    shared_url = f"/s/{gedeeld}" if re.fullmatch(r"[A-Za-z0-9_-]{43,}", gedeeld or "") else None
    return _render_card(request, card_id, viewer, db, shared_url=shared_url)


@router.post("/kaarten/{card_id}/notitie")
def card_note(card_id: str, request: Request, title: str = Form(""), body: str = Form(""), visibility: str = Form("personal"),
              csrf_token: str = Form(""), viewer: Viewer | None = Depends(optional_viewer), db: Session = Depends(db_session)) -> Response:
    """Write a note on a card directly."""
    if viewer is None:
        return _login_redirect(request)
    check_csrf(request, viewer, csrf_token)
    if request.app.state.assistant.card(card_id) is None:
        return _render_card(request, card_id, viewer, db)
    teams = sorted(team_ids(db, viewer.user.id))
    if not teams:
        return _render_card(request, card_id, viewer, db, messages.NO_TEAM, 422)
    try:
        note = notes_service.create_note(db, viewer.user, teams[0], title=title, body=body, visibility=visibility, card_ids=[card_id])
    except notes_service.NoteError as error:
        return _render_card(request, card_id, viewer, db, error.message_nl, 422)
    db.commit()
    logger.info("user %s wrote note %s on a card", viewer.user.id, note.id)
    return RedirectResponse(f"/kaarten/{card_id}", status_code=303)


@router.post("/kaarten/{card_id}/delen")
def card_share(card_id: str, request: Request, csrf_token: str = Form(""), viewer: Viewer | None = Depends(optional_viewer),
               db: Session = Depends(db_session)) -> Response:
    """Create a team link to a card and show it on the card page."""
    if viewer is None:
        return _login_redirect(request)
    check_csrf(request, viewer, csrf_token)
    teams = sorted(team_ids(db, viewer.user.id))
    if request.app.state.assistant.card(card_id) is None or not teams:
        return _render_card(request, card_id, viewer, db, messages.NO_TEAM if not teams else None, 422)
    link = sharing.create_link(db, viewer.user, "card", card_id, teams[0])
    db.commit()
    return RedirectResponse(f"/kaarten/{card_id}?gedeeld={link.token}", status_code=303)


def _snippet(text: str, query_stems: set[str]) -> Markup:
    """Return the start of a passage with the words that match the query marked, HTML-escaped."""
    words = re.sub(r"\*\*|__|`|^#+\s*", "", text, flags=re.MULTILINE).split()[:SNIPPET_WORDS]
    marked = []
    for word in words:
        stems = set(tokenize(word))
        marked.append(Markup("<mark>{}</mark>").format(word) if stems & query_stems else escape(word))
    suffix = " …" if len(text.split()) > SNIPPET_WORDS else ""
    return Markup(" ").join(marked) + suffix


@router.get("/zoeken", response_class=HTMLResponse)
def search(request: Request, q: str = "", kind: str = "", chapter: str = "", level: str = "", vorm: str = "",
           viewer: Viewer | None = Depends(optional_viewer)) -> Response:
    """Search the compass with the chat's retrieval, with filters for kind, chapter, level and form of exploitation."""
    assistant = request.app.state.assistant
    query = q.strip()[:1000]
    stems = set(tokenize(query))
    results = []
    if query:
        passages, _ = assistant.retrieve(query, limit=SEARCH_PASSAGES)
        seen: set[str] = set()
        for passage in passages:
            if passage.card_id not in seen:
                seen.add(passage.card_id)
                results.append({"card": assistant.card(passage.card_id), "snippet": _snippet(passage.text, stems)})
    else:
        results = [{"card": card, "snippet": card.summary} for card in assistant.build.cards.values()]
    results = [
        result for result in results
        if (not kind or result["card"].kind.value == kind) and (not chapter or result["card"].chapter == chapter)
        and (not level or result["card"].level.value == level) and (not vorm or vorm in result["card"].tags)
    ]
    ordered = sorted(assistant.build.chapters.values(), key=lambda item: item.position)
    context = {"title": "Zoeken", "viewer": viewer, "query": query, "kind": kind, "chapter": chapter, "level": level, "form": vorm,
               "results": results, "kinds": KIND_LABELS, "forms": FORM_LABELS, "chapters": ordered, "chapter_titles": assistant.chapter_titles}
    return templates.TemplateResponse(request, "search.html", context)


@router.get("/leerpad", response_class=HTMLResponse)
def training_page(request: Request, viewer: Viewer | None = Depends(optional_viewer), db: Session = Depends(db_session)) -> Response:
    """Show the route choice, or the progress per chapter with the reflection questions."""
    if viewer is None:
        return _login_redirect(request)
    progress = _progress(request, db, viewer)
    next_card = request.app.state.assistant.card(progress.next_card_id) if progress and progress.next_card_id else None
    return templates.TemplateResponse(request, "training.html", {"title": "Leerpad", "viewer": viewer, "progress": progress, "next_card": next_card})


@router.post("/leerpad/route")
def choose_route(request: Request, route: str = Form(""), csrf_token: str = Form(""), viewer: Viewer | None = Depends(optional_viewer),
                 db: Session = Depends(db_session)) -> Response:
    """Choose the Basis or Verdieping route."""
    if viewer is None:
        return _login_redirect(request)
    check_csrf(request, viewer, csrf_token)
    if route in training.ROUTES:
        training.choose_route(db, viewer.user, route)
        db.commit()
    return RedirectResponse("/leerpad", status_code=303)


@router.post("/leerpad/gelezen/{card_id}")
def mark_read(card_id: str, request: Request, csrf_token: str = Form(""), viewer: Viewer | None = Depends(optional_viewer),
              db: Session = Depends(db_session)) -> Response:
    """Mark a card as read; a user without a route starts on Basis."""
    if viewer is None:
        return _login_redirect(request)
    check_csrf(request, viewer, csrf_token)
    if request.app.state.assistant.card(card_id) is None:
        return _not_found(request, viewer, messages.CARD_NOT_FOUND.format(card_id=card_id))
    if training.get_route(db, viewer.user) is None:
        training.choose_route(db, viewer.user, "basis")
    training.mark_read(db, viewer.user, card_id)
    db.commit()
    return RedirectResponse(f"/kaarten/{card_id}", status_code=303)


@router.post("/leerpad/reflectie/{chapter_id}/{index}")
def reflection(chapter_id: str, index: int, request: Request, answer: str = Form(""), csrf_token: str = Form(""),
               viewer: Viewer | None = Depends(optional_viewer), db: Session = Depends(db_session)) -> Response:
    """Save an answer to a reflection question as a personal note."""
    if viewer is None:
        return _login_redirect(request)
    check_csrf(request, viewer, csrf_token)
    build = request.app.state.assistant.build
    intro = next((card for card in build.cards.values() if card.chapter == chapter_id and card.is_intro), None)
    teams = sorted(team_ids(db, viewer.user.id))
    if intro is None or not 0 <= index < len(intro.reflection) or not answer.strip() or not teams:
        return RedirectResponse("/leerpad", status_code=303)
    training.answer_reflection(db, viewer.user, teams[0], chapter_id, build.chapters[chapter_id].title, index, intro.reflection[index], answer.strip())
    db.commit()
    return RedirectResponse(f"/leerpad#ch-{chapter_id}", status_code=303)


@router.get("/leerpad/certificaat", response_class=HTMLResponse)
def certificate(request: Request, viewer: Viewer | None = Depends(optional_viewer), db: Session = Depends(db_session)) -> Response:
    """Show the summary page of a completed route (or what remains)."""
    if viewer is None:
        return _login_redirect(request)
    progress = _progress(request, db, viewer)
    if progress is None:
        return RedirectResponse("/leerpad", status_code=303)
    context = {"title": "Overzicht leerpad", "viewer": viewer, "progress": progress, "today": dutch_date(dt.date.today()),
               "cards": sum(len(chapter.cards) for chapter in progress.chapters),
               "questions": sum(len(chapter.questions) for chapter in progress.chapters)}
    return templates.TemplateResponse(request, "certificate.html", context)


def _download(request: Request, kind: str, target_id: str, maker, media_type: str, filename: str) -> Response:
    app_state = request.app.state
    if not hasattr(app_state, "download_cache"):
        app_state.download_cache = DownloadCache(app_state.settings.data_dir / "downloads")
    try:
        content = app_state.download_cache.get(app_state.assistant.build, kind, target_id, maker)
    except DownloadNotFoundError:
        logger.info("download of unknown %s requested", kind)
        return _not_found(request, None, messages.NOT_FOUND)
    data = content.encode("utf-8") if isinstance(content, str) else content
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/downloads/kaarten/{card_id}.pdf")
def download_card_pdf(card_id: str, request: Request) -> Response:
    """Download a card as PDF."""
    build = request.app.state.assistant.build
    return _download(request, DownloadKind.CARD, card_id, lambda: card_pdf(build, card_id), "application/pdf", f"{card_id}.pdf")


@router.get("/downloads/kaarten/{card_id}.md")
def download_card_markdown(card_id: str, request: Request) -> Response:
    """Download a card as Markdown."""
    build = request.app.state.assistant.build
    return _download(request, DownloadKind.CARD_MARKDOWN, card_id, lambda: card_markdown_file(build, card_id), "text/markdown; charset=utf-8", f"{card_id}.md")


@router.get("/downloads/hoofdstukken/{chapter_id}.pdf")
def download_chapter_pdf(chapter_id: str, request: Request) -> Response:
    """Download a chapter with all its cards as PDF."""
    build = request.app.state.assistant.build
    return _download(request, DownloadKind.CHAPTER, chapter_id, lambda: chapter_pdf(build, chapter_id), "application/pdf", f"{chapter_id}.pdf")


@router.get("/downloads/kompas.pdf")
def download_compass_pdf(request: Request) -> Response:
    """Download the whole compass as one PDF with a table of contents."""
    build = request.app.state.assistant.build
    return _download(request, DownloadKind.COMPASS, COMPASS_TARGET_ID, lambda: compass_pdf(build), "application/pdf", "kompas-aanpak-mensenhandel.pdf")


@router.get("/team/{slug}/voortgang", response_class=HTMLResponse)
def team_progress(slug: str, request: Request, viewer: Viewer | None = Depends(optional_viewer), db: Session = Depends(db_session)) -> Response:
    """Show a team lead which chapters each member completed; never note contents. Others get 404."""
    from sqlalchemy import select

    from assistant.workspace.models import Membership, Team, User

    if viewer is None:
        return _login_redirect(request)
    team = db.scalar(select(Team).where(Team.slug == slug))
    membership = db.get(Membership, (viewer.user.id, team.id)) if team else None
    if membership is None or membership.role != "lead":
        logger.info("team progress of %s rejected for user %s: not a lead of that team", slug, viewer.user.id)
        return _not_found(request, viewer, messages.NOT_FOUND)
    build = request.app.state.assistant.build
    rows = []
    for member in db.scalars(select(User).join(Membership).where(Membership.team_id == team.id).order_by(User.display_name)):
        record = training.get_route(db, member)
        progress = training.progress(db, member, build, record.route if record else "basis")
        rows.append({"name": member.display_name, "route": record.route if record else None,
                     "chapters": [chapter.complete for chapter in progress.chapters], "percent": progress.percent if record else 0})
    chapters = sorted(build.chapters.values(), key=lambda chapter: chapter.position)
    return templates.TemplateResponse(request, "team.html", {"title": f"Voortgang {team.name}", "viewer": viewer, "team": team, "rows": rows, "chapters": chapters})
