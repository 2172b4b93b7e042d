"""Read and validate the compass content: ``chapters.yaml`` and the Markdown cards in ``kaarten/``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml
from pydantic import ValidationError

from index.models import Card, Chapter

logger = logging.getLogger(__name__)

CHAPTERS_FILE = "chapters.yaml"
CARDS_DIR = "kaarten"

# Dutch wording of pydantic error types, for content editors.
_DUTCH_ERRORS = {
    "missing": "ontbreekt",
    "extra_forbidden": "is geen bekend veld (typfout?)",
    "enum": "heeft een waarde die niet is toegestaan",
    "string_pattern_mismatch": "mag alleen kleine letters, cijfers en streepjes bevatten",
    "string_too_short": "is te kort",
    "string_too_long": "is te lang",
    "too_short": "heeft te weinig elementen",
    "date_from_datetime_parsing": "is geen datum (gebruik JJJJ-MM-DD)",
    "date_parsing": "is geen datum (gebruik JJJJ-MM-DD)",
    "date_type": "is geen datum (gebruik JJJJ-MM-DD)",
    "url_parsing": "is geen geldige URL",
    "url_scheme": "is geen geldige URL (begin met https://)",
    "int_parsing": "is geen geheel getal",
    "list_type": "moet een lijst zijn",
    "string_type": "moet tekst zijn",
}


@dataclass(frozen=True)
class ContentProblem:
    """One problem in the content, with a message for the editor (Dutch) and for the log (English)."""

    path: str
    field: str
    message_en: str
    message_nl: str

    def __str__(self) -> str:
        where = f"{self.path}: veld '{self.field}'" if self.field else self.path
        return f"{where}: {self.message_nl} ({self.message_en})"


class ContentError(ValueError):
    """Raised when the content has problems; ``problems`` lists each one."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} content problem(s):\n" + "\n".join(str(p) for p in problems))


@dataclass
class Content:
    """The validated compass: chapters in training order, and cards in chapter order."""

    chapters: list[Chapter]
    cards: list[Card]


def load_content(content_dir: Path) -> Content:
    """Read and validate all chapters and cards.

    :raises ContentError: listing every problem found, when there is at least one.
    """
    problems: list[ContentProblem] = []
    chapters = _load_chapters(content_dir, problems)
    cards = _load_cards(content_dir, problems)
    _check_references(content_dir, chapters, cards, problems)
    if problems:
        raise ContentError(problems)

    position = {chapter.id: chapter.position for chapter in chapters}
    cards.sort(key=lambda card: (position[card.chapter], card.order, card.id))
    return Content(chapters=chapters, cards=cards)


def _relative(path: Path, content_dir: Path) -> str:
    try:
        return str(path.relative_to(content_dir.parent))
    except ValueError:
        return str(path)


def _load_chapters(content_dir: Path, problems: list[ContentProblem]) -> list[Chapter]:
    path = content_dir / CHAPTERS_FILE
    name = _relative(path, content_dir)
    if not path.is_file():
        problems.append(ContentProblem(name, "", "chapters file is missing", "het bestand met hoofdstukken ontbreekt"))
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        problems.append(ContentProblem(name, "", f"invalid YAML: {error}", "de YAML is ongeldig; controleer inspringing en dubbele punten"))
        return []
    if not isinstance(raw, list):
        problems.append(ContentProblem(name, "", "must be a list of chapters", "moet een lijst van hoofdstukken zijn"))
        return []

    chapters = []
    for position, item in enumerate(raw):
        try:
            chapters.append(Chapter.model_validate({**(item or {}), "position": position}))
        except (ValidationError, TypeError) as error:
            problems.extend(_validation_problems(f"{name} (hoofdstuk {position + 1})", error))
    return chapters


def _load_cards(content_dir: Path, problems: list[ContentProblem]) -> list[Card]:
    cards = []
    for path in sorted((content_dir / CARDS_DIR).glob("*/*.md")):
        name = _relative(path, content_dir)
        try:
            post = frontmatter.loads(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, ValueError) as error:
            problems.append(
                ContentProblem(name, "", f"front matter cannot be read: {error}", "de kop (front matter) is geen geldige YAML")
            )
            continue
        if not post.metadata:
            problems.append(ContentProblem(name, "", "front matter is missing", "de kop (front matter) tussen --- ontbreekt"))
            continue
        try:
            card = Card.model_validate({**post.metadata, "body": post.content.strip(), "path": name})
        except ValidationError as error:
            problems.extend(_validation_problems(name, error))
            continue
        if path.stem != card.id:
            problems.append(
                ContentProblem(name, "id", f"id {card.id!r} differs from the file name", f"id '{card.id}' moet gelijk zijn aan de bestandsnaam")
            )
        if path.parent.name != card.chapter:
            problems.append(
                ContentProblem(
                    name, "chapter", f"chapter {card.chapter!r} differs from the folder {path.parent.name!r}",
                    f"hoofdstuk '{card.chapter}' moet gelijk zijn aan de map '{path.parent.name}'",
                )
            )
        cards.append(card)
    return cards


def _check_references(content_dir: Path, chapters: list[Chapter], cards: list[Card], problems: list[ContentProblem]) -> None:
    chapter_ids = {chapter.id for chapter in chapters}
    seen: dict[str, str] = {}
    for card in cards:
        if card.id in seen:
            problems.append(
                ContentProblem(card.path, "id", f"duplicate id {card.id!r}, also in {seen[card.id]}", f"id '{card.id}' komt ook voor in {seen[card.id]}")
            )
        seen.setdefault(card.id, card.path)
        if chapters and card.chapter not in chapter_ids:
            problems.append(
                ContentProblem(card.path, "chapter", f"unknown chapter {card.chapter!r}", f"hoofdstuk '{card.chapter}' staat niet in {CHAPTERS_FILE}")
            )
    if not cards:
        problems.append(ContentProblem(str(content_dir / CARDS_DIR), "", "no cards found", "geen kaarten gevonden"))


def _validation_problems(name: str, error: ValidationError | TypeError) -> list[ContentProblem]:
    if isinstance(error, TypeError):
        return [ContentProblem(name, "", str(error), "moet een lijst van velden zijn")]
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"])
        dutch = _DUTCH_ERRORS.get(item["type"], "heeft een ongeldige waarde")
        if field.endswith("year") and item["type"] == "value_error":
            dutch = "moet een jaartal zijn, of 'z.j.' als de bron geen datum heeft"
        problems.append(ContentProblem(name, field, item["msg"], dutch))
    return problems
