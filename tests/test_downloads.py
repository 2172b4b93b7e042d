"""Downloads of cards, chapters and the whole compass, checked on the real content.

PDF text is read back with pypdf. Its line breaks fall where the PDF wraps, so the checks
compare text with all whitespace collapsed to single spaces.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from assistant import downloads
from assistant.cards import dutch_date
from assistant.downloads import COMPASS_TARGET_ID, DownloadCache, DownloadKind, DownloadNotFoundError

OTHER_HASH = "0" * 64


def _flat(text: str) -> str:
    return " ".join(text.split())


def _expected(text: str) -> str:
    """Return text as the PDF prints it: Latin-1 with plain dashes and quotes, whitespace collapsed."""
    return _flat(downloads._latin1(text))


def _pages_text(data: bytes) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def _bookmarks(data: bytes) -> list[tuple[int, str, int]]:
    """Return (level, title, page number from 1) for every bookmark, in document order."""
    reader = PdfReader(io.BytesIO(data))
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def _cards_of(build, chapter_id):
    return [card for card in build.cards.values() if card.chapter == chapter_id]


@pytest.fixture(scope="module")
def build(assistant):
    return assistant.build


@pytest.fixture(scope="module")
def compass(build) -> bytes:
    return downloads.compass_pdf(build)


@pytest.fixture(scope="module")
def long_card(build):
    """The card with the longest body, so that its PDF runs over more than one page."""
    return max(build.cards.values(), key=lambda card: len(card.body))


def test_card_pdf_contains_card_parts(build):
    card = max(build.cards.values(), key=lambda card: len(card.sources))
    text = " ".join(_pages_text(downloads.card_pdf(build, card.id)))

    assert _expected(card.title) in text
    assert _expected(build.chapters[card.chapter].title) in text
    assert "Kompas Assistent" in text
    for source in card.sources:
        assert _expected(source.title) in text
        assert _expected(source.publisher) in text
        assert str(source.url) in text.replace(" ", "")
    assert "Bronnen" in text
    assert f"Feiten gecontroleerd op {dutch_date(card.reviewed)}" in text
    assert f"Gegenereerd op {dutch_date(dt.date.today())}" in text


def test_card_pdf_shows_kind_and_level(build):
    for card in list(build.cards.values())[:10]:
        text = " ".join(_pages_text(downloads.card_pdf(build, card.id)))
        expected = {"wat": "Wat?", "hoe": "Hoe?", "met-wie": "Met wie?"}[card.kind.value]
        assert f"{expected} · {card.level.value}" in text, card.id


def test_card_pdf_writes_no_year(build):
    card = next(card for card in build.cards.values() if any(source.year == "z.j." for source in card.sources))
    text = " ".join(_pages_text(downloads.card_pdf(build, card.id)))

    assert ", z.j. http" in text
    assert "z.j.." not in text


def test_card_pdf_footer_every_page(build, long_card):
    pages = _pages_text(downloads.card_pdf(build, long_card.id))

    assert len(pages) >= 2, f"card {long_card.id} fits on one page; pick a longer card"
    for number, text in enumerate(pages, start=1):
        assert "Gegenereerd op" in text
        assert f"pagina {number} van {len(pages)}" in text


def test_every_card_renders(build):
    for card in build.cards.values():
        text = " ".join(_pages_text(downloads.card_pdf(build, card.id)))
        assert _expected(card.title) in text, card.id
        # Section headings of the body come through write_html.
        for heading in re.findall(r"^## (.+)$", card.body, flags=re.MULTILINE):
            assert _expected(heading) in text, (card.id, heading)


def test_card_pdf_stray_headings_images(build):
    card = next(iter(build.cards.values()))
    # Port 9 (discard) on loopback: an attempt to load the image fails instead of reaching a network.
    body = "# Losse kop\n\nTekst met ![Logo van de gemeente](http://127.0.0.1:9/logo.png) erin.\n\n" + card.body
    changed = dataclasses.replace(build, cards={**build.cards, card.id: card.model_copy(update={"body": body})})

    text = " ".join(_pages_text(downloads.card_pdf(changed, card.id)))
    assert "Losse kop" in text
    assert "Logo van de gemeente" in text

    compass = downloads.compass_pdf(changed)
    card_marks = [title for level, title, _ in _bookmarks(compass) if level == 1]
    assert "Losse kop" not in card_marks
    assert len(card_marks) == len(build.cards)


def test_chapter_pdf_lists_all_cards(build):
    chapter = next(iter(build.chapters.values()))
    cards = _cards_of(build, chapter.id)
    data = downloads.chapter_pdf(build, chapter.id)
    pages = _pages_text(data)
    text = " ".join(pages)

    assert _expected(chapter.title) in text
    assert _expected(chapter.summary) in text
    for card in cards:
        assert _expected(card.title) in text
    # An opening page, then every card on pages of its own.
    assert len(pages) >= len(cards) + 1
    for number, page in enumerate(pages, start=1):
        assert f"pagina {number} van {len(pages)}" in page


def test_chapter_cards_start_new_pages(build):
    chapter = next(iter(build.chapters.values()))
    cards = _cards_of(build, chapter.id)
    bookmarks = _bookmarks(downloads.chapter_pdf(build, chapter.id))
    card_pages = [page for level, _, page in bookmarks if level == 1]

    assert [title for level, title, _ in bookmarks if level == 1] == [downloads._latin1(card.title) for card in cards]
    assert card_pages[0] == 2
    assert card_pages == sorted(set(card_pages))


def test_compass_pdf_has_toc(build, compass):
    pages = _pages_text(compass)
    text = " ".join(pages)

    assert "Inhoud" in pages[1]
    for chapter in build.chapters.values():
        assert _expected(chapter.title) in text
    for number, page in enumerate(pages, start=1):
        assert f"pagina {number} van {len(pages)}" in page


def test_compass_pdf_has_bookmarks(build, compass):
    bookmarks = _bookmarks(compass)
    chapter_marks = [title for level, title, _ in bookmarks if level == 0 and title != "Inhoud"]
    card_marks = [title for level, title, _ in bookmarks if level == 1]

    assert chapter_marks == [downloads._latin1(chapter.title) for chapter in build.chapters.values()]
    assert card_marks == [downloads._latin1(card.title) for card in build.cards.values()]


def test_compass_bookmarks_open_titles(compass):
    pages = _pages_text(compass)
    for level, title, page in _bookmarks(compass):
        if level <= 1:
            assert _flat(title) in pages[page - 1], (title, page)


def test_compass_toc_page_numbers(compass):
    pages = _pages_text(compass)
    toc_text = " ".join(page for page in pages[1:6] if "Inhoud" in page)
    for level, title, page in _bookmarks(compass):
        if level == 0 and title == "Inhoud":
            continue
        if level <= 1:
            assert f"{_flat(title)} {page}" in toc_text, (title, page)


def test_markdown_file_starts_with_title(build):
    card = next(iter(build.cards.values()))
    text = downloads.card_markdown_file(build, card.id)

    assert text.startswith(f"# {card.title}\n")
    assert build.chapters[card.chapter].title in text
    assert "## Bronnen" in text
    assert f"Feiten gecontroleerd op {dutch_date(card.reviewed)}" in text


@pytest.mark.parametrize("make", [downloads.card_pdf, downloads.card_markdown_file, downloads.chapter_pdf])
def test_unknown_id_raises(build, make):
    with pytest.raises(KeyError, match="no-such-id") as raised:
        make(build, "no-such-id")

    assert isinstance(raised.value, DownloadNotFoundError)
    assert "no-such-id" in raised.value.message_nl


def test_cache_reuses_generated_file(build, tmp_path):
    card = next(iter(build.cards.values()))
    calls = []

    def make() -> bytes:
        calls.append(card.id)
        return downloads.card_pdf(build, card.id)

    cache = DownloadCache(tmp_path)
    first = cache.get(build, DownloadKind.CARD, card.id, make)
    second = cache.get(build, "card", card.id, make)

    assert first == second
    assert len(calls) == 1
    path = tmp_path / build.manifest["content_hash"] / f"card-{card.id}.pdf"
    assert path.read_bytes() == first
    assert not [name for name in path.parent.iterdir() if name.name.startswith(".tmp-")]


def test_cache_stores_markdown_text(build, tmp_path):
    card = next(iter(build.cards.values()))
    data = DownloadCache(tmp_path).get(
        build, DownloadKind.CARD_MARKDOWN, card.id, lambda: downloads.card_markdown_file(build, card.id)
    )

    assert data.decode("utf-8").startswith(f"# {card.title}")
    assert (tmp_path / build.manifest["content_hash"] / f"card-markdown-{card.id}.md").is_file()


def test_cache_separates_content_versions(build, tmp_path):
    card = next(iter(build.cards.values()))
    other = dataclasses.replace(build, manifest={**build.manifest, "content_hash": OTHER_HASH})
    calls = []

    def make() -> str:
        calls.append(1)
        return f"version {len(calls)}"

    cache = DownloadCache(tmp_path)
    first = cache.get(build, DownloadKind.CARD_MARKDOWN, card.id, make)
    second = cache.get(other, DownloadKind.CARD_MARKDOWN, card.id, make)

    assert len(calls) == 2
    assert first != second
    assert (tmp_path / build.manifest["content_hash"] / f"card-markdown-{card.id}.md").read_bytes() == first
    assert (tmp_path / OTHER_HASH / f"card-markdown-{card.id}.md").read_bytes() == second


def test_cache_prunes_old_versions(build, tmp_path):
    card = next(iter(build.cards.values()))
    cache = DownloadCache(tmp_path)
    hashes = ["1" * 64, "2" * 64, "3" * 64]
    for content_hash in hashes:
        version = dataclasses.replace(build, manifest={**build.manifest, "content_hash": content_hash})
        cache.get(version, DownloadKind.CARD_MARKDOWN, card.id, lambda: "text")

    assert sorted(folder.name for folder in tmp_path.iterdir()) == hashes[1:]


def test_cache_rejects_unknown_targets(build, tmp_path):
    cache = DownloadCache(tmp_path)
    calls = []
    cases = [
        (DownloadKind.CARD, "../../etc/passwd"),
        (DownloadKind.CARD_MARKDOWN, "no-such-card"),
        (DownloadKind.CHAPTER, "no-such-chapter"),
        (DownloadKind.COMPASS, "everything"),
    ]
    for kind, target_id in cases:
        with pytest.raises(DownloadNotFoundError, match=re.escape(target_id)):
            cache.get(build, kind, target_id, lambda: calls.append(1) or b"")

    assert calls == []
    assert list(tmp_path.iterdir()) == []


def test_cache_rejects_invalid_kind(build, tmp_path):
    with pytest.raises(ValueError, match="'poster'.*card, chapter, compass, card-markdown"):
        DownloadCache(tmp_path).get(build, "poster", COMPASS_TARGET_ID, lambda: b"")


def test_cache_rejects_missing_hash(build, tmp_path):
    card = next(iter(build.cards.values()))
    broken = dataclasses.replace(build, manifest={})

    with pytest.raises(ValueError, match="content_hash"):
        DownloadCache(tmp_path).get(broken, DownloadKind.CARD, card.id, lambda: b"")
