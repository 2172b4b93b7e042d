"""Downloads of the compass: one card, one chapter or the whole compass as PDF, a card as Markdown.

The PDFs use fpdf2's built-in Helvetica, so no font files are needed. That font covers Latin-1
only, so typographic characters outside it are written as their plain equivalents (see
``_latin1``). Generated files are cached per content version by ``DownloadCache``.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import math
import os
import re
import shutil
import uuid
from enum import Enum
from pathlib import Path
from typing import Callable

from fpdf import FPDF
from fpdf.fonts import TextStyle
from fpdf.outline import OutlineSection
from markdown_it import MarkdownIt

from assistant import messages
from assistant.cards import card_markdown, dutch_date
from assistant.workspace.export import _LATIN1_FALLBACKS
from index.models import Card, Chapter
from index.store import IndexBuild

logger = logging.getLogger(__name__)

# Page layout in millimetres (fpdf2's default unit) on A4 (210 x 297 mm).
MARGIN_MM = 20
HEADER_Y_MM = 10
CONTENT_TOP_MM = 22
FOOTER_Y_MM = -14
TOC_LINE_MM = 6.5
TOC_INDENT_MM = 6
TOC_NUMBER_WIDTH_MM = 14
TOC_HEADING_MM = 16

FONT = "Helvetica"
GRAY = (100, 100, 100)
BODY_SIZE_PT = 11

# Styles of the HTML that fpdf2's ``write_html`` renders from a card. The heading tag of a
# section depends on the card's depth in the outline (see ``_body_html``), so all tags look the same.
_SECTION_HEADING = TextStyle(font_family=FONT, font_style="B", font_size_pt=13, color=(0, 0, 0), t_margin=4, b_margin=1)
_HTML_STYLES = {
    "h2": _SECTION_HEADING,
    "h3": _SECTION_HEADING,
    "h4": _SECTION_HEADING,
    "h5": _SECTION_HEADING,
    "h6": _SECTION_HEADING,
    "p": TextStyle(font_family=FONT, font_size_pt=BODY_SIZE_PT, b_margin=2),
    "li": TextStyle(l_margin=6, t_margin=1),
}

_MARKDOWN = MarkdownIt("commonmark")


def _latin1(text: str) -> str:
    """Make text printable in a core font: plain equivalents for typographic characters, '?' for the rest."""
    return text.translate(_LATIN1_FALLBACKS).encode("latin-1", "replace").decode("latin-1")


class DownloadNotFoundError(KeyError):
    """Raised for an unknown card or chapter id. ``message_nl`` is the text for the user."""

    def __init__(self, message_en: str, message_nl: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_nl = message_nl

    def __str__(self) -> str:
        # KeyError's own __str__ returns the repr of its argument, quotes included.
        return self.message_en


def _find_card(build: IndexBuild, card_id: str) -> Card:
    card = build.cards.get(card_id)
    if card is None:
        raise DownloadNotFoundError(
            f"card {card_id!r} not found in index build {build.build_id}",
            messages.CARD_NOT_FOUND.format(card_id=card_id),
        )
    return card


def _find_chapter(build: IndexBuild, chapter_id: str) -> Chapter:
    chapter = build.chapters.get(chapter_id)
    if chapter is None:
        raise DownloadNotFoundError(
            f"chapter {chapter_id!r} not found in index build {build.build_id}",
            messages.DOWNLOAD_CHAPTER_NOT_FOUND.format(chapter_id=chapter_id),
        )
    return chapter


def _chapter_cards(build: IndexBuild, chapter_id: str) -> list[Card]:
    # build.cards is stored in chapter and card order.
    return [card for card in build.cards.values() if card.chapter == chapter_id]


class _CompassPDF(FPDF):
    """An A4 document with a running header and a footer with the generation date and page numbers."""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.generated_on = dt.date.today()
        # Text in the right half of the header, set before each page break. None leaves the page without a header.
        self.running_title: str | None = ""
        self.set_margins(MARGIN_MM, CONTENT_TOP_MM, MARGIN_MM)
        self.set_auto_page_break(auto=True, margin=MARGIN_MM)
        self.alias_nb_pages()
        self.set_title(title)
        self.set_author(messages.DOWNLOAD_PRODUCT)
        self.set_creator(messages.DOWNLOAD_PRODUCT)
        self.set_lang("nl")

    def header(self) -> None:
        toc = self.toc_placeholder
        if toc is not None and self.page == toc.start_page + toc.pages:
            # insert_toc_placeholder opens this page after the reserved ToC pages, while the
            # running title is still the ToC's. The first chapter calls draw_header itself.
            return
        self.draw_header()

    def draw_header(self) -> None:
        """Draw the product name and the running title above a rule, and move to the top of the text."""
        if self.running_title is None:
            return
        self.set_y(HEADER_Y_MM)
        self.set_font(FONT, size=8)
        self.set_text_color(*GRAY)
        self.cell(self.epw / 2, 5, messages.DOWNLOAD_PRODUCT)
        self.cell(self.epw / 2, 5, _latin1(self.running_title), align="R")
        self.set_draw_color(*GRAY)
        self.line(self.l_margin, HEADER_Y_MM + 6, self.w - self.r_margin, HEADER_Y_MM + 6)
        self.set_text_color(0, 0, 0)
        self.set_y(CONTENT_TOP_MM)

    def footer(self) -> None:
        self.set_y(FOOTER_Y_MM)
        self.set_font(FONT, size=8)
        self.set_text_color(*GRAY)
        self.cell(self.epw / 2, 5, messages.DOWNLOAD_GENERATED.format(date=dutch_date(self.generated_on)))
        page = messages.DOWNLOAD_PAGE.format(page=self.page_no(), pages=self.str_alias_nb_pages)
        self.cell(self.epw / 2, 5, page, align="R")
        self.set_text_color(0, 0, 0)

    def write_text(
        self, text: str, size: float, style: str = "", gap: float = 0, color: tuple[int, int, int] = (0, 0, 0)
    ) -> None:
        """Write a paragraph across the full text width, then leave ``gap`` millimetres below it."""
        self.set_font(FONT, style=style, size=size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.45, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(gap)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def _body_html(body: str, outline_level: int) -> str:
    """Render a card body from Markdown to HTML, with headings one outline level below the card.

    ``write_html`` adds every heading to the PDF outline at its level minus one. Card sections are
    ``##`` headings, so they become ``h<outline_level + 2>``. A ``#`` heading counts as a section
    too, so it never lands next to the card in the outline or in the table of contents.
    """
    tokens = _MARKDOWN.parse(body)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(max(int(token.tag[1]), 2) + outline_level, 6)
            token.tag = f"h{level}"
        for child in token.children or []:
            if child.type == "image":
                # write_html would load the image, over the network for a URL. The PDF shows the alt text.
                child.type = "text"
    return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})


def _card_html(card: Card, outline_level: int) -> str:
    """Render the card body, its sources and the review date as HTML for ``write_html``."""
    # NOTE: the reflection questions of intro cards (Card.reflection) are left out, as in card_markdown.
    heading = f"h{min(outline_level + 2, 6)}"
    parts = [_body_html(card.body, outline_level), f"<{heading}>{messages.CARD_SOURCES}</{heading}>", "<ul>"]
    for source in card.sources:
        year = str(source.year) if source.year != "z.j." else messages.CARD_NO_YEAR
        url = html.escape(str(source.url))
        # "z.j." ends in a full stop of its own.
        year_end = "" if year.endswith(".") else "."
        parts.append(
            f"<li>{html.escape(source.title)}. {html.escape(source.publisher)}, {year}{year_end} <a href=\"{url}\">{url}</a></li>"
        )
    parts.append("</ul>")
    parts.append(f"<p><i>{messages.CARD_REVIEWED.format(date=dutch_date(card.reviewed))}</i></p>")
    return _latin1("\n".join(parts))


def _write_card(pdf: _CompassPDF, card: Card, chapter: Chapter, outline_level: int) -> None:
    """Write one card from the top of a new page."""
    pdf.running_title = chapter.title
    pdf.add_page()
    pdf.start_section(_latin1(card.title), level=outline_level)
    pdf.write_text(card.title, 20, style="B", gap=2)
    kind_line = f"{messages.CARD_KIND[card.kind.value]} · {messages.CARD_LEVEL[card.level.value]}"
    pdf.write_text(kind_line, 10, color=GRAY, gap=3)
    pdf.set_font(FONT, size=BODY_SIZE_PT)
    pdf.write_html(_card_html(card, outline_level), tag_styles=_HTML_STYLES)


def _write_chapter(pdf: _CompassPDF, build: IndexBuild, chapter: Chapter, new_page: bool = True) -> None:
    """Write a chapter: an opening page with title, summary and card list, then each card on its own pages.

    With ``new_page`` false the chapter opens on the current page, which must be empty and without header.
    """
    cards = _chapter_cards(build, chapter.id)
    pdf.running_title = chapter.title
    if new_page:
        pdf.add_page()
    else:
        pdf.draw_header()
    pdf.start_section(_latin1(chapter.title), level=0)
    pdf.ln(20)
    pdf.write_text(chapter.title, 24, style="B", gap=6)
    if chapter.summary:
        pdf.write_text(chapter.summary, 13, gap=8)
    if cards:
        pdf.write_text(messages.DOWNLOAD_CHAPTER_CARDS, 11, style="B", gap=2)
        for card in cards:
            pdf.write_text(f"{card.title} ({messages.CARD_KIND[card.kind.value]})", BODY_SIZE_PT, gap=1)
    for card in cards:
        _write_card(pdf, card, chapter, outline_level=1)


def _fit_width(pdf: FPDF, text: str, width: float) -> str:
    """Shorten text with '...' until it fits on one line of ``width`` millimetres in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text.rstrip() + "..."


def _toc_page_count(pdf: FPDF, entry_count: int) -> int:
    """Return how many pages ``_render_toc`` needs for ``entry_count`` one-line entries."""
    usable = pdf.h - MARGIN_MM - CONTENT_TOP_MM
    per_page = math.floor(usable / TOC_LINE_MM)
    first_page = math.floor((usable - TOC_HEADING_MM) / TOC_LINE_MM)
    if entry_count <= first_page:
        return 1
    return 1 + math.ceil((entry_count - first_page) / per_page)


def _render_toc(pdf: FPDF, outline: list[OutlineSection]) -> None:
    """Render the table of contents: chapters in bold, their cards indented, each with its page number.

    fpdf2 calls this when the document is closed, so the page numbers are final. Every entry is
    cut to one line, which keeps the page count equal to ``_toc_page_count``.
    """
    toc_page = pdf.toc_placeholder.start_page
    pdf.set_y(CONTENT_TOP_MM)
    pdf.set_font(FONT, style="B", size=20)
    pdf.cell(0, TOC_HEADING_MM - 4, messages.DOWNLOAD_TOC, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for section in outline:
        # Deeper levels are the card sections that write_html adds. They stay bookmarks only.
        if section.page_number <= toc_page or section.level > 1:
            continue
        if pdf.get_y() + TOC_LINE_MM > pdf.page_break_trigger:
            # During ToC rendering add_page moves to the next reserved page, without header.
            pdf.add_page()
            pdf.set_y(CONTENT_TOP_MM)
        indent = section.level * TOC_INDENT_MM
        pdf.set_font(FONT, style="B" if section.level == 0 else "", size=10 if section.level == 0 else 9.5)
        link = pdf.add_link(page=section.page_number)
        name_width = pdf.epw - indent - TOC_NUMBER_WIDTH_MM
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(name_width, TOC_LINE_MM, _fit_width(pdf, section.name, name_width), link=link)
        pdf.cell(TOC_NUMBER_WIDTH_MM, TOC_LINE_MM, str(section.page_number), align="R", link=link,
                 new_x="LMARGIN", new_y="NEXT")


def _write_title_page(pdf: _CompassPDF, build: IndexBuild) -> None:
    pdf.running_title = None
    pdf.add_page()
    pdf.ln(60)
    pdf.write_text(messages.DOWNLOAD_PRODUCT, 32, style="B", gap=8)
    pdf.write_text(messages.DOWNLOAD_COMPASS_SUBTITLE, 14, gap=12)
    version = str(build.manifest.get("content_hash", ""))[:12]
    if version:
        pdf.write_text(messages.DOWNLOAD_CONTENT_VERSION.format(version=version), 10, color=GRAY)


def card_pdf(build: IndexBuild, card_id: str) -> bytes:
    """Typeset one card as an A4 PDF: title, kind and level, body, sources and review date.

    :raises DownloadNotFoundError: when the build has no card ``card_id``.
    """
    card = _find_card(build, card_id)
    chapter = _find_chapter(build, card.chapter)
    pdf = _CompassPDF(card.title)
    _write_card(pdf, card, chapter, outline_level=0)
    return pdf.to_bytes()


def chapter_pdf(build: IndexBuild, chapter_id: str) -> bytes:
    """Typeset one chapter as an A4 PDF: an opening page with title and summary, then every card in order.

    Each card starts on a new page and has a bookmark below the chapter's.

    :raises DownloadNotFoundError: when the build has no chapter ``chapter_id``.
    """
    chapter = _find_chapter(build, chapter_id)
    pdf = _CompassPDF(chapter.title)
    _write_chapter(pdf, build, chapter)
    return pdf.to_bytes()


def compass_pdf(build: IndexBuild) -> bytes:
    """Typeset the whole compass as an A4 PDF: title page, table of contents, then every chapter.

    The table of contents lists chapters and cards with page numbers and links, and the same
    entries are the PDF's bookmarks.
    """
    chapters = sorted(build.chapters.values(), key=lambda chapter: chapter.position)
    pdf = _CompassPDF(messages.DOWNLOAD_PRODUCT)
    _write_title_page(pdf, build)

    pdf.running_title = messages.DOWNLOAD_TOC
    pdf.add_page()
    pdf.start_section(messages.DOWNLOAD_TOC, level=0)
    entry_count = len(chapters) + sum(len(_chapter_cards(build, chapter.id)) for chapter in chapters)
    pdf.insert_toc_placeholder(_render_toc, pages=_toc_page_count(pdf, entry_count))

    # insert_toc_placeholder ends on a new, empty page: the first chapter opens there.
    for position, chapter in enumerate(chapters):
        _write_chapter(pdf, build, chapter, new_page=position > 0)
    return pdf.to_bytes()


def card_markdown_file(build: IndexBuild, card_id: str) -> str:
    """Return a card as a Markdown file: title, chapter, kind and level, body, sources and review date.

    :raises DownloadNotFoundError: when the build has no card ``card_id``.
    """
    card = _find_card(build, card_id)
    return card_markdown(card, _find_chapter(build, card.chapter).title)


class DownloadKind(str, Enum):
    """Content of a cached download. The value starts the file name."""

    CARD = "card"
    CHAPTER = "chapter"
    COMPASS = "compass"
    CARD_MARKDOWN = "card-markdown"


_EXTENSIONS = {DownloadKind.CARD: "pdf", DownloadKind.CHAPTER: "pdf", DownloadKind.COMPASS: "pdf", DownloadKind.CARD_MARKDOWN: "md"}
# Target id of the whole compass in DownloadCache.get, because the compass has no id of its own.
COMPASS_TARGET_ID = "compass"
# content_hash in the manifest is a SHA-256 hex digest (see ingest.pipeline.content_hash). The
# pattern also keeps folder names safe.
_CONTENT_HASH = re.compile(r"^[0-9a-f]{16,128}$")
# Content versions kept on disk: the current one and the newest other, so a rollback to the
# previous index build finds its files still there.
KEEP_VERSIONS = 2
_TMP_PREFIX = ".tmp-"


class DownloadCache:
    """Generated downloads on disk, one folder per content version.

    Files live in ``root/<content_hash>/<kind>-<target_id>.<ext>``. A file is generated once per
    content version and read from disk afterwards, so a cached PDF prints the date it was first
    generated. Usage::

        cache = DownloadCache(settings.data_dir / "downloads")
        data = cache.get(build, DownloadKind.CARD, card_id, lambda: card_pdf(build, card_id))

    :param root: folder for the cached files, created when missing.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def get(self, build: IndexBuild, kind: DownloadKind | str, target_id: str, maker: Callable[[], bytes | str]) -> bytes:
        """Return the cached file, or call ``maker``, store what it returns and return that.

        Text from ``maker`` is stored as UTF-8. A file is written to a temporary name and renamed
        into place, so a reader never sees half a file. When two requests miss the cache at the
        same time, both call ``maker`` and the last rename wins.

        :param kind: a ``DownloadKind`` or its value.
        :param target_id: the card or chapter id, or ``COMPASS_TARGET_ID`` for the whole compass.
        :raises ValueError: for an unknown kind, or a build without a valid ``content_hash``.
        :raises DownloadNotFoundError: when the build has no card or chapter ``target_id``.
        """
        kind = _download_kind(kind)
        _check_target(build, kind, target_id)
        version = _content_version(build)
        folder = self.root / version
        path = folder / f"{kind.value}-{target_id}.{_EXTENSIONS[kind]}"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass

        data = maker()
        if isinstance(data, str):
            data = data.encode("utf-8")
        new_version = not folder.is_dir()
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{_TMP_PREFIX}{uuid.uuid4().hex}-{path.name}"
        tmp.write_bytes(data)
        os.replace(tmp, path)
        logger.info("generated download %s for content version %s (%d bytes)", path.name, version[:12], len(data))
        if new_version:
            self._prune(keep=version)
        return data

    def _prune(self, keep: str) -> None:
        """Remove content-version folders other than ``keep`` and the newest other one."""
        versions = [folder for folder in self.root.iterdir() if folder.is_dir() and _CONTENT_HASH.match(folder.name)]
        others = sorted((folder for folder in versions if folder.name != keep), key=lambda f: f.stat().st_mtime, reverse=True)
        for folder in others[KEEP_VERSIONS - 1:]:
            shutil.rmtree(folder, ignore_errors=True)
            logger.info("removed downloads of old content version %s", folder.name[:12])


def _download_kind(kind: DownloadKind | str) -> DownloadKind:
    try:
        return DownloadKind(kind)
    except ValueError:
        valid = ", ".join(item.value for item in DownloadKind)
        raise ValueError(f"invalid download kind {kind!r}. Use one of: {valid}") from None


def _check_target(build: IndexBuild, kind: DownloadKind, target_id: str) -> None:
    """Raise unless ``target_id`` exists in the build, which also makes it safe in a file name."""
    if kind in (DownloadKind.CARD, DownloadKind.CARD_MARKDOWN):
        _find_card(build, target_id)
    elif kind is DownloadKind.CHAPTER:
        _find_chapter(build, target_id)
    elif target_id != COMPASS_TARGET_ID:
        raise DownloadNotFoundError(
            f"download target {target_id!r} not found. The whole compass has target id {COMPASS_TARGET_ID!r}",
            messages.NOT_FOUND,
        )


def _content_version(build: IndexBuild) -> str:
    version = str(build.manifest.get("content_hash", ""))
    if not _CONTENT_HASH.match(version):
        raise ValueError(
            f"index build {build.build_id} has an invalid or missing content_hash in its manifest ({version!r}). Run 'kompas ingest' again"
        )
    return version
