"""Split cards into chunks along their ``##`` headings."""

from __future__ import annotations

import re

from index.models import Card, Chunk

_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.MULTILINE)


QUESTION_HEADING = "Vraag"


def split_card(card: Card) -> list[Chunk]:
    """Return one chunk per ``##`` section of the card body, then one per card question.

    Text before the first heading is titled by the card, and empty sections are skipped.
    Chunk ids are ``<card-id>#<position>`` for sections and ``<card-id>#q<n>`` for questions.
    """
    sections: list[tuple[str, str]] = []
    matches = list(_HEADING.finditer(card.body))
    lead = card.body[: matches[0].start()] if matches else card.body
    if lead.strip():
        sections.append((card.title, lead.strip()))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(card.body)
        text = card.body[match.end():end].strip()
        if text:
            sections.append((match.group(1).strip(), text))

    chunks = [
        Chunk(id=f"{card.id}#{position}", card_id=card.id, heading=heading, text=text, position=position)
        for position, (heading, text) in enumerate(sections)
    ]
    for number, question in enumerate(card.questions, start=1):
        chunks.append(
            Chunk(id=f"{card.id}#q{number}", card_id=card.id, heading=QUESTION_HEADING, text=question,
                  position=len(sections) + number - 1, question=True)
        )
    return chunks
