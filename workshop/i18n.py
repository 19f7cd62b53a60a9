"""Language choice and the translated messages for every domain error code."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, session
from flask_babel import get_translations, gettext, lazy_gettext
from jinja2 import pass_context
from jinja2.runtime import Context

from .models import LANGUAGES
from .services.errors import DomainError

_ = lazy_gettext

#: One translated sentence per error code; a test checks every code raised has one.
ERROR_MESSAGES = {
    "not_text": _("Please enter text."),
    "text_required": _("This field must not be empty."),
    "text_too_long": _("This text is too long (at most %(max)s characters)."),
    "unknown_language": _("Please choose German or English."),
    "bad_date": _("Please enter a valid date."),
    "unknown_template": _("Please choose a template."),
    "no_free_join_code": _("No free join code was found. Please try again."),
    "workshop_not_found": _("This workshop does not exist (any more)."),
    "unknown_join_code": _(
        "There is no workshop with this code. Please check the code on the projector."
    ),
    "bad_moderator_token": _(
        "This moderator link is not valid. It may have been replaced by a new one."
    ),
    "bad_projector_key": _("This projector link is not valid. It may have been replaced."),
    "unknown_phase": _("This phase does not exist."),
    "bad_step": _("A phase can only move one step forward or back."),
    "no_such_phase_step": _("There is no phase in this direction."),
    "not_a_follow_up": _("Only a follow-up retreat looks back at the goals of the previous one."),
    "bad_timer_seconds": _("Please choose a duration between 1 second and %(max)s seconds."),
    "no_timer_running": _("No countdown is running."),
    "structure_locked": _(
        "Action fields and card kinds can only be changed in the lobby, before collecting starts."
    ),
    "unknown_structure": _("Unknown kind of entry."),
    "field_not_found": _("This action field does not exist."),
    "kind_not_found": _("This card kind does not exist."),
    "duplicate_name": _("This name is already used."),
    "unknown_color": _("Please choose one of the offered colours."),
    "too_many_items": _("At most %(max)s entries are possible."),
    "workshop_closed": _("This workshop is closed. Joining is no longer possible."),
    "participant_not_found": _("You are not registered in this workshop. Please join again."),
    "command_id_taken": _("This command id belongs to another client."),
    "card_not_found": _("This card does not exist (any more)."),
    "not_collecting": _("Cards can only be posted and changed while the review is running."),
    "collect_locked": _("The moderator has closed the collection. Cards can no longer change."),
    "too_many_cards": _(
        "That was a lot of cards in a short time. Please wait a moment (about %(seconds)s s)."
    ),
    "not_your_card": _("You can only change your own cards."),
    "own_card": _("You cannot support your own card."),
    "card_merged": _("This card was merged or deleted by the moderator."),
    "merge_same_card": _("A card cannot be merged into itself."),
    "card_not_visible": _("Hidden or deleted cards cannot be shown on the projector."),
    "not_clustering": _("Cards can only be arranged during the review, clustering or goals."),
    "cluster_not_found": _("This cluster does not exist (any more)."),
    "card_other_field": _("This card belongs to another action field than the cluster."),
    "duplicate_cards": _("A card was listed twice."),
    "not_goal_phase": _(
        "Goals can only be written and changed while clustering or in the goals phase."
    ),
    "goal_not_found": _("This goal does not exist (any more)."),
    "planning_not_open": _(
        "Plans can be edited on phones only while the moderator has the room in working groups."
    ),
    "goal_not_confirmed": _("Only confirmed priorities get a plan in the working groups."),
    "not_your_group": _("This goal belongs to another working group."),
    "measure_not_found": _("This measure does not exist (any more)."),
    "too_many_measures": _("A goal can have at most %(max)s measures."),
    "unknown_plan_field": _("This is not a part of a plan."),
    "bad_status": _("Please choose a status: planned, in progress, done or dropped."),
    "bad_position": _("This position does not exist in the list."),
    "bad_grouping": _("Please choose how to split the room: by action field, by goal or not."),
    "no_groups": _("The room is not split into working groups."),
    "group_not_found": _("This working group does not exist (any more)."),
    "merge_same_goal": _("A goal cannot be merged into itself."),
    "round_not_found": _("This voting round does not exist (any more)."),
    "bad_budget": _("Please choose a number of dots between 1 and %(max)s."),
    "max_over_budget": _("The dots per goal cannot exceed the dots per person."),
    "bad_round_goals": _("Please choose at least one goal, each once."),
    "bad_round_transition": _("The round cannot change to this state now."),
    "another_round_open": _("Another voting round is open. Please close it first."),
    "bad_dots": _("Please give a whole number of dots (0 or more)."),
    "round_not_open": _("This voting round is not open."),
    "goal_not_in_round": _("This goal is not part of the voting round."),
    "too_many_on_goal": _("At most %(max)s dots per goal."),
    "budget_exceeded": _(
        "You have only %(budget)s dots in all. Take dots from another goal first."
    ),
    "bad_method": _("Please choose dot voting, impact × feasibility or ranking."),
    "bad_scale": _(
        "Please choose a rating scale between %(min)s and %(max)s whose top is above its bottom."
    ),
    "bad_top": _("Please choose a number between %(min)s and %(max)s."),
    "round_not_closed": _("Please close the voting round first."),
    "wrong_method": _("This voting round uses another voting method. Please reload the page."),
    "bad_axis": _("Please rate impact or feasibility."),
    "bad_rating": _("Please choose a rating between %(min)s and %(max)s."),
    "bad_ranking": _("Please put every goal of the round in order, each once."),
    "paper_other_round": _("This paper ballot belongs to another voting round."),
    "voter_not_found": _("This proxy or paper ballot does not exist (any more)."),
    "round_revealed": _("The result of this round has been revealed. Its votes stay as they are."),
    "duplicate_goals": _("A goal was listed twice."),
    "too_many_shown_rounds": _("At most %(max)s rounds can be shown side by side."),
    "bad_round_ids": _("Please choose each round once."),
    "unknown_name_mode": _("Please choose whether cards show names or stay anonymous."),
    "not_recap_phase": _("Earlier goals can only be rated while the room looks back."),
    "goal_not_taken_over": _("Only goals taken over from the previous retreat can be rated."),
    "bad_light": _("Please choose green, yellow or red."),
    # Transport-level errors raised by the Socket.IO adapter:
    "invalid_payload": _("The request was malformed."),
    "unknown_event": _("This request is unknown to the server. Please reload the page."),
    "payload_too_large": _("The request is too large."),
    "not_allowed": _("Your role may not do this."),
    "wrong_workshop": _("This request is for another workshop."),
    "not_joined": _("You are not connected to a workshop. Please reload the page."),
    "session_expired": _("Your access has expired. Please open your link again."),
    "internal_error": _("Something went wrong on the server. Please try again."),
    "bad_password": _("The password is wrong."),
    "admin_required": _("Please sign in to the overview with the admin password."),
    "workshop_deleted": _("This workshop has been deleted."),
    "bad_csrf": _("The form has expired. Please try again."),
    # Restoring a backup file (services/backup_check.py); %(path)s is the place in the file.
    "backup_not_json": _("This file is not a workshop backup: it cannot be read as JSON."),
    "backup_wrong_format": _("This file is not a workshop backup."),
    "backup_wrong_version": _(
        "This backup has format version %(version)s, which this version of the app cannot read."
    ),
    "backup_missing": _("The backup is incomplete: %(path)s is missing."),
    "backup_unknown_key": _("The backup contains an unknown entry: %(path)s."),
    "backup_wrong_type": _("The backup has a value of the wrong type at %(path)s."),
    "backup_out_of_range": _("The number at %(path)s must be between %(min)s and %(max)s."),
    "backup_unknown_value": _("The backup has an unknown value at %(path)s."),
    "backup_bad_time": _("The date or time at %(path)s is not valid."),
    "backup_duplicate_id": _("The id at %(path)s is used twice."),
    "backup_bad_reference": _("The backup refers at %(path)s to something it does not contain."),
    "backup_text_required": _("The text at %(path)s must not be empty."),
    "backup_text_too_long": _("The text at %(path)s is too long (at most %(max)s characters)."),
    "backup_duplicate_name": _("The name at %(path)s is used twice."),
    "backup_too_many": _("The backup has too many entries at %(path)s (at most %(max)s)."),
    "backup_bad_ballot": _("The ballot at %(path)s breaks the rules of its voting round."),
    "backup_too_few_voters": _(
        "The backup holds more ballots, supports or reviews at %(path)s than it has participants."
    ),
    "backup_conflict": _("The backup contradicts itself at %(path)s."),
    "backup_no_file": _("Please choose a backup file."),
    "backup_too_large": _("The file is too large (at most %(max)s MB)."),
}


def message_for(code: str, **params: object) -> str:
    """The translated message of an error code, in the current locale."""
    template = ERROR_MESSAGES.get(code, ERROR_MESSAGES["internal_error"])
    text = str(template)
    return text % params if params and "%(" in text else text


def error_message(error: DomainError) -> str:
    """The translated message of a domain error."""
    return message_for(error.code, **error.params)


def select_locale() -> str:
    """Explicit choice (cookie) first, then the workshop's language, then the browser's, then de."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    workshop_language = g.get("workshop_language")
    if workshop_language in LANGUAGES:
        return workshop_language
    return request.accept_languages.best_match(LANGUAGES) or "de"


def phase_labels() -> dict[str, str]:
    """Human names of the phases, for templates and JavaScript."""
    return {
        "lobby": gettext("Lobby"),
        "recap": gettext("Look back"),
        "collect": gettext("Review"),
        "cluster": gettext("Clustering"),
        "goals": gettext("Goals"),
        "vote": gettext("Vote"),
        "results": gettext("Results"),
        "plan": gettext("Working groups"),
        "closed": gettext("Closed"),
    }


def plan_status_labels() -> dict[str, str]:
    """A goal's or measure's status in words, for every screen and export alike.

    "done" reads "completed" here: the plain msgid "done" is the participant's "fertig".
    """
    return {
        "planned": gettext("planned"),
        "in_progress": gettext("in progress"),
        "done": gettext("completed"),
        "dropped": gettext("dropped"),
    }


def color_labels() -> dict[str, str]:
    """Human names of the card-kind colours."""
    return {
        "green": gettext("Green"),
        "orange": gettext("Orange"),
        "blue": gettext("Blue"),
        "purple": gettext("Purple"),
        "teal": gettext("Teal"),
        "grey": gettext("Grey"),
    }


#: Where a page's template context keeps the page's translations.
_PAGE_TRANSLATIONS = "_page_translations"


def install_page_translations(app: Flask) -> None:
    """Templates translate with the translations looked up once per page.

    Flask-Babel's template ``_()`` finds the request's locale and catalog again for every
    string, and the participant page has about seventy: that was a third of the page's time,
    on the path every phone takes to join. Jinja's own wrapper (autoescaping, ``%(name)s``)
    stays; only the lookup moves to one per ``render_template``.
    """
    app.context_processor(lambda: {_PAGE_TRANSLATIONS: get_translations()})
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_page_gettext, ngettext=_page_ngettext, newstyle=True
    )


def _translations_of(context: Context) -> Any:
    # A macro imported without context has no page translations: look them up as before.
    translations = context.get(_PAGE_TRANSLATIONS)
    return get_translations() if translations is None else translations


@pass_context
def _page_gettext(context: Context, string: str) -> str:
    return _translations_of(context).ugettext(string)


@pass_context
def _page_ngettext(context: Context, singular: str, plural: str, num: int) -> str:
    return _translations_of(context).ungettext(singular, plural, num)
