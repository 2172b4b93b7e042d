"""Split cards into chunks along their ``##`` headings."""

from __future__ import annotations

import re

from index.models import Card, Chunk

_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.MULTILINE)


def split_card(card: Card) -> list[Chunk]:
    """Return one chunk per ``##`` section of the card body; text before the first heading is titled by the card.

    Empty sections are skipped. Chunk ids are ``<card-id>#<position>``.
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

    return [
        Chunk(id=f"{card.id}#{position}", card_id=card.id, heading=heading, text=text, position=position)
        for position, (heading, text) in enumerate(sections)
    ]
