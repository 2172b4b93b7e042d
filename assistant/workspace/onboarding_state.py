"""Stored state of the chat's guided onboarding."""

from __future__ import annotations

from sqlalchemy.orm import Session

from assistant.workspace.models import OnboardingState, User, utcnow

STEPS = ("intake-role", "intake-duration", "intake-stage", "propose", "intro", "reflection", "check", "done")


def get_state(db: Session, user: User) -> OnboardingState | None:
    """Return the user's onboarding state, or None when the walk never started."""
    return db.get(OnboardingState, user.id)


def start(db: Session, user: User) -> OnboardingState:
    """Start (or restart) the walk at the intake; progress on the training route is kept."""
    state = db.get(OnboardingState, user.id)
    if state is None:
        state = OnboardingState(user_id=user.id, intake={})
        db.add(state)
    state.step, state.chapter_index, state.check_index, state.paused, state.intake = "intake-role", 0, 0, False, {}
    state.updated_at = utcnow()
    db.flush()
    return state


def update(db: Session, state: OnboardingState, **changes) -> OnboardingState:
    """Change fields of the state.

    :raises ValueError: for an unknown step.
    """
    if "step" in changes and changes["step"] not in STEPS:
        raise ValueError(f"unknown onboarding step {changes['step']!r}")
    for key, value in changes.items():
        setattr(state, key, value)
    state.updated_at = utcnow()
    db.flush()
    return state
