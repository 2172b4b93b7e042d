"""Card presentation shared by the chat, the API and the web pages."""

from __future__ import annotations

from assistant import messages
from index.models import Card

_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")


def dutch_date(value) -> str:
    """Format a date as Dutch text, for example "4 december 2026"."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def card_markdown(card: Card, chapter_title: str) -> str:
    """Render a card as Markdown: title, chapter and kind, body, sources and the review date."""
    lines = [
        f"# {card.title}",
        "",
        f"*{messages.CARD_CHAPTER}: {chapter_title} · {messages.CARD_KIND[card.kind.value]} · {messages.CARD_LEVEL[card.level.value]}*",
        "",
        card.body,
        "",
        f"## {messages.CARD_SOURCES}",
        "",
    ]
    for source in card.sources:
        year = source.year if source.year != "z.j." else messages.CARD_NO_YEAR
        lines.append(f"- {source.title}. {source.publisher}, {year}. <{source.url}>")
    lines += ["", f"*{messages.CARD_REVIEWED.format(date=dutch_date(card.reviewed))}*", ""]
    return "\n".join(lines)
