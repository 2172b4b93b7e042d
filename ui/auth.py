"""Login sessions, CSRF protection, login rate limiting and the trusted identity-gateway header."""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from fastapi import HTTPException, Request, Response
from sqlalchemy.orm import Session

from assistant import messages
from assistant.workspace.accounts import resolve_session, start_session
from assistant.workspace.models import LoginSession, User
from index.settings import Settings

logger = logging.getLogger(__name__)

SESSION_COOKIE = "kompas_session"
# Double-submit cookie that protects the login form, before a session exists.
LOGIN_CSRF_COOKIE = "kompas_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class Viewer:
    """The logged-in user of a request and their session."""

    user: User
    session: LoginSession


def cookie_secure(settings: Settings, request: Request) -> bool:
    """Decide the Secure flag: the setting when given, else whether the request came over HTTPS."""
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded == "https"


def set_session_cookie(response: Response, token: str, settings: Settings, request: Request) -> None:
    """Set the session cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS, path / for the pages and the chat."""
    response.set_cookie(
        SESSION_COOKIE, token, max_age=settings.session_hours * 3600, httponly=True, samesite="lax",
        secure=cookie_secure(settings, request), path="/",
    )


def current_viewer(request: Request, db: Session, settings: Settings) -> Viewer | None:
    """Return the viewer of a request from the session cookie, or from the trusted gateway header.

    The header is honoured only when it is configured and the request comes straight from one of
    the configured proxy addresses. A new session is then started, and the caller sets its cookie
    from ``request.state.new_session_token``.
    """
    found = resolve_session(db, request.cookies.get(SESSION_COOKIE))
    if found is not None:
        return Viewer(*found)
    if settings.trusted_header and request.client and request.client.host in settings.trusted_proxies:
        email = request.headers.get(settings.trusted_header, "").strip().lower()
        if email:
            from sqlalchemy import select

            user = db.scalar(select(User).where(User.email == email))
            if user is not None and user.is_active:
                token, login = start_session(db, user, settings.session_hours)
                db.commit()
                request.state.new_session_token = token
                logger.info("user %s logged in through the trusted header", user.id)
                return Viewer(user, login)
            logger.info("trusted header names no active account; request stays anonymous")
    return None


def check_csrf(request: Request, viewer: Viewer, form_token: str | None = None) -> None:
    """Reject a state-changing request whose CSRF token does not match the session's.

    :raises HTTPException: 403 with a Dutch message.
    """
    if request.method in SAFE_METHODS:
        return
    sent = form_token or request.headers.get(CSRF_HEADER, "")
    if not sent or not hmac.compare_digest(sent, viewer.session.csrf_token):
        logger.info("rejected %s %s from user %s: CSRF token missing or wrong", request.method, request.url.path, viewer.user.id)
        raise HTTPException(status_code=403, detail=messages.CSRF_FAILED)


def new_login_csrf() -> str:
    """Return a fresh token for the login form's double-submit cookie."""
    return secrets.token_urlsafe(32)


class LoginRateLimiter:
    """Counts failed logins per client address and per account within a sliding window.

    :param max_failures: failures allowed per key within ``window_seconds``.
    """

    def __init__(self, max_failures: int, window_seconds: int) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        entries = self._failures[key]
        while entries and now - entries[0] > self.window_seconds:
            entries.popleft()
        return entries

    def blocked(self, *keys: str) -> bool:
        """True when any key has reached the maximum number of recent failures."""
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(key, now)) >= self.max_failures for key in keys)

    def record_failure(self, *keys: str) -> None:
        """Count one failed login for every key."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def reset(self, *keys: str) -> None:
        """Forget the failures of these keys after a successful login."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
