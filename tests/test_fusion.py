"""The fusion of the dense, second dense and keyword channels, and the second channel's embedder."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from index.embedder import load_second_embedder
from index.retrieval import ScoreFusion
from index.settings import Settings


CHUNKS = 20


def _scores(values: dict[int, float], rest: float) -> np.ndarray:
    scores = np.full(CHUNKS, rest, dtype=np.float32)
    for position, value in values.items():
        scores[position] = value
    return scores


@pytest.fixture()
def channels() -> dict[str, np.ndarray]:
    """Scores of three channels: chunks 0, 1 and 2 stand out, the rest are background."""
    return {
        "dense": _scores({0: 0.90, 1: 0.85, 2: 0.80}, rest=0.80),
        "second": _scores({0: 0.10, 1: 0.60, 2: 0.35}, rest=0.10),
        "keyword": _scores({2: 4.0}, rest=0.0),
    }


def test_blend_weighs_three_channels(channels):
    scores = channels
    result = ScoreFusion(mode="blend", weight=0.6, second_weight=0.2).run(**scores)

    # min-max: dense 1, 0.5, 0; second 0, 1, 0.5; keyword 0, 0, 1 (floor 0).
    assert result["scores"][:3] == pytest.approx([0.6, 0.5, 0.3])
    assert np.argsort(-result["scores"], kind="stable")[:3].tolist() == [0, 1, 2]
    assert result["dense"] is scores["dense"]


def test_second_channel_changes_order(channels):
    scores = channels
    result = ScoreFusion(mode="blend", weight=0.4, second_weight=0.5).run(**scores)

    assert int(np.argmax(result["scores"])) == 1


def test_blend_without_second_channel(channels):
    scores = channels
    result = ScoreFusion(mode="blend", weight=0.6, second_weight=0.2).run(dense=scores["dense"], keyword=scores["keyword"])

    assert result["scores"][:3] == pytest.approx([0.8, 0.4, 0.2])


def test_rrf_counts_every_channel(channels):
    scores = channels
    fused = ScoreFusion(mode="rrf-matched").run(**scores)["scores"]

    assert fused[1] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[2] == pytest.approx(1 / 63 + 1 / 61 + 1 / 62)


def test_keyword_mode_scores_only_matches(channels):
    scores = channels
    fused = ScoreFusion(mode="keyword").run(**scores)["scores"]

    assert fused.shape == (CHUNKS,)
    assert np.flatnonzero(fused).tolist() == [2]


def test_second_mode_needs_second_channel(channels):
    scores = channels
    fusion = ScoreFusion(mode="second")

    assert np.argsort(-fusion.run(**scores)["scores"], kind="stable")[:3].tolist() == [1, 2, 0]
    with pytest.raises(ValueError, match="second dense channel"):
        fusion.run(dense=scores["dense"], keyword=scores["keyword"])


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


def test_use_embedder_vectors():
    use = load_second_embedder("use-multilingual")
    question = use.embed_queries(["Waar meld ik een vermoeden van mensenhandel?"])[0]
    passages = use.embed_passages(["Een vermoeden van mensenhandel meld je bij de politie.", "Het weer is vandaag zonnig en warm."])

    assert passages.shape == (2, use.dim) == (2, 512)
    assert np.linalg.norm(passages, axis=1) == pytest.approx([1.0, 1.0], abs=1e-4)
    assert passages[0] @ question > passages[1] @ question
