"""Accounts, teams and login sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.workspace.models import LoginSession, Membership, Team, User, utcnow

_hasher = PasswordHasher()
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MIN_PASSWORD_LENGTH = 12
ROLES = ("member", "lead")


class AccountError(ValueError):
    """Raised for invalid account or team operations; the message is Dutch, for the administrator."""


def hash_password(password: str) -> str:
    """Hash a password with Argon2id.

    :raises AccountError: when the password is shorter than ``MIN_PASSWORD_LENGTH``.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"het wachtwoord is te kort: gebruik minstens {MIN_PASSWORD_LENGTH} tekens")
    return _hasher.hash(password)


def create_user(db: Session, email: str, display_name: str, password: str | None) -> User:
    """Create an active account; without a password it can only log in through the identity gateway.

    :raises AccountError: for an invalid or already used e-mail address.
    """
    email = email.strip().lower()
    if not EMAIL_PATTERN.match(email):
        raise AccountError(f"ongeldig e-mailadres: {email!r}")
    if db.scalar(select(User).where(User.email == email)):
        raise AccountError(f"er bestaat al een account met e-mailadres {email!r}")
    user = User(email=email, display_name=display_name.strip() or email, password_hash=hash_password(password) if password else None)
    db.add(user)
    db.flush()
    return user


def get_user(db: Session, email: str) -> User:
    """Return the account with this e-mail address.

    :raises AccountError: when there is none.
    """
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise AccountError(f"geen account met e-mailadres {email!r}")
    return user


def create_team(db: Session, slug: str, name: str) -> Team:
    """Create a team.

    :raises AccountError: for an invalid or already used slug.
    """
    if not SLUG_PATTERN.match(slug):
        raise AccountError(f"ongeldige team-id {slug!r}: gebruik kleine letters, cijfers en streepjes")
    if db.scalar(select(Team).where(Team.slug == slug)):
        raise AccountError(f"er bestaat al een team {slug!r}")
    team = Team(slug=slug, name=name.strip() or slug)
    db.add(team)
    db.flush()
    return team


def get_team(db: Session, slug: str) -> Team:
    """Return the team with this slug.

    :raises AccountError: when there is none.
    """
    team = db.scalar(select(Team).where(Team.slug == slug))
    if team is None:
        raise AccountError(f"geen team {slug!r}")
    return team


def add_member(db: Session, team: Team, user: User, role: str = "member") -> Membership:
    """Add a user to a team, or change the role of an existing member."""
    if role not in ROLES:
        raise AccountError(f"ongeldige rol {role!r}; kies uit: {', '.join(ROLES)}")
    membership = db.get(Membership, (user.id, team.id))
    if membership is None:
        membership = Membership(user_id=user.id, team_id=team.id, role=role)
        db.add(membership)
    else:
        membership.role = role
    db.flush()
    return membership


def remove_member(db: Session, team: Team, user: User) -> None:
    """Remove a user from a team.

    :raises AccountError: when the user is not a member.
    """
    membership = db.get(Membership, (user.id, team.id))
    if membership is None:
        raise AccountError(f"{user.email} is geen lid van {team.slug}")
    db.delete(membership)
    db.flush()


def team_ids(db: Session, user_id: int) -> set[int]:
    """Return the ids of the teams a user belongs to."""
    return set(db.scalars(select(Membership.team_id).where(Membership.user_id == user_id)))


def authenticate(db: Session, email: str, password: str) -> User | None:
    """Return the active account when the password matches, else None (also for unknown accounts)."""
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active or not user.password_hash:
        # Hash anyway, so a missing account takes as long as a wrong password.
        _hasher.hash(password or "x")
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(db: Session, user: User, hours: int) -> tuple[str, LoginSession]:
    """Create a login session; return the cookie token (256 random bits) and the stored row."""
    token = secrets.token_urlsafe(32)
    login = LoginSession(
        token_hash=_token_hash(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
        expires_at=utcnow() + dt.timedelta(hours=hours),
    )
    db.add(login)
    db.flush()
    return token, login


def resolve_session(db: Session, token: str | None) -> tuple[User, LoginSession] | None:
    """Return the user and session of a cookie token, or None when it is unknown, expired or disabled."""
    if not token:
        return None
    login = db.get(LoginSession, _token_hash(token))
    if login is None:
        return None
    expires = login.expires_at if login.expires_at.tzinfo else login.expires_at.replace(tzinfo=dt.timezone.utc)
    if expires <= utcnow():
        db.delete(login)
        return None
    user = db.get(User, login.user_id)
    if user is None or not user.is_active:
        return None
    return user, login


def end_session(db: Session, token: str | None) -> None:
    """Delete the session of a cookie token, so the cookie stops working at once."""
    if token:
        login = db.get(LoginSession, _token_hash(token))
        if login is not None:
            db.delete(login)


def end_all_sessions(db: Session, user: User) -> None:
    """Delete every session of a user (after a password reset or when the account is disabled)."""
    for login in db.scalars(select(LoginSession).where(LoginSession.user_id == user.id)):
        db.delete(login)
