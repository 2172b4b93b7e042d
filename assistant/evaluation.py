"""Retrieval evaluation: card-level Recall@k, MRR@10 and nDCG@10 over a question set, with latency."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from haystack import Document
from haystack.components.evaluators import DocumentMRREvaluator, DocumentNDCGEvaluator, DocumentRecallEvaluator

from assistant.service import Assistant

RECALL_CUTOFFS = (1, 3, 5)
RANK_CUTOFF = 10


@dataclass
class EvalQuestion:
    """One line of a question set (JSONL)."""

    question: str
    expected: list[str]
    kind: str
    tags: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    split: str = "tune"
    id: str = ""


def load_question_set(path: Path) -> list[EvalQuestion]:
    """Read a JSONL question set; lines of kind "safety" are skipped (they get fixed replies).

    :raises ValueError: naming the line when a line is not valid JSON or lacks a field.
    """
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            item = EvalQuestion(
                question=row["question"], expected=list(row["expected"]), kind=row["kind"], tags=list(row.get("tags", [])),
                history=list(row.get("history", [])), split=row.get("split", "tune"), id=row.get("id", f"{path.stem}:{number}"),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: invalid question line ({error})") from error
        if item.kind != "safety":
            questions.append(item)
    return questions


@dataclass
class QuestionResult:
    """The ranking of one question and its scores."""

    question: EvalQuestion
    ranked: list[str]
    seconds: float
    scores: dict[str, float] = field(default_factory=dict)


def _documents(card_ids: list[str]) -> list[Document]:
    return [Document(content=card_id) for card_id in card_ids]


def score_rankings(results: list[QuestionResult]) -> None:
    """Fill ``scores`` of every result with Haystack's document evaluators (single-hit recall)."""
    truth = [_documents(result.question.expected) for result in results]
    for cutoff in RECALL_CUTOFFS:
        recall = DocumentRecallEvaluator(mode="single_hit").run(
            ground_truth_documents=truth, retrieved_documents=[_documents(r.ranked[:cutoff]) for r in results]
        )
        for result, value in zip(results, recall["individual_scores"]):
            result.scores[f"R@{cutoff}"] = value
    top = [_documents(result.ranked[:RANK_CUTOFF]) for result in results]
    for name, evaluator in (("MRR@10", DocumentMRREvaluator()), ("nDCG@10", DocumentNDCGEvaluator())):
        output = evaluator.run(ground_truth_documents=truth, retrieved_documents=top)
        for result, value in zip(results, output["individual_scores"]):
            result.scores[name] = value


def run_eval(assistant: Assistant, questions: list[EvalQuestion], mode: str | None = None) -> list[QuestionResult]:
    """Rank cards for every question through the real pipeline and score the rankings.

    ``answered`` is 1 when the full ``ask`` returns a composed reply, not a fixed or "not found"
    one. It is measured outside the timed ranking.
    """
    results = []
    for item in questions:
        start = time.perf_counter()
        ranked = assistant.rank_cards(item.question, history=item.history, mode=mode)
        results.append(QuestionResult(question=item, ranked=ranked, seconds=time.perf_counter() - start))
    score_rankings(results)
    for result in results:
        item = result.question
        result.scores["answered"] = float(assistant.ask(item.question, history=item.history, mode=mode).answered)
    return results


def count_answered(assistant: Assistant, questions: list[str], mode: str | None = None) -> int:
    """Return how many of ``questions`` get an answer; for off-topic questions this should stay near zero."""
    return sum(assistant.ask(question, mode=mode).answered for question in questions)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def summarise(results: list[QuestionResult]) -> dict:
    """Average the scores overall, per split, per kind and per tag; add latency p50/p95 in milliseconds."""

    def mean(group: list[QuestionResult]) -> dict:
        metrics = {name: round(statistics.fmean(r.scores[name] for r in group), 3) for name in group[0].scores}
        return {"n": len(group), **metrics}

    groups: dict[str, dict[str, list[QuestionResult]]] = {"split": {}, "kind": {}, "tag": {}}
    for result in results:
        groups["split"].setdefault(result.question.split, []).append(result)
        groups["kind"].setdefault(result.question.kind, []).append(result)
        for tag in result.question.tags:
            groups["tag"].setdefault(tag, []).append(result)
    latencies = [r.seconds * 1000 for r in results]
    return {
        "overall": mean(results),
        **{name: {key: mean(group) for key, group in sorted(members.items())} for name, members in groups.items()},
        "latency_ms": {"p50": round(_percentile(latencies, 0.5), 1), "p95": round(_percentile(latencies, 0.95), 1)},
    }


def format_table(summary: dict, title: str) -> str:
    """Render a summary as a Markdown table."""
    metrics = ["R@1", "R@3", "R@5", "MRR@10", "nDCG@10", "answered"]
    lines = [f"### {title}", "", "| group | n | " + " | ".join(metrics) + " |", "|---|---|" + "---|" * len(metrics)]

    def row(name: str, values: dict) -> None:
        lines.append(f"| {name} | {values['n']} | " + " | ".join(f"{values[m]:.3f}" for m in metrics) + " |")

    row("overall", summary["overall"])
    for section in ("split", "kind", "tag"):
        for key, values in summary[section].items():
            row(f"{section}: {key}", values)
    latency = summary["latency_ms"]
    lines += ["", f"Query latency p50 {latency['p50']} ms, p95 {latency['p95']} ms (retrieval incl. query embedding)."]
    return "\n".join(lines)
