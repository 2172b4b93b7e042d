"""Extractive answers: sentences taken from the best passages, each followed by its citation marker."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel

from assistant.analysis import AnswerKind
from index.models import Card
from index.text import tokenize

# Sentences taken from the best card and from each further card; three cards at most, so an
# answer stays a short paragraph that points to the cards for the rest.
SENTENCES_FROM_BEST_CARD = 3
SENTENCES_FROM_OTHER_CARDS = 1
MAX_CITED_CARDS = 3
# A further card is cited only when its fused score is at least this share of the best score.
RELATIVE_SCORE_FLOOR = 0.85

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


class Answer(BaseModel):
    """The reply to one question, as the CLI, the API and the chat show it."""

    answer: str
    kind: AnswerKind
    answered: bool
    citations: list[Citation]


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
    joined to that line ("vier onderdelen: a; b; c."), so the lead-in never stands alone.
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


def compose_extractive(
    question: str,
    kind: AnswerKind,
    passages: list[Passage],
    cards: dict[str, Card],
    chapter_titles: dict[str, str],
    card_url: str,
) -> Answer:
    """Build an answer from the best passages: a few sentences, each followed by ``[n]``.

    One passage per card is used (the best one); further cards are cited only when their score
    is close to the best. ``card_url`` is a format string with ``{card_id}``.
    """
    question_tokens = set(tokenize(question))
    chosen: list[Passage] = []
    for passage in passages:
        if any(item.card_id == passage.card_id for item in chosen):
            continue
        if chosen and passage.score < chosen[0].score * RELATIVE_SCORE_FLOOR:
            break
        chosen.append(passage)
        if len(chosen) == MAX_CITED_CARDS:
            break

    statements: list[str] = []
    citations: list[Citation] = []
    seen: set[str] = set()
    for passage in chosen:
        limit = SENTENCES_FROM_BEST_CARD if not citations else SENTENCES_FROM_OTHER_CARDS
        picked = [s for s in _pick_sentences(question_tokens, passage.text, limit) if s not in seen]
        if not picked:
            continue
        seen.update(picked)
        card = cards[passage.card_id]
        marker = len(citations) + 1
        statements.extend(f"{sentence} [{marker}]" for sentence in picked)
        citations.append(
            Citation(
                card_id=card.id,
                title=card.title,
                chapter=chapter_titles.get(card.chapter, card.chapter),
                url=card_url.format(card_id=card.id),
                quote=" ".join(picked),
            )
        )
    return Answer(answer=" ".join(statements), kind=kind, answered=bool(citations), citations=citations)
