"""Content format and validation: the real compass loads, and broken cards give clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.settings import REPO_ROOT
from ingest.content import ContentError, load_content

CONTENT = REPO_ROOT / "content"
EXAMPLE_CARD = CONTENT / "kaarten" / "acuut" / "acuut-gevaar.md"


def test_real_content_loads():
    content = load_content(CONTENT)

    assert len(content.chapters) >= 3
    assert len(content.cards) >= 15
    assert {card.kind.value for card in content.cards} == {"wat", "hoe", "met-wie"}


def test_emergency_card_names_112_first():
    content = load_content(CONTENT)
    card = next(card for card in content.cards if card.id == "acuut-gevaar")

    assert card.title == "Acuut gevaar?"
    assert "112" in card.summary
    for number in ("0900-8844", "0800-2000", "0800-7000", "0800-5151"):
        assert number in card.body
    assert card.body.index("112") < card.body.index("0900-8844")


def test_every_card_has_sources_and_review_date():
    for card in load_content(CONTENT).cards:
        assert card.sources, card.id
        assert card.reviewed.year >= 2026, card.id


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _break_card(content_dir: Path, old: str, new: str) -> Path:
    path = content_dir / "kaarten" / "acuut" / "acuut-gevaar.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "field", "dutch"),
    [
        ("kind: hoe", "kind: waarom", "kind", "niet is toegestaan"),
        ("reviewed: 2026-12-04", "reviewed: gisteren", "reviewed", "geen datum"),
        ("title: Acuut gevaar?\n", "", "title", "ontbreekt"),
        ("year: z.j.", "year: onbekend", "sources.0.year", "jaartal"),
        ("url: https://www.politie.nl/themas/meld-misdaad-anoniem.html", "url: politie", "sources.1.url", "URL"),
        ("chapter: acuut", "chapter: onbekend-hoofdstuk", "chapter", "hoofdstuk"),
    ],
)
def test_invalid_field_names_file_and_field(tmp_path, old, new, field, dutch):
    content_dir = _copy_content(tmp_path)
    _break_card(content_dir, old, new)

    with pytest.raises(ContentError) as raised:
        load_content(content_dir)

    problems = raised.value.problems
    assert any(p.path.endswith("acuut-gevaar.md") and p.field == field for p in problems), problems
    assert any(dutch in p.message_nl for p in problems), problems


def test_broken_yaml_is_reported(tmp_path):
    content_dir = _copy_content(tmp_path)
    _break_card(content_dir, "tags: [melden, veiligheid, alle-vormen]", "tags: [melden, veiligheid")

    with pytest.raises(ContentError) as raised:
        load_content(content_dir)

    assert "acuut-gevaar.md" in str(raised.value)
    assert "YAML" in str(raised.value)


def test_duplicate_id_is_reported(tmp_path):
    content_dir = _copy_content(tmp_path)
    copy = content_dir / "kaarten" / "acuut" / "kopie.md"
    copy.write_text(EXAMPLE_CARD.read_text(encoding="utf-8"), encoding="utf-8")

    with pytest.raises(ContentError) as raised:
        load_content(content_dir)

    assert any("bestandsnaam" in p.message_nl for p in raised.value.problems)
    assert any("komt ook voor" in p.message_nl for p in raised.value.problems)
