"""Optional answers written by a language model from the retrieved cards, then checked.

The model sees only the retrieved cards, numbered. Its reply is accepted only when it passes
the citation check: each sentence must end with the marker of a card it was given (sentences
without one are dropped), and every number in an accepted sentence must appear in the card it cites.
Any failure, timeout or error returns None, and the caller uses the extractive answer.
"""

from __future__ import annotations

import logging
import os
import re

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

from haystack.components.generators.chat import OpenAIChatGenerator  # noqa: E402
from haystack.dataclasses import ChatMessage  # noqa: E402
from haystack.utils import Secret  # noqa: E402

from assistant import messages  # noqa: E402
from assistant.analysis import AnswerKind  # noqa: E402
from assistant.answer import Answer, Passage, make_citation, read_more_links, split_sentences  # noqa: E402
from index.models import Card  # noqa: E402
from index.settings import Settings  # noqa: E402

logger = logging.getLogger(__name__)

# Cards given to the model: enough context for a short answer, small enough for small local models.
MAX_CONTEXT_CARDS = 4
_MARKERS = re.compile(r"\s*\[(\d+)\]")
_NUMBER = re.compile(r"\d[\d.,/-]*\d|\d")


class LLMWriter:
    """Writes answers with an OpenAI-compatible chat endpoint and checks them against the cards.

    :param settings: ``llm_url``, ``llm_model``, ``llm_api_key`` and ``llm_timeout`` are used.
    """

    def __init__(self, settings: Settings) -> None:
        key = settings.llm_api_key.get_secret_value() or "not-needed"
        self.generator = OpenAIChatGenerator(
            api_key=Secret.from_token(key),
            model=settings.llm_model,
            api_base_url=settings.llm_url,
            timeout=settings.llm_timeout,
            max_retries=0,
            generation_kwargs={"temperature": 0.1},
        )
        self.model = settings.llm_model

    def write(
        self, question: str, kind: AnswerKind, passages: list[Passage], cards: dict[str, Card],
        chapter_titles: dict[str, str], card_url: str,
    ) -> Answer | None:
        """Return a checked answer, or None when the model fails or its answer does not pass."""
        context: list[Card] = []
        for passage in passages:
            card = cards[passage.card_id]
            if card not in context:
                context.append(card)
            if len(context) == MAX_CONTEXT_CARDS:
                break
        numbered = "\n\n".join(f"[{n}] {card.title}\n{card.body}" for n, card in enumerate(context, start=1))
        prompt = [
            ChatMessage.from_system(messages.LLM_SYSTEM_PROMPT),
            ChatMessage.from_user(messages.LLM_USER_PROMPT.format(cards=numbered, question=question)),
        ]
        try:
            reply = self.generator.run(messages=prompt)["replies"][0].text or ""
        except Exception as error:  # noqa: BLE001 - any client, network or server error means: fall back.
            logger.warning("language model %s failed (%s); using the extractive answer", self.model, type(error).__name__)
            return None
        return check_answer(reply, kind, context, chapter_titles, card_url)


def check_answer(reply: str, kind: AnswerKind, context: list[Card], chapter_titles: dict[str, str], card_url: str) -> Answer | None:
    """Apply the citation check to a model reply; return the answer or None to fall back.

    Sentences without a valid marker are dropped. A number that is not in the cited card, or a
    reply with no cited sentence left, rejects the whole reply.
    """
    accepted: list[tuple[str, int]] = []
    dropped = 0
    # Models write "Zin. [1]"; move markers before the full stop so each stays with its sentence.
    reply = re.sub(r"([.!?])((?:\s*\[\d+\])+)", r"\2\1", reply)
    for sentence in split_sentences(reply):
        markers = [int(number) for number in _MARKERS.findall(sentence)]
        text = re.sub(r"\s+([.!?])$", r"\1", _MARKERS.sub("", sentence).strip())
        if not markers or not text or any(not 1 <= marker <= len(context) for marker in markers):
            dropped += 1
            continue
        cited_text = "\n".join(context[marker - 1].title + "\n" + context[marker - 1].body for marker in markers)
        missing = [number for number in _NUMBER.findall(text) if number not in cited_text]
        if missing:
            logger.warning("language model answer has %d number(s) not in the cited card; using the extractive answer", len(missing))
            return None
        accepted.append((text, markers[0] - 1))
    if dropped:
        logger.info("dropped %d uncited sentence(s) from the language model answer", dropped)
    if not accepted:
        logger.info("language model answer had no cited sentence; using the extractive answer")
        return None

    order: list[int] = []
    for _, index in accepted:
        if index not in order:
            order.append(index)
    statements = [f"{text} [{order.index(index) + 1}]" for text, index in accepted]
    citations = [
        make_citation(context[index], chapter_titles, card_url, " ".join(text for text, source in accepted if source == index))
        for index in order
    ]
    return Answer(
        answer=" ".join(statements), kind=kind, answered=True, citations=citations, read_more=read_more_links(citations)
    )
