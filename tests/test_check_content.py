"""``kompas check-content``: the full compass passes, and each kind of broken card fails readably."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from index.settings import REPO_ROOT
from ingest.checks import check_content
from ingest.content import load_content
from ui.cli import main as kompas

CONTENT = REPO_ROOT / "content"
CARD = Path("kaarten") / "acuut" / "acuut-gevaar.md"
HOE_CARD = Path("kaarten") / "signaleren-en-melden" / "interne-meldroute.md"
PARTNER_CARD = Path("kaarten") / "partners" / "partner-comensha.md"

REQUIRED_PARTNERS = [
    "partner-politie-avim", "partner-kmar", "partner-arbeidsinspectie", "partner-openbaar-ministerie",
    "partner-emm", "partner-riec-liec", "partner-comensha", "partner-zorgcoordinator", "partner-veilig-thuis",
    "partner-ggd", "partner-zorg-en-veiligheidshuis", "partner-ind", "partner-nidos", "partner-fairwork",
    "partner-fier-ckm", "partner-leger-des-heils", "partner-meld-misdaad-anoniem", "partner-nationaal-rapporteur",
    "partner-vng", "partner-ccv",
]
REQUIRED_FORMS = ["seksuele-uitbuiting", "arbeidsuitbuiting", "criminele-uitbuiting", "gedwongen-orgaanverwijdering", "gedwongen-bedelarij"]


def test_full_compass_passes():
    assert check_content(CONTENT) == []


def test_cli_passes_on_full_compass(monkeypatch, capsys):
    monkeypatch.setenv("KOMPAS_CONTENT_DIR", str(CONTENT))
    from index.settings import get_settings

    get_settings.cache_clear()
    try:
        assert kompas(["check-content"]) == 0
    finally:
        get_settings.cache_clear()
    assert "in orde" in capsys.readouterr().out


def test_compass_counts():
    content = load_content(CONTENT)
    ids = {card.id for card in content.cards}
    kinds = Counter(card.kind.value for card in content.cards)

    assert len(content.chapters) >= 8
    assert len(content.cards) >= 80
    assert min(kinds.values()) >= 15, kinds
    assert [partner for partner in REQUIRED_PARTNERS if partner not in ids] == []
    assert [form for form in REQUIRED_FORMS if form not in ids] == []
    assert {"acuut-gevaar", "grenzen-van-het-kompas"} <= ids


def test_every_chapter_has_intro_with_reflection():
    content = load_content(CONTENT)
    for chapter in content.chapters:
        intro = [card for card in content.cards if card.chapter == chapter.id and card.is_intro]
        assert len(intro) == 1, chapter.id
        assert 3 <= len(intro[0].reflection) <= 5, chapter.id


def test_every_card_has_level_tags_and_related():
    for card in load_content(CONTENT).cards:
        assert card.level.value in ("basis", "verdieping")
        assert card.tags, card.id
        assert card.related, card.id


def test_pending_law_cards_carry_check_date():
    content = {card.id: card for card in load_content(CONTENT).cards}
    for card_id in ("wetsvoorstel-modernisering", "eu-richtlijn-2024-1712", "sekswerk-en-uitbuiting"):
        assert re.search(r"[Gg]econtroleerd op \d{1,2} \w+ \d{4}", content[card_id].body), card_id


@pytest.fixture()
def content_copy(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _edit(root: Path, relative: Path, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _messages(root: Path) -> str:
    return "\n".join(str(problem) for problem in check_content(root))


def test_schema_problem_fails(content_copy):
    _edit(content_copy, CARD, "level: basis", "level: expert")

    assert "acuut-gevaar.md: veld 'level'" in _messages(content_copy)


def test_duplicate_id_fails(content_copy):
    copy = content_copy / "kaarten" / "acuut" / "acuut-gevaar-kopie.md"
    shutil.copy(content_copy / CARD, copy)

    assert "komt ook voor" in _messages(content_copy)


def test_unresolved_related_fails(content_copy):
    _edit(content_copy, CARD, "related: [meldroutes,", "related: [bestaat-niet,")

    assert "gerelateerde kaart 'bestaat-niet' bestaat niet" in _messages(content_copy)


def test_card_without_source_fails(content_copy):
    path = content_copy / CARD
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"sources:\n(?:  .*\n)+", "sources: []\n", text)
    path.write_text(text, encoding="utf-8")

    assert "acuut-gevaar.md: veld 'sources'" in _messages(content_copy)


def test_too_short_card_fails(content_copy):
    path = content_copy / CARD
    front, _, _ = path.read_text(encoding="utf-8").partition("\n---\n")
    path.write_text(front + "\n---\n\n## In het kort\n\nBel 112.\n\n## Stappen\n\n1. Bel 112.\n", encoding="utf-8")

    assert "toegestaan is 150 tot 450" in _messages(content_copy)


def test_too_long_card_fails(content_copy):
    _edit(content_copy, CARD, "## Stappen", "## Meer\n\n" + "Dit is een lange zin over de aanpak. " * 80 + "\n\n## Stappen")

    assert "toegestaan is 150 tot 450" in _messages(content_copy)


def test_near_identical_paragraph_fails(content_copy):
    source = (content_copy / PARTNER_CARD).read_text(encoding="utf-8")
    paragraph = next(block for block in source.split("\n\n") if len(block.split()) > 40 and not block.startswith(("#", "-")))
    _edit(content_copy, HOE_CARD, "## Stappen", paragraph + "\n\n## Stappen")

    messages = _messages(content_copy)
    assert "bijna gelijk aan een alinea" in messages
    assert "partner-comensha.md" in messages
    assert "interne-meldroute.md" in messages


@pytest.mark.parametrize(
    ("inserted", "dutch"),
    [
        ("Het BSN van de cliënt is 111222333.", "BSN"),
        ("Bel de casusregisseur op 06-12345678.", "persoonlijk telefoonnummer"),
        ("Mail de aandachtsfunctionaris via j.jansen@gemeente.nl.", "persoonlijk e-mailadres"),
    ],
)
def test_personal_data_fails(content_copy, inserted, dutch):
    _edit(content_copy, CARD, "## Stappen", inserted + "\n\n## Stappen")

    assert dutch in _messages(content_copy)


def test_card_with_too_few_questions_fails(content_copy):
    path = content_copy / CARD
    text = re.sub(r"questions:\n(?:  - .*\n)+", 'questions:\n  - "Wat doe ik bij acuut gevaar?"\n', path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")

    assert "acuut-gevaar.md: veld 'questions': geef minstens 2 vragen" in _messages(content_copy)


def test_question_listed_on_two_cards_fails(content_copy):
    question = next(card for card in load_content(content_copy).cards if card.id != "acuut-gevaar").questions[0]
    _edit(content_copy, CARD, "questions:\n", f'questions:\n  - "{question.upper()}"\n')

    assert "staat ook in" in _messages(content_copy)


def test_personal_data_in_a_question_fails(content_copy):
    _edit(content_copy, CARD, "questions:\n", 'questions:\n  - "Mag ik j.jansen@gemeente.nl mailen?"\n')

    assert "persoonlijk e-mailadres" in _messages(content_copy)


def test_public_service_numbers_pass(content_copy):
    _edit(content_copy, CARD, "## Stappen", "Mail info@comensha.nl of bel 0800-2000.\n\n## Stappen")

    assert _messages(content_copy) == ""


def test_chapter_without_cards_is_unreachable(content_copy):
    with (content_copy / "chapters.yaml").open("a", encoding="utf-8") as handle:
        handle.write("- id: leeg-hoofdstuk\n  title: Leeg hoofdstuk\n")

    assert "niet bereikbaar in het leerpad" in _messages(content_copy)


def test_chapter_without_intro_fails(content_copy):
    (content_copy / "kaarten" / "acuut" / "intro-acuut.md").unlink()

    assert "geen introductiekaart (intro-acuut)" in _messages(content_copy)


def test_hoe_card_without_steps_fails(content_copy):
    _edit(content_copy, HOE_CARD, "## Stappen", "## Verder")

    assert "moet eindigen met '## Stappen'" in _messages(content_copy)


def test_met_wie_card_without_contact_fails(content_copy):
    _edit(content_copy, PARTNER_CARD, "## Contact en voorbereiding", "## Voorbereiding")

    assert "moet eindigen met een sectie '## Contact" in _messages(content_copy)


def test_missing_summary_section_fails(content_copy):
    _edit(content_copy, CARD, "## In het kort", "## Samenvatting")

    assert "eerste sectie moet '## In het kort' zijn" in _messages(content_copy)


def test_cli_fails_with_message(content_copy, monkeypatch, capsys):
    _edit(content_copy, CARD, "related: [meldroutes,", "related: [bestaat-niet,")
    monkeypatch.setenv("KOMPAS_CONTENT_DIR", str(content_copy))
    from index.settings import get_settings

    get_settings.cache_clear()
    try:
        assert kompas(["check-content"]) == 1
    finally:
        get_settings.cache_clear()
    assert "bestaat-niet" in capsys.readouterr().err
