"""The optional language model: checked answers, and fallback to the extractive answer."""

from __future__ import annotations

import logging

import pytest

from assistant.service import Assistant
from fake_llm import FakeLLM

QUESTION = "Wat doet CoMensha?"


@pytest.fixture(scope="module")
def fake_llm():
    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture()
def llm_assistant(assistant, fake_llm):
    settings = assistant.settings.model_copy(update={"llm_url": fake_llm.url, "llm_model": "fake-model", "llm_timeout": 1.0})
    fake_llm.behaviour = "grounded"
    return Assistant(settings, assistant.build, assistant.embedder)


def test_grounded_model_answer_is_used(llm_assistant, fake_llm):
    answer = llm_assistant.ask(QUESTION)

    assert answer.answer == "Het antwoord staat op de kaart CoMensha. [1]"
    assert answer.citations[0].card_id == "partner-comensha"
    assert fake_llm.requests[-1]["model"] == "fake-model"
    assert "partner-comensha" not in fake_llm.requests[-1]["messages"][0]["content"]
    assert "CoMensha" in fake_llm.requests[-1]["messages"][-1]["content"]


def test_uncited_sentence_is_dropped(llm_assistant, fake_llm):
    fake_llm.behaviour = "uncited"

    answer = llm_assistant.ask(QUESTION)

    assert "zonder bron" not in answer.answer
    assert answer.answer.endswith("[1]")


@pytest.mark.parametrize("behaviour", ["invented-number", "no-markers", "error", "slow"])
def test_bad_model_answer_falls_back(llm_assistant, assistant, fake_llm, behaviour, caplog):
    fake_llm.behaviour = behaviour
    extractive = assistant.ask(QUESTION)

    with caplog.at_level(logging.INFO, logger="assistant.llm"):
        answer = llm_assistant.ask(QUESTION)

    assert answer.answer == extractive.answer
    assert caplog.records, "the fallback must be logged"
    assert all(QUESTION not in record.getMessage() for record in caplog.records)


def test_fixed_replies_skip_the_model(llm_assistant, fake_llm):
    before = len(fake_llm.requests)

    answer = llm_assistant.ask("Iemand is in direct gevaar, wat doe ik?")

    assert answer.kind.value == "safety"
    assert len(fake_llm.requests) == before
