"""Ingest, ask and serve make no connection outside loopback."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time

import httpx
import pytest
import uvicorn

from ui.cli import main as kompas
from ui.server import create_app


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture()
def blocked_attempts(monkeypatch) -> list[str]:
    """Refuse every non-loopback connect and name lookup in this process; return what was tried."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(str(address[0])):
            attempts.append(f"connect {address[0]}:{address[1]}")
            raise ConnectionRefusedError(f"test blocks non-loopback connection to {address[0]}")

    def connect(sock, address):
        check(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        check(sock, address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not _is_loopback(str(host)):
            attempts.append(f"lookup {host}")
            raise socket.gaierror(f"test blocks lookup of {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


def test_guard_blocks_outside_connection(blocked_attempts):
    with pytest.raises(OSError):
        socket.create_connection(("192.0.2.1", 80), timeout=1)

    assert blocked_attempts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_ingest_ask_and_serve_stay_on_loopback(blocked_attempts, fresh_settings, monkeypatch, capsys):
    monkeypatch.setenv("KOMPAS_DATA_DIR", str(fresh_settings.data_dir))
    from index.settings import get_settings

    get_settings.cache_clear()
    try:
        assert kompas(["ingest", "--quiet"]) == 0
        assert kompas(["ask", "--json", "Wat doet de AVIM?"]) == 0
        assert '"answered": true' in capsys.readouterr().out

        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(get_settings()), host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server.started

        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            assert client.get("/health").status_code == 200
            assert client.post("/api/ask", json={"question": "Wat is mensenhandel?"}).json()["answered"] is True
            assert client.get("/chat/").status_code == 303
            assert client.get("/login").status_code == 200
        server.should_exit = True
        thread.join(timeout=30)
    finally:
        get_settings.cache_clear()

    assert blocked_attempts == []
