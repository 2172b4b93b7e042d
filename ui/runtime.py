"""The assistant shared by the FastAPI routes and the Chainlit chat of one server process."""

from __future__ import annotations

from assistant.service import Assistant

_assistant: Assistant | None = None
_database = None


def set_assistant(assistant: Assistant | None) -> None:
    """Install the loaded assistant at start-up (or remove it at shutdown)."""
    global _assistant
    _assistant = assistant


def get_assistant() -> Assistant:
    """Return the loaded assistant.

    :raises RuntimeError: before start-up has loaded it.
    """
    if _assistant is None:
        raise RuntimeError("the assistant is not loaded yet; it is loaded by the server's start-up")
    return _assistant


def set_database(database) -> None:
    """Install the workspace database at start-up (or remove it at shutdown)."""
    global _database
    _database = database


def get_database():
    """Return the workspace database.

    :raises RuntimeError: before start-up has opened it.
    """
    if _database is None:
        raise RuntimeError("the workspace database is not open yet; it is opened by the server's start-up")
    return _database
