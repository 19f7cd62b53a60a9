"""A Markdown summary of a workshop: review counts, clusters, goals, rounds with their results,
and the confirmed priorities with their measures.

Everything people typed is escaped, so a card can neither format the summary nor smuggle HTML
into whatever renders it.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from ..models import Goal, VoteRound, Workshop
from ..services.tally import BordaResult, DotResult, MatrixResult
from ..services.votes import Result, turnout
from .tables import (
    Snapshot,
    counted_results,
    method_label,
    plan_status_label,
    round_status_label,
)

#: Characters that format text anywhere in a line.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
#: What starts a heading, quote, list or rule at the beginning of a line.
_LINE_START = re.compile(r"^(\s*)([#>+\-=*])")
#: What starts a numbered list ("1." or "1)"): escaped after the number.
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")


def md_text(text: str) -> str:
    """One line of user text, shown literally: HTML and Markdown characters escaped."""
    escaped = _INLINE.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))
    escaped = _LINE_START.sub(r"\1\\\2", escaped)
    return _NUMBERED.sub(r"\1\\\2", escaped)


def md_block(text: str) -> str:
    """Multi-line user text as one paragraph, its line breaks kept."""
    lines = [md_text(line) for line in text.splitlines() if line.strip()]
    return "  \n".join(lines)


def md_cell(text: str) -> str:
    """User text inside a table cell (line breaks become ``<br>``)."""
    return "<br>".join(md_text(line) for line in text.splitlines() if line.strip())


def _label(text: str) -> str:
    """A bold label before its value ("**Ort:**")."""
    return f"**{text}:**"


def _number(value: float | int | None, language: str, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    shown = f"{value:.{digits}f}"
    return shown.replace(".", ",") if language == "de" else shown


def _percent(share: float, language: str) -> str:
    return f"{round(share * 100)} %" if language == "de" else f"{round(share * 100)}%"


def md_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: int = 0) -> str:
    """A pipe table; ``right`` columns from the end are numbers, aligned right.

    Cells must already be escaped.
    """
    align = ["---"] * (len(headers) - right) + ["--:"] * right
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _heading(snapshot: Snapshot, language: str) -> list[str]:
    workshop = snapshot.workshop
    facts = []
    if workshop.event_date:
        pattern = "%d.%m.%Y" if language == "de" else "%Y-%m-%d"
        facts.append(_label(_("Date")) + " " + workshop.event_date.strftime(pattern))
    if workshop.place:
        facts.append(_label(_("Place")) + " " + md_text(workshop.place))
    if workshop.moderation:
        facts.append(_label(_("Moderation")) + " " + md_text(workshop.moderation))
    parts = [f"# {md_text(workshop.title)}"]
    if facts:
        parts.append(" · ".join(facts))
    if workshop.description:
        parts.append(md_block(workshop.description))
    return parts


def _review(snapshot: Snapshot) -> list[str]:
    workshop = snapshot.workshop
    counts = Counter((c.field_id, c.kind_id) for c in snapshot.cards if c.is_visible)
    headers = [_("Action field"), *(md_text(k.name) for k in workshop.kinds), _("Total")]
    rows = []
    for field in workshop.fields:
        numbers = [counts[(field.id, kind.id)] for kind in workshop.kinds]
        rows.append([md_text(field.name), *(str(n) for n in numbers), str(sum(numbers))])
    totals = [sum(counts[(f.id, k.id)] for f in workshop.fields) for k in workshop.kinds]
    rows.append(["**" + _("Total") + "**", *(str(n) for n in totals), str(sum(totals))])
    return ["## " + _("Review"), md_table(headers, rows, right=len(workshop.kinds) + 1)]


def _clusters(snapshot: Snapshot) -> list[str]:
    parts = ["## " + _("Clusters")]
    if not snapshot.clusters:
        return [*parts, _("No clusters.")]
    sizes = Counter(c.cluster_id for c in snapshot.cards if c.is_visible and c.cluster_id)
    lines = []
    for cluster in snapshot.clusters:
        name = md_text(snapshot.cluster_name(cluster.id))
        field = md_text(snapshot.field_name(cluster.field_id))
        count = _("%(n)s cards", n=sizes[cluster.id])
        lines.append(f"- **{name}** ({field}; {count})")
    return [*parts, "\n".join(lines)]


def _goals(snapshot: Snapshot) -> list[str]:
    parts = ["## " + _("Goals")]
    if not snapshot.goals:
        return [*parts, _("No goals.")]
    headers = [
        _("No."),
        _("Goal"),
        _("Action field"),
        _("Cluster"),
        _("Source cards"),
        _("Priority"),
    ]
    rows = [
        [
            str(snapshot.goal_no(goal.id)),
            md_cell(goal.title),
            md_cell(snapshot.field_name(goal.field_id)),
            md_cell(snapshot.cluster_name(goal.cluster_id)) or "–",
            ", ".join(str(n) for n in snapshot.source_cards(goal)) or "–",
            str(goal.priority) if goal.priority is not None else "–",
        ]
        for goal in snapshot.goals
    ]
    return [*parts, md_table(headers, rows, right=1)]


def _result_table(
    vote_round: VoteRound, results: Sequence[Result], titles: dict[int, str], language: str
) -> str:
    if vote_round.method == "matrix":
        headers = [
            _("Rank"),
            _("Goal"),
            md_text(vote_round.label_x),
            md_text(vote_round.label_y),
            _("Ratings"),
        ]
    elif vote_round.method == "ranking":
        headers = [_("Rank"), _("Goal"), _("Points")]
    else:
        headers = [_("Rank"), _("Goal"), _("Dots"), _("Share of voters")]
    rows = []
    for result in results:
        row = [f"{result.rank}.", md_cell(titles.get(int(result.goal), ""))]  # type: ignore[call-overload]
        if isinstance(result, MatrixResult):
            row += [_number(result.x, language), _number(result.y, language), str(result.raters)]
        elif isinstance(result, BordaResult):
            row += [str(result.points)]
        elif isinstance(result, DotResult):
            row += [str(result.dots), _percent(result.voter_share, language)]
        rows.append(row)
    return md_table(headers, rows, right=len(headers) - 2)


def _rounds(session: Session, snapshot: Snapshot, language: str) -> list[str]:
    parts = ["## " + _("Voting rounds")]
    if not snapshot.rounds:
        return [*parts, _("No voting rounds.")]
    counted = dict((r.id, results) for r, results in counted_results(session, snapshot))
    titles = {goal.id: goal.title for goal in snapshot.goals}
    for vote_round in snapshot.rounds:
        number = snapshot.round_no(vote_round.id)
        title = md_text(vote_round.title) or method_label(vote_round.method)
        parts.append("### " + _("Round %(n)s", n=number) + ": " + title)
        people = turnout(session, snapshot.workshop, vote_round)
        facts = _(
            "%(method)s · %(status)s · %(voted)s of %(eligible)s voted",
            method=method_label(vote_round.method),
            status=round_status_label(vote_round.status),
            voted=people.voted,
            eligible=people.eligible,
        )
        if people.proxy or people.paper:
            facts += " " + _(
                "(%(proxy)s by proxy, %(paper)s on paper)", proxy=people.proxy, paper=people.paper
            )
        parts.append(facts)
        if vote_round.id in counted:
            parts.append(_result_table(vote_round, counted[vote_round.id], titles, language))
        else:
            parts.append(_("No result yet: the round is not closed."))
    return parts


def _plan_lines(goal: Goal) -> str:
    facts = [
        (_("Working group"), goal.working_group),
        (_("Lead"), goal.lead),
        (_("Target"), goal.target),
        (_("Status"), plan_status_label(goal.status)),
    ]
    lines = [f"- **{label}:** {md_text(value)}" for label, value in facts if value]
    if goal.indicator:
        lines.append("- " + _label(_("Indicator of success")) + " " + md_cell(goal.indicator))
    return "\n".join(lines)


def _priorities(snapshot: Snapshot) -> list[str]:
    parts = ["## " + _("Confirmed priorities")]
    confirmed = sorted(
        (g for g in snapshot.goals if g.priority is not None), key=lambda g: g.priority or 0
    )
    if not confirmed:
        return [*parts, _("No priorities confirmed yet.")]
    for goal in confirmed:
        parts.append(f"### {goal.priority}. {md_text(goal.title)}")
        if goal.decision_note:
            parts.append(_label(_("Decision note")) + " " + md_block(goal.decision_note))
        parts.append(_plan_lines(goal))
        if goal.measures:
            headers = [_("No."), _("Measure"), _("Responsible"), _("By when"), _("Status")]
            rows = [
                [
                    str(n),
                    md_cell(m.text),
                    md_cell(m.owner) or "–",
                    md_cell(m.due) or "–",
                    plan_status_label(m.status),
                ]
                for n, m in enumerate(goal.measures, start=1)
            ]
            parts.append(md_table(headers, rows))
        else:
            parts.append(_("No measures yet."))
    return parts


def workshop_markdown(session: Session, workshop: Workshop, language: str) -> str:
    """The summary as Markdown text in ``language``."""
    with force_locale(language):
        snapshot = Snapshot.load(session, workshop)
        parts = [
            *_heading(snapshot, language),
            *_review(snapshot),
            *_clusters(snapshot),
            *_goals(snapshot),
            *_rounds(session, snapshot, language),
            *_priorities(snapshot),
        ]
    return "\n\n".join(part for part in parts if part) + "\n"
