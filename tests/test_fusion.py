"""The fusion of the dense, second dense and keyword channels, and the second channel's embedder."""

from __future__ import annotations

import numpy as np
import pytest
from haystack import Document
from pydantic import ValidationError

from index.embedder import load_second_embedder
from index.retrieval import ScoreFusion
from index.settings import Settings


def _docs(scores: dict[str, float]) -> list[Document]:
    ordered = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    return [Document(id=doc_id, content=doc_id, score=score, meta={}) for doc_id, score in ordered]


DENSE = {"a": 0.90, "b": 0.85, "c": 0.80}
SECOND = {"a": 0.10, "b": 0.60, "c": 0.35}
KEYWORD = {"c": 4.0}


def test_blend_weighs_three_channels():
    fused = ScoreFusion(mode="blend", weight=0.6, second_weight=0.2).run(
        dense=_docs(DENSE), keyword=_docs(KEYWORD), second=_docs(SECOND)
    )["documents"]

    scores = {doc.id: doc.score for doc in fused}
    # min-max: dense a=1, b=0.5, c=0; second a=0, b=1, c=0.5; keyword c=1 (floor 0).
    assert scores == pytest.approx({"a": 0.6, "b": 0.5, "c": 0.3})
    assert [doc.id for doc in fused] == ["a", "b", "c"]
    assert fused[0].meta["dense"] == pytest.approx(0.90)


def test_second_channel_can_change_the_order():
    with_second = ScoreFusion(mode="blend", weight=0.4, second_weight=0.5).run(
        dense=_docs(DENSE), keyword=_docs(KEYWORD), second=_docs(SECOND)
    )["documents"]

    assert with_second[0].id == "b"


def test_without_a_second_list_its_weight_goes_to_dense():
    fused = ScoreFusion(mode="blend", weight=0.6, second_weight=0.2).run(dense=_docs(DENSE), keyword=_docs(KEYWORD))["documents"]

    assert {doc.id: doc.score for doc in fused} == pytest.approx({"a": 0.8, "b": 0.4, "c": 0.2})


def test_rrf_counts_every_channel():
    fused = ScoreFusion(mode="rrf-matched").run(dense=_docs(DENSE), keyword=_docs(KEYWORD), second=_docs(SECOND))["documents"]

    scores = {doc.id: doc.score for doc in fused}
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["c"] == pytest.approx(1 / 63 + 1 / 61 + 1 / 62)


def test_second_mode_needs_the_second_list():
    fusion = ScoreFusion(mode="second")

    assert [doc.id for doc in fusion.run(dense=_docs(DENSE), keyword=[], second=_docs(SECOND))["documents"]] == ["b", "c", "a"]
    with pytest.raises(ValueError, match="second dense channel"):
        fusion.run(dense=_docs(DENSE), keyword=[])


@pytest.mark.parametrize("weight, second_weight", [(0.9, 0.2), (-0.1, 0.0), (0.5, 1.2)])
def test_fusion_rejects_bad_weights(weight, second_weight):
    with pytest.raises(ValueError, match="blend weights"):
        ScoreFusion(mode="blend", weight=weight, second_weight=second_weight)


def test_settings_reject_weights_above_one(monkeypatch):
    monkeypatch.setenv("KOMPAS_BLEND_WEIGHT", "0.9")
    monkeypatch.setenv("KOMPAS_SECOND_WEIGHT", "0.2")

    with pytest.raises(ValidationError, match="lower one of them"):
        Settings()


def test_settings_reject_unknown_second_embedder(monkeypatch):
    monkeypatch.setenv("KOMPAS_SECOND_EMBEDDER", "word2vec")

    with pytest.raises(ValidationError, match="second_embedder"):
        Settings()


def test_second_embedder_choices():
    assert load_second_embedder("none") is None
    with pytest.raises(ValueError, match="unknown second embedder"):
        load_second_embedder("word2vec")


def test_use_embedder_gives_normalised_vectors_that_match_meaning():
    use = load_second_embedder("use-multilingual")
    question = use.embed_queries(["Waar meld ik een vermoeden van mensenhandel?"])[0]
    passages = use.embed_passages(["Een vermoeden van mensenhandel meld je bij de politie.", "Het weer is vandaag zonnig en warm."])

    assert passages.shape == (2, use.dim) == (2, 512)
    assert np.linalg.norm(passages, axis=1) == pytest.approx([1.0, 1.0], abs=1e-4)
    assert passages[0] @ question > passages[1] @ question
