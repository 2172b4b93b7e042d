"""The web server: JSON API, card pages and the Chainlit chat at ``/chat``."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse

from assistant import messages
from assistant.answer import Answer
from assistant.conversation import ThreadStore, resolve_question
from assistant.service import Assistant
from index.settings import Settings, get_settings
from index.store import read_current_manifest
from ui import runtime
from ui.api_models import AskRequest, CardOut, SourceOut
from assistant.workspace.db import Database
from ui.auth import LoginRateLimiter, current_viewer, set_session_cookie
from ui.chat_mount import mount_chat
from ui.pages import router as pages_router
from ui.workspace_routes import router as workspace_router

logger = logging.getLogger(__name__)



def _ensure_index(settings: Settings) -> None:
    """Build the index when none exists yet, so a fresh install serves at once."""
    if read_current_manifest(settings.index_dir) is not None:
        return
    from ingest.pipeline import run_ingest

    logger.info("no index build found in %s; building one now", settings.index_dir)
    report = run_ingest(settings, progress=True)
    logger.info("index build %s ready: %d cards, %d chunks", report.build_id, report.cards, report.chunks)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Create the FastAPI application; the index and embedder are loaded at start-up."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await asyncio.to_thread(_ensure_index, settings)
        app.state.db = await asyncio.to_thread(Database.from_settings, settings)
        assistant = await asyncio.to_thread(Assistant.from_settings, settings)
        runtime.set_assistant(assistant)
        runtime.set_database(app.state.db)
        app.state.assistant = assistant
        logger.info("server ready with index build %s", assistant.build.build_id)
        yield
        runtime.set_assistant(None)
        runtime.set_database(None)
        app.state.db.close()
        logger.info("server stopped")

    app = FastAPI(title="Kompas Assistent", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.login_limiter = LoginRateLimiter(settings.login_max_failures, settings.login_window_seconds)
    app.include_router(workspace_router)
    app.include_router(pages_router)

    @app.middleware("http")
    async def trusted_header_cookie(request: Request, call_next):
        # A login through the identity gateway starts a session; its cookie is set on the way out.
        response = await call_next(request)
        token = getattr(request.state, "new_session_token", None)
        if token:
            set_session_cookie(response, token, settings, request)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = []
        for item in error.errors():
            message = str(item.get("msg", ""))
            # pydantic prefixes messages of our own validators with "Value error, ".
            message = message.removeprefix("Value error, ")
            if item.get("type") in ("missing", "json_invalid", "model_attributes_type", "dict_type", "extra_forbidden"):
                message = "Stuur JSON met alleen het veld 'question', bijvoorbeeld {\"question\": \"Wat is mensenhandel?\"}."
            problems.append(message)
        logger.info("rejected request to %s: %d validation problem(s)", request.url.path, len(problems))
        return JSONResponse(status_code=422, content={"detail": problems[0] if problems else "Ongeldige invoer.", "problems": problems})

    @app.get("/health")
    def health() -> dict:
        assistant = getattr(app.state, "assistant", None)
        return {"status": "ok", "build": assistant.build.build_id if assistant else None}

    threads = ThreadStore()

    @app.post("/api/ask", response_model=Answer, responses={404: {"description": "Unknown or expired thread_id"}})
    def ask(body: AskRequest):
        if body.thread_id is None:
            thread = threads.create()
        else:
            thread = threads.get(body.thread_id)
            if thread is None:
                logger.info("ask with unknown or expired thread")
                return JSONResponse(status_code=404, content={"detail": messages.THREAD_NOT_FOUND})
        history = list(thread.turns)
        answer = app.state.assistant.ask(body.question, history=history)
        threads.add_turn(thread, resolve_question(body.question, history))
        return answer.model_copy(update={"thread_id": thread.id})

    def _card_or_404(card_id: str):
        card = app.state.assistant.card(card_id)
        if card is None:
            return None, JSONResponse(status_code=404, content={"detail": messages.CARD_NOT_FOUND.format(card_id=card_id)})
        return card, None

    @app.get("/api/cards/{card_id}", response_model=CardOut)
    def get_card(card_id: str):
        card, missing = _card_or_404(card_id)
        if missing:
            return missing
        assistant: Assistant = app.state.assistant
        return CardOut(
            id=card.id,
            title=card.title,
            chapter=card.chapter,
            chapter_title=assistant.chapter_titles.get(card.chapter, card.chapter),
            kind=card.kind.value,
            level=card.level.value,
            tags=card.tags,
            summary=card.summary,
            sources=[SourceOut(title=s.title, publisher=s.publisher, year=s.year, url=str(s.url)) for s in card.sources],
            reviewed=card.reviewed.isoformat(),
            related=card.related,
            body=card.body,
            url=assistant.card_url.format(card_id=card.id),
        )

    @app.middleware("http")
    async def chat_requires_login(request: Request, call_next):
        # The chat page itself needs a workspace login; its API authenticates through the same cookie.
        if request.url.path in ("/chat", "/chat/") and request.method == "GET" and hasattr(app.state, "db"):
            with app.state.db.session() as db:
                viewer = current_viewer(request, db, settings)
            if viewer is None:
                return RedirectResponse("/login?next=/chat/", status_code=303)
        return await call_next(request)

    mount_chat(app, settings)
    return app
