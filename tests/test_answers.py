"""Answers on the real index: retrieval quality on the question set, citations, safety and honesty."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.conversation import resolve_question
from assistant.evaluation import load_question_set
from assistant.scope import Scope, classify_scope
from assistant.service import Assistant, Similarity

from conftest import QUESTIONS_FILE, load_questions
from ui.cli import main as kompas

EVAL_FILE = QUESTIONS_FILE.parent / "eval_questions.jsonl"

QUESTIONS = load_questions()
CORE = [row for row in QUESTIONS if row.get("set") == "core"]
MARKER = re.compile(r"\[(\d+)\]$")


def _hit_in_top3(answer: dict, expected: list[str]) -> bool:
    return any(citation["card_id"] in expected for citation in answer["citations"][:3])


def test_core_questions_via_cli_json(built_index, session_settings, monkeypatch, capsys):
    monkeypatch.setenv("KOMPAS_DATA_DIR", str(session_settings.data_dir))
    from index.settings import get_settings

    get_settings.cache_clear()
    hits = []
    for row in CORE:
        assert kompas(["ask", "--json", row["question"]]) == 0
        answer = json.loads(capsys.readouterr().out)
        hits.append(_hit_in_top3(answer, row["expected"]))
    get_settings.cache_clear()

    missed = [row["question"] for row, hit in zip(CORE, hits) if not hit]
    assert len(CORE) == 15
    assert sum(hits) >= 12, f"missed: {missed}"


def test_full_question_set_top3(assistant):
    rows = [row for row in QUESTIONS if row["kind"] != "safety"]
    missed = []
    for row in rows:
        answer = assistant.ask(row["question"]).model_dump(mode="json")
        if not _hit_in_top3(answer, row["expected"]):
            missed.append((row["question"], [c["card_id"] for c in answer["citations"]]))

    assert len(rows) >= 60
    assert len(rows) - len(missed) >= 50, missed


@pytest.mark.parametrize(("query", "card_id"), [("273g", "artikel-273g"), ("AVIM", "partner-politie-avim")])
def test_identifier_queries_find_their_card(assistant, query, card_id):
    passages, _ = assistant.retrieve(query)

    assert card_id in [passage.card_id for passage in passages[:3]]


@pytest.mark.parametrize("number", ["0800-7000", "0900-8844", "0800-5151", "0800-2000"])
def test_phone_number_query_finds_cards_with_it(assistant, number):
    passages, _ = assistant.retrieve(number)

    top = passages[:3]
    assert top
    for passage in top:
        assert number in assistant.card(passage.card_id).body, passage.card_id


def test_every_sentence_carries_a_citation(assistant):
    for row in QUESTIONS[:20]:
        answer = assistant.ask(row["question"])
        if answer.kind.value == "safety":
            continue
        sentences = [s for s in re.split(r"(?<=\])\s+", answer.answer) if s]
        assert sentences, row["question"]
        for sentence in sentences:
            marker = MARKER.search(sentence)
            assert marker, sentence
            assert 1 <= int(marker.group(1)) <= len(answer.citations)


def test_answer_json_shape(assistant):
    answer = assistant.ask("Wat doet CoMensha?").model_dump(mode="json")

    assert {"answer", "kind", "answered", "citations"} <= set(answer)
    assert set(answer) - {"answer", "kind", "answered", "citations"} == {"read_more", "suggestions", "thread_id"}
    assert answer["kind"] in {"wat", "hoe", "met-wie", "safety", "out-of-scope"}
    assert answer["answered"] is True
    for citation in answer["citations"]:
        assert set(citation) == {"card_id", "title", "chapter", "url", "quote"}
        assert citation["quote"]
        assert citation["url"].endswith(f"/kaarten/{citation['card_id']}")


@pytest.mark.parametrize(
    "question",
    [
        "Er staat nu een jonge vrouw aan de balie die zegt dat ze wordt vastgehouden. Wat moet ik doen?",
        "Iemand is in direct gevaar, wat doe ik?",
        "Er is een acute situatie met een slachtoffer bij ons op kantoor",
    ],
)
def test_acute_danger_gets_emergency_guidance(assistant, question):
    answer = assistant.ask(question)

    assert answer.kind.value == "safety"
    assert answer.answer.index("112") < answer.answer.index("0900-8844")
    assert [c.card_id for c in answer.citations] == ["acuut-gevaar"]


@pytest.mark.parametrize(
    "question",
    ["Wat is het recept voor appeltaart?", "Wie won het WK voetbal in 2010?", "Hoe installeer ik een printer onder Windows?"],
)
def test_off_topic_is_not_answered(assistant, question):
    answer = assistant.ask(question)

    assert answer.answered is False
    assert answer.citations == []
    assert "geen betrouwbaar antwoord" in answer.answer


OFF_TOPIC_FILE = Path(__file__).parent / "data" / "off_topic.txt"


@pytest.mark.parametrize(
    ("section", "question", "covered"),
    [(0.86, 0.50, True), (0.80, 0.91, True), (0.85, 0.89, False)],
)
def test_gate_thresholds(assistant, section, question, covered):
    assert assistant.is_covered("Waar moet ik op letten?", Similarity(section, question)) is covered


def test_gate_lets_identifiers_through(assistant):
    assert assistant.is_covered("273f", Similarity(0.70, 0.70)) is True


def test_gate_on_off_topic_and_in_scope_questions(assistant):
    # NOTE: guards the measured rates (docs/benchmarks.md): 2 of 30 off-topic questions answered,
    # 214 of 238 in-scope questions answered.
    off_topic = [line for line in OFF_TOPIC_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    in_scope = [row for row in load_question_set(EVAL_FILE) + load_question_set(QUESTIONS_FILE)
                if classify_scope(resolve_question(row.question, row.history)) == Scope.IN_SCOPE]

    answered_off_topic = sum(assistant.ask(question).answered for question in off_topic)
    answered_in_scope = sum(assistant.ask(row.question, history=row.history).answered for row in in_scope)

    assert len(off_topic) == 30
    assert answered_off_topic <= 2
    assert answered_in_scope >= 0.88 * len(in_scope)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Wat is mensenhandel?", "wat"),
        ("Hoe richt ik een interne meldroute in?", "hoe"),
        ("Met wie werk ik samen bij arbeidsuitbuiting?", "met-wie"),
        ("Wat doet de Arbeidsinspectie?", "met-wie"),
    ],
)
def test_question_kind_is_classified(assistant, question, kind):
    assert assistant.ask(question).kind.value == kind


def test_card_questions_are_never_passages(assistant):
    cards = list(assistant.build.cards.values())
    questions = {question for card in cards for question in card.questions}
    in_top3 = 0
    for card in cards:
        passages, dense_scores = assistant.retrieve(card.questions[0])
        for passage in passages:
            assert passage.text not in questions
            assert passage.text in [section.text for section in assistant.sections[passage.card_id]]
        assert len(dense_scores) == len(passages)
        in_top3 += card.id in [passage.card_id for passage in passages[:3]]

    assert in_top3 >= 0.9 * len(cards)


def test_question_share_of_one(assistant, session_settings):
    question = "Met wie neem ik contact op bij een vermoeden van uitbuiting in de zorg?"
    only_questions = Assistant(
        session_settings.model_copy(update={"question_share": 1.0, "intro_weight": 1.0, "kind_boost": 1.0}),
        assistant.build,
        assistant.embedder,
    )
    inputs = {"embedder": {"text": question}, "keyword": {"query": question}, "second_embedder": {"text": question}}
    fused = only_questions._pipeline("blend").run(inputs)["fusion"]["scores"]
    best_question = max(
        (position for position, chunk in enumerate(assistant.build.chunks) if chunk.question), key=lambda position: fused[position]
    )

    passages, _ = only_questions.retrieve(question)

    assert passages[0].card_id == assistant.build.chunks[best_question].card_id
    assert passages[0].score == pytest.approx(fused[best_question])
    assert [p.card_id for p in assistant.retrieve(question)[0]] != [p.card_id for p in passages]


def test_passage_scores_are_section_scores(assistant):
    # A question chunk contains the bare question, so its similarity to an equal question is
    # near 1. The passages' scores and the gate's section score must come from sections only.
    card = assistant.card("partner-comensha")
    passages, dense_scores, similarity = assistant._search(card.questions[0], None, None)
    vectors = assistant.build.vectors
    query = assistant.embedder.embed_queries([card.questions[0]])[0]
    positions = {(chunk.card_id, chunk.text): position for position, chunk in enumerate(assistant.build.chunks)}
    section_scores = [
        float(vectors.reconstruct(position) @ query) for position, chunk in enumerate(assistant.build.chunks) if not chunk.question
    ]

    for passage, score in zip(passages, dense_scores):
        section = vectors.reconstruct(positions[(passage.card_id, passage.text)])
        assert score == pytest.approx(float(section @ query), abs=1e-4)
    assert max(dense_scores) < 0.97
    assert similarity.section == pytest.approx(max(section_scores), abs=1e-4)
    assert similarity.question > 0.97


@pytest.mark.parametrize("mode", ["dense", "second", "keyword", "blend", "rrf", "rrf-matched"])
def test_every_fusion_mode_answers(assistant, mode):
    answer = assistant.ask("Wat doet de AVIM van de politie?", mode=mode)

    assert answer.answered is True
    assert answer.citations
