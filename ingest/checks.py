"""The content check behind ``kompas check-content``: schema plus the editorial rules of the compass."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

from index.models import Card, CardKind
from index.personal_data import find_bsns, find_emails, find_personal_phone_numbers
from ingest.content import Content, ContentError, ContentProblem, load_content

MIN_WORDS = 150
MAX_WORDS = 450
# Paragraphs shorter than this are skipped by the near-duplicate check: short sentences such as
# the date-check line are meant to recur.
MIN_PARAGRAPH_WORDS = 25
# Two paragraphs count as near-identical when their sets of four-word sequences (shingles)
# overlap by at least this Jaccard index.
SHINGLE_WORDS = 4
NEAR_DUPLICATE_SHARE = 0.5
# The standard line that dates changing facts is meant to recur on many cards.
_DATE_CHECK_LINE = re.compile(r"[^.]*gecontroleerd op \d{1,2} \w+ \d{4}[^.]*\.", re.IGNORECASE)
# Card questions are search keys that lead to the card (see index.models.Card.questions).
MIN_QUESTIONS = 2
SUMMARY_HEADING = "In het kort"
STEPS_HEADING = "Stappen"
CONTACT_HEADING = "Contact"

_HEADINGS = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def word_count(markdown: str) -> int:
    """Count the words of a Markdown body, without heading markers and list bullets."""
    return len(re.findall(r"[\wÀ-ÿ'’-]+", re.sub(r"^#+\s+|^\s*[-*]\s+|\*\*", "", markdown, flags=re.MULTILINE)))


def check_content(content_dir: Path) -> list[ContentProblem]:
    """Return every problem in the content; an empty list means the compass passes."""
    try:
        content = load_content(content_dir)
    except ContentError as error:
        return error.problems

    problems: list[ContentProblem] = []
    ids = {card.id for card in content.cards}
    for card in content.cards:
        problems += _check_card(card, ids)
    problems += _check_chapters(content)
    problems += _check_near_duplicates(content.cards)
    problems += _check_shared_questions(content.cards)
    return problems


def _problem(card: Card, field: str, english: str, dutch: str) -> ContentProblem:
    return ContentProblem(card.path, field, english, dutch)


def _check_card(card: Card, ids: set[str]) -> list[ContentProblem]:
    problems = []
    for target in card.related:
        if target not in ids:
            problems.append(_problem(card, "related", f"related card {target!r} does not exist", f"gerelateerde kaart '{target}' bestaat niet"))
        elif target == card.id:
            problems.append(_problem(card, "related", "a card cannot be related to itself", "een kaart kan niet naar zichzelf verwijzen"))
    if not card.tags:
        problems.append(_problem(card, "tags", "at least one tag is required", "geef minstens één tag"))

    words = word_count(card.body)
    if not MIN_WORDS <= words <= MAX_WORDS:
        problems.append(
            _problem(card, "body", f"body has {words} words; allowed {MIN_WORDS}-{MAX_WORDS}",
                     f"de tekst telt {words} woorden; toegestaan is {MIN_WORDS} tot {MAX_WORDS}")
        )

    headings = _HEADINGS.findall(card.body)
    if not headings or headings[0] != SUMMARY_HEADING:
        problems.append(_problem(card, "body", f"the first section must be '## {SUMMARY_HEADING}'", f"de eerste sectie moet '## {SUMMARY_HEADING}' zijn"))
    if card.kind == CardKind.HOE and (not headings or headings[-1] != STEPS_HEADING):
        problems.append(_problem(card, "body", f"a hoe card must end with '## {STEPS_HEADING}'", f"een hoe-kaart moet eindigen met '## {STEPS_HEADING}'"))
    if card.kind == CardKind.MET_WIE and not card.is_intro and (not headings or not headings[-1].startswith(CONTACT_HEADING)):
        problems.append(_problem(card, "body", f"a met-wie card must end with a '## {CONTACT_HEADING} ...' section", f"een met-wie-kaart moet eindigen met een sectie '## {CONTACT_HEADING} ...'"))
    if card.is_intro and not card.reflection:
        problems.append(_problem(card, "reflection", "an introduction card needs reflection questions", "een introductiekaart heeft reflectievragen nodig"))

    if len(card.questions) < MIN_QUESTIONS:
        problems.append(
            _problem(card, "questions", f"at least {MIN_QUESTIONS} questions are required",
                     f"geef minstens {MIN_QUESTIONS} vragen die deze kaart beantwoordt, in de woorden van een beleidsadviseur")
        )

    text = "\n".join([card.title, card.summary, *card.questions, card.body])
    if find_bsns(text):
        problems.append(_problem(card, "body", "contains a number that passes the BSN eleven-test", "bevat een nummer dat op een BSN lijkt (elfproef); verwijder het"))
    if find_personal_phone_numbers(text):
        problems.append(_problem(card, "body", "contains a personal phone number", "bevat een persoonlijk telefoonnummer; gebruik alleen algemene nummers van organisaties"))
    if find_emails(text, allow_role_mailboxes=True):
        problems.append(_problem(card, "body", "contains a personal e-mail address", "bevat een persoonlijk e-mailadres; gebruik alleen algemene adressen van organisaties"))
    return problems


def _check_chapters(content: Content) -> list[ContentProblem]:
    problems = []
    for chapter in content.chapters:
        cards = [card for card in content.cards if card.chapter == chapter.id]
        where = f"content/chapters.yaml ({chapter.id})"
        if not cards:
            problems.append(ContentProblem(where, "id", "chapter has no cards, so the training route cannot reach it", "hoofdstuk heeft geen kaarten en is dus niet bereikbaar in het leerpad"))
        elif not any(card.is_intro for card in cards):
            problems.append(ContentProblem(where, "id", f"chapter has no introduction card (intro-{chapter.id})", f"hoofdstuk heeft geen introductiekaart (intro-{chapter.id})"))
    return problems


def _check_shared_questions(cards: list[Card]) -> list[ContentProblem]:
    """Flag a question that two cards both list: it would lead to either card at random."""
    owners: dict[str, Card] = {}
    problems = []
    for card in cards:
        for question in card.questions:
            key = " ".join(question.lower().split())
            first = owners.setdefault(key, card)
            if first.id != card.id:
                problems.append(
                    _problem(card, "questions", f"question {question!r} is also listed in {first.path}",
                             f"de vraag '{question}' staat ook in {first.path}; laat elke vraag bij één kaart horen")
                )
    return problems


def _paragraphs(card: Card) -> list[str]:
    blocks = [_DATE_CHECK_LINE.sub("", block) for block in re.split(r"\n\s*\n", card.body)]
    return [" ".join(block.split()) for block in blocks if not block.lstrip().startswith("#") and len(block.split()) >= MIN_PARAGRAPH_WORDS]


def _shingles(paragraph: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", paragraph.lower())
    return {tuple(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def _check_near_duplicates(cards: list[Card]) -> list[ContentProblem]:
    """Flag paragraph pairs of different cards that share most of their word shingles.

    Only pairs that share at least one shingle are compared, which keeps the check fast.
    """
    items = [(card, _shingles(paragraph)) for card in cards for paragraph in _paragraphs(card)]
    by_shingle: dict[tuple[str, ...], list[int]] = {}
    for position, (_, shingles) in enumerate(items):
        for shingle in shingles:
            by_shingle.setdefault(shingle, []).append(position)

    shared: dict[tuple[int, int], int] = {}
    for positions in by_shingle.values():
        for pair in combinations(positions, 2):
            shared[pair] = shared.get(pair, 0) + 1

    problems = []
    for (first, second), count in sorted(shared.items()):
        card_a, shingles_a = items[first]
        card_b, shingles_b = items[second]
        if card_a.id == card_b.id:
            continue
        if count / len(shingles_a | shingles_b) >= NEAR_DUPLICATE_SHARE:
            problems.append(
                _problem(card_b, "body", f"a paragraph is nearly identical to one in {card_a.path}",
                         f"een alinea is bijna gelijk aan een alinea in {card_a.path}; herschrijf of verwijs naar die kaart")
            )
    return problems
