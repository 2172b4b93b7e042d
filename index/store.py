"""Immutable, versioned index builds on disk.

Layout under the index folder::

    CURRENT                 name of the build that serves (replaced atomically)
    builds/<build-id>/      one complete build: manifest.json, chapters.json, cards.json,
                            chunks.jsonl, vectors.faiss, vectors-second.faiss
                            (when the second dense channel is on), keyword/
    builds/.tmp-<build-id>/ a build being written; never read

A build is written into a temporary folder, renamed into place, and only then is ``CURRENT``
swapped, so a failed or interrupted ingest leaves the previous build serving.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import bm25s
import faiss
import numpy as np

from index.models import Card, Chapter, Chunk
from index.text import tokenize

logger = logging.getLogger(__name__)

CURRENT_FILE = "CURRENT"
BUILDS_DIR = "builds"
TMP_PREFIX = ".tmp-"
# Builds kept after a swap: the current one and the one before it, for a quick rollback.
KEEP_BUILDS = 2


class IndexNotFoundError(FileNotFoundError):
    """Raised when no complete index build exists yet; run ``kompas ingest``."""


@dataclass
class IndexBuild:
    """A loaded build: cards, chunks, their vectors and the keyword index, all read-only."""

    build_id: str
    manifest: dict
    chapters: dict[str, Chapter]
    cards: dict[str, Card]
    chunks: list[Chunk]
    vectors: faiss.Index
    keyword: bm25s.BM25
    passages: list[str] = field(default_factory=list)
    second_vectors: faiss.Index | None = None

    @classmethod
    def load(cls, index_dir: Path) -> "IndexBuild":
        """Load the build named in ``index_dir/CURRENT``.

        :raises IndexNotFoundError: when there is no current build.
        """
        pointer = index_dir / CURRENT_FILE
        if not pointer.is_file():
            raise IndexNotFoundError(f"no index build in {index_dir}; run 'kompas ingest' first")
        build_id = pointer.read_text(encoding="utf-8").strip()
        folder = index_dir / BUILDS_DIR / build_id
        if not (folder / "manifest.json").is_file():
            raise IndexNotFoundError(f"index build {build_id!r} named in {pointer} is missing; run 'kompas ingest'")

        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        chapters = [Chapter.model_validate(item) for item in json.loads((folder / "chapters.json").read_text("utf-8"))]
        cards = [Card.model_validate(item) for item in json.loads((folder / "cards.json").read_text("utf-8"))]
        with (folder / "chunks.jsonl").open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle]
        chunks = [Chunk.model_validate(row["chunk"]) for row in rows]
        passages = [row["passage"] for row in rows]
        vectors = faiss.read_index(str(folder / "vectors.faiss"))
        second = folder / "vectors-second.faiss"
        second_vectors = faiss.read_index(str(second)) if second.is_file() else None
        keyword = bm25s.BM25.load(str(folder / "keyword"), show_progress=False)
        logger.info("loaded index build %s: %d cards, %d chunks", build_id, len(cards), len(chunks))
        return cls(
            build_id=build_id,
            manifest=manifest,
            chapters={chapter.id: chapter for chapter in chapters},
            cards={card.id: card for card in cards},
            chunks=chunks,
            vectors=vectors,
            keyword=keyword,
            passages=passages,
            second_vectors=second_vectors,
        )


def read_current_manifest(index_dir: Path) -> dict | None:
    """Return the manifest of the serving build, or None when there is no complete build."""
    pointer = index_dir / CURRENT_FILE
    if not pointer.is_file():
        return None
    manifest = index_dir / BUILDS_DIR / pointer.read_text(encoding="utf-8").strip() / "manifest.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        logger.warning("manifest of the current build is unreadable: %s", error)
        return None


def write_build(
    index_dir: Path,
    chapters: list[Chapter],
    cards: list[Card],
    chunks: list[Chunk],
    passages: list[str],
    vectors: np.ndarray,
    manifest: dict,
    second_vectors: np.ndarray | None = None,
) -> str:
    """Write a complete build and make it the current one; return its id.

    ``second_vectors`` are the passages' vectors from the second dense channel, if it is on.

    Everything is written to ``builds/.tmp-<id>`` first. The folder is renamed into place and
    ``CURRENT`` is replaced with ``os.replace``, which is atomic on POSIX file systems.
    """
    if len(chunks) != len(passages) or len(chunks) != vectors.shape[0]:
        raise ValueError(f"chunks ({len(chunks)}), passages ({len(passages)}) and vectors ({vectors.shape[0]}) differ")
    if second_vectors is not None and second_vectors.shape[0] != len(chunks):
        raise ValueError(f"chunks ({len(chunks)}) and second vectors ({second_vectors.shape[0]}) differ")

    build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    builds = index_dir / BUILDS_DIR
    builds.mkdir(parents=True, exist_ok=True)
    tmp = builds / f"{TMP_PREFIX}{build_id}"
    tmp.mkdir()
    try:
        _write_files(tmp, chapters, cards, chunks, passages, vectors, second_vectors, {**manifest, "build_id": build_id})
        final = builds / build_id
        os.replace(tmp, final)
        pointer_tmp = index_dir / f"{CURRENT_FILE}.{build_id}.tmp"
        pointer_tmp.write_text(build_id + "\n", encoding="utf-8")
        os.replace(pointer_tmp, index_dir / CURRENT_FILE)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(builds, keep=build_id)
    logger.info("index build %s is now current", build_id)
    return build_id


def _write_files(folder, chapters, cards, chunks, passages, vectors, second_vectors, manifest) -> None:
    (folder / "chapters.json").write_text(
        json.dumps([chapter.model_dump(mode="json") for chapter in chapters], ensure_ascii=False), encoding="utf-8"
    )
    (folder / "cards.json").write_text(
        json.dumps([card.model_dump(mode="json") for card in cards], ensure_ascii=False), encoding="utf-8"
    )
    with (folder / "chunks.jsonl").open("w", encoding="utf-8") as handle:
        for chunk, passage in zip(chunks, passages):
            handle.write(json.dumps({"chunk": chunk.model_dump(), "passage": passage}, ensure_ascii=False) + "\n")

    for name, matrix in (("vectors.faiss", vectors), ("vectors-second.faiss", second_vectors)):
        if matrix is not None:
            flat = faiss.IndexFlatIP(matrix.shape[1])
            flat.add(np.ascontiguousarray(matrix, dtype=np.float32))
            faiss.write_index(flat, str(folder / name))

    keyword = bm25s.BM25()
    keyword.index([tokenize(passage) for passage in passages], show_progress=False)
    keyword.save(str(folder / "keyword"), show_progress=False)

    # The manifest is written last: a folder without one is never a complete build.
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def _prune(builds: Path, keep: str) -> None:
    """Remove unfinished temporary folders and all but the newest ``KEEP_BUILDS`` builds."""
    for folder in builds.iterdir():
        if folder.name.startswith(TMP_PREFIX) and folder.name != f"{TMP_PREFIX}{keep}":
            shutil.rmtree(folder, ignore_errors=True)
    finished = sorted(folder for folder in builds.iterdir() if not folder.name.startswith(TMP_PREFIX))
    for folder in finished[:-KEEP_BUILDS]:
        if folder.name != keep:
            shutil.rmtree(folder, ignore_errors=True)
