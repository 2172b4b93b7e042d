"""A fake OpenAI-compatible chat server on loopback, scripted per test through ``FakeLLM.behaviour``."""

from __future__ import annotations

import re
import socket
import threading
import time

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class FakeLLM:
    """Serves ``POST /v1/chat/completions`` and builds each reply from the cards in the prompt.

    Behaviours: ``grounded`` (cites card 1 with its title), ``uncited`` (adds a sentence without a
    marker), ``invented-number`` (a number that no card contains), ``no-markers``, ``slow``
    (answers after ``delay`` seconds) and ``error`` (HTTP 500).
    """

    def __init__(self) -> None:
        self.behaviour = "grounded"
        self.delay = 3.0
        self.requests: list[dict] = []
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self._complete)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "FakeLLM":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    async def _complete(self, request: Request):
        body = await request.json()
        self.requests.append(body)
        prompt = body["messages"][-1]["content"]
        titles = re.findall(r"^\[(\d+)\] (.+)$", prompt, flags=re.MULTILINE)
        first_title = titles[0][1] if titles else "de kaart"
        grounded = f"Het antwoord staat op de kaart {first_title}. [1]"
        if self.behaviour == "error":
            return JSONResponse(status_code=500, content={"error": {"message": "model crashed"}})
        if self.behaviour == "slow":
            import asyncio

            await asyncio.sleep(self.delay)
        text = {
            "grounded": grounded,
            "slow": grounded,
            "uncited": grounded + " Dit is een zin zonder bron.",
            "invented-number": f"Er waren 987654 slachtoffers volgens {first_title}. [1]",
            "no-markers": "Mensenhandel is een ernstig misdrijf.",
        }[self.behaviour]
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
