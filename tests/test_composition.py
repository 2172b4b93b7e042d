"""Grounded answers: every sentence quoted from a retrieved card, cited, ordered by question kind."""

from __future__ import annotations

import re

import pytest

from assistant.answer import split_sentences
from assistant.conversation import resolve_question
from assistant.evaluation import load_question_set
from assistant.service import Assistant
from conftest import QUESTIONS_FILE

EVAL_FILE = QUESTIONS_FILE.parent / "eval_questions.jsonl"
MARKER = re.compile(r"^(.*\S) \[(\d+)\]$")
NUMBER = re.compile(r"\d[\d.,/-]*\d|\d")


def _sentences(answer_text: str) -> list[str]:
    return [part for part in re.split(r"(?<=\])\s+", answer_text) if part]


def _all_questions():
    return load_question_set(QUESTIONS_FILE) + load_question_set(EVAL_FILE)


def test_every_sentence_cites_a_retrieved_card(assistant):
    checked = 0
    for item in _all_questions():
        answer = assistant.ask(item.question, history=item.history)
        if not answer.answered or answer.kind.value in ("safety", "out-of-scope"):
            continue
        passages, _ = assistant.retrieve(resolve_question(item.question, item.history))
        retrieved = {passage.card_id for passage in passages}
        cited = [citation.card_id for citation in answer.citations]

        assert set(cited) <= retrieved, item.question
        for sentence in _sentences(answer.answer):
            match = MARKER.match(sentence)
            assert match, f"uncited sentence in answer to {item.question!r}: {sentence!r}"
            card = assistant.card(cited[int(match.group(2)) - 1])
            plain = re.sub(r"\*\*|__|`", "", card.body)
            assert match.group(1) in " ".join(plain.split()) or match.group(1) in split_sentences(card.body), sentence
        checked += 1
    assert checked >= 150


def test_numbers_stand_in_the_cited_card(assistant):
    for item in _all_questions()[:120]:
        answer = assistant.ask(item.question, history=item.history)
        for sentence in _sentences(answer.answer):
            match = MARKER.match(sentence)
            if not match:
                continue
            body = assistant.card(answer.citations[int(match.group(2)) - 1].card_id).body
            for number in NUMBER.findall(match.group(1)):
                assert number in body, (number, sentence)


def test_answers_have_no_duplicate_sentences(assistant):
    for item in _all_questions()[:120]:
        sentences = [MARKER.match(s).group(1) for s in _sentences(assistant.ask(item.question, history=item.history).answer) if MARKER.match(s)]
        assert len(sentences) == len(set(sentences)), item.question


def test_wat_answer_opens_with_summary(assistant):
    answer = assistant.ask("Wat is het verschil tussen mensenhandel en mensensmokkel?")
    first = MARKER.match(_sentences(answer.answer)[0]).group(1)

    best = answer.citations[0].card_id
    summary = assistant.sections[best][0]
    assert answer.kind.value == "wat"
    assert summary.heading == "In het kort"
    assert first in " ".join(summary.text.split())


def test_hoe_answer_lists_steps(assistant):
    answer = assistant.ask("Hoe richt ik een interne meldroute in voor collega's?")
    steps = next(section for section in assistant.sections[answer.citations[0].card_id] if section.heading == "Stappen")

    quoted_steps = [s for s in _sentences(answer.answer) if MARKER.match(s).group(1) in steps.text]
    assert answer.kind.value == "hoe"
    assert len(quoted_steps) >= 2


def test_met_wie_answer_says_how_to_reach(assistant):
    answer = assistant.ask("Wat doet de Nederlandse Arbeidsinspectie en hoe bereik ik ze?")

    assert answer.kind.value == "met-wie"
    assert answer.citations[0].card_id == "partner-arbeidsinspectie"
    assert "0800-5151" in answer.answer


def test_answer_has_read_more_and_suggestions(assistant):
    answer = assistant.ask("Wat doet CoMensha?")

    assert [link.card_id for link in answer.read_more] == [citation.card_id for citation in answer.citations]
    assert 2 <= len(answer.suggestions) <= 3
    assert all(suggestion.strip() for suggestion in answer.suggestions)


@pytest.mark.parametrize("question", ["Wat is het recept voor appeltaart?"])
def test_not_found_has_no_suggestions(assistant, question):
    answer = assistant.ask(question)

    assert answer.answered is False
    assert answer.read_more == []


@pytest.mark.parametrize("margin", [0.5, 0.0])
def test_near_miss_links(assistant, session_settings, margin):
    strict = session_settings.model_copy(update={"min_dense_score": 0.99, "min_question_score": 0.99, "near_miss_margin": margin})

    answer = Assistant(strict, assistant.build, assistant.embedder).ask("Wat doet CoMensha?")

    assert answer.answered is False
    assert answer.citations == []
    if margin:
        assert "dichtst in de buurt" in answer.answer
        assert 1 <= len(answer.read_more) <= 3
        assert answer.read_more[0].card_id == "partner-comensha"
        assert answer.read_more[0].url.endswith("/kaarten/partner-comensha")
    else:
        assert "geen betrouwbaar antwoord" in answer.answer
        assert answer.read_more == []
