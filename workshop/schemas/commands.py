"""Inbound Socket.IO payloads, one model per event; unknown keys and wrong types are refused."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..models import PHASES

PhaseName = Literal[PHASES]  # type: ignore[valid-type]


class Query(BaseModel):
    """A read-only request: names the workshop the client believes it is in."""

    model_config = ConfigDict(extra="forbid", strict=True)

    workshop: int = Field(ge=1)


class Command(Query):
    """A change request with a client-made id, so a resend after a reconnect is applied once."""

    id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class SnapshotGet(Query):
    pass


class PhaseSet(Command):
    phase: PhaseName


class PhaseStep(Command):
    step: Literal[-1, 1]


class TimerStart(Command):
    seconds: int = Field(ge=1, le=4 * 60 * 60)


class TimerExtend(Command):
    seconds: int = Field(default=60, ge=1, le=3600)


class TimerStop(Command):
    pass


class ProfileUpdate(Command):
    display_name: str = Field(default="", max_length=200)
    organisation: str = Field(default="", max_length=400)
