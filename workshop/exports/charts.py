"""The projector's result chart of a voting round as a PNG, for downloads and the report.

Dot voting and ranking (Borda) become ranked horizontal bars, goals with the same result sharing
a rank; impact × feasibility becomes the 2×2 matrix with every goal at its averages. Only
aggregates are drawn. The chart is drawn with Pillow in the TrueType font that reportlab ships
(Bitstream Vera, umlauts included), so the PNG and the PDF report look alike and no system font
is needed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable
from pathlib import Path

import reportlab
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy.orm import Session

from ..models import Goal, VoteRound, Workshop
from ..services.tally import BordaResult, DotResult, MatrixResult
from ..services.votes import round_results, rounds, turnout

#: reportlab's own TrueType fonts: a sans-serif with Latin-1, dashes, quotes and the euro sign.
FONT_DIR = Path(reportlab.__file__).parent / "fonts"
FONT_FILES = {
    "regular": FONT_DIR / "Vera.ttf",
    "bold": FONT_DIR / "VeraBd.ttf",
    "italic": FONT_DIR / "VeraIt.ttf",
    "bold_italic": FONT_DIR / "VeraBI.ttf",
}

INK = (20, 23, 26)
MUTED = (74, 82, 90)
GRID = (200, 205, 210)
BAR = (11, 79, 138)  # the projector's result blue
TIE = (28, 100, 200)
QUICK_WIN = (234, 246, 236)
ELLIPSIS = "…"


def method_label(method: str) -> str:
    """A voting method in words."""
    labels = {
        "dots": _("Dot voting"),
        "matrix": _("Impact × feasibility"),
        "ranking": _("Ranking (Borda)"),
    }
    return labels.get(method, method)


def round_name(vote_round: VoteRound, number: int) -> str:
    """The round's title, or "Round n" when the moderator gave none."""
    return vote_round.title or _("Round {n}").format(n=number)


def round_number(session: Session, vote_round: VoteRound) -> int:
    """The round's place among its workshop's rounds (1 = first made)."""
    workshop = session.get(Workshop, vote_round.workshop_id)
    ordered = [r.id for r in rounds(session, workshop)] if workshop else []
    return ordered.index(vote_round.id) + 1 if vote_round.id in ordered else 1


def quadrant_label(key: str | None) -> str:
    """The name of a quadrant of the impact × feasibility matrix ("not rated" for None)."""
    labels = {
        "high-high": _("Act soon"),
        "high-low": _("Major projects"),
        "low-high": _("Along the way"),
        "low-low": _("Set aside"),
    }
    return labels.get(key or "", _("not rated"))


def average(value: float | None, language: str) -> str:
    """A rounded average as people write it in ``language`` (2,5 in German)."""
    if value is None:
        return "–"
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "de" else text


def turnout_line(session: Session, vote_round: VoteRound) -> str:
    """ "23 of 31 have voted, of them 2 by proxy, 1 on paper" (never who)."""
    workshop = session.get(Workshop, vote_round.workshop_id)
    if workshop is None:
        return ""
    counted = turnout(session, workshop, vote_round)
    line = _("{voted} of {eligible} have voted").format(
        voted=counted.voted, eligible=counted.eligible
    )
    if counted.proxy and counted.paper:
        extra = _("of them {proxy} by proxy, {paper} on paper")
    elif counted.proxy:
        extra = _("of them {proxy} by proxy")
    elif counted.paper:
        extra = _("of them {paper} on paper")
    else:
        return line
    return f"{line}, " + extra.format(proxy=counted.proxy, paper=counted.paper)


def round_chart_png(
    session: Session, vote_round: VoteRound, language: str, width: int = 1280, height: int = 720
) -> bytes:
    """The result chart of a round as a PNG of ``width`` × ``height`` pixels."""
    with force_locale(language):
        chart = _Chart(width, height)
        title = round_name(vote_round, round_number(session, vote_round))
        subtitle = f"{method_label(vote_round.method)} · {turnout_line(session, vote_round)}"
        top = chart.header(title, subtitle)
        results = round_results(session, vote_round)
        titles: dict[Hashable, str] = {
            goal_id: goal.title
            for goal_id in (g.goal_id for g in vote_round.goals)
            if (goal := session.get(Goal, goal_id)) is not None
        }
        if vote_round.method == "matrix":
            chart.matrix(
                top,
                [r for r in results if isinstance(r, MatrixResult)],
                titles,
                vote_round,
                language,
            )
        else:
            bars = [
                (r.rank, titles.get(r.goal, ""), r.dots if isinstance(r, DotResult) else r.points)
                for r in results
                if isinstance(r, DotResult | BordaResult)
            ]
            chart.bars(top, bars, vote_round.method)
    return chart.png()


class _Chart:
    """A white canvas with fonts scaled to its height (designed at 1280 × 720)."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.scale = min(width / 1280, height / 720)
        self.margin = round(40 * self.scale)
        self.image = Image.new("RGB", (width, height), "white")
        self.draw = ImageDraw.Draw(self.image)

    def font(self, size: float, weight: str = "regular") -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(FONT_FILES[weight]), max(8, round(size * self.scale)))

    def fit(self, text: str, font: ImageFont.FreeTypeFont, width: float) -> str:
        """``text`` on one line, cut with an ellipsis where it is wider than ``width``."""
        text = " ".join(text.split())
        if font.getlength(text) <= width:
            return text
        while text and font.getlength(text + ELLIPSIS) > width:
            text = text[:-1]
        return text.rstrip() + ELLIPSIS

    def header(self, title: str, subtitle: str) -> int:
        """Title and subtitle at the top; returns the y where the plot may start."""
        width = self.width - 2 * self.margin
        title_font = self.font(38, "bold")
        sub_font = self.font(22)
        y = self.margin
        self.draw.text((self.margin, y), self.fit(title, title_font, width), INK, title_font)
        y += round(52 * self.scale)
        self.draw.text((self.margin, y), self.fit(subtitle, sub_font, width), MUTED, sub_font)
        return y + round(48 * self.scale)

    def bars(
        self,
        top: int,
        values: list[tuple[int, str, int]],
        method: str,
    ) -> None:
        """Ranked horizontal bars of (rank, goal title, value); the value ends each bar."""
        unit = _("Dots") if method == "dots" else _("Points")
        legend_font = self.font(20)
        bottom = self.height - self.margin - round(30 * self.scale)
        self.draw.text(
            (self.margin, bottom + round(8 * self.scale)),
            self.fit(
                _("{unit} per goal. Goals with the same result share a rank.").format(unit=unit),
                legend_font,
                self.width - 2 * self.margin,
            ),
            MUTED,
            legend_font,
        )
        if not values:
            return
        row = min(round(88 * self.scale), (bottom - top) // len(values))
        size = max(9, min(28, row * 0.5 / self.scale))
        label_font = self.font(size)
        rank_font = self.font(size, "bold")
        rank_width = rank_font.getlength("88.") + 8 * self.scale
        label_left = self.margin + rank_width
        label_width = (self.width - 2 * self.margin) * 0.42
        bar_left = label_left + label_width + 12 * self.scale
        value_room = label_font.getlength("8888") + 12 * self.scale
        bar_room = self.width - self.margin - value_room - bar_left
        highest = max((value for _rank, _title, value in values), default=0) or 1
        ranks = [rank for rank, _title, _value in values]
        for index, (rank, title, value) in enumerate(values):
            y = top + index * row
            middle = y + row / 2
            tied = ranks.count(rank) > 1
            self.draw.text(
                (self.margin, middle), f"{rank}.", TIE if tied else INK, rank_font, anchor="lm"
            )
            self.draw.text(
                (label_left, middle),
                self.fit(title, label_font, label_width),
                INK,
                label_font,
                anchor="lm",
            )
            length = bar_room * value / highest
            bar_top, bar_bottom = y + row * 0.18, y + row * 0.82
            self.draw.rectangle(
                (bar_left, bar_top, bar_left + bar_room, bar_bottom), (238, 240, 242)
            )
            if length > 0:
                self.draw.rectangle((bar_left, bar_top, bar_left + length, bar_bottom), BAR)
            self.draw.text(
                (bar_left + bar_room + 8 * self.scale, middle),
                str(value),
                INK,
                rank_font,
                anchor="lm",
            )

    def matrix(
        self,
        top: int,
        results: list[MatrixResult],
        titles: dict[Hashable, str],
        vote_round: VoteRound,
        language: str,
    ) -> None:
        """The 2×2 matrix: each goal's number at its average impact (x) and feasibility (y)."""
        low, high = vote_round.scale_min, vote_round.scale_max
        axis_font = self.font(20)
        label_font = self.font(22, "bold")
        bottom = self.height - self.margin - round(36 * self.scale)
        side = bottom - top
        left = self.margin + round(60 * self.scale)
        right = left + side

        def at(x: float, y: float) -> tuple[float, float]:
            return (
                left + (x - low) / (high - low) * side,
                bottom - (y - low) / (high - low) * side,
            )

        middle = (low + high) / 2
        mx, my = at(middle, middle)
        self.draw.rectangle((mx, top, right, my), QUICK_WIN)
        self.draw.rectangle(
            (left, top, right, bottom), outline=INK, width=max(1, round(2 * self.scale))
        )
        self.draw.line((mx, top, mx, bottom), GRID, max(1, round(2 * self.scale)))
        self.draw.line((left, my, right, my), GRID, max(1, round(2 * self.scale)))
        corner_font = self.font(18, "italic")
        pad = 8 * self.scale
        corners = {
            "high-high": ((right - pad, top + pad), "ra"),
            "low-high": ((left + pad, top + pad), "la"),
            "high-low": ((right - pad, bottom - pad), "rd"),
            "low-low": ((left + pad, bottom - pad), "ld"),
        }
        for key, (point, anchor) in corners.items():
            self.draw.text(point, quadrant_label(key), MUTED, corner_font, anchor=anchor)
        for tick in range(low, high + 1):
            x, _y = at(tick, low)
            self.draw.text((x, bottom + 4 * self.scale), str(tick), MUTED, axis_font, anchor="ma")
            _x, y = at(low, tick)
            self.draw.text((left - 8 * self.scale, y), str(tick), MUTED, axis_font, anchor="rm")
        self.draw.text(
            ((left + right) / 2, bottom + 30 * self.scale),
            vote_round.label_x,
            INK,
            label_font,
            anchor="ma",
        )
        self._vertical_label(vote_round.label_y, label_font, self.margin, (top + bottom) / 2)
        self._markers(results, at)
        axes = (vote_round.label_x, vote_round.label_y)
        self._matrix_legend(results, titles, axes, right + 36 * self.scale, top, language)

    def _vertical_label(
        self, text: str, font: ImageFont.FreeTypeFont, left: float, center: float
    ) -> None:
        box = font.getbbox(text)
        label = Image.new("RGBA", (box[2] + 4, box[3] + 4), (255, 255, 255, 0))
        ImageDraw.Draw(label).text((2, 2), text, INK, font)
        turned = label.rotate(90, expand=True)
        self.image.paste(turned, (round(left), round(center - turned.height / 2)), turned)

    def _markers(
        self, results: list[MatrixResult], at: Callable[[float, float], tuple[float, float]]
    ) -> None:
        """A numbered circle per rated goal; goals at the same spot are fanned out a little."""
        radius = 20 * self.scale
        font = self.font(20, "bold")
        seen: dict[tuple[float, float], int] = {}
        for index, result in enumerate(results, start=1):
            if result.x is None or result.y is None:
                continue
            x, y = at(result.x, result.y)
            twins = seen.get((result.x, result.y), 0)
            seen[(result.x, result.y)] = twins + 1
            x += twins * radius * 1.6
            self.draw.ellipse((x - radius, y - radius, x + radius, y + radius), BAR, "white", 2)
            self.draw.text((x, y), str(index), "white", font, anchor="mm")

    def _matrix_legend(
        self,
        results: list[MatrixResult],
        titles: dict[Hashable, str],
        axes: tuple[str, str],
        left: float,
        top: float,
        language: str,
    ) -> None:
        width = self.width - self.margin - left
        bottom = self.height - self.margin
        row = min(52 * self.scale, (bottom - top) / max(1, len(results)))
        size = max(9, min(22, row * 0.42 / self.scale))
        font = self.font(size)
        small = self.font(size * 0.8)
        bold = self.font(size, "bold")
        for index, result in enumerate(results, start=1):
            y = top + (index - 1) * row
            self.draw.text((left, y), f"{index}", BAR, bold)
            text_left = left + bold.getlength("88") + 6 * self.scale
            title = titles.get(result.goal, "")
            self.draw.text(
                (text_left, y), self.fit(title, font, width - (text_left - left)), INK, font
            )
            if result.x is None or result.y is None:
                detail = _("not rated")
            else:
                detail = " · ".join(
                    (
                        _("Rank {n}").format(n=result.rank),
                        f"{axes[0]} {average(result.x, language)}",
                        f"{axes[1]} {average(result.y, language)}",
                        ngettext("%(num)d rating", "%(num)d ratings", result.raters),
                    )
                )
            self.draw.text((text_left, y + size * 1.25 * self.scale), detail, MUTED, small)

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
