"""Request and response models of the JSON API."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant import messages

MAX_QUESTION_LENGTH = 1000


class AskRequest(BaseModel):
    """Body of ``POST /api/ask``."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(description=f"The question in Dutch, 1 to {MAX_QUESTION_LENGTH} characters.")
    thread_id: str | None = Field(
        default=None, description="Id of the conversation this question follows up on, as returned by an earlier answer."
    )

    @field_validator("question", mode="before")
    @classmethod
    def _check_question(cls, value: object) -> str:
        if not isinstance(value, str):
            raise ValueError(messages.QUESTION_NOT_TEXT)
        value = value.strip()
        if not value:
            raise ValueError(messages.QUESTION_EMPTY)
        if len(value) > MAX_QUESTION_LENGTH:
            raise ValueError(messages.QUESTION_TOO_LONG.format(length=len(value), limit=MAX_QUESTION_LENGTH))
        return value


    @field_validator("thread_id", mode="before")
    @classmethod
    def _check_thread_id(cls, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{32}", value):
            raise ValueError(messages.THREAD_ID_INVALID)
        return value


class SourceOut(BaseModel):
    """A source of a card."""

    title: str
    publisher: str
    year: int | str
    url: str


class CardOut(BaseModel):
    """A card as ``GET /api/cards/{card_id}`` returns it."""

    id: str
    title: str
    chapter: str
    chapter_title: str
    kind: str
    level: str
    tags: list[str]
    summary: str
    sources: list[SourceOut]
    reviewed: str
    related: list[str]
    body: str
    url: str
