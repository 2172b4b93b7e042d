"""Conversations: follow-up questions are resolved against earlier turns of the same thread."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from assistant.analysis import normalise

# A follow-up opens with a connective ("en wie betaalt dat?") or leans on a pronoun while naming
# little of its own ("hoe zit dat bij minderjarigen?").
_OPENERS = re.compile(r"^(en|maar|ook|of|dus|and|but|what about|how about)\b")
_REFERENCE_WORDS = frozenset({
    "dat", "die", "het", "dan", "ze", "zij", "hun", "hen", "daar", "daarbij", "daarvoor", "daarin", "daarmee",
    "hierbij", "hiervoor", "they", "them", "that", "it", "those", "then",
})
_CONTENT_WORD = re.compile(r"\b[a-z0-9]{4,}\b")
_QUESTION_WORDS = frozenset({"wat", "wie", "hoe", "waar", "wanneer", "welke", "waarom", "what", "who", "how", "where", "when", "which", "zit", "doet", "moet", "kan", "kun", "mag"})
# A question with at most this many content words, one of them a reference, counts as a follow-up.
MAX_FOLLOW_UP_CONTENT_WORDS = 3


def is_follow_up(question: str) -> bool:
    """Guess whether ``question`` only makes sense together with the previous turn."""
    text = normalise(question).rstrip("?!. ")
    if _OPENERS.match(text):
        return True
    words = set(re.findall(r"[a-z]+", text))
    content = [word for word in _CONTENT_WORD.findall(text) if word not in _QUESTION_WORDS and word not in _REFERENCE_WORDS]
    return bool(words & _REFERENCE_WORDS) and len(content) <= MAX_FOLLOW_UP_CONTENT_WORDS


def resolve_question(question: str, history: list[str]) -> str:
    """Return the text to retrieve with: the question itself, or the previous turn plus a follow-up.

    :param history: earlier resolved questions of the thread, oldest first.
    """
    if history and is_follow_up(question):
        return f"{history[-1]} {question}"
    return question


@dataclass
class Thread:
    """A conversation: its resolved questions, oldest first."""

    id: str
    turns: list[str] = field(default_factory=list)
    updated: float = field(default_factory=time.monotonic)


class ThreadStore:
    """Conversations kept in memory, bounded in number and age.

    NOTE: threads live in the server process only; with several workers or servers a follow-up
    must reach the process that keeps its thread. Stored chat history per user is a separate layer.

    :param max_threads: the oldest threads are dropped beyond this number.
    :param ttl_seconds: threads unused for this long are dropped.
    """

    def __init__(self, max_threads: int = 10_000, ttl_seconds: float = 12 * 3600) -> None:
        self._threads: OrderedDict[str, Thread] = OrderedDict()
        self._lock = threading.Lock()
        self.max_threads = max_threads
        self.ttl_seconds = ttl_seconds

    def create(self) -> Thread:
        """Start a thread with an unguessable id (128 random bits)."""
        thread = Thread(id=secrets.token_hex(16))
        with self._lock:
            self._threads[thread.id] = thread
            self._expire()
        return thread

    def get(self, thread_id: str) -> Thread | None:
        """Return a live thread, or None when it does not exist or has expired."""
        with self._lock:
            self._expire()
            thread = self._threads.get(thread_id)
            if thread is not None:
                self._threads.move_to_end(thread_id)
            return thread

    def add_turn(self, thread: Thread, resolved_question: str, keep: int = 5) -> None:
        """Append a resolved question; only the last ``keep`` turns are kept."""
        with self._lock:
            thread.turns = [*thread.turns, resolved_question][-keep:]
            thread.updated = time.monotonic()

    def _expire(self) -> None:
        now = time.monotonic()
        while self._threads:
            oldest = next(iter(self._threads.values()))
            if len(self._threads) > self.max_threads or now - oldest.updated > self.ttl_seconds:
                self._threads.popitem(last=False)
            else:
                break
