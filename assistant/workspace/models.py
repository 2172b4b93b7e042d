"""Tables of the workspace. Every row that contains user content names the team it belongs to."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    """Return the current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of the workspace tables."""


class User(Base):
    """An account; ``password_hash`` is empty for accounts that log in through the identity gateway."""

    __tablename__ = "kompas_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user", cascade="all, delete-orphan")


class Team(Base):
    """A municipality or region whose members share notes and threads."""

    __tablename__ = "kompas_teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="team", cascade="all, delete-orphan")


class Membership(Base):
    """A user's place in a team; ``role`` is "member" or "lead"."""

    __tablename__ = "kompas_memberships"

    user_id: Mapped[int] = mapped_column(ForeignKey("kompas_users.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("kompas_teams.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default="member")

    user: Mapped[User] = relationship(back_populates="memberships")
    team: Mapped[Team] = relationship(back_populates="memberships")


class LoginSession(Base):
    """A login; the cookie contains a random token, and only its SHA-256 hash is stored."""

    __tablename__ = "kompas_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("kompas_users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Note(Base):
    """A note: free text, or a saved answer with its question and citations; personal or team-visible."""

    __tablename__ = "kompas_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("kompas_teams.id", ondelete="CASCADE"), index=True)
    # Empty once the author's account is deleted and the note stayed with the team.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("kompas_users.id", ondelete="SET NULL"), nullable=True, index=True)
    visibility: Mapped[str] = mapped_column(String(16), default="personal")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str | None] = mapped_column(Text, nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    citations: Mapped[list] = mapped_column(JSON, default=list)
    card_ids: Mapped[list] = mapped_column(JSON, default=list)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    thread_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ShareLink(Base):
    """A read-only link to a note, thread, card or chapter; revocable, optionally expiring or public."""

    __tablename__ = "kompas_share_links"
    __table_args__ = (UniqueConstraint("token", name="uq_share_links_token"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(120))
    team_id: Mapped[int] = mapped_column(ForeignKey("kompas_teams.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("kompas_users.id", ondelete="SET NULL"), nullable=True)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TrainingRoute(Base):
    """A user's choice of training route ("basis" or "verdieping") and the last card opened in it."""

    __tablename__ = "kompas_training"

    user_id: Mapped[int] = mapped_column(ForeignKey("kompas_users.id", ondelete="CASCADE"), primary_key=True)
    route: Mapped[str] = mapped_column(String(16), default="basis")
    last_card_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class CardRead(Base):
    """A card a user marked as read; the training route's progress is the set of these."""

    __tablename__ = "kompas_card_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("kompas_users.id", ondelete="CASCADE"), primary_key=True)
    card_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    read_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReflectionAnswer(Base):
    """A user's answer to a chapter's reflection question; the text lives in a personal note."""

    __tablename__ = "kompas_reflections"

    user_id: Mapped[int] = mapped_column(ForeignKey("kompas_users.id", ondelete="CASCADE"), primary_key=True)
    chapter_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    question_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("kompas_notes.id", ondelete="CASCADE"))
    answered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OnboardingState(Base):
    """The position of a user in the chat's guided onboarding; it survives sessions and devices."""

    __tablename__ = "kompas_onboarding"

    user_id: Mapped[int] = mapped_column(ForeignKey("kompas_users.id", ondelete="CASCADE"), primary_key=True)
    step: Mapped[str] = mapped_column(String(24), default="intake-role")
    chapter_index: Mapped[int] = mapped_column(Integer, default=0)
    check_index: Mapped[int] = mapped_column(Integer, default=0)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    intake: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
