"""The few domain exceptions services raise; adapters turn their codes into translated messages."""

from __future__ import annotations


class DomainError(Exception):
    """Base class. ``code`` names the failure precisely; ``fields`` lists offending inputs."""

    kind = "error"

    def __init__(self, code: str, fields: list[str] | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields or []
        self.params = params


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    kind = "not_found"


class Forbidden(DomainError):
    """The caller may not do this."""

    kind = "forbidden"


class Conflict(DomainError):
    """The request is valid but clashes with the current state."""

    kind = "conflict"


class Invalid(DomainError):
    """The input is malformed."""

    kind = "invalid"
