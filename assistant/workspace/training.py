"""The training route (leerpad): the chosen route, read cards, reflection answers and progress."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.workspace.models import CardRead, Note, ReflectionAnswer, TrainingRoute, User, utcnow
from assistant.workspace.notes import create_note
from index.models import Card, CardLevel
from index.store import IndexBuild

ROUTES = ("basis", "verdieping")
REFLECTION_TAG = "reflectie"


def route_cards(build: IndexBuild, route: str) -> list[Card]:
    """Return the cards of a route in training order: "basis" has the basis-level cards, "verdieping" all."""
    cards = list(build.cards.values())
    if route == "basis":
        return [card for card in cards if card.level == CardLevel.BASIS]
    return cards


def get_route(db: Session, user: User) -> TrainingRoute | None:
    """Return the user's training record, or None before a route was chosen."""
    return db.get(TrainingRoute, user.id)


def choose_route(db: Session, user: User, route: str) -> TrainingRoute:
    """Choose or change the route; progress (read cards, answers) is kept.

    :raises ValueError: for an unknown route.
    """
    if route not in ROUTES:
        raise ValueError(f"unknown route {route!r}; valid routes: {', '.join(ROUTES)}")
    record = db.get(TrainingRoute, user.id)
    if record is None:
        record = TrainingRoute(user_id=user.id, route=route)
        db.add(record)
    else:
        record.route = route
    db.flush()
    return record


def mark_read(db: Session, user: User, card_id: str) -> None:
    """Mark a card as read (again marking is harmless) and remember it as the place to resume."""
    if db.get(CardRead, (user.id, card_id)) is None:
        db.add(CardRead(user_id=user.id, card_id=card_id))
    record = db.get(TrainingRoute, user.id)
    if record is not None:
        record.last_card_id = card_id
        record.updated_at = utcnow()
    db.flush()


def read_card_ids(db: Session, user: User) -> set[str]:
    """Return the ids of the cards the user has read."""
    return set(db.scalars(select(CardRead.card_id).where(CardRead.user_id == user.id)))


def reflection_answers(db: Session, user: User) -> dict[tuple[str, int], str]:
    """Return the user's reflection answers by (chapter id, question index)."""
    rows = db.execute(
        select(ReflectionAnswer.chapter_id, ReflectionAnswer.question_index, Note.body)
        .join(Note, Note.id == ReflectionAnswer.note_id)
        .where(ReflectionAnswer.user_id == user.id)
    ).all()
    return {(chapter_id, index): body for chapter_id, index, body in rows}


def answer_reflection(db: Session, user: User, team_id: int, chapter_id: str, chapter_title: str, index: int,
                      question: str, answer: str) -> Note:
    """Save an answer to a reflection question as the user's personal note, replacing an earlier answer.

    :raises assistant.workspace.notes.NoteError: for an empty or too long answer.
    """
    existing = db.get(ReflectionAnswer, (user.id, chapter_id, index))
    if existing is not None:
        note = db.get(Note, existing.note_id)
        note.body = answer
        note.updated_at = utcnow()
        existing.answered_at = utcnow()
        db.flush()
        return note
    note = create_note(db, user, team_id, title=f"Reflectie {chapter_title}: vraag {index + 1}", body=answer,
                       visibility="personal", tags=[REFLECTION_TAG, chapter_id], question=question)
    db.add(ReflectionAnswer(user_id=user.id, chapter_id=chapter_id, question_index=index, note_id=note.id))
    db.flush()
    return note


@dataclass
class ChapterProgress:
    """Progress in one chapter of a route."""

    chapter_id: str
    title: str
    cards: list[Card]
    read: set[str]
    questions: list[str]
    answers: dict[int, str]

    # A chapter's reflection counts as one step: the questions are prompts, and answering one of
    # them (as the chat's walk asks) completes it.

    @property
    def done(self) -> int:
        """Read cards, plus one when a reflection question of the chapter is answered."""
        return len([card for card in self.cards if card.id in self.read]) + (1 if self.answers else 0)

    @property
    def total(self) -> int:
        """Cards of the chapter, plus one for the reflection when the chapter has questions."""
        return len(self.cards) + (1 if self.questions else 0)

    @property
    def complete(self) -> bool:
        """True when every card is read and a reflection question is answered."""
        return self.done == self.total

    @property
    def percent(self) -> int:
        """Progress in whole percent."""
        return round(100 * self.done / self.total) if self.total else 100


@dataclass
class Progress:
    """A user's progress on their route."""

    route: str
    chapters: list[ChapterProgress] = field(default_factory=list)
    next_card_id: str | None = None

    @property
    def percent(self) -> int:
        """Overall progress in whole percent."""
        total = sum(chapter.total for chapter in self.chapters)
        return round(100 * sum(chapter.done for chapter in self.chapters) / total) if total else 100

    @property
    def complete(self) -> bool:
        """True when every chapter of the route is complete."""
        return all(chapter.complete for chapter in self.chapters)


def progress(db: Session, user: User, build: IndexBuild, route: str) -> Progress:
    """Compute the user's progress on ``route``; ``next_card_id`` is the first unread card in route order."""
    read = read_card_ids(db, user)
    answers = reflection_answers(db, user)
    cards = route_cards(build, route)
    result = Progress(route=route)
    for chapter in sorted(build.chapters.values(), key=lambda item: item.position):
        chapter_cards = [card for card in cards if card.chapter == chapter.id]
        intro = next((card for card in build.cards.values() if card.chapter == chapter.id and card.is_intro), None)
        questions = intro.reflection if intro else []
        chapter_answers = {index: text for (chapter_id, index), text in answers.items() if chapter_id == chapter.id and index < len(questions)}
        result.chapters.append(ChapterProgress(chapter.id, chapter.title, chapter_cards, read, questions, chapter_answers))
    result.next_card_id = next((card.id for card in cards if card.id not in read), None)
    return result
