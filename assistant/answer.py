"""Extractive answers: sentences taken from the best passages, each followed by its citation marker."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel

from assistant.analysis import AnswerKind
from index.models import Card
from index.text import tokenize

# An answer quotes at most this many sentences, from at most three cards, so it stays a short
# paragraph that points to the cards for the rest.
MAX_SENTENCES = 6
MAX_CITED_CARDS = 3
MAX_SUGGESTIONS = 3
# A further card is cited only when its fused score is at least this share of the best score.
RELATIVE_SCORE_FLOOR = 0.85
SUMMARY_HEADING = "In het kort"
STEPS_HEADING = "Stappen"
# Stems a sentence from a further card must share with the question.
MIN_SHARED_STEMS = 2
# Steps quoted in a Hoe answer.
MAX_STEPS = 4

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = ("art", "bijv", "o.a", "z.j", "nr", "e.d", "d.w.z", "m.b.t", "i.p.v", "incl", "ca", "vs")
# Opening words that refer back to the previous sentence.
_ANAPHORA = frozenset({"die", "dat", "deze", "dit", "zij", "ze", "hij", "daar", "daarom", "daarnaast", "daarvoor", "ook", "dan", "hierbij", "hiervoor", "bovendien"})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9ÀÉÈËÏÖÜ\"'(])")


class Citation(BaseModel):
    """A card an answer relies on, with the passage quoted from it."""

    card_id: str
    title: str
    chapter: str
    url: str
    quote: str


class CardLink(BaseModel):
    """A "Lees verder" link to a card."""

    card_id: str
    title: str
    url: str


class Answer(BaseModel):
    """The reply to one question, as the CLI, the API and the chat show it."""

    answer: str
    kind: AnswerKind
    answered: bool
    citations: list[Citation]
    read_more: list[CardLink] = []
    suggestions: list[str] = []
    thread_id: str | None = None


def make_citation(card: Card, chapter_titles: dict[str, str], card_url: str, quote: str) -> Citation:
    """Build the citation of ``card``; ``card_url`` is a format string with ``{card_id}``."""
    return Citation(
        card_id=card.id,
        title=card.title,
        chapter=chapter_titles.get(card.chapter, card.chapter),
        url=card_url.format(card_id=card.id),
        quote=quote,
    )


def read_more_links(citations: list[Citation]) -> list[CardLink]:
    """Return the "Lees verder" links of the cited cards."""
    return [CardLink(card_id=citation.card_id, title=citation.title, url=citation.url) for citation in citations]


@dataclass
class Passage:
    """A retrieved chunk with its fused score."""

    card_id: str
    heading: str
    text: str
    score: float


def split_sentences(text: str) -> list[str]:
    """Split Markdown text into plain sentences.

    List items count as sentences, except after a line that ends in a colon: those items are
    joined to that line ("vier onderdelen: a; b; c."), so the lead-in is never quoted alone.
    Bold markers and list bullets are removed. No language model or NLTK data is needed.
    """
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", text):
        is_item = bool(re.match(r"^\s*(?:[-*]|\d+\.)\s+", block))
        block = re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", block.strip())
        block = re.sub(r"\*\*|__|`", "", block)
        block = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", block)
        block = re.sub(r"\s+", " ", block).strip()
        if not block:
            continue
        if is_item and sentences and sentences[-1].endswith((":", ";")):
            sentences[-1] = f"{sentences[-1]} {block.rstrip('.;')};"
            continue
        if sentences and sentences[-1].endswith(";"):
            sentences[-1] = sentences[-1][:-1] + "."
        parts = _SENTENCE_END.split(block)
        merged: list[str] = []
        for part in parts:
            if merged and merged[-1].rsplit(" ", 1)[-1].rstrip(".") in _ABBREVIATIONS:
                merged[-1] = f"{merged[-1]} {part}"
            else:
                merged.append(part)
        sentences.extend(part.strip() for part in merged if len(part.strip()) > 2)
    if sentences and sentences[-1].endswith(";"):
        sentences[-1] = sentences[-1][:-1] + "."
    return sentences


def _pick_sentences(question_tokens: set[str], text: str, limit: int) -> list[str]:
    """Choose up to ``limit`` sentences that share the most stems with the question, in text order.

    Earlier sentences win ties, because card sections open with their main point. A sentence
    that leans on the one before it ("Die ...", "Dat ...") is taken only together with it.
    """
    sentences = split_sentences(text)
    scored = []
    for position, sentence in enumerate(sentences):
        overlap = len(question_tokens & set(tokenize(sentence)))
        scored.append((overlap, -position))

    picked: set[int] = set()
    for _, negative_position in sorted(scored, reverse=True):
        position = -negative_position
        needed = {position}
        while position in needed and position > 0 and _leans_on_previous(sentences[position]):
            position -= 1
            needed.add(position)
        if len(picked | needed) > limit:
            continue
        picked |= needed
        if len(picked) == limit:
            break
    return [sentences[position] for position in sorted(picked)]


def _leans_on_previous(sentence: str) -> bool:
    first = sentence.split(" ", 1)[0].strip(",.:;").lower()
    return first in _ANAPHORA


@dataclass
class Section:
    """One section of a card, as stored in the index."""

    heading: str
    text: str


class _Draft:
    """Collects cited sentences while an answer is composed; duplicates are skipped."""

    def __init__(self, cards: dict[str, Card], chapter_titles: dict[str, str], card_url: str) -> None:
        self.cards = cards
        self.chapter_titles = chapter_titles
        self.card_url = card_url
        self.statements: list[str] = []
        self.citations: list[Citation] = []
        self._quotes: dict[str, list[str]] = {}
        self._seen: set[str] = set()

    def add(self, card_id: str, sentences: list[str]) -> None:
        """Add sentences from a card, each followed by that card's citation marker."""
        for sentence in sentences:
            key = " ".join(tokenize(sentence))
            if not key or key in self._seen or len(self.statements) >= MAX_SENTENCES:
                continue
            if card_id not in self._quotes:
                if len(self._quotes) >= MAX_CITED_CARDS:
                    return
                self._quotes[card_id] = []
            self._seen.add(key)
            self._quotes[card_id].append(sentence)
            marker = list(self._quotes).index(card_id) + 1
            self.statements.append(f"{sentence} [{marker}]")

    def finish(self, kind: AnswerKind) -> Answer:
        citations = [
            make_citation(self.cards[card_id], self.chapter_titles, self.card_url, " ".join(quotes))
            for card_id, quotes in self._quotes.items()
        ]
        return Answer(
            answer=" ".join(self.statements),
            kind=kind,
            answered=bool(citations),
            citations=citations,
            read_more=read_more_links(citations),
            suggestions=self._suggestions(),
        )

    def _suggestions(self) -> list[str]:
        """Suggest follow-up questions from the related cards of the best card: a title that is a question, else the card's first question."""
        if not self._quotes:
            return []
        cited = set(self._quotes)
        best = self.cards[next(iter(self._quotes))]
        suggestions = []
        for related_id in best.related:
            related = self.cards.get(related_id)
            if related is None or related.id in cited or related.is_intro:
                continue
            if related.title.endswith("?"):
                suggestions.append(related.title)
            elif related.questions:
                suggestions.append(related.questions[0])
            else:
                suggestions.append(f"Vertel meer over: {related.title}")
            if len(suggestions) == MAX_SUGGESTIONS:
                break
        return suggestions


def _section(sections: list[Section], heading: str) -> Section | None:
    return next((section for section in sections if section.heading.startswith(heading)), None)


def _steps(section: Section) -> list[str]:
    items = re.findall(r"^\s*\d+\.\s+(.+)$", section.text, flags=re.MULTILINE)
    return [re.sub(r"\*\*|__", "", item).strip() for item in items][:MAX_STEPS]


def compose_extractive(
    question: str,
    kind: AnswerKind,
    passages: list[Passage],
    sections: dict[str, list[Section]],
    cards: dict[str, Card],
    chapter_titles: dict[str, str],
    card_url: str,
) -> Answer:
    """Build an answer from the best passages, ordered for the question kind.

    - Wat: the summary of the best card first, then the passage that matched best.
    - Hoe: the summary, then the card's steps.
    - Met wie: who the partner is, when to call on them, and how to reach them.

    Further cards add one sentence each when their score is close to the best. Every sentence
    is quoted verbatim from a card and followed by ``[n]``; ``card_url`` is a format string
    with ``{card_id}``.
    """
    question_tokens = set(tokenize(question))
    draft = _Draft(cards, chapter_titles, card_url)
    best = passages[0]
    best_sections = sections[best.card_id]
    summary = _section(best_sections, SUMMARY_HEADING)
    matched_is_summary = best.heading.startswith(SUMMARY_HEADING)

    if kind == AnswerKind.HOE and _section(best_sections, STEPS_HEADING):
        if summary:
            draft.add(best.card_id, _pick_sentences(question_tokens, summary.text, 1))
        if not matched_is_summary:
            draft.add(best.card_id, _pick_sentences(question_tokens, best.text, 1))
        draft.add(best.card_id, _steps(_section(best_sections, STEPS_HEADING)))
    elif kind == AnswerKind.MET_WIE and cards[best.card_id].kind.value == "met-wie" and len(best_sections) >= 3:
        # Partner cards run: summary, what they do, when to contact them, contact route.
        draft.add(best.card_id, _pick_sentences(question_tokens, (summary or best_sections[0]).text, 1))
        for section in best_sections[2:]:
            draft.add(best.card_id, _pick_sentences(question_tokens, section.text, 1))
    else:
        if summary:
            draft.add(best.card_id, _pick_sentences(question_tokens, summary.text, 2))
        if not matched_is_summary:
            draft.add(best.card_id, _pick_sentences(question_tokens, best.text, 2))

    used = {best.card_id}
    for passage in passages[1:]:
        if passage.card_id in used:
            continue
        if passage.score < best.score * RELATIVE_SCORE_FLOOR:
            break
        used.add(passage.card_id)
        sentences = _pick_sentences(question_tokens, passage.text, 1)
        # A further card must share real words with the question, not only a frequent one.
        needed = min(MIN_SHARED_STEMS, len(question_tokens))
        if sentences and len(question_tokens & set(tokenize(sentences[0]))) >= needed:
            draft.add(passage.card_id, sentences)
    return draft.finish(kind)
