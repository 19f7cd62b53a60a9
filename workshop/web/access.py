"""Who the browser is, per workshop: grants kept in the signed, HttpOnly session cookie."""

from __future__ import annotations

from ipaddress import ip_address

from flask import abort, current_app, request, session, url_for
from sqlalchemy.orm import Session

from ..models import Participant, Workshop
from ..services import workshops as workshop_service
from ..services.errors import NotFound
from ..services.participants import get_participant
from .admin_auth import is_admin


def _grants(kind: str) -> dict[str, object]:
    return dict(session.get(kind) or {})


def _set_grant(kind: str, workshop_id: int, value: object) -> None:
    grants = _grants(kind)
    grants[str(workshop_id)] = value
    session[kind] = grants
    session.permanent = True


def _forget_grant(kind: str, workshop_id: int) -> None:
    grants = _grants(kind)
    if grants.pop(str(workshop_id), None) is not None:
        session[kind] = grants


def remember_participant(workshop: Workshop, participant: Participant) -> None:
    _set_grant("p", workshop.id, participant.id)


def remember_moderator(workshop: Workshop) -> None:
    _set_grant("m", workshop.id, workshop_service.moderator_grant(workshop))


def remember_projector(workshop: Workshop) -> None:
    _set_grant("v", workshop.id, workshop_service.projector_grant(workshop))


def current_participant(db: Session, workshop: Workshop) -> Participant | None:
    """The participant this browser joined as, if any and still existing."""
    participant_id = _grants("p").get(str(workshop.id))
    if participant_id is None:
        return None
    try:
        return get_participant(db, workshop, participant_id)
    except NotFound:
        # Left the workshop or the workshop was deleted: forget the grant for good.
        _forget_grant("p", workshop.id)
        return None


def is_moderator(workshop: Workshop) -> bool:
    """The workshop's moderator link was opened here, or the coordination office signed in.

    Pages and the socket's connect check both ask here, so an admin opens any moderator view.
    """
    if is_admin():
        return True
    return workshop_service.grant_is_valid(workshop, _grants("m").get(str(workshop.id)))


def is_projector(workshop: Workshop) -> bool:
    return workshop_service.projector_grant_is_valid(workshop, _grants("v").get(str(workshop.id)))


def require_moderator(workshop: Workshop) -> None:
    if not is_moderator(workshop):
        abort(403, description="session_expired")


def _host_name(host: str) -> str:
    """``host[:port]`` without the port, also for bracketed IPv6 addresses."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.split(":", 1)[0] if host.count(":") <= 1 else host


def _is_loopback(host: str) -> bool:
    name = _host_name(host)
    if name == "localhost":
        return True
    try:
        return ip_address(name).is_loopback
    except ValueError:
        return False


def public_base_url() -> str:
    """The base URL phones use: PUBLIC_URL, else the LAN address instead of localhost."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured
    if _is_loopback(request.host) and current_app.config.get("LAN_URL"):
        return current_app.config["LAN_URL"]
    return request.host_url.rstrip("/")


def base_url_is_loopback() -> bool:
    """True when QR codes would point at this machine only: phones could not reach it."""
    base = public_base_url()
    host = base.split("://", 1)[-1].split("/", 1)[0]
    return _is_loopback(host)


def public_link(endpoint: str, **values: object) -> str:
    """An absolute link on the public base URL (what other devices can open)."""
    return public_base_url() + url_for(endpoint, **values)


def join_url(workshop: Workshop) -> str:
    """The address in every QR code and on every poster."""
    return public_link("join.join_form", code=workshop.join_code)
