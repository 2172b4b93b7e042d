"""Local file storage for the chat's elements (the cited cards shown as sources), with access checks.

Chainlit stores element contents only through a storage client; it ships clients for S3, GCS
and Azure. This one writes to ``<data dir>/chat-files`` and serves files at ``/chat-files/{name}``
to the thread's owner and to team members who hold a live share link to the thread.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from chainlit.data.storage_clients.base import BaseStorageClient

logger = logging.getLogger(__name__)

URL_PREFIX = "/chat-files/"


class LocalStorageClient(BaseStorageClient):
    """Stores each element as a file named by the SHA-256 of its object key.

    :param root: folder for the files, created when missing.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def file_name(object_key: str) -> str:
        """Return the file name of an object key."""
        return hashlib.sha256(object_key.encode("utf-8")).hexdigest()

    async def upload_file(self, object_key: str, data: bytes | str, mime: str = "application/octet-stream",
                          overwrite: bool = True, content_disposition: str | None = None) -> dict[str, Any]:
        """Write the element content; return its object key and the URL it is served at."""
        path = self.root / self.file_name(object_key)
        if overwrite or not path.exists():
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return {"object_key": object_key, "url": URL_PREFIX + path.name}

    async def delete_file(self, object_key: str) -> bool:
        """Remove the element content; False when it did not exist."""
        path = self.root / self.file_name(object_key)
        if not path.exists():
            return False
        path.unlink()
        return True

    async def get_read_url(self, object_key: str) -> str:
        """Return the URL of the element content."""
        return URL_PREFIX + self.file_name(object_key)

    async def close(self) -> None:
        """Release nothing: files are opened per call."""
