"""Benchmark of answering: in-process ask latency and HTTP throughput of ``POST /api/ask``.

Run from the repository root after ``kompas ingest``::

    .venv/bin/python -m benchmarks.ask [--requests 300] [--url http://127.0.0.1:8000]

Without ``--url`` it starts ``kompas serve`` on a free loopback port and stops it afterwards.
Every request uses a distinct question, so nothing is served from a cache. Traffic goes to
loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from assistant.evaluation import load_question_set
from assistant.service import Assistant
from index.settings import REPO_ROOT, get_settings

QUESTION_SETS = (REPO_ROOT / "tests/data/questions.jsonl", REPO_ROOT / "tests/data/eval_questions.jsonl")
# Openings that turn each question of the sets into several distinct requests.
PREFIXES = ("", "Kun je uitleggen: ", "Graag kort: ", "Vraag van een collega: ", "Ik wil weten: ", "Even checken: ")
CONCURRENCY = (1, 4, 16)


def distinct_questions() -> list[str]:
    """Return distinct questions: every question of the sets with every opening."""
    base = [item.question for path in QUESTION_SETS for item in load_question_set(path)]
    return [prefix + question for prefix in PREFIXES for question in base]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def bench_in_process(questions: list[str], count: int) -> dict:
    """Time ``Assistant.ask`` (extractive, query embedding included) on ``count`` distinct questions."""
    assistant = Assistant.from_settings(get_settings())
    for question in questions[:10]:
        assistant.ask(question)
    timings = []
    for question in questions[10:10 + count]:
        start = time.perf_counter()
        assistant.ask(question)
        timings.append((time.perf_counter() - start) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": len(timings), "p50_ms": round(percentile(timings, 0.5), 1), "p95_ms": round(percentile(timings, 0.95), 1),
            "mean_ms": round(statistics.fmean(timings), 1), "peak_rss_mb": round(peak_mb)}


async def _load(url: str, questions: list[str], concurrency: int) -> dict:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for question in questions:
        queue.put_nowait(question)
    timings: list[float] = []
    errors = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while True:
            try:
                question = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            start = time.perf_counter()
            try:
                response = await client.post("/api/ask", json={"question": question})
                if response.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            timings.append((time.perf_counter() - start) * 1000)

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return {"concurrency": concurrency, "requests": len(questions), "errors": errors,
            "requests_per_s": round(len(questions) / elapsed, 1),
            "p50_ms": round(percentile(timings, 0.5), 1), "p95_ms": round(percentile(timings, 0.95), 1)}


def _start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "KOMPAS_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve"], cwd=REPO_ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("kompas serve did not start within 120 s")


def _peak_rss_mb(pid: int) -> float | None:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests per concurrency level (default 300)")
    parser.add_argument("--in-process", type=int, default=200, help="questions for the in-process timing (default 200)")
    parser.add_argument("--url", help="a running server on loopback; default: start one")
    args = parser.parse_args()

    questions = distinct_questions()
    needed = args.in_process + 10 + args.requests * len(CONCURRENCY)
    if len(questions) < needed:
        parser.error(f"only {len(questions)} distinct questions for {needed} requests; lower --requests")

    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "in_process": bench_in_process(questions, args.in_process),
    }
    process, url = (None, args.url) if args.url else _start_server()
    try:
        offset = args.in_process + 10
        report["http"] = []
        for concurrency in CONCURRENCY:
            batch = questions[offset:offset + args.requests]
            offset += args.requests
            report["http"].append(asyncio.run(_load(url, batch, concurrency)))
        if process is not None:
            report["server_peak_rss_mb"] = _peak_rss_mb(process.pid)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
