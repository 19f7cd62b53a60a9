"""Random secrets and join codes."""

from __future__ import annotations

import hashlib
import secrets

#: Join-code alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 8/B, 2/Z).
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    """A random join code such as ``K7TQ3M``."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(raw: str) -> str:
    """Upper-case and strip spaces and dashes, as people type codes on a phone."""
    return "".join(ch for ch in raw.upper() if ch not in " -_\t.")


def new_token() -> str:
    """A URL-safe secret with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 hex digest; tokens are random, so no salt or slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()
