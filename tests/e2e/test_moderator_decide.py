"""The moderator's voting and deciding controls in Chromium: the round form (every method, which
goals, the best of an earlier round), proxies and paper ballots filled in with the ballot editor,
final priorities with decision notes that reach the phones, and the projector's results choice."""

from __future__ import annotations

import re

import pytest
from e2e_support import screenshot
from playwright.sync_api import expect
from test_accessibility import assert_accessible
from test_live_workshop import create_workshop, join_by_phone
from test_projector_wall import connect, send

pytestmark = pytest.mark.e2e

#: The moderator's laptop or tablet.
MODERATOR = {"viewport": {"width": 1280, "height": 800}}


def show(page, selector: str) -> None:
    """Scroll a panel to the top of the screen, for a screenshot of it."""
    page.locator(selector).evaluate("node => node.scrollIntoView({block: 'start'})")


def round_item(page, number: int):
    return page.locator(
        ".round-item",
        has=page.locator(".goal-title", has_text=re.compile(rf"^Durchgang {number}\b")),
    )


def round_goals(item) -> list[str]:
    return item.locator(".round-goals li").all_text_contents()


def test_round_form_prepares_a_matrix_round_over_one_action_fields_goals(server, contexts):
    moderator = contexts(MODERATOR).new_page()
    create_workshop(moderator, server.url)
    structure = connect(moderator)
    first, second = structure["fields"][:2]
    send(moderator, "phase.set", phase="goals")
    for title, field in [
        ("Jede Schule hat ein abgestimmtes Praktikumskonzept", first),
        ("Potenzialanalyse wird im Unterricht ausgewertet", first),
        ("Mehr Ausbildungsbetriebe im Handwerk gewinnen", second),
    ]:
        send(moderator, "goal.create", title=title, field_id=field["id"])
    moderator.get_by_role("button", name="Abstimmung", exact=True).click()

    form = moderator.locator("[data-round-form]")
    form.get_by_role("radio", name="Wirkung × Umsetzbarkeit").check()
    # The matrix settings replace the dot settings; title and axis labels are prefilled.
    expect(form.locator("#round-budget")).to_be_hidden()
    expect(form.locator("#round-title")).to_have_value("Wirkung × Umsetzbarkeit")
    expect(form.locator("#round-label-x")).to_have_value("Wirkung")
    expect(form.locator("#round-label-y")).to_have_value("Umsetzbarkeit")
    form.locator("input[name=goals][value=field]").check()
    form.locator("#round-field").select_option(label=first["name"])
    expect(form.locator("[data-round-goal-summary]")).to_contain_text("2")

    # A scale whose top is not above its bottom: the server's message next to the form.
    form.locator("#round-scale-min").fill("5")
    form.locator("#round-scale-max").fill("3")
    form.locator("[data-round-submit]").click()
    status = form.locator("[data-round-form-status]")
    expect(status).to_have_attribute("data-state", "error")
    expect(status).to_contain_text("Bewertungsskala")
    expect(moderator.locator(".round-item")).to_have_count(0)

    form.locator("#round-scale-min").fill("1")
    form.locator("#round-scale-max").fill("4")
    show(moderator, "[data-rounds-panel]")
    screenshot(moderator, "moderator-round-form")
    form.locator("[data-round-submit]").click()
    expect(status).to_have_attribute("data-state", "ok")
    item = round_item(moderator, 1)
    expect(item).to_contain_text("Wirkung × Umsetzbarkeit")
    expect(item.locator(".round-goals li")).to_have_count(2)
    assert round_goals(item) == [
        "Jede Schule hat ein abgestimmtes Praktikumskonzept",
        "Potenzialanalyse wird im Unterricht ausgewertet",
    ]
    expect(item).to_contain_text(re.compile(r"1\D+4"))

    # A proxy rates both goals through the ballot editor; the preview shows the averages.
    item.get_by_role("button", name="Öffnen").click()
    panel = moderator.locator("[data-standins-panel]")
    panel.locator("#proxy-name").fill("Herr Muster")
    panel.locator("[data-proxy-form] button[type=submit]").click()
    panel.get_by_role("button", name="Für Herr Muster abstimmen").click()
    box = panel.locator("[data-ballot-box]")
    expect(box.locator("[data-ballot-heading]")).to_be_focused()
    for index, (x, y) in enumerate([(4, 2), (3, 3)]):
        rating = box.locator(".rate-item").nth(index)
        rating.locator("[data-axis=x] [data-value]").nth(x - 1).click()
        rating.locator("[data-axis=y] [data-value]").nth(y - 1).click()
        expect(rating).to_have_attribute("data-complete", "true")
    expect(box.locator("[data-ballot-status]")).to_have_attribute("data-state", "ok")
    box.locator("[data-ballot-done]").click()
    expect(box).to_be_hidden()
    expect(panel.get_by_role("button", name=re.compile("Herr Muster"))).to_be_focused()
    expect(item.locator(".round-progress")).to_contain_text(re.compile(r"davon 1 per Vertretung$"))
    item.get_by_role("button", name=re.compile("Vorschau")).click()
    rows = item.locator(".result-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_have_text(
        "Jede Schule hat ein abgestimmtes Praktikumskonzept"
    )
    # Rank, then the averages of both scales and the number of ratings.
    expect(rows.nth(0).locator("td")).to_have_text(["1", "4", "2", "1"])
    expect(rows.nth(1).locator("td")).to_have_text(["1", "3", "3", "1"])
    assert_accessible(moderator, "moderator voting panels")


GOALS = [
    "Eltern früh in die Berufsorientierung einbinden",
    "Kein Jugendlicher verlässt die Schule ohne Anschlussvereinbarung",
    "Gemeinsame Datenbasis aller Partner",
    "Duale Ausbildung an Gymnasien sichtbar machen",
]
# Two phones, budget 5: totals 2, 5, 2, 1 -> ranks 2, 1, 2, 4 (a tie at the cut of the best 2).
BALLOTS = [{1: 3, 0: 2}, {1: 2, 2: 2, 3: 1}]


@pytest.mark.timeout(300)
def test_dots_then_the_best_two_then_stand_ins_priorities_and_the_projector(server, contexts):
    moderator = contexts(MODERATOR).new_page()
    links = create_workshop(moderator, server.url)
    connect(moderator)
    phones = [join_by_phone(contexts, links["join"]) for _ in BALLOTS]
    for phone in phones:
        connect(phone, "participant")
    send(moderator, "phase.set", phase="goals")
    goals = [send(moderator, "goal.create", title=title)["goal"] for title in GOALS]
    moderator.get_by_role("button", name="Abstimmung", exact=True).click()

    # Round 1: dots over all goals, made with the form and opened with its button.
    form = moderator.locator("[data-round-form]")
    form.locator("[data-round-submit]").click()
    first = round_item(moderator, 1)
    first.get_by_role("button", name="Öffnen").click()
    first_id = first.get_attribute("data-round-id")
    for phone, ballot in zip(phones, BALLOTS, strict=True):
        for index, dots in ballot.items():
            send(phone, "vote.dots", round_id=int(first_id), goal_id=goals[index]["id"], dots=dots)
    expect(first.locator(".round-progress")).to_have_text(re.compile(r"^2 von 2 "))
    # The private preview: a table with the dots, nothing for the room.
    first.get_by_role("button", name=re.compile("Vorschau")).click()
    rows = first.locator(".result-table tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text(GOALS[1])
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("5")
    first.get_by_role("button", name="Schließen").click()

    # Round 2: ranking over the best 2 of round 1, started from round 1's result.
    first.get_by_role("button", name="Neuer Durchgang aus diesem Ergebnis").click()
    expect(form.locator("#round-source")).to_have_value(first_id)
    expect(form.locator("#round-top")).to_be_focused()
    form.locator("#round-top").fill("2")
    form.get_by_role("radio", name="Rangfolge").check()
    # The tie at the cut comes along: three goals, named before the round is made.
    summary = form.locator("[data-round-goal-summary]")
    expect(summary).to_contain_text("3")
    for index in (0, 1, 2):
        expect(summary).to_contain_text(GOALS[index])
    expect(summary).not_to_contain_text(GOALS[3])
    form.locator("[data-round-submit]").click()
    second = round_item(moderator, 2)
    expect(second.locator(".round-goals li")).to_have_count(3)
    assert sorted(round_goals(second)) == sorted(GOALS[:3])
    expect(second).to_contain_text("Rangfolge")
    second_id = second.get_attribute("data-round-id")
    second.get_by_role("button", name="Öffnen").click()

    # A proxy, and the moderator votes for her with the ballot editor.
    panel = moderator.locator("[data-standins-panel]")
    panel.locator("#proxy-name").fill("Frau Beispiel")
    panel.locator("#proxy-organisation").fill("IHK Mittleres Ruhrgebiet")
    panel.locator("[data-proxy-form] button[type=submit]").click()
    proxy = panel.locator("[data-proxy-list] .standin-item")
    expect(proxy).to_contain_text("Frau Beispiel (IHK Mittleres Ruhrgebiet)")
    proxy.get_by_role("button", name="Für Frau Beispiel abstimmen").click()
    box = panel.locator("[data-ballot-box]")
    expect(box).to_be_visible()
    expect(box.locator("[data-ballot-heading]")).to_contain_text("Frau Beispiel")
    ranks = box.locator(".rank-item")
    expect(ranks).to_have_count(3)
    last = ranks.nth(2).locator(".goal-title").text_content().split(": ", 1)[-1]
    ranks.nth(2).locator(".rank-button").first.click()  # ↑: the last goal to second place
    expect(box.locator("[data-ballot-status]")).to_have_attribute("data-state", "ok")
    expect(ranks.nth(1)).to_contain_text(last)
    show(moderator, "[data-standins-panel]")
    screenshot(moderator, "moderator-stand-ins")
    box.locator("[data-ballot-done]").click()
    # Done: the proxy's ballot is gone from the page.
    expect(box).to_be_hidden()
    expect(box.locator(".rank-item")).to_have_count(0)

    # A paper ballot of the open round, submitted in the order it is shown.
    panel.locator("[data-paper-add]").click()
    expect(box).to_be_visible()
    expect(box.locator("[data-ballot-heading]")).to_contain_text(re.compile("Papierstimmzettel 1"))
    box.locator('[data-focus="submit-order"]').click()
    expect(box.locator("[data-ballot-status]")).to_have_attribute("data-state", "ok")
    box.locator("[data-ballot-done]").click()
    expect(panel.locator("[data-paper-list] .standin-item")).to_have_count(1)
    expect(second.locator(".round-progress")).to_have_text(
        re.compile(
            r"^2 von 4 .*"
            r"davon 1 per Vertretung, 1 auf Papier"
        )
    )
    second.get_by_role("button", name="Schließen").click()

    # Final priorities: the best 2 of round 1 (the tie at the cut included) …
    priorities = moderator.locator("[data-priorities-panel]")
    priorities.locator("#priority-round").select_option(first_id)
    priorities.locator("#priority-top").fill("2")
    priorities.locator("[data-priority-top-submit]").click()
    items = priorities.locator(".priority-item")
    badge = re.compile(r"^Priorität (\d)$")
    expect(items.locator(".priority-badge:visible")).to_have_count(3)
    expect(items.nth(0)).to_contain_text(GOALS[1])
    expect(items.nth(0).locator(".priority-badge")).to_have_text(badge)
    # … then by hand: the third one up, and the fourth ticked as well.
    third = items.nth(2)
    moved = third.locator(".goal-title").text_content()
    third.locator("button").first.click()
    expect(items.nth(1).locator(".goal-title")).to_have_text(moved)
    items.filter(has_text=GOALS[3]).locator("input[type=checkbox]").check()
    expect(items.nth(3).locator(".goal-title")).to_have_text(GOALS[3])
    expect(items.nth(3).locator(".priority-badge")).to_have_text(re.compile(r"4$"))

    # A decision note, two lines, saved when the field is left.
    note = "Federführung: Kommunale Koordinierung.\nStart zum Schuljahr 2027/28."
    top = items.nth(0)
    top.locator("summary").click()
    top.locator("textarea").fill(note)
    top.locator("textarea").press("Tab")
    expect(priorities.locator("[data-priority-status]")).to_have_attribute("data-state", "ok")
    show(moderator, "[data-priorities-panel]")
    screenshot(moderator, "moderator-priorities")

    # The phone shows the badge and the note, live.
    send(moderator, "phase.set", phase="results")
    phone_goal = phones[0].locator("[data-goals-view] .goal-item", has_text=GOALS[1])
    expect(phone_goal.locator(".priority-badge")).to_have_text(re.compile(r"Priorität 1"))
    expect(phone_goal.locator(".decision-note")).to_contain_text("Start zum Schuljahr 2027/28.")
    assert "Kommunale Koordinierung.\nStart" in phone_goal.locator(".decision-note").inner_text()
    screenshot(phones[0], "phone-priorities")

    # The projector shows rounds 1 and 2 side by side, one action field only.
    second.get_by_role("button", name="Ergebnis freigeben").click()
    results = moderator.locator("[data-results-panel]")
    results.locator(f"[data-results-rounds] input[value='{first_id}']").check()
    results.locator(f"[data-results-rounds] input[value='{second_id}']").check()
    field = results.locator("#results-field option").nth(1).text_content()
    results.locator("#results-field").select_option(label=field)
    results.locator("button[type=submit]").click()
    current = results.locator("[data-results-current]")
    expect(current).to_contain_text(re.compile(r"Durchgang 1.*Durchgang 2"))
    expect(current).to_contain_text(field)
    show(moderator, "[data-results-panel]")
    screenshot(moderator, "moderator-results-choice")
    # The revealed ranking's points in the round list.
    expect(second.locator(".result-table tbody tr")).to_have_count(3)
    show(moderator, ".round-column")
    screenshot(moderator, "moderator-rounds")
    assert_accessible(moderator, "moderator deciding panels")
