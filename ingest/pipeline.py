"""The ingest pipeline: content -> validate -> chunk -> embed (cached) -> atomic index build."""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import numpy as np  # noqa: E402
from haystack import Document, Pipeline, component  # noqa: E402
from tqdm import tqdm  # noqa: E402

from index.embedder import EMBED_BATCH_SIZE, Embedder, load_embedder, load_second_embedder  # noqa: E402
from index.models import Card, Chapter, Chunk  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.store import read_current_manifest, write_build  # noqa: E402
from ingest.cache import VectorCache, content_key  # noqa: E402
from ingest.chunking import split_card  # noqa: E402
from ingest.content import load_content  # noqa: E402

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 1


@dataclass
class IngestReport:
    """Result of an ingest: the serving build, sizes, and how many passages were embedded or cached."""

    build_id: str
    cards: int
    chunks: int
    embedded: int
    cached: int
    changed: bool


@component
class CardSplitter:
    """Turns validated cards into chunk documents whose content is the passage to embed."""

    def __init__(self, chapters: list[Chapter]) -> None:
        self.chapters = {chapter.id: chapter for chapter in chapters}

    @component.output_types(documents=list[Document])
    def run(self, cards: list[Card]) -> dict:
        """Return one document per card section, in card order."""
        documents = []
        for card in cards:
            for chunk in split_card(card):
                documents.append(
                    Document(
                        id=chunk.id,
                        content=chunk.passage_text(card, self.chapters[card.chapter]),
                        meta={"chunk": chunk.model_dump()},
                    )
                )
        return {"documents": documents}


@component
class CachedPassageEmbedder:
    """Embeds passages in batches, reusing vectors from the cache for unchanged text.

    Card questions (documents whose chunk is a question) are embedded in the query role, the
    role that users' questions are embedded in.

    :param embedder: the passage embedder.
    :param cache: the vector cache; new vectors are stored after each batch, so an interrupted
        ingest keeps the work it finished.
    :param progress: show a progress bar on stderr.
    :param label: the progress bar's label.
    """

    def __init__(self, embedder: Embedder, cache: VectorCache, progress: bool = False, label: str = "Embedden") -> None:
        self.embedder = embedder
        self.cache = cache
        self.progress = progress
        self.label = label

    @component.output_types(documents=list[Document], embedded=int, cached=int)
    def run(self, documents: list[Document]) -> dict:
        """Attach an embedding to every document; report how many were computed and reused."""
        roles = ["query" if doc.meta["chunk"].get("question") else "passage" for doc in documents]
        keys = [content_key(self.embedder.name, doc.content, role) for doc, role in zip(documents, roles)]
        found = self.cache.get_many(keys)
        missing = sorted({i for i, key in enumerate(keys) if key not in found}, key=int)
        # Equal texts in the same role share one key; embed each of them once.
        todo: dict[str, int] = {}
        for i in missing:
            todo.setdefault(keys[i], i)
        pending = list(todo.items())

        bar = tqdm(total=len(pending), desc=self.label, unit="passage", disable=not self.progress or not pending)
        for role, embed in (("passage", self.embedder.embed_passages), ("query", self.embedder.embed_queries)):
            of_role = [(key, i) for key, i in pending if roles[i] == role]
            for start in range(0, len(of_role), EMBED_BATCH_SIZE):
                batch = of_role[start:start + EMBED_BATCH_SIZE]
                vectors = embed([documents[i].content for _, i in batch])
                new = {key: vector for (key, _), vector in zip(batch, vectors)}
                self.cache.put_many(new)
                found.update(new)
                bar.update(len(batch))
        bar.close()

        embedded_documents = [
            dataclasses.replace(doc, embedding=found[key].tolist()) for doc, key in zip(documents, keys)
        ]
        return {"documents": embedded_documents, "embedded": len(pending), "cached": len(documents) - len(missing)}


def content_hash(passages: list[str], cards: list[Card]) -> str:
    """Return a hash over everything a build serves: passages and card data."""
    digest = hashlib.sha256()
    for passage in passages:
        digest.update(passage.encode("utf-8") + b"\0")
    for card in cards:
        digest.update(card.model_dump_json().encode("utf-8") + b"\0")
    return digest.hexdigest()


def run_ingest(settings: Settings, progress: bool = False, embedder: Embedder | None = None) -> IngestReport:
    """Build a new index from ``settings.content_dir`` and make it current.

    Nothing is written when the content is invalid, and when the content and embedders are
    unchanged the current build keeps serving. Only one ingest runs at a time per data folder.
    The second dense channel's embedder comes from ``settings.second_embedder``.

    :raises ingest.content.ContentError: when the content has problems.
    :raises BlockingIOError: when another ingest holds the lock.
    """
    content = load_content(Path(settings.content_dir))
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.index_dir / ".ingest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        embedder = embedder or load_embedder(settings.embedder, settings.embed_threads)
        second = load_second_embedder(settings.second_embedder)
        cache = VectorCache(settings.cache_dir / "vectors.sqlite")
        try:
            return _build(settings, content, embedder, second, cache, progress)
        finally:
            cache.close()


def _build(settings, content, embedder: Embedder, second: Embedder | None, cache: VectorCache, progress: bool) -> IngestReport:
    pipeline = Pipeline()
    pipeline.add_component("splitter", CardSplitter(content.chapters))
    pipeline.add_component("embedder", CachedPassageEmbedder(embedder, cache, progress=progress))
    pipeline.connect("splitter.documents", "embedder.documents")
    if second is not None:
        pipeline.add_component("second", CachedPassageEmbedder(second, cache, progress=progress, label="Embedden (2e kanaal)"))
        pipeline.connect("splitter.documents", "second.documents")
    outputs = pipeline.run({"splitter": {"cards": content.cards}})
    result = outputs["embedder"]
    second_vectors = None
    if second is not None:
        second_vectors = np.asarray([doc.embedding for doc in outputs["second"]["documents"]], dtype=np.float32)

    documents: list[Document] = result["documents"]
    passages = [doc.content for doc in documents]
    digest = content_hash(passages, content.cards)
    previous = read_current_manifest(settings.index_dir)
    second_name = second.name if second is not None else None
    report = dict(cards=len(content.cards), chunks=len(documents), embedded=result["embedded"], cached=result["cached"])
    if (
        previous
        and previous.get("content_hash") == digest
        and previous.get("embedder") == embedder.name
        and previous.get("second_embedder") == second_name
    ):
        logger.info("content unchanged; build %s keeps serving", previous["build_id"])
        return IngestReport(build_id=previous["build_id"], changed=False, **report)

    build_id = write_build(
        settings.index_dir,
        chapters=content.chapters,
        cards=content.cards,
        chunks=[Chunk.model_validate(doc.meta["chunk"]) for doc in documents],
        passages=passages,
        vectors=np.asarray([doc.embedding for doc in documents], dtype=np.float32),
        second_vectors=second_vectors,
        manifest={
            "version": MANIFEST_VERSION,
            "content_hash": digest,
            "embedder": embedder.name,
            "dim": embedder.dim,
            "second_embedder": second_name,
            "cards": len(content.cards),
            "chunks": len(documents),
        },
    )
    return IngestReport(build_id=build_id, changed=True, **report)
