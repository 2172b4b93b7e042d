"""The ``kompas`` command: ingest, ask and serve."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
from pathlib import Path

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

from typing import get_args  # noqa: E402

from index.settings import FusionMode, get_settings  # noqa: E402

logger = logging.getLogger("kompas")
FUSION_CHOICES = list(get_args(FusionMode))

# Third-party loggers that are chatty at INFO level.
_QUIET_LOGGERS = ("alembic", "haystack", "faiss", "bm25s", "httpx", "chainlit", "engineio", "socketio", "uvicorn.access")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not verbose:
        for name in _QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)


def _load_assistant():
    """Return the assistant over the current index, or None after telling the user to ingest first."""
    from assistant.service import Assistant
    from index.store import IndexNotFoundError

    try:
        return Assistant.from_settings(get_settings())
    except IndexNotFoundError:
        print("Er is nog geen index. Draai eerst 'kompas ingest'.", file=sys.stderr)
        return None


def _cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.content import ContentError
    from ingest.pipeline import run_ingest

    settings = get_settings()
    try:
        report = run_ingest(settings, progress=not args.quiet)
    except ContentError as error:
        print(f"De content bevat {len(error.problems)} fout(en); er is niets geschreven:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except BlockingIOError:
        print("Er loopt al een ingest voor deze datamap; wacht tot die klaar is.", file=sys.stderr)
        return 1
    state = "nieuwe index" if report.changed else "ongewijzigd, bestaande index blijft actief"
    print(
        f"{report.cards} kaarten, {report.chunks} passages; {report.embedded} ge-embed, "
        f"{report.cached} uit de cache; {state} ({report.build_id})."
    )
    return 0


def _cmd_check_content(args: argparse.Namespace) -> int:
    from ingest.checks import check_content

    settings = get_settings()
    problems = check_content(Path(settings.content_dir))
    if problems:
        print(f"De content bevat {len(problems)} probleem/problemen:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print("De content is in orde.")
    return 0


DEFAULT_QUESTION_SETS = ("tests/data/questions.jsonl", "tests/data/eval_questions.jsonl")


def _cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation import count_answered, format_table, load_question_set, run_eval, summarise
    from index.settings import REPO_ROOT

    paths = [Path(path) for path in args.questions] if args.questions else [REPO_ROOT / path for path in DEFAULT_QUESTION_SETS]
    questions = []
    try:
        for path in paths:
            questions += load_question_set(path)
    except (OSError, ValueError) as error:
        print(f"De vragenset kan niet worden gelezen: {error}", file=sys.stderr)
        return 2
    if args.split != "all":
        questions = [item for item in questions if item.split == args.split]
    if not questions:
        print("De vragenset bevat geen vragen voor deze selectie.", file=sys.stderr)
        return 2
    off_topic: list[str] = []
    if args.off_topic:
        try:
            off_topic = [line.strip() for line in Path(args.off_topic).read_text(encoding="utf-8").splitlines() if line.strip()]
        except (OSError, UnicodeDecodeError) as error:
            print(f"Het bestand met vragen buiten het onderwerp kan niet worden gelezen: {error}", file=sys.stderr)
            return 2
    assistant = _load_assistant()
    if assistant is None:
        return 1

    modes = args.mode or [assistant.settings.fusion]
    report = {}
    for mode in modes:
        results = run_eval(assistant, questions, mode=mode)
        report[mode] = summarise(results)
        if off_topic:
            report[mode]["off_topic"] = {"n": len(off_topic), "answered": count_answered(assistant, off_topic, mode=mode)}
        if args.misses:
            for result in results:
                if result.scores["R@3"] < 1:
                    print(f"MISS [{mode}] {result.question.question} -> {result.ranked[:3]} (expected {result.question.expected})", file=sys.stderr)
    second = assistant.second_embedder.name if assistant.second_embedder else None
    if args.json:
        print(json.dumps({"embedder": assistant.embedder.name, "second_embedder": second, "questions": len(questions), "modes": report}, indent=2))
    else:
        embedders = assistant.embedder.name + (f" + {second}" if second else "")
        for mode, summary in report.items():
            print(format_table(summary, f"{mode} ({embedders}, {len(questions)} questions, split {args.split})"))
            if "off_topic" in summary:
                print(f"\nOff-topic questions answered: {summary['off_topic']['answered']} of {summary['off_topic']['n']}.")
            print()
    return 0


def _print_answer(answer) -> None:
    print(textwrap.fill(answer.answer, width=100))
    if answer.read_more and not answer.citations:
        print("\nKaarten die in de buurt komen:")
        for link in answer.read_more:
            print(f"  - {link.title}\n      {link.url}")
    if answer.citations:
        print("\nBronnen:")
        for number, citation in enumerate(answer.citations, start=1):
            print(f"  [{number}] {citation.title} — {citation.chapter}\n      {citation.url}")


def _cmd_ask(args: argparse.Namespace) -> int:
    question = args.question.strip()
    if not question:
        print("Stel een vraag: de vraag is leeg.", file=sys.stderr)
        return 2
    assistant = _load_assistant()
    if assistant is None:
        return 1
    answer = assistant.ask(question, mode=args.mode)
    if args.json:
        print(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        _print_answer(answer)
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ui.server import create_app

    settings = get_settings()
    host = args.host or settings.host
    port = args.port or settings.port
    app = create_app(settings)
    logger.info("serving on http://%s:%d (chat at /chat)", host, port)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``kompas`` command."""
    parser = argparse.ArgumentParser(prog="kompas", description="Kompas Assistent: the compass on human trafficking for municipalities.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="validate content/ and build a new index")
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ingest.set_defaults(handler=_cmd_ingest)

    check = commands.add_parser("check-content", help="check the cards: schema, links, length, duplicates, personal data")
    check.set_defaults(handler=_cmd_check_content)

    ask = commands.add_parser("ask", help="answer one question from the compass")
    ask.add_argument("question", help="the question, in Dutch")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--mode", choices=FUSION_CHOICES, help="fusion mode (default: KOMPAS_FUSION)")
    ask.set_defaults(handler=_cmd_ask)

    evaluate = commands.add_parser("eval", help="measure retrieval on a question set: Recall@k, MRR@10, nDCG@10, latency")
    evaluate.add_argument("--questions", action="append", help="JSONL question set (repeatable; default: the sets in tests/data)")
    evaluate.add_argument("--mode", action="append", choices=FUSION_CHOICES, help="fusion mode (repeatable; default: KOMPAS_FUSION)")
    evaluate.add_argument("--split", choices=["all", "tune", "heldout"], default="all", help="which part of the set to run (default: all)")
    evaluate.add_argument("--off-topic", help="text file with one off-topic question per line; reports how many get an answer")
    evaluate.add_argument("--json", action="store_true", help="print the results as JSON")
    evaluate.add_argument("--misses", action="store_true", help="list questions whose expected card is not in the top 3 (stderr)")
    evaluate.set_defaults(handler=_cmd_eval)

    from ui.admin_cli import add_parsers

    add_parsers(commands)

    serve = commands.add_parser("serve", help="start the web server with the API and the chat")
    serve.add_argument("--host", help="address to bind (default: KOMPAS_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (default: KOMPAS_PORT or 8000)")
    serve.set_defaults(handler=_cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``kompas`` command and return its exit code."""
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
