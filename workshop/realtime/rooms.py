"""Room names: one per role and workshop, so every push reaches only who may see it."""

from __future__ import annotations


def role_room(workshop_id: int, role: str) -> str:
    return f"w{workshop_id}:{role}"


def participant_room(participant_id: int) -> str:
    return f"p{participant_id}"
