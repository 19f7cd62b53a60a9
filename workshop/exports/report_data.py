"""The committee report's content: built once from the services, rendered as DOCX and as PDF.

Both renderers walk the same list of blocks (headings, paragraphs, lists, tables, charts), so the
two files always say the same thing. Everything here is plain text: escaping for a format is the
renderer's job. Strings are translated with ``force_locale``; no request is needed.

Privacy: only aggregates of votes leave this module, hidden, deleted and merged cards stay out,
and personal names appear only when the workshop chose to show names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import plan_status_labels
from ..models import (
    REVIEW_LIGHTS,
    Card,
    Cluster,
    Goal,
    GoalReview,
    Measure,
    Participant,
    VoteRound,
    Workshop,
)
from ..services.cards import visible_cards
from ..services.clusters import clusters
from ..services.goals import goals
from ..services.tally import BordaResult, DotResult, MatrixResult, quadrant
from ..services.votes import round_results, rounds
from .charts import average, method_label, quadrant_label, round_chart_png, round_name, turnout_line

#: Rounds whose result the report shows; drafts and open rounds have none yet.
REPORTED_STATUSES = ("closed", "revealed")
#: Measures still to be done, listed under "next steps".
OPEN_STATUSES = ("planned", "in_progress")


@dataclass(frozen=True)
class Heading:
    """A section heading (level 1–3); levels 1 and 2 go into the table of contents."""

    level: int
    text: str


@dataclass(frozen=True)
class Text:
    """A paragraph; ``label`` is set in bold before the text ("Lead: AG Übergang")."""

    text: str
    label: str = ""
    #: "body", "note" (small, grey: explanations) or "quote" (indented: decision notes, comments)
    style: str = "body"


@dataclass(frozen=True)
class Bullets:
    """A bulleted list, e.g. the cards of one kind."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``widths`` are relative column widths."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    """A PNG chart with its caption."""

    png: bytes
    width: int
    height: int
    caption: str


@dataclass(frozen=True)
class PageBreak:
    """Start the next block on a new page."""


Block = Heading | Text | Bullets | Table | Chart | PageBreak


@dataclass(frozen=True)
class Report:
    """The whole report: title page facts, fixed labels, and the body as blocks."""

    language: str
    title: str
    kind: str  # "Bericht"
    facts: tuple[tuple[str, str], ...]  # (label, value) under the title: date, place, moderation
    description: str
    contents_title: str
    contents_note: str  # how to refresh the table of contents in a word processor
    #: "Page {page} of {total}" with both placeholders, in the report's language.
    page_label: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def build_report(session: Session, workshop: Workshop, language: str) -> Report:
    """Collect the report of ``workshop`` in ``language`` ("de" or "en")."""
    with force_locale(language):
        builder = _Builder(session, workshop, language)
        return builder.build()


def status_label(status: str) -> str:
    """A plan status (goal or measure) in words."""
    return plan_status_labels().get(status, status)


def due_order(due: str) -> tuple[int, int, int, int, str]:
    """Sort key for due dates typed as people say them: dated ones first, in date order.

    Understands "30.06.2027", "2027-06-30", "06/2027" and any text with a year ("Schuljahr
    2027/28"); the rest keeps its alphabetical order after them, empty ones come last.
    """
    text = due.strip()
    if not text:
        return (2, 0, 0, 0, "")
    patterns = (
        (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", (3, 2, 1)),
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", (1, 2, 3)),
        (r"(\d{1,2})/(\d{4})", (2, 1, None)),
    )
    for pattern, order in patterns:
        found = re.search(pattern, text)
        if found:
            parts = [int(found.group(i)) if i else 0 for i in order]
            return (0, parts[0], parts[1], parts[2], text.casefold())
    year = re.search(r"\b(\d{4})\b", text)
    if year:
        return (0, int(year.group(1)), 13, 0, text.casefold())
    return (1, 0, 0, 0, text.casefold())


class _Builder:
    """Walks the workshop once and appends the report's blocks in reading order."""

    def __init__(self, session: Session, workshop: Workshop, language: str) -> None:
        self.session = session
        self.workshop = workshop
        self.language = language
        self.names = workshop.card_names == "names"
        self.blocks: list[Block] = []
        self.fields = {f.id: f.name for f in workshop.fields}
        self.cards = visible_cards(session, workshop)
        self.card_by_id = {card.id: card for card in self.cards}
        self.clusters = clusters(session, workshop)
        self.cluster_by_id = {c.id: c for c in self.clusters}
        self.goals = goals(session, workshop)
        self.goal_numbers = {goal.id: index for index, goal in enumerate(self.goals, start=1)}

    def build(self) -> Report:
        workshop = self.workshop
        self._organisations()
        if self._is_follow_up():
            self._progress()
        self._review()
        self._themes()
        self._goals()
        self._rounds()
        self._priorities()
        self._next_steps()
        facts = [
            (_("Date"), self._date(workshop.event_date)),
            (_("Place"), workshop.place),
            (_("Moderation"), workshop.moderation),
        ]
        return Report(
            language=self.language,
            title=workshop.title,
            kind=_("Report"),
            facts=tuple((label, value) for label, value in facts if value),
            description=workshop.description,
            contents_title=_("Contents"),
            contents_note=_(
                "If the table of contents is empty, update it in your word processor "
                "(in Word: right-click it, then “Update field”)."
            ),
            page_label=_("Page {page} of {total}"),
            blocks=tuple(self.blocks),
        )

    # -- helpers -----------------------------------------------------------------------------

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def _date(self, value: date | None) -> str:
        return format_date(value, format="long", locale=self.language) if value else ""

    def _card_line(self, card: Card) -> str:
        """A card in full, with its supports and, where the workshop shows names, its author."""
        text = card.text
        supports = len(card.supports)
        if supports:
            text += " " + ngettext("(+%(num)d agrees)", "(+%(num)d agree)", supports)
        author = card.author
        if self.names and author is not None and author.display_name:
            text += f" – {author.display_name}"
        return text

    def _goal_name(self, goal: Goal) -> str:
        return _("Goal {n}: {title}").format(n=self.goal_numbers[goal.id], title=goal.title)

    def _field_name(self, field_id: int | None) -> str:
        return self.fields.get(field_id or 0) or _("Across action fields")

    def _cluster_name(self, cluster: Cluster) -> str:
        return cluster.name or _("Theme without a name")

    def _is_follow_up(self) -> bool:
        return self.workshop.previous_id is not None or any(
            goal.previous_goal_id is not None for goal in self.goals
        )

    # -- sections ----------------------------------------------------------------------------

    def _organisations(self) -> None:
        """Who took part: organisations with head counts; names only if the workshop shows them."""
        people = list(
            self.session.scalars(
                select(Participant)
                .where(
                    Participant.workshop_id == self.workshop.id,
                    Participant.kind.in_(("phone", "proxy")),
                )
                .order_by(Participant.id)
            )
        )
        self.add(Heading(1, _("Organisations present")))
        joined = sum(1 for person in people if person.kind == "phone")
        proxies = len(people) - joined
        summary = ngettext(
            "%(num)d participant took part.", "%(num)d participants took part.", joined
        )
        if proxies:
            summary += " " + ngettext(
                "%(num)d more was represented by a proxy.",
                "%(num)d more were represented by a proxy.",
                proxies,
            )
        self.add(Text(summary))
        counts = Counter(person.organisation for person in people if person.organisation)
        unnamed = sum(1 for person in people if not person.organisation)
        rows = [
            (organisation, str(count))
            for organisation, count in sorted(counts.items(), key=lambda i: i[0].casefold())
        ]
        if unnamed:
            rows.append((_("No organisation given"), str(unnamed)))
        if rows:
            self.add(Table((_("Organisation"), _("Participants")), tuple(rows), (4, 1)))
        if self.names:
            named = [
                f"{p.display_name} ({p.organisation})" if p.organisation else p.display_name
                for p in people
                if p.display_name
            ]
            if named:
                self.add(Heading(2, _("Participants")), Bullets(tuple(named)))

    def _review(self) -> None:
        """The interim review: per action field the cards of each kind, counted and in full."""
        self.add(PageBreak(), Heading(1, _("Interim review")))
        self.add(
            Text(
                _(
                    "The cards as the room wrote them, per action field. “(+2 agree)” means "
                    "two more participants agreed with the card."
                ),
                style="note",
            )
        )
        for action_field in self.workshop.fields:
            own = [card for card in self.cards if card.field_id == action_field.id]
            self.add(Heading(2, action_field.name))
            by_kind = [
                (kind, [card for card in own if card.kind_id == kind.id])
                for kind in self.workshop.kinds
            ]
            counts = " · ".join(f"{kind.name}: {len(cards)}" for kind, cards in by_kind)
            self.add(Text(counts, label=_("Cards") + ":"))
            for kind, cards in by_kind:
                if not cards:
                    continue
                self.add(
                    Heading(
                        3,
                        ngettext(
                            "%(kind)s (%(num)d card)",
                            "%(kind)s (%(num)d cards)",
                            len(cards),
                            kind=kind.name,
                        ),
                    ),
                    Bullets(tuple(self._card_line(card) for card in cards)),
                )
            if not own:
                self.add(Text(_("No cards in this action field."), style="note"))

    def _themes(self) -> None:
        """The clusters with their cards, in the moderator's order."""
        self.add(PageBreak(), Heading(1, _("Themes")))
        if not self.clusters:
            self.add(Text(_("The cards were not grouped into themes."), style="note"))
        for cluster in self.clusters:
            cards = sorted(
                (card for card in self.cards if card.cluster_id == cluster.id),
                key=lambda card: (card.position, card.id),
            )
            self.add(
                Heading(2, self._cluster_name(cluster)),
                Text(self._field_name(cluster.field_id), label=_("Action field") + ":"),
            )
            if cards:
                self.add(Bullets(tuple(self._card_line(card) for card in cards)))
            else:
                self.add(Text(_("No cards."), style="note"))

    def _goals(self) -> None:
        """Every goal, voted on or not, with the theme and the cards it came from."""
        self.add(PageBreak(), Heading(1, _("Strategic goals")))
        if not self.goals:
            self.add(Text(_("No goals were written."), style="note"))
        for goal in self.goals:
            self.add(Heading(2, self._goal_name(goal)))
            if goal.description:
                self.add(Text(goal.description))
            self.add(Text(self._field_name(goal.field_id), label=_("Action field") + ":"))
            cluster = self.cluster_by_id.get(goal.cluster_id) if goal.cluster_id else None
            if cluster is not None:
                self.add(Text(self._cluster_name(cluster), label=_("Theme") + ":"))
            if goal.priority is not None:
                self.add(
                    Text(_("Priority {n}").format(n=goal.priority), label=_("Confirmed as") + ":")
                )
            sources = [
                self.card_by_id[link.card_id]
                for link in goal.cards
                if link.card_id in self.card_by_id
            ]
            if sources:
                self.add(
                    Text(_("Source cards") + ":", style="body"),
                    Bullets(tuple(self._source_line(card) for card in sources)),
                )

    def _source_line(self, card: Card) -> str:
        kind = next((k.name for k in self.workshop.kinds if k.id == card.kind_id), "")
        return f"{self._card_line(card)} [{self.fields.get(card.field_id, '')}, {kind}]"

    def _rounds(self) -> None:
        """Each closed or revealed round: method, turnout, chart and result table."""
        self.add(PageBreak(), Heading(1, _("Voting rounds")))
        self.add(
            Text(
                _(
                    "Only totals are shown; who voted how is secret and not part of this report. "
                    "Goals with the same result share a rank."
                ),
                style="note",
            )
        )
        shown = 0
        for index, vote_round in enumerate(rounds(self.session, self.workshop), start=1):
            if vote_round.status not in REPORTED_STATUSES:
                continue
            shown += 1
            self._round(vote_round, index)
        if not shown:
            self.add(Text(_("No voting round was closed."), style="note"))

    def _round(self, vote_round: VoteRound, index: int) -> None:
        name = round_name(vote_round, index)
        self.add(Heading(2, name), Text(method_label(vote_round.method), label=_("Method") + ":"))
        self.add(Text(turnout_line(self.session, vote_round), label=_("Turnout") + ":"))
        if vote_round.method == "dots":
            self.add(
                Text(
                    _("{budget} dots per person, at most {max} on one goal.").format(
                        budget=vote_round.budget, max=vote_round.max_per_goal
                    ),
                    style="note",
                )
            )
        width, height = 1280, 720
        png = round_chart_png(self.session, vote_round, self.language, width, height)
        self.add(Chart(png, width, height, _("Result: {title}").format(title=name)))
        self.add(self._result_table(vote_round))

    def _result_table(self, vote_round: VoteRound) -> Table:
        results = round_results(self.session, vote_round)
        titles: dict[Hashable, str] = {goal.id: self._goal_name(goal) for goal in self.goals}
        rows: list[tuple[str, ...]] = []
        for result in results:
            goal = titles.get(result.goal, "")
            if isinstance(result, DotResult):
                share = f"{round(result.voter_share * 100)} %"
                rows.append((str(result.rank), goal, str(result.dots), share))
            elif isinstance(result, BordaResult):
                rows.append((str(result.rank), goal, str(result.points)))
            elif isinstance(result, MatrixResult):
                place = quadrant(result, vote_round.scale_min, vote_round.scale_max)
                rows.append(
                    (
                        str(result.rank),
                        goal,
                        average(result.x, self.language),
                        average(result.y, self.language),
                        str(result.raters),
                        quadrant_label(place),
                    )
                )
        if vote_round.method == "dots":
            header = (_("Rank"), _("Goal"), _("Dots"), _("Chosen by (share of voters)"))
            widths: tuple[float, ...] = (0.8, 5, 1, 1.8)
        elif vote_round.method == "ranking":
            header = (_("Rank"), _("Goal"), _("Points"))
            widths = (0.8, 5, 1)
        else:
            header = (
                _("Rank"),
                _("Goal"),
                _("{label} (average)").format(label=vote_round.label_x),
                _("{label} (average)").format(label=vote_round.label_y),
                _("Ratings"),
                _("Quadrant"),
            )
            widths = (0.8, 2.8, 1.7, 2, 1.2, 1.5)
        return Table(header, tuple(rows), widths)

    def _priorities(self) -> None:
        """The confirmed priorities with decision notes, plan and measures."""
        self.add(PageBreak(), Heading(1, _("Confirmed priorities")))
        confirmed = sorted(
            (goal for goal in self.goals if goal.priority is not None),
            key=lambda goal: goal.priority or 0,
        )
        if not confirmed:
            self.add(Text(_("No priorities were confirmed."), style="note"))
        for goal in confirmed:
            self.add(
                Heading(
                    2,
                    _("Priority {n}").format(n=goal.priority) + f": {goal.title}",
                )
            )
            if goal.decision_note:
                self.add(Text(goal.decision_note, label=_("Decision note") + ":", style="quote"))
            self.add(self._plan_table(goal))
            self.add(Heading(3, _("Measures")))
            self._measures(goal.measures)

    def _plan_table(self, goal: Goal) -> Table:
        rows = (
            (_("Working group"), goal.working_group or "–"),
            (_("Lead"), goal.lead or "–"),
            (_("Target date"), goal.target or "–"),
            (_("Indicator of success"), goal.indicator or "–"),
            (_("Status"), status_label(goal.status)),
        )
        return Table((_("Plan"), ""), rows, (1.6, 5))

    def _measures(self, measures: Sequence[Measure]) -> None:
        if not measures:
            self.add(Text(_("No measures yet."), style="note"))
            return
        rows = tuple(
            (str(index), m.text, m.owner or "–", m.due or "–", status_label(m.status))
            for index, m in enumerate(measures, start=1)
        )
        self.add(
            Table(
                ("#", _("Measure"), _("Responsible"), _("By when"), _("Status")),
                rows,
                (0.4, 4, 1.8, 1.3, 1.3),
            )
        )

    def _next_steps(self) -> None:
        """Open measures of every goal, by due date, then owner."""
        self.add(Heading(1, _("Next steps")))
        open_measures = [
            (goal, measure)
            for goal in self.goals
            for measure in goal.measures
            if measure.status in OPEN_STATUSES
        ]
        open_measures.sort(key=lambda gm: (due_order(gm[1].due), gm[1].owner.casefold()))
        if not open_measures:
            self.add(Text(_("No open measures."), style="note"))
            return
        rows = tuple(
            (m.due or "–", m.text, m.owner or "–", self._goal_name(goal), status_label(m.status))
            for goal, m in open_measures
        )
        self.add(
            Table(
                (_("By when"), _("Measure"), _("Responsible"), _("Goal"), _("Status")),
                rows,
                (1.3, 3, 1.8, 2.4, 1.3),
            )
        )

    def _progress(self) -> None:
        """ "Fortschritt seit der letzten Klausur": the earlier goals, their status and the room's
        traffic-light review (counts and comments, never who)."""
        self.add(PageBreak(), Heading(1, _("Progress since the last retreat")))
        previous = (
            self.session.get(Workshop, self.workshop.previous_id)
            if self.workshop.previous_id
            else None
        )
        if previous is not None:
            when = self._date(previous.event_date)
            self.add(
                Text(
                    f"{previous.title} ({when})" if when else previous.title,
                    label=_("Previous retreat") + ":",
                )
            )
        earlier = [goal for goal in self.goals if goal.previous_goal_id is not None]
        if not earlier:
            self.add(Text(_("No goals were taken over from the last retreat."), style="note"))
        reviews = self._reviews(goal.id for goal in earlier)
        lights = {
            "green": _("Green"),
            "yellow": _("Yellow"),
            "red": _("Red"),
        }
        for goal in earlier:
            self.add(Heading(2, goal.title))
            self.add(Text(status_label(goal.status), label=_("Status") + ":"))
            if goal.working_group:
                self.add(Text(goal.working_group, label=_("Working group") + ":"))
            given = reviews.get(goal.id, [])
            counts = Counter(review.light for review in given)
            summary = " · ".join(f"{lights[light]}: {counts[light]}" for light in REVIEW_LIGHTS)
            self.add(Text(summary, label=_("Review by the room") + ":"))
            comments = [review.comment for review in given if review.comment]
            if comments:
                self.add(Heading(3, _("Comments")), Bullets(tuple(comments)))
            self.add(Heading(3, _("Measures")))
            self._measures(goal.measures)

    def _reviews(self, goal_ids: Iterable[int]) -> dict[int, list[GoalReview]]:
        """The reviews per goal, oldest first; their authors are never looked at."""
        found: dict[int, list[GoalReview]] = {}
        ids = list(goal_ids)
        if not ids:
            return found
        for review in self.session.scalars(
            select(GoalReview).where(GoalReview.goal_id.in_(ids)).order_by(GoalReview.id)
        ):
            found.setdefault(review.goal_id, []).append(review)
        return found
