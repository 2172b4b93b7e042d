"""The assistant: question in, grounded Dutch answer with cited cards out."""

from __future__ import annotations

import logging
import re
import threading

from assistant import messages
from assistant.analysis import AnswerKind, classify_kind, is_acute_danger
from assistant.answer import Answer, Citation, Passage, compose_extractive
from index.embedder import Embedder, load_embedder
from index.models import Card
from index.retrieval import build_query_pipeline
from index.settings import FusionMode, Settings
from index.store import IndexBuild
from index.text import tokenize

logger = logging.getLogger(__name__)

EMERGENCY_CARD_ID = "acuut-gevaar"
# Identifiers in a question: article numbers ("273f"), phone numbers ("0800-7000"), long
# numbers such as kamerstuk numbers ("36547") and acronyms ("AVIM"). Plain years do not count.
_IDENTIFIER = re.compile(r"\b(?:\d+[a-z]\w*|\d{2,}-\d+(?:-\d+)*|\d{5,}|\d+\.\d+|[A-Z]{3,})\b")


class Assistant:
    """Answers questions from one index build; load once, then share across requests.

    :param settings: thresholds, fusion mode and the public URL of card pages.
    :param build: the loaded index build.
    :param embedder: the query embedder; it must be the embedder the build was made with.
    :raises ValueError: when the embedder differs from the build's.
    """

    def __init__(self, settings: Settings, build: IndexBuild, embedder: Embedder) -> None:
        if build.manifest.get("embedder") != embedder.name:
            raise ValueError(
                f"index build {build.build_id} was made with {build.manifest.get('embedder')!r} "
                f"but the embedder is {embedder.name!r}; run 'kompas ingest' again"
            )
        self.settings = settings
        self.build = build
        self.embedder = embedder
        self._pipelines: dict[str, object] = {}
        self._lock = threading.Lock()
        self.chapter_titles = {chapter.id: chapter.title for chapter in build.chapters.values()}
        self.card_url = settings.public_url.rstrip("/") + "/kaarten/{card_id}"

    @classmethod
    def from_settings(cls, settings: Settings) -> "Assistant":
        """Load the current index build and the configured embedder."""
        build = IndexBuild.load(settings.index_dir)
        return cls(settings, build, load_embedder(settings.embedder, settings.embed_threads))

    def card(self, card_id: str) -> Card | None:
        """Return a card of the serving build, or None."""
        return self.build.cards.get(card_id)

    def _pipeline(self, mode: FusionMode):
        with self._lock:
            if mode not in self._pipelines:
                self._pipelines[mode] = build_query_pipeline(self.build, self.embedder, mode, self.settings.blend_weight)
            return self._pipelines[mode]

    def retrieve(self, question: str, mode: FusionMode | None = None) -> tuple[list[Passage], list[float]]:
        """Return the fused passages for ``question`` (best first, ``top_k`` at most) and their dense similarities.

        Each passage carries the fused score; the dense similarities feed the relevance gate.
        """
        mode = mode or self.settings.fusion
        result = self._pipeline(mode).run({"embedder": {"text": question}, "keyword": {"query": question}})
        documents = result["fusion"]["documents"][: self.settings.top_k]
        return [
            Passage(card_id=doc.meta["card_id"], heading=doc.meta["heading"], text=doc.meta["text"], score=float(doc.score))
            for doc in documents
        ], [float(doc.meta.get("dense", doc.score)) for doc in documents]

    def is_covered(self, question: str, dense_scores: list[float]) -> bool:
        """Decide whether the compass covers the question.

        The best dense similarity must reach ``min_dense_score``, unless the question names an
        identifier (a number or an acronym) that occurs in the compass.
        """
        if dense_scores and max(dense_scores) >= self.settings.min_dense_score:
            return True
        vocabulary = self.build.keyword.vocab_dict
        identifiers = [token for match in _IDENTIFIER.findall(question) for token in tokenize(match)]
        return any(token in vocabulary for token in identifiers)

    def ask(self, question: str, mode: FusionMode | None = None) -> Answer:
        """Answer one question.

        Acute danger gets the fixed emergency guidance. A question the compass does not cover gets
        an honest "not found" with suggested topics, ``answered`` false.
        """
        if is_acute_danger(question):
            logger.info("question routed to the emergency guidance")
            return self._emergency_answer()

        passages, dense_scores = self.retrieve(question, mode)
        if not passages or (mode != "keyword" and not self.is_covered(question, dense_scores)):
            logger.info("question not covered by the compass (best dense score %.3f)", max(dense_scores, default=0.0))
            return self._no_answer()

        # Chapter introductions describe other cards rather than answer; quote them only as a last resort.
        passages.sort(key=lambda passage: self.build.cards[passage.card_id].is_intro)
        best_card = self.build.cards[passages[0].card_id]
        kind = classify_kind(question, fallback=best_card.kind)
        return compose_extractive(question, kind, passages, self.build.cards, self.chapter_titles, self.card_url)

    def _emergency_answer(self) -> Answer:
        citations = []
        card = self.build.cards.get(EMERGENCY_CARD_ID)
        if card:
            citations.append(
                Citation(
                    card_id=card.id,
                    title=card.title,
                    chapter=self.chapter_titles.get(card.chapter, card.chapter),
                    url=self.card_url.format(card_id=card.id),
                    quote=card.summary,
                )
            )
        else:
            logger.warning("emergency card %s is missing from build %s", EMERGENCY_CARD_ID, self.build.build_id)
        return Answer(answer=messages.ACUTE_DANGER, kind=AnswerKind.SAFETY, answered=True, citations=citations)

    def _no_answer(self) -> Answer:
        topics = ", ".join(title for title in self.chapter_titles.values())
        return Answer(
            answer=messages.NO_ANSWER.format(topics=topics), kind=AnswerKind.OUT_OF_SCOPE, answered=False, citations=[]
        )
