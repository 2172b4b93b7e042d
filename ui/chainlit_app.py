"""The Chainlit chat: answers with cited cards, saved per user, with note and share actions.

Login is the workspace login: the header callback reads the ``kompas_session`` cookie that the
FastAPI pages set (path ``/``), so one login serves the pages and the chat.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from http.cookies import SimpleCookie

import chainlit as cl
from chainlit.data.sql_alchemy import SQLAlchemyDataLayer

from assistant import messages
from assistant.cards import card_markdown
from assistant.conversation import resolve_question
from assistant.workspace import notes as notes_service
from assistant.workspace import sharing
from assistant.workspace.accounts import resolve_session, team_ids
from assistant.workspace.db import async_url
from assistant.workspace.models import LoginSession, User
from index.personal_data import personal_data_kinds
from ui.api_models import MAX_QUESTION_LENGTH
from ui.auth import SESSION_COOKIE
from ui import onboarding_chat
from ui.chat_files import LocalStorageClient
from ui.runtime import get_assistant, get_database

logger = logging.getLogger(__name__)


@cl.data_layer
def data_layer() -> SQLAlchemyDataLayer:
    """Store chat history in the workspace database; the tables come from our migrations."""
    files = LocalStorageClient(get_assistant().settings.data_dir / "chat-files")
    return SQLAlchemyDataLayer(conninfo=async_url(get_database().url), storage_provider=files)


def _session_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _lookup_session(token: str) -> User | None:
    with get_database().session() as db:
        found = resolve_session(db, token)
        return found[0] if found else None


@cl.header_auth_callback
async def header_auth(headers) -> cl.User | None:
    """Accept the chat user when the request carries a valid workspace session cookie."""
    cookie = SimpleCookie(headers.get("cookie", ""))
    token = cookie[SESSION_COOKIE].value if SESSION_COOKIE in cookie else ""
    user = await asyncio.to_thread(_lookup_session, token) if token else None
    if user is None:
        return None
    return cl.User(identifier=user.email, display_name=user.display_name, metadata={"user_id": user.id, "session": _session_hash(token)})


def _still_logged_in(session_hash: str) -> User | None:
    """Return the user while their workspace session exists, so a logout ends the chat too."""
    with get_database().session() as db:
        login = db.get(LoginSession, session_hash)
        if login is None:
            return None
        found = db.get(User, login.user_id)
        return found if found is not None and found.is_active else None


async def _current_user() -> User | None:
    chat_user = cl.user_session.get("user")
    if chat_user is None:
        return None
    user = await asyncio.to_thread(_still_logged_in, chat_user.metadata.get("session", ""))
    if user is None:
        await cl.Message(content=messages.CHAT_LOGGED_OUT).send()
    return user


@cl.set_starters
async def starters(user=None, language=None) -> list[cl.Starter]:
    """Offer the main uses: the guided walk, a look-up, the policy plan and the partners."""
    return [cl.Starter(label=label, message=message) for label, message in messages.STARTERS]


def _chat_user_id() -> int | None:
    chat_user = cl.user_session.get("user")
    return chat_user.metadata.get("user_id") if chat_user is not None else None


@cl.on_chat_start
async def start() -> None:
    """Offer to continue an unfinished walk; an empty chat shows the starters and the 112 hint in the input."""
    user_id = _chat_user_id()
    if user_id is not None:
        await onboarding_chat.greet_returning(user_id)


@cl.on_chat_resume
async def resume(thread) -> None:
    """Restore a stored thread: the follow-up history and each answer's actions.

    Sources come back through the data layer (elements stored by ``LocalStorageClient``); Chainlit
    does not store actions, so they are rebuilt from the metadata written with the answer.
    """
    steps = thread.get("steps", [])
    history: list[str] = []
    for step in steps:
        if step.get("type") == "user_message":
            history = [*history, resolve_question(step.get("output", ""), history)][-5:]
    cl.user_session.set("history", history)

    for step in steps:
        if step.get("type") != "assistant_message":
            continue
        metadata = step.get("metadata") or {}
        if isinstance(metadata, str):
            metadata = json.loads(metadata or "{}")
        for action in _answer_actions(metadata):
            await action.send(for_id=step["id"])
    user_id = _chat_user_id()
    if user_id is not None:
        await onboarding_chat.greet_returning(user_id)


def _source_element(assistant, card_id: str, name: str) -> cl.Text | None:
    card = assistant.card(card_id)
    if card is None:
        return None
    chapter = assistant.chapter_titles.get(card.chapter, card.chapter)
    return cl.Text(name=name, content=card_markdown(card, chapter), display="side")


def _answer_actions(metadata: dict) -> list[cl.Action]:
    """Build the actions under an answer: suggested questions, "Bewaar als notitie" and "Deel"."""
    actions = [
        cl.Action(name="suggestion", payload={"question": suggestion}, label=suggestion)
        for suggestion in metadata.get("suggestions", [])
    ]
    if metadata.get("answered"):
        note_payload = {"question": metadata.get("question", ""), "answer": metadata.get("answer", ""), "citations": metadata.get("citations", [])}
        actions += [
            cl.Action(name="save_note", payload=note_payload, label=messages.CHAT_SAVE_NOTE),
            cl.Action(name="share_thread", payload={}, label=messages.CHAT_SHARE),
        ]
    return actions


@cl.on_message
async def answer(message: cl.Message) -> None:
    """Answer a question; cite each card as a side element; offer "Bewaar als notitie" and "Deel"."""
    user = await _current_user()
    if user is None:
        return
    question = (message.content or "").strip()
    if not question:
        await cl.Message(content=messages.QUESTION_EMPTY).send()
        return
    if len(question) > MAX_QUESTION_LENGTH:
        await cl.Message(content=messages.QUESTION_TOO_LONG.format(length=len(question), limit=MAX_QUESTION_LENGTH)).send()
        return

    if onboarding_chat.wants_start(question):
        await onboarding_chat.start(user.id)
        return
    if onboarding_chat.wants_resume(question) and await onboarding_chat.resume(user.id):
        return
    if await onboarding_chat.handle_message(user.id, question):
        return

    assistant = get_assistant()
    history = cl.user_session.get("history") or []
    try:
        reply = await cl.make_async(assistant.ask)(question, history)
    except Exception:
        logger.exception("chat answer failed")
        await cl.Message(content=messages.INTERNAL_ERROR).send()
        return
    cl.user_session.set("history", [*history, resolve_question(question, history)][-5:])

    turn = len(history) + 1
    elements, sources = [], []
    for number, citation in enumerate(reply.citations, start=1):
        # Names are unique per thread, so resumed threads do not stack sources of earlier turns.
        name = f"{number}. {citation.title} (vraag {turn})"
        element = _source_element(assistant, citation.card_id, name)
        if element is not None:
            elements.append(element)
            sources.append({"name": name, "card_id": citation.card_id})

    content = reply.answer
    if sources:
        content += "\n\n" + messages.CHAT_SOURCES.format(names=", ".join(source["name"] for source in sources))
    if reply.read_more:
        links = " · ".join(f"[{link.title}]({link.url})" for link in reply.read_more)
        content += f"\n\n**{messages.CHAT_READ_MORE}:** {links}"

    metadata = {
        "question": question, "answer": reply.answer, "answered": reply.answered, "kind": reply.kind.value,
        "citations": [citation.model_dump() for citation in reply.citations], "sources": sources,
        "suggestions": reply.suggestions,
    }
    actions = _answer_actions(metadata)
    if await onboarding_chat.active_walk(user.id):
        actions.append(onboarding_chat.continue_action())
    await cl.Message(content=content, elements=elements, actions=actions, metadata=metadata).send()


@cl.action_callback("suggestion")
async def ask_suggestion(action: cl.Action) -> None:
    """Ask a suggested follow-up question as if the user typed it."""
    question = str(action.payload.get("question", ""))
    await cl.Message(content=question, author="user", type="user_message").send()
    await answer(cl.Message(content=question))


def _save_note(user_id: int, payload: dict, thread_id: str | None) -> str:
    with get_database().session() as db:
        user = db.get(User, user_id)
        teams = sorted(team_ids(db, user_id))
        if user is None or not teams:
            return messages.NO_TEAM
        title = payload["question"][:120]
        note = notes_service.create_note(
            db, user, teams[0], title=title, question=payload["question"], answer=payload["answer"],
            citations=payload.get("citations", []), card_ids=[c["card_id"] for c in payload.get("citations", [])],
            thread_id=thread_id,
        )
        logger.info("user %s saved note %s from the chat", user_id, note.id)
        return messages.CHAT_NOTE_SAVED


@cl.action_callback("save_note")
async def save_note(action: cl.Action) -> None:
    """Save the answer as a personal note; warn first when the question or answer contains personal data."""
    user = await _current_user()
    if user is None:
        return
    payload = dict(action.payload)
    kinds = personal_data_kinds(f"{payload.get('question', '')}\n{payload.get('answer', '')}")
    if kinds and not payload.get("confirmed"):
        logger.info("chat note held back: personal data (kinds: %s)", ",".join(kinds))
        names = ", ".join(messages.PERSONAL_DATA_KINDS[kind] for kind in kinds)
        confirm = cl.Action(name="save_note", payload={**payload, "confirmed": True}, label=messages.CHAT_SAVE_ANYWAY)
        await cl.Message(content=messages.PERSONAL_DATA_WARNING.format(kinds=names), actions=[confirm]).send()
        return
    thread_id = cl.context.session.thread_id
    result = await asyncio.to_thread(_save_note, user.id, payload, thread_id)
    await cl.Message(content=result).send()


def _share_thread(user_id: int, thread_id: str) -> str:
    with get_database().session() as db:
        user = db.get(User, user_id)
        teams = sorted(team_ids(db, user_id))
        if user is None or not teams:
            return messages.NO_TEAM
        try:
            link = sharing.create_link(db, user, "thread", thread_id, teams[0])
        except notes_service.NoteError as error:
            logger.info("thread share rejected for user %s: %s", user_id, error)
            return error.message_nl
        logger.info("user %s shared a thread (link %s)", user_id, link.id)
        base = get_assistant().settings.public_url.rstrip("/")
        return messages.CHAT_SHARED.format(url=f"{base}/s/{link.token}")


@cl.action_callback("share_thread")
async def share_thread(action: cl.Action) -> None:
    """Create a team-only, read-only link to this conversation."""
    user = await _current_user()
    if user is None:
        return
    result = await asyncio.to_thread(_share_thread, user.id, cl.context.session.thread_id)
    await cl.Message(content=result).send()


@cl.action_callback("onboarding")
async def onboarding_action(action: cl.Action) -> None:
    """Carry out a button of the guided walk."""
    user = await _current_user()
    if user is not None:
        await onboarding_chat.handle_action(user.id, dict(action.payload))
