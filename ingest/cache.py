"""A vector cache keyed by embedder and passage text, so a re-ingest only embeds what changed."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np


def content_key(embedder_name: str, passage: str, role: str = "passage") -> str:
    """Return the cache key of a text: SHA-256 over the embedder name, the role (if not "passage") and the exact text."""
    prefix = embedder_name if role == "passage" else f"{embedder_name}\n{role}"
    return hashlib.sha256(f"{prefix}\n{passage}".encode("utf-8")).hexdigest()


class VectorCache:
    """Vectors in a SQLite file; a missing or unreadable entry is simply embedded again.

    :param path: the SQLite file, created when missing.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, vector BLOB)")

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors among ``keys``."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            batch = keys[start:start + 500]
            marks = ",".join("?" * len(batch))
            for key, dim, blob in self._db.execute(f"SELECT key, dim, vector FROM vectors WHERE key IN ({marks})", batch):
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape[0] == dim:
                    found[key] = vector
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        """Store vectors; existing keys are replaced."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, dim, vector) VALUES (?, ?, ?)",
                [(key, int(vector.shape[0]), np.asarray(vector, dtype=np.float32).tobytes()) for key, vector in items.items()],
            )

    def close(self) -> None:
        """Close the database; the cache cannot be used afterwards."""
        self._db.close()
