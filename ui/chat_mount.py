"""Mount the Chainlit chat at ``/chat``, offline and in Dutch."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI

from index.settings import Settings

CHAINLIT_ROOT = Path(__file__).resolve().parent / "chainlit"
CHAT_PATH = "/chat"

# Chainlit 2.12's index.html links Google Fonts (preconnect and stylesheet) and the KaTeX
# stylesheet on a CDN. The product must not reach the internet, so such tags are removed.
_EXTERNAL_TAG = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*/?>\s*", re.IGNORECASE)


def offline_dutch_html(html: str) -> str:
    """Remove ``<link>`` tags that point to another host and mark the page as Dutch."""
    return _EXTERNAL_TAG.sub("", html).replace('<html lang="en">', '<html lang="nl">', 1)


def _chat_secret(settings: Settings) -> str:
    """Return the secret that signs Chainlit's tokens: the setting, or one kept in the data folder."""
    if settings.chat_secret.get_secret_value():
        return settings.chat_secret.get_secret_value()
    path = settings.data_dir / "chat-secret"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def allowed_origins(settings: Settings) -> list[str]:
    """Return the origins the chat accepts: the public URL's origin, or the address the server binds."""
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        return [f"{parts.scheme}://{parts.netloc}"]
    return [f"http://{settings.host}:{settings.port}", f"http://localhost:{settings.port}", f"http://127.0.0.1:{settings.port}"]


def mount_chat(app: FastAPI, settings: Settings) -> None:
    """Mount the chat of ``ui/chainlit_app.py`` on ``app`` at ``/chat``.

    ``CHAINLIT_APP_ROOT`` pins Chainlit's config, translations and public folder to
    ``ui/chainlit``; it must be set before Chainlit is imported. CORS is limited to this
    deployment's origins instead of Chainlit's default of any origin.
    """
    os.environ["CHAINLIT_APP_ROOT"] = str(CHAINLIT_ROOT)
    os.environ["CHAINLIT_AUTH_SECRET"] = _chat_secret(settings)
    import chainlit.server
    from chainlit.config import config
    from chainlit.utils import mount_chainlit

    config.project.allow_origins = allowed_origins(settings)

    original = chainlit.server.get_html_template
    if not getattr(original, "_kompas_offline", False):

        def offline_template(root_path: str) -> str:
            return offline_dutch_html(original(root_path))

        offline_template._kompas_offline = True
        chainlit.server.get_html_template = offline_template

    # Chainlit has one global app per process. mount_chainlit configures it and adds a
    # middleware, which Starlette rejects once that app has served a request, so a second
    # FastAPI app in the same process (as in the tests) mounts the configured app directly.
    if getattr(chainlit.server.app.state, "kompas_mounted", False):
        app.mount(CHAT_PATH, chainlit.server.app)
        return
    mount_chainlit(app=app, target=str(Path(__file__).resolve().parent / "chainlit_app.py"), path=CHAT_PATH)
    chainlit.server.app.state.kompas_mounted = True
