"""Guided onboarding content: chapter introductions with citations and short checks, built from the cards.

Everything here is deterministic and offline: introductions quote the first sentence of each
card's "In het kort" section, and check questions ask which card a quoted sentence comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answer import Citation, make_citation, split_sentences
from index.models import Card, Chapter
from index.store import IndexBuild

SUMMARY_HEADING = "In het kort"
# Key cards introduced per chapter, and check questions per chapter.
KEY_CARDS = 3
CHECK_QUESTIONS = 2
OPTIONS_PER_QUESTION = 3

# Intake questions, in the order the chat asks them.
INTAKE_STEPS = ("role", "duration", "stage")


@dataclass
class CitedSentence:
    """A sentence of an introduction with the number of the card it cites."""

    text: str
    marker: int


@dataclass
class ChapterIntro:
    """A chapter introduction: cited sentences, the cited cards, and the key cards to read."""

    chapter: Chapter
    sentences: list[CitedSentence]
    citations: list[Citation]
    key_cards: list[Card]

    def markdown(self) -> str:
        """Render the sentences with their markers."""
        return " ".join(f"{sentence.text} [{sentence.marker}]" for sentence in self.sentences)


@dataclass
class CheckQuestion:
    """A check: which card does a quoted sentence come from? ``answer`` is the card id."""

    sentence: str
    options: list[Card]
    answer: str


def suggest_route(intake: dict) -> str:
    """Suggest "basis" or "verdieping" from the intake answers.

    A municipality without an approach or with a basic one, or an advisor new to the file, starts
    with Basis; the others go into depth.
    """
    if intake.get("stage") in ("geen", "basis") or intake.get("duration") == "nieuw":
        return "basis"
    return "verdieping"


def chapter_order(build: IndexBuild) -> list[Chapter]:
    """Return the chapters in training order."""
    return sorted(build.chapters.values(), key=lambda chapter: chapter.position)


def summary_sentence(card: Card) -> str:
    """Return the first sentence of the card's "In het kort" section (or of its body)."""
    body = card.body
    start = body.find(f"## {SUMMARY_HEADING}")
    if start >= 0:
        rest = body[start + len(SUMMARY_HEADING) + 3:]
        end = rest.find("\n## ")
        body = rest if end < 0 else rest[:end]
    sentences = split_sentences(body)
    return sentences[0] if sentences else card.summary


def key_cards(build: IndexBuild, chapter: Chapter, route_card_ids: set[str]) -> list[Card]:
    """Return the first cards of the chapter on the user's route, introduction excluded."""
    cards = [card for card in build.cards.values() if card.chapter == chapter.id and not card.is_intro and card.id in route_card_ids]
    return cards[:KEY_CARDS]


def chapter_intro(build: IndexBuild, chapter: Chapter, route_card_ids: set[str], chapter_titles: dict[str, str], card_url: str) -> ChapterIntro:
    """Build a chapter introduction: one sentence from the introduction card and from each key card, each cited."""
    intro_card = next((card for card in build.cards.values() if card.chapter == chapter.id and card.is_intro), None)
    keys = key_cards(build, chapter, route_card_ids)
    sources = ([intro_card] if intro_card else []) + keys
    sentences, citations = [], []
    for marker, card in enumerate(sources, start=1):
        sentence = summary_sentence(card)
        sentences.append(CitedSentence(sentence, marker))
        citations.append(make_citation(card, chapter_titles, card_url, sentence))
    return ChapterIntro(chapter=chapter, sentences=sentences, citations=citations, key_cards=keys)


def check_questions(build: IndexBuild, chapter: Chapter, route_card_ids: set[str]) -> list[CheckQuestion]:
    """Build the chapter's check: for each of the first key cards, which card does its summary sentence come from?

    The other options are the next cards of the same chapter, so they are plausible.
    """
    cards = [card for card in build.cards.values() if card.chapter == chapter.id and not card.is_intro]
    route = [card for card in cards if card.id in route_card_ids] or cards
    questions = []
    for index, card in enumerate(route[:CHECK_QUESTIONS]):
        others = [other for other in cards if other.id != card.id]
        distractors = [others[(index + offset) % len(others)] for offset in range(min(OPTIONS_PER_QUESTION - 1, len(others)))]
        options = sorted([card, *distractors], key=lambda option: option.id)
        questions.append(CheckQuestion(sentence=summary_sentence(card), options=options, answer=card.id))
    return questions
