"""The assistant: question in, grounded Dutch answer with cited cards out."""

from __future__ import annotations

import logging
import re
import threading
from typing import NamedTuple

import numpy as np

from assistant import messages
from assistant.analysis import AnswerKind, classify_kind, detect_kind
from assistant.answer import Answer, CardLink, Passage, Section, compose_extractive, make_citation, read_more_links
from assistant.conversation import resolve_question
from assistant.scope import Scope, classify_scope
from index.embedder import Embedder, load_embedder, load_second_embedder
from index.models import Card
from index.retrieval import build_query_pipeline
from index.settings import FusionMode, Settings
from index.store import IndexBuild
from index.text import tokenize

logger = logging.getLogger(__name__)


class Similarity(NamedTuple):
    """The best dense similarity of a question to any card section and to any card question."""

    section: float
    question: float


EMERGENCY_CARD_ID = "acuut-gevaar"
LIMITS_CARD_ID = "grenzen-van-het-kompas"
# Cards linked when a question falls just short of the coverage gate.
NEAR_MISS_CARDS = 3

# Fixed replies per scope: the message, the answer kind, whether it counts as answered, and the card cited.
_FIXED_REPLIES = {
    Scope.ACUTE_DANGER: (messages.ACUTE_DANGER, AnswerKind.SAFETY, True, EMERGENCY_CARD_ID),
    Scope.OWN_SITUATION: (messages.OWN_SITUATION, AnswerKind.SAFETY, True, EMERGENCY_CARD_ID),
    Scope.JUDGE_PARTY: (messages.JUDGE_PARTY, AnswerKind.OUT_OF_SCOPE, False, LIMITS_CARD_ID),
    Scope.LEGAL_ADVICE: (messages.LEGAL_ADVICE, AnswerKind.OUT_OF_SCOPE, False, LIMITS_CARD_ID),
    Scope.CASE_MANAGEMENT: (messages.CASE_MANAGEMENT, AnswerKind.OUT_OF_SCOPE, False, LIMITS_CARD_ID),
}
# Identifiers in a question: article numbers ("273f"), phone numbers ("0800-7000"), long
# numbers such as kamerstuk numbers ("36547") and acronyms ("AVIM"). Plain years do not count.
_IDENTIFIER = re.compile(r"\b(?:\d+[a-z]\w*|\d{2,}-\d+(?:-\d+)*|\d{5,}|\d+\.\d+|[A-Z]{3,})\b")


class Assistant:
    """Answers questions from one index build; load once, then share across requests.

    :param settings: thresholds, fusion mode and the public URL of card pages.
    :param build: the loaded index build.
    :param embedder: the query embedder; it must be the embedder the build was made with.
        The second dense channel's embedder is loaded from ``settings.second_embedder``.
    :raises ValueError: when an embedder differs from the build's.
    """

    def __init__(self, settings: Settings, build: IndexBuild, embedder: Embedder) -> None:
        second = load_second_embedder(settings.second_embedder)
        for role, built_with, loaded in (
            ("embedder", build.manifest.get("embedder"), embedder.name),
            ("second embedder", build.manifest.get("second_embedder"), second.name if second else None),
        ):
            if built_with != loaded:
                raise ValueError(
                    f"index build {build.build_id} was made with {role} {built_with!r} "
                    f"but the configured {role} is {loaded!r}; run 'kompas ingest' again"
                )
        self.settings = settings
        self.build = build
        self.embedder = embedder
        self.second_embedder = second
        self._pipelines: dict[str, object] = {}
        self._lock = threading.Lock()
        self.chapter_titles = {chapter.id: chapter.title for chapter in build.chapters.values()}
        self.sections: dict[str, list[Section]] = {}
        for chunk in build.chunks:
            if not chunk.question:
                self.sections.setdefault(chunk.card_id, []).append(Section(heading=chunk.heading, text=chunk.text))
        self._index_cards(build)
        self.card_url = settings.public_url.rstrip("/") + "/kaarten/{card_id}"
        self.llm = None
        if settings.llm_url and settings.llm_model:
            from assistant.llm import LLMWriter

            self.llm = LLMWriter(settings)
            logger.info("language model answers enabled (model %s)", settings.llm_model)

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
                self._pipelines[mode] = build_query_pipeline(
                    self.build,
                    self.embedder,
                    mode,
                    self.settings.blend_weight,
                    second_embedder=self.second_embedder,
                    second_weight=self.settings.second_weight,
                )
            return self._pipelines[mode]

    def _index_cards(self, build: IndexBuild) -> None:
        """Precompute, per chunk, its card's number and the card factors that do not depend on the question."""
        card_ids = list(build.cards)
        number = {card_id: i for i, card_id in enumerate(card_ids)}
        self._chunk_card = np.array([number[chunk.card_id] for chunk in build.chunks])
        self._is_question = np.array([chunk.question for chunk in build.chunks], dtype=bool)
        self._card_has_questions = np.zeros(len(card_ids), dtype=bool)
        self._card_has_questions[self._chunk_card[self._is_question]] = True
        self._card_factor = np.array([self.settings.intro_weight if build.cards[c].is_intro else 1.0 for c in card_ids])
        self._card_kind = np.array([build.cards[c].kind.value for c in card_ids])

    def retrieve(self, question: str, mode: FusionMode | None = None, limit: int | None = None) -> tuple[list[Passage], list[float]]:
        """Return the best card sections for ``question`` (best first, ``top_k`` at most) and their dense similarities."""
        passages, dense_scores, _ = self._search(question, mode, limit)
        return passages, dense_scores

    def _search(self, question: str, mode: FusionMode | None, limit: int | None) -> tuple[list[Passage], list[float], Similarity]:
        """Rank the card sections for ``question``; also return the best dense similarity to any section and to any card question.

        A section's score mixes its own fused score with the best fused score of its card's
        questions (``question_share``), so a card must match both in its text and in its
        questions to rank high. Chapter introductions are then weighted down by
        ``intro_weight``, and cards of the kind the question's wording shows are boosted by
        ``kind_boost``.
        """
        mode = mode or self.settings.fusion
        inputs = {"embedder": {"text": question}, "keyword": {"query": question}}
        if self.second_embedder is not None:
            inputs["second_embedder"] = {"text": question}
        fusion = self._pipeline(mode).run(inputs)["fusion"]
        fused, dense = fusion["scores"], fusion["dense"]

        card = self._chunk_card
        best_question = np.zeros(len(self._card_factor))
        np.maximum.at(best_question, card[self._is_question], fused[self._is_question])
        share = self.settings.question_share
        mixed = np.where(self._card_has_questions[card], (1 - share) * fused + share * best_question[card], fused)
        factor = self._card_factor.copy()
        kind = detect_kind(question)
        if kind is not None:
            factor[self._card_kind == kind.value] *= self.settings.kind_boost
        scores = mixed * factor[card]
        # Questions are never passages, and a section whose card matched nothing is no result.
        scores[self._is_question] = -np.inf
        scores[fused + best_question[card] <= 0] = -np.inf

        order = np.argsort(-scores, kind="stable")[: limit or self.settings.top_k]
        top = [int(position) for position in order if np.isfinite(scores[position])]
        passages = []
        for position in top:
            chunk = self.build.chunks[position]
            passages.append(Passage(card_id=chunk.card_id, heading=chunk.heading, text=chunk.text, score=float(scores[position])))
        similarity = Similarity(
            section=float(dense[~self._is_question].max(initial=0.0)), question=float(dense[self._is_question].max(initial=0.0))
        )
        return passages, [float(dense[position]) for position in top], similarity

    def is_covered(self, question: str, similarity: Similarity) -> bool:
        """Decide whether the compass covers the question.

        The best dense similarity to a card section must reach ``min_dense_score``, or the best
        to a card question must reach ``min_question_score``, unless the question names an
        identifier (a number or an acronym) that occurs in the compass.
        """
        if similarity.section >= self.settings.min_dense_score or similarity.question >= self.settings.min_question_score:
            return True
        vocabulary = self.build.keyword.vocab_dict
        identifiers = [token for match in _IDENTIFIER.findall(question) for token in tokenize(match)]
        return any(token in vocabulary for token in identifiers)

    def rank_cards(self, question: str, history: list[str] | None = None, mode: FusionMode | None = None) -> list[str]:
        """Return card ids in retrieval order for a question (after follow-up resolution), for evaluation."""
        passages, _ = self.retrieve(resolve_question(question, history or []), mode)
        ranked: list[str] = []
        for passage in passages:
            if passage.card_id not in ranked:
                ranked.append(passage.card_id)
        return ranked

    def ask(self, question: str, history: list[str] | None = None, mode: FusionMode | None = None) -> Answer:
        """Answer one question, optionally as a follow-up to ``history`` (earlier resolved questions).

        Acute danger, own situations and requests the assistant must decline get a fixed reply.
        A question the compass does not cover gets an honest "not found" with suggested topics,
        ``answered`` false.
        """
        scope = classify_scope(question)
        if scope != Scope.IN_SCOPE:
            logger.info("question routed to the fixed reply for %s", scope.value)
            return self._fixed_reply(scope)

        resolved = resolve_question(question, history or [])
        passages, _, similarity = self._search(resolved, mode, None)
        if not passages or (mode != "keyword" and not self.is_covered(resolved, similarity)):
            logger.info(
                "question not covered by the compass (best similarity %.3f to a section, %.3f to a card question)",
                similarity.section,
                similarity.question,
            )
            return self._no_answer(passages if self._is_near_miss(similarity) else [])

        best_card = self.build.cards[passages[0].card_id]
        kind = classify_kind(question, fallback=best_card.kind)
        extractive = compose_extractive(resolved, kind, passages, self.sections, self.build.cards, self.chapter_titles, self.card_url)
        if self.llm is not None:
            written = self.llm.write(resolved, kind, passages, self.build.cards, self.chapter_titles, self.card_url)
            if written is not None:
                return written.model_copy(update={"suggestions": extractive.suggestions})
        return extractive

    def _fixed_reply(self, scope: Scope) -> Answer:
        text, kind, answered, card_id = _FIXED_REPLIES[scope]
        citations = []
        card = self.build.cards.get(card_id)
        if card:
            citations.append(make_citation(card, self.chapter_titles, self.card_url, card.summary))
        else:
            logger.warning("card %s for fixed replies is missing from build %s", card_id, self.build.build_id)
        return Answer(answer=text, kind=kind, answered=answered, citations=citations, read_more=read_more_links(citations))

    def _is_near_miss(self, similarity: Similarity) -> bool:
        margin = self.settings.near_miss_margin
        return (
            similarity.section >= self.settings.min_dense_score - margin
            or similarity.question >= self.settings.min_question_score - margin
        )

    def _no_answer(self, near: list[Passage]) -> Answer:
        """Build the "not found" reply, with links to up to three cards of ``near`` when it is not empty."""
        card_ids = list(dict.fromkeys(passage.card_id for passage in near))[:NEAR_MISS_CARDS]
        if card_ids:
            links = [
                CardLink(card_id=card_id, title=self.build.cards[card_id].title, url=self.card_url.format(card_id=card_id))
                for card_id in card_ids
            ]
            return Answer(answer=messages.NO_ANSWER_NEAR, kind=AnswerKind.OUT_OF_SCOPE, answered=False, citations=[], read_more=links)
        topics = ", ".join(title for title in self.chapter_titles.values())
        return Answer(
            answer=messages.NO_ANSWER.format(topics=topics), kind=AnswerKind.OUT_OF_SCOPE, answered=False, citations=[]
        )
