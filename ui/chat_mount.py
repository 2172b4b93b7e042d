"""Mount the Chainlit chat at ``/chat``, offline and in Dutch."""

from __future__ import annotations

import os
import re
from pathlib import Path

from fastapi import FastAPI

CHAINLIT_ROOT = Path(__file__).resolve().parent / "chainlit"
CHAT_PATH = "/chat"

# Chainlit 2.12's index.html links Google Fonts (preconnect and stylesheet) and the KaTeX
# stylesheet on a CDN. The product must not reach the internet, so such tags are removed.
_EXTERNAL_TAG = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*/?>\s*", re.IGNORECASE)


def offline_dutch_html(html: str) -> str:
    """Remove ``<link>`` tags that point to another host and mark the page as Dutch."""
    return _EXTERNAL_TAG.sub("", html).replace('<html lang="en">', '<html lang="nl">', 1)


def mount_chat(app: FastAPI) -> None:
    """Mount the chat of ``ui/chainlit_app.py`` on ``app`` at ``/chat``.

    ``CHAINLIT_APP_ROOT`` pins Chainlit's config, translations and public folder to
    ``ui/chainlit``; it must be set before Chainlit is imported.
    """
    os.environ["CHAINLIT_APP_ROOT"] = str(CHAINLIT_ROOT)
    import chainlit.server
    from chainlit.utils import mount_chainlit

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
