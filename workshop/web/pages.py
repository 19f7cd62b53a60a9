"""Shared helpers of the page blueprints: loading a workshop and the data a page script needs."""

from __future__ import annotations

import functools
from typing import Any

from flask import abort, g, render_template
from flask_babel import get_locale, gettext

from ..db import get_session
from ..i18n import phase_labels, plan_status_labels
from ..models import Workshop
from ..services import workshops as workshop_service
from ..services.errors import DomainError
from .access import join_url, public_link, remember_moderator, remember_projector


def load_workshop(code: str) -> Workshop:
    """The workshop of a join code in the URL, or a 404 page that says the code is unknown."""
    try:
        workshop = workshop_service.find_by_join_code(get_session(), code)
    except DomainError as error:
        abort(404, description=error.code)
    # Pages of a workshop speak its language unless the person chose another.
    g.workshop_language = workshop.language
    return workshop


def client_strings() -> dict[str, str]:
    """Translated texts that the page scripts show (the JS has no catalog of its own)."""
    return {
        "connected": gettext("Connected"),
        "connecting": gettext("Connecting …"),
        "offline": gettext("Offline – your input is kept and sent when the connection is back"),
        "sending": gettext("Sending …"),
        "sent": gettext("Saved"),
        "failed": gettext("Not saved"),
        "timer_over": gettext("Time is up"),
        "joined": gettext("joined"),
        "connected_count": gettext("connected"),
        "closed": gettext("This workshop is closed. Thank you for taking part!"),
        "chars_left": gettext("{n} characters left"),
        "chars_over": gettext("{n} characters too many"),
        "edited_by_moderator": gettext("edited by the moderator"),
        "hidden_by_moderator": gettext("hidden by the moderator"),
        "edit": gettext("Edit"),
        "delete": gettext("Delete"),
        "save": gettext("Save"),
        "cancel": gettext("Cancel"),
        "support": gettext("Support (+1)"),
        "supported": gettext("Supported"),
        "choose_field": gettext("Please choose an action field."),
        "choose_kind": gettext("Please choose the kind of card."),
        "card_sent": gettext("Card sent. Thank you!"),
        "confirm_delete": gettext("Delete this card?"),
        "hide": gettext("Hide"),
        "unhide": gettext("Show again"),
        "restore": gettext("Restore"),
        "spotlight": gettext("Show large"),
        "merge": gettext("Merge into …"),
        "merge_do": gettext("Merge"),
        "hidden": gettext("hidden"),
        "deleted": gettext("deleted"),
        "merged": gettext("merged"),
        "by_moderator": gettext("by the moderator"),
        "anonymous": gettext("anonymous"),
        "lock": gettext("Close collecting"),
        "unlock": gettext("Reopen collecting"),
        "no_cards": gettext("No cards yet."),
        "no_cluster": gettext("Not in a cluster"),
        "unnamed": gettext("Unnamed cluster"),
        "move_to": gettext("Move to"),
        "move_up": gettext("Move up"),
        "move_down": gettext("Move down"),
        "cluster_name": gettext("Name of the cluster"),
        "dissolve": gettext("Dissolve"),
        "new_cluster": gettext("New cluster"),
        "across_fields": gettext("Across action fields"),
        "accept": gettext("Accept"),
        "reject": gettext("Reject"),
        "to_goal": gettext("Make it a goal"),
        "from_cluster": gettext("From cluster:"),
        "cards_count": gettext("{n} cards"),
        "no_goals": gettext("No goals yet."),
        "dots_left": gettext("{left} of {budget} dots left"),
        "more_dot": gettext("One more dot for: {goal}"),
        "less_dot": gettext("One dot less for: {goal}"),
        "dots_on": gettext("{n} dots"),
        "dot_one": gettext("{n} dot"),
        "voted_of": gettext("{voted} of {eligible} have voted"),
        "round_closed": gettext("The vote is closed. The result follows."),
        "rank_dots": gettext("{rank}. · {dots} dots"),
        "rank_dot_one": gettext("{rank}. · {dots} dot"),
        "round_open": gettext("Open"),
        "round_close": gettext("Close"),
        "round_reopen": gettext("Reopen"),
        "round_reveal": gettext("Reveal the result"),
        "round_preview": gettext("Preview (only on this screen)"),
        "status_draft": gettext("prepared"),
        "status_open": gettext("open"),
        "status_closed": gettext("closed"),
        "status_revealed": gettext("revealed"),
        "no_proposals": gettext(
            "No suggestions: the cards are too different or already clustered."
        ),
    }


def ballot_strings() -> dict[str, str]:
    """Texts of the ballot editor (static/js/lib/ballot_editor.js): phones and stand-ins."""
    return {
        "max_per_goal_hint": gettext("At most {max} dots per goal."),
        "rated_of": gettext("{done} of {total} goals rated"),
        "rate_help": gettext(
            "Rate every goal on both scales: {min} = low, {max} = high."
            " Tap the chosen number again to take it back."
        ),
        "rating_done": gettext("rated"),
        "rating_missing": gettext("Still to rate: {axes}"),
        "rank_help": gettext(
            "Put the goals in order, the most important first: drag them by the number or"
            " use the arrows. Every change is saved at once."
        ),
        "not_submitted": gettext("Not submitted yet"),
        "not_submitted_note": gettext(
            "This is the order of the list, not yours yet. Change it, or submit it as it is."
        ),
        "submit_order": gettext("Submit this order"),
        "order_submitted": gettext("Order submitted"),
        "moved_to": gettext("{goal}: now place {place}"),
        "place": gettext("Place {n}"),
        "drag_to_move": gettext("Drag to move"),
    }


def phone_strings() -> dict[str, str]:
    """Texts only the participant's phone shows: its vote view and the revealed results."""
    return {
        "vote": gettext("Vote"),
        "result": gettext("Result"),
        "waiting": gettext("Waiting for the next vote …"),
        "method_dots": gettext("Dot voting"),
        "method_ranking": gettext("Ranking"),
        "rank_points": gettext("{rank}. · {points} points"),
        "rank_point_one": gettext("{rank}. · {points} point"),
        "borda_hint": gettext(
            "Points: with {n} goals, each first place earns {max} points, each last place none."
        ),
        "average": gettext("average"),
        "quadrant_high_high": gettext("{x} high · {y} high"),
        "quadrant_high_low": gettext("{x} high · {y} low"),
        "quadrant_low_high": gettext("{x} low · {y} high"),
        "quadrant_low_low": gettext("{x} low · {y} low"),
        "not_rated": gettext("not rated"),
        "raters": gettext("{n} ratings"),
        "rater_one": gettext("{n} rating"),
        "of_them": gettext("of them {list}"),
        "by_proxy": gettext("{n} by proxy"),
        "on_paper": gettext("{n} on paper"),
        "priority": gettext("Priority {n}"),
        "decision_note": gettext("Decision note"),
    }


def moderator_strings() -> dict[str, str]:
    """Texts only the moderator's screen shows: rounds, stand-ins, priorities, results display."""
    return {
        "round_number": gettext("Round {n}"),
        "method_dots": gettext("Dot voting"),
        "method_matrix": gettext("Impact × feasibility"),
        "method_ranking": gettext("Ranking"),
        "dots_settings": gettext("{budget} dots per person, at most {max_per_goal} per goal"),
        "matrix_settings": gettext("{label_x} and {label_y}, each from {scale_min} to {scale_max}"),
        "ranking_settings": gettext("Counted in Borda points: a first place earns the most."),
        "goals_count": gettext("{n} goals"),
        "goal_one": gettext("{n} goal"),
        "round_goal_summary": gettext("Goals in this round: {n}"),
        "prepare_round": gettext("Prepare round"),
        "prepare_round_all": gettext("Prepare round over all goals"),
        "round_prepared": gettext("Prepared: {round}"),
        "no_fields": gettext("No action fields"),
        "no_finished_rounds": gettext("No closed round yet"),
        "no_rounds": gettext("No round yet."),
        "of_them": gettext("of them {list}"),
        "by_proxy": gettext("{n} by proxy"),
        "on_paper": gettext("{n} on paper"),
        "round_preview_hide": gettext("Hide preview"),
        "round_follow_up": gettext("New round from this result"),
        "preview_caption": gettext("Preview – only on this screen"),
        "result_caption": gettext("Result"),
        "live_caption": gettext("Live result"),
        "column_rank": gettext("Rank"),
        "column_goal": gettext("Goal"),
        "column_dots": gettext("Dots"),
        "column_share": gettext("Share of voters"),
        "column_points": gettext("Points"),
        "column_average": gettext("{label} (average)"),
        "column_raters": gettext("Ratings"),
        "paper_label": gettext("Paper ballot {number}"),
        "vote_for": gettext("Vote for {name}"),
        "remove": gettext("Remove"),
        "remove_yes": gettext("Yes, remove"),
        "remove_proxy_question": gettext("Remove {name} and their votes?"),
        "remove_paper_question": gettext("Remove {name} and its votes?"),
        "open_round_is": gettext("Open now: {round}"),
        "no_open_round": gettext(
            "No round is open. Open a round to vote for proxies or record paper ballots."
        ),
        "ballot_of_proxy": gettext("Ballot of {name} · {round}"),
        "ballot_of_paper": gettext("Paper ballot {number} · {round}"),
        "priority_badge": gettext("Priority {n}"),
        "priority_pick": gettext("Confirm as a priority: {goal}"),
        "priorities_count": gettext("Confirmed priorities: {n}"),
        "no_priorities": gettext("No priorities confirmed yet."),
        "take_top": gettext("Take over the top {n}"),
        "decision_note": gettext("Decision note"),
        "decision_note_for": gettext("Decision note: {goal}"),
        "note_limit": gettext("At most {n} characters; line breaks are kept."),
        "save_note": gettext("Save note"),
        "shown_now": gettext("On the projector: {rounds}"),
        "shown_field": gettext("only the action field {field}"),
        "shown_latest": gettext("the latest revealed round"),
        "all_fields": gettext("All action fields"),
    }


def plan_strings() -> dict[str, str]:
    """Texts of the goals' plans and the working groups: moderator, phones and projector."""
    return {
        "plan_working_group": gettext("Working group or organisation"),
        "plan_working_group_short": gettext("Working group"),
        "plan_lead": gettext("Lead"),
        "plan_target": gettext("Target date or school year"),
        "plan_target_short": gettext("Target"),
        "plan_target_example": gettext("e.g. school year 2027/28"),
        "plan_indicator": gettext("Indicator of success"),
        "plan_status": gettext("Status"),
        **{f"plan_status_{key}": label for key, label in plan_status_labels().items()},
        "plan_priority": gettext("Priority {n}"),
        "plan_not_set": gettext("not set yet"),
        "plan_measures": gettext("Measures"),
        "plan_measure_number": gettext("Measure {n}"),
        "plan_measure_owner": gettext("Responsible"),
        "plan_measure_due": gettext("By when"),
        "plan_measure_add": gettext("Add measure"),
        "plan_measure_new": gettext("New measure"),
        "plan_measures_count": gettext("{n} measures"),
        "plan_measure_one": gettext("{n} measure"),
        "plan_no_measures": gettext("No measures yet."),
        "plan_more_measures": gettext("+ {n} more"),
        "plan_measure_limit": gettext("A goal can have at most {n} measures."),
        "plan_measure_deleted": gettext("Measure deleted: {text}"),
        "plan_undo": gettext("Undo"),
        "plan_dismiss": gettext("Close"),
        "plan_no_goals": gettext("No confirmed priorities yet."),
        "plan_other_goals": gettext("Other goals (not confirmed)"),
        "plan_members": gettext("{n} people"),
        "plan_member_one": gettext("{n} person"),
        "plan_no_groups": gettext("The room is not split into working groups."),
        "plan_regroup_confirm": gettext(
            "Everyone leaves their group and chooses again. Split the room anew?"
        ),
        "plan_by_moderator": gettext("The moderator plans the implementation."),
        "plan_choose_group": gettext("Choose your working group"),
        "plan_change_group": gettext("Change group"),
        "plan_keep_group": gettext("Stay in my group"),
        "plan_your_group": gettext("Your working group: {name}"),
        "plan_group_empty": gettext("This group has no confirmed goal."),
        "plan_group_help": gettext(
            "Everyone in your group can edit these plans together; changes appear on every screen."
        ),
    }


#: Texts a role needs besides client_strings(): the ballot editor runs on phones and, for
#: proxies and paper ballots, on the moderator's screen; plans show on every screen.
ROLE_STRINGS = {
    "participant": (ballot_strings, phone_strings, plan_strings),
    "moderator": (ballot_strings, moderator_strings, plan_strings),
    "projector": (plan_strings,),
}


@functools.cache
def _texts(language: str, role: str) -> tuple[dict[str, str], dict[str, str]]:
    """A role's page texts and phase names in ``language`` (the current locale's name).

    They depend on nothing else, and translating them is a good part of a phone's page: a room
    joining needs them once per language, not once per phone. Read-only once cached.
    """
    strings = client_strings()
    for role_strings in ROLE_STRINGS.get(role, ()):
        strings |= role_strings()
    return strings, phase_labels()


def page_config(workshop: Workshop, role: str, **extra: Any) -> dict[str, Any]:
    """The JSON block a page script reads: ids, role, URLs and texts."""
    strings, labels = _texts(str(get_locale()), role)
    return {
        "workshop": workshop.id,
        "code": workshop.join_code,
        "role": role,
        "phases": list(workshop.phases),
        "phaseLabels": labels,
        "strings": strings,
        **extra,
    }


def created_page(workshop: Workshop, token: str) -> str:
    """A new workshop (created, restored or a follow-up): this browser moderates it, and the
    page shows its links once (the moderator token is never stored)."""
    remember_moderator(workshop)
    remember_projector(workshop)
    return render_template(
        "main/created.html",
        workshop=workshop,
        moderator_link=public_link("moderate.enter", token=token),
        projector_link=public_link("projector.show", key=workshop.projector_key),
        join_link=join_url(workshop),
    )
