"""The Chainlit chat: each question is answered by the assistant, with its cited cards as side sources."""

from __future__ import annotations

import logging

import chainlit as cl

from assistant import messages
from assistant.cards import card_markdown
from assistant.conversation import resolve_question
from ui.api_models import MAX_QUESTION_LENGTH
from ui.runtime import get_assistant

logger = logging.getLogger(__name__)


@cl.on_chat_start
async def start() -> None:
    """Greet the user and point to 112 for acute danger."""
    await cl.Message(content=messages.CHAT_WELCOME).send()


@cl.on_message
async def answer(message: cl.Message) -> None:
    """Answer a question and attach every cited card as a side element that opens the card text."""
    question = (message.content or "").strip()
    if not question:
        await cl.Message(content=messages.QUESTION_EMPTY).send()
        return
    if len(question) > MAX_QUESTION_LENGTH:
        await cl.Message(content=messages.QUESTION_TOO_LONG.format(length=len(question), limit=MAX_QUESTION_LENGTH)).send()
        return

    assistant = get_assistant()
    history = cl.user_session.get("history") or []
    try:
        reply = await cl.make_async(assistant.ask)(question, history)
    except Exception:
        logger.exception("chat answer failed")
        await cl.Message(content=messages.INTERNAL_ERROR).send()
        return

    elements = []
    names = []
    for number, citation in enumerate(reply.citations, start=1):
        card = assistant.card(citation.card_id)
        if card is None:
            continue
        name = f"{number}. {citation.title}"
        names.append(name)
        chapter = assistant.chapter_titles.get(card.chapter, card.chapter)
        elements.append(cl.Text(name=name, content=card_markdown(card, chapter), display="side", language=None))

    cl.user_session.set("history", [*history, resolve_question(question, history)][-5:])

    content = reply.answer
    if names:
        content += "\n\n" + messages.CHAT_SOURCES.format(names=", ".join(names))
    if reply.read_more:
        links = " · ".join(f"[{link.title}]({link.url})" for link in reply.read_more)
        content += f"\n\n**{messages.CHAT_READ_MORE}:** {links}"
    actions = [
        cl.Action(name="suggestion", payload={"question": suggestion}, label=suggestion)
        for suggestion in reply.suggestions
    ]
    await cl.Message(content=content, elements=elements, actions=actions).send()


@cl.action_callback("suggestion")
async def ask_suggestion(action: cl.Action) -> None:
    """Ask a suggested follow-up question as if the user typed it."""
    question = str(action.payload.get("question", ""))
    await cl.Message(content=question, author="user", type="user_message").send()
    await answer(cl.Message(content=question))
