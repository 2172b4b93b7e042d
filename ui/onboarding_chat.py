"""The guided onboarding in the chat: intake, then chapter by chapter with reflection and a short check.

State lives in the database (``kompas_onboarding``), and progress in the same records as the web
training route, so a walk resumes in any new session and shows on the leerpad page.
"""

from __future__ import annotations

import asyncio
import logging

import chainlit as cl

from assistant import messages
from assistant.cards import card_markdown
from assistant.onboarding import (
    INTAKE_STEPS, chapter_intro, chapter_order, check_questions, key_cards, suggest_route, summary_sentence,
)
from assistant.workspace import onboarding_state, training
from assistant.workspace.accounts import team_ids
from assistant.workspace.models import User
from index.text import strip_accents
from ui.runtime import get_assistant, get_database

logger = logging.getLogger(__name__)

ACTION = "onboarding"


def _normalise(text: str) -> str:
    return strip_accents(text.lower()).strip(" .!?")


def wants_start(text: str) -> bool:
    """True when a message asks for the guided walk ("Ik ben nieuw: leid me rond")."""
    return any(phrase in _normalise(text) for phrase in messages.ONBOARDING_START_PHRASES)


def wants_resume(text: str) -> bool:
    """True when a message asks to continue a paused walk."""
    return _normalise(text) in messages.ONBOARDING_RESUME_PHRASES


def _button(label_key: str, **payload) -> cl.Action:
    return cl.Action(name=ACTION, payload={"do": label_key, **payload}, label=messages.ONBOARDING_BUTTONS[label_key])


def _controls(*keys: str) -> list[cl.Action]:
    return [_button(key) for key in keys]


# --- database work, run in a thread -----------------------------------------------------------

def _snapshot(user_id: int) -> dict | None:
    with get_database().session() as db:
        user = db.get(User, user_id)
        state = onboarding_state.get_state(db, user)
        if state is None:
            return None
        record = training.get_route(db, user)
        return {"step": state.step, "chapter_index": state.chapter_index, "check_index": state.check_index,
                "paused": state.paused, "intake": dict(state.intake or {}), "route": record.route if record else "basis"}


def _change(user_id: int, **changes) -> dict:
    with get_database().session() as db:
        user = db.get(User, user_id)
        state = onboarding_state.get_state(db, user) or onboarding_state.start(db, user)
        if "route" in changes:
            training.choose_route(db, user, changes.pop("route"))
        onboarding_state.update(db, state, **changes)
    return _snapshot(user_id)


def _start(user_id: int) -> dict:
    with get_database().session() as db:
        onboarding_state.start(db, db.get(User, user_id))
    return _snapshot(user_id)


def _save_reflection(user_id: int, chapter_id: str, chapter_title: str, question: str, answer: str) -> bool:
    with get_database().session() as db:
        user = db.get(User, user_id)
        teams = sorted(team_ids(db, user_id))
        if not teams:
            return False
        training.answer_reflection(db, user, teams[0], chapter_id, chapter_title, 0, question, answer)
        logger.info("user %s answered a reflection question in the chat", user_id)
        return True


def _complete_chapter(user_id: int, card_ids: list[str]) -> None:
    with get_database().session() as db:
        user = db.get(User, user_id)
        for card_id in card_ids:
            training.mark_read(db, user, card_id)


# --- steps --------------------------------------------------------------------------------------

def _route_ids(route: str) -> set[str]:
    return {card.id for card in training.route_cards(get_assistant().build, route)}


async def _send_intake(key: str) -> None:
    question, options = messages.ONBOARDING_INTAKE[key]
    actions = [cl.Action(name=ACTION, payload={"do": "intake", "key": key, "value": value}, label=label) for value, label in options]
    await cl.Message(content=question, actions=actions).send()


async def _send_chapter(state: dict) -> None:
    assistant = get_assistant()
    chapters = chapter_order(assistant.build)
    if state["chapter_index"] >= len(chapters):
        await cl.Message(content=messages.ONBOARDING_DONE).send()
        return
    chapter = chapters[state["chapter_index"]]
    intro = chapter_intro(assistant.build, chapter, _route_ids(state["route"]), assistant.chapter_titles, assistant.card_url)
    links = ", ".join(f"[{card.title}]({assistant.card_url.format(card_id=card.id)})" for card in intro.key_cards)
    elements = []
    for number, citation in enumerate(intro.citations, start=1):
        card = assistant.card(citation.card_id)
        elements.append(cl.Text(name=f"{number}. {card.title} (rondleiding)", content=card_markdown(card, chapter.title), display="side"))
    content = messages.ONBOARDING_CHAPTER.format(number=state["chapter_index"] + 1, total=len(chapters), title=chapter.title,
                                                 intro=intro.markdown(), links=links or "-")
    content += "\n\n" + messages.CHAT_SOURCES.format(names=", ".join(element.name for element in elements))
    await cl.Message(content=content, elements=elements, actions=_controls("next", "more", "skip", "pause"),
                     metadata={"onboarding": "intro", "citations": [c.model_dump() for c in intro.citations]}).send()


def _chapter(state: dict):
    return chapter_order(get_assistant().build)[state["chapter_index"]]


def _reflection_question(state: dict) -> str | None:
    build = get_assistant().build
    chapter = _chapter(state)
    intro = next((card for card in build.cards.values() if card.chapter == chapter.id and card.is_intro), None)
    return intro.reflection[0] if intro and intro.reflection else None


async def _send_step(state: dict) -> None:
    """Send the prompt of the current step."""
    step = state["step"]
    if step.startswith("intake-"):
        await _send_intake(step.removeprefix("intake-"))
    elif step == "propose":
        route = suggest_route(state["intake"])
        other = "verdieping" if route == "basis" else "basis"
        actions = [cl.Action(name=ACTION, payload={"do": "route", "route": name}, label=f"Kies {messages.ONBOARDING_ROUTES[name].split(':')[0]}")
                   for name in (route, other)]
        await cl.Message(content=messages.ONBOARDING_PROPOSAL.format(route=messages.ONBOARDING_ROUTES[route]), actions=actions).send()
    elif step == "intro":
        await _send_chapter(state)
    elif step == "reflection":
        question = _reflection_question(state)
        await cl.Message(content=messages.ONBOARDING_REFLECTION.format(question=question), actions=_controls("skip", "pause")).send()
    elif step == "check":
        await _send_check(state)
    else:
        await cl.Message(content=messages.ONBOARDING_DONE).send()


async def _send_check(state: dict) -> None:
    questions = check_questions(get_assistant().build, _chapter(state), _route_ids(state["route"]))
    question = questions[state["check_index"]]
    actions = [cl.Action(name=ACTION, payload={"do": "check", "choice": card.id}, label=card.title) for card in question.options]
    content = messages.ONBOARDING_CHECK.format(number=state["check_index"] + 1, total=len(questions), sentence=question.sentence)
    await cl.Message(content=content, actions=actions + _controls("skip", "pause")).send()


async def _next_chapter(user_id: int, state: dict, completed: bool) -> None:
    chapter = _chapter(state)
    if completed:
        cards = [card.id for card in training.route_cards(get_assistant().build, state["route"]) if card.chapter == chapter.id]
        await asyncio.to_thread(_complete_chapter, user_id, cards)
        await cl.Message(content=messages.ONBOARDING_CHAPTER_DONE.format(title=chapter.title)).send()
    total = len(chapter_order(get_assistant().build))
    new_index = state["chapter_index"] + 1
    state = await asyncio.to_thread(_change, user_id, step="intro" if new_index < total else "done", chapter_index=new_index, check_index=0)
    await _send_step(state)


# --- entry points used by the chat ----------------------------------------------------------------

async def start(user_id: int) -> None:
    """Start the walk with the intake."""
    state = await asyncio.to_thread(_start, user_id)
    await cl.Message(content=messages.ONBOARDING_WELCOME).send()
    await _send_step(state)


async def resume(user_id: int) -> bool:
    """Continue a paused or interrupted walk; False when there is none to continue."""
    state = await asyncio.to_thread(_snapshot, user_id)
    if state is None or state["step"] == "done":
        return False
    state = await asyncio.to_thread(_change, user_id, paused=False)
    await _send_step(state)
    return True


async def greet_returning(user_id: int) -> None:
    """Offer to continue an unfinished walk at the start of a new session."""
    state = await asyncio.to_thread(_snapshot, user_id)
    if state is None or state["step"] == "done" or state["step"].startswith("intake") or state["step"] == "propose":
        return
    title = _chapter(state).title
    await cl.Message(content=messages.ONBOARDING_WELCOME_BACK.format(title=title), actions=_controls("resume")).send()


async def handle_message(user_id: int, text: str) -> bool:
    """Take a message that belongs to the walk (a reflection answer); False when it is a normal question."""
    state = await asyncio.to_thread(_snapshot, user_id)
    if state is None or state["paused"] or state["step"] != "reflection":
        return False
    if text.rstrip().endswith("?"):
        return False  # a question in between gets a normal answer; the reflection waits
    chapter = _chapter(state)
    question = _reflection_question(state) or ""
    saved = await asyncio.to_thread(_save_reflection, user_id, chapter.id, chapter.title, question, text)
    if not saved:
        await cl.Message(content=messages.NO_TEAM).send()
        return True
    await cl.Message(content=messages.ONBOARDING_REFLECTION_SAVED).send()
    state = await asyncio.to_thread(_change, user_id, step="check", check_index=0)
    await _send_step(state)
    return True


async def active_walk(user_id: int) -> bool:
    """True when a walk is under way and not paused, so answers can offer to continue it."""
    state = await asyncio.to_thread(_snapshot, user_id)
    return state is not None and not state["paused"] and state["step"] not in ("done",)


def continue_action() -> cl.Action:
    """The button under a normal answer that returns to the walk."""
    return cl.Action(name=ACTION, payload={"do": "resume"}, label=messages.ONBOARDING_CONTINUE)


async def handle_action(user_id: int, payload: dict) -> None:
    """Carry out a button of the walk."""
    state = await asyncio.to_thread(_snapshot, user_id)
    do = payload.get("do")
    if state is None:
        await start(user_id)
        return
    if do == "pause":
        await asyncio.to_thread(_change, user_id, paused=True)
        await cl.Message(content=messages.ONBOARDING_PAUSED, actions=_controls("resume")).send()
    elif do == "resume":
        await resume(user_id)
    elif do == "intake":
        intake = {**state["intake"], payload["key"]: payload["value"]}
        position = INTAKE_STEPS.index(payload["key"])
        step = f"intake-{INTAKE_STEPS[position + 1]}" if position + 1 < len(INTAKE_STEPS) else "propose"
        await _send_step(await asyncio.to_thread(_change, user_id, intake=intake, step=step))
    elif do == "route":
        await _send_step(await asyncio.to_thread(_change, user_id, route=payload["route"], step="intro", chapter_index=0, paused=False))
    elif do == "next" and state["step"] == "intro":
        await _send_step(await asyncio.to_thread(_change, user_id, step="reflection" if _reflection_question(state) else "check"))
    elif do == "more" and state["step"] == "intro":
        await _send_more(state)
    elif do == "skip":
        await _next_chapter(user_id, state, completed=False)
    elif do == "check" and state["step"] == "check":
        await _answer_check(user_id, state, payload.get("choice", ""))


async def _send_more(state: dict) -> None:
    assistant = get_assistant()
    chapter = _chapter(state)
    introduced = {card.id for card in key_cards(assistant.build, chapter, _route_ids(state["route"]))}
    extra = next((card for card in training.route_cards(assistant.build, state["route"])
                  if card.chapter == chapter.id and not card.is_intro and card.id not in introduced), None)
    if extra is None:
        await cl.Message(content=messages.ONBOARDING_NO_MORE, actions=_controls("next", "pause")).send()
        return
    element = cl.Text(name=f"1. {extra.title} (meer)", content=card_markdown(extra, chapter.title), display="side")
    content = messages.ONBOARDING_MORE.format(sentence=summary_sentence(extra)) + "\n\n" + messages.CHAT_SOURCES.format(names=element.name)
    await cl.Message(content=content, elements=[element], actions=_controls("next", "skip", "pause")).send()


async def _answer_check(user_id: int, state: dict, choice: str) -> None:
    assistant = get_assistant()
    chapter = _chapter(state)
    questions = check_questions(assistant.build, chapter, _route_ids(state["route"]))
    question = questions[state["check_index"]]
    card = assistant.card(question.answer)
    element = cl.Text(name=f"1. {card.title} (check)", content=card_markdown(card, chapter.title), display="side")
    template = messages.ONBOARDING_CHECK_RIGHT if choice == question.answer else messages.ONBOARDING_CHECK_WRONG
    content = template.format(title=card.title, summary=card.summary) + "\n\n" + messages.CHAT_SOURCES.format(names=element.name)
    await cl.Message(content=content, elements=[element]).send()
    if state["check_index"] + 1 < len(questions):
        await _send_step(await asyncio.to_thread(_change, user_id, check_index=state["check_index"] + 1))
    else:
        await _next_chapter(user_id, state, completed=True)
