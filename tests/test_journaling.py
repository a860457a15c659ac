"""Journals: phase progress, open goals, search in context, transfer forms, ratings."""

from __future__ import annotations

import datetime as dt

import pytest

from tui.domain.journaling import (
    can_start_new_cycle,
    fold,
    goals_lacking_evaluation,
    journal_progress,
    rating_changes,
    search,
    transfer_completeness,
)
from tui.domain.journals import (
    GoalOutcome,
    GoalRating,
    JournalEntry,
    JournalGoal,
    Phase,
    TransferNote,
    TransferStage,
)

COURSE = "c-vg"


def entry(
    phase: int, cycle: int = 1, text: str = "", journal: str = "j1", n: int = 0
) -> JournalEntry:
    return JournalEntry(id=f"je-{journal}-{cycle}-{phase}-{n}", course_id=COURSE,
                        journal_id=journal, phase=Phase(phase), cycle=cycle,
                        date=dt.date(2021, 9, phase), text=text)


def test_progress_per_cycle() -> None:
    entries = [entry(p) for p in (1, 2, 3, 5)] + [entry(1, journal="other"), entry(4, n=1)]
    progress = journal_progress("j1", entries)
    assert progress.current_cycle == 1
    current = progress.current
    assert current.highest is Phase.ACTION
    assert current.phases == {Phase.WONDER, Phase.KNOWLEDGE, Phase.GOALS, Phase.PLANNING,
                              Phase.ACTION}
    assert current.missing == []
    assert not current.implemented and not can_start_new_cycle(progress)


def test_a_new_cycle_may_start_after_implementation() -> None:
    entries = [entry(p) for p in (1, 2, 3, 6, 9)]
    progress = journal_progress("j1", entries)
    assert progress.current.missing == [Phase.PLANNING, Phase.ACTION, Phase.CONVERSATION,
                                        Phase.EVALUATION]
    assert can_start_new_cycle(progress)
    progress = journal_progress("j1", [*entries, entry(1, cycle=2)])
    assert progress.current_cycle == 2
    assert progress.current.highest is Phase.WONDER
    assert progress.cycle(1).implemented and not can_start_new_cycle(progress)


def test_an_empty_journal_is_at_the_start_of_cycle_one() -> None:
    progress = journal_progress("j1", [])
    assert progress.current_cycle == 1
    assert progress.current.highest is None
    assert not can_start_new_cycle(progress)


def test_goals_lacking_evaluation_per_cycle() -> None:
    goals = [
        JournalGoal(id="g1", course_id=COURSE, journal_id="j1", text="Alle børn taler",
                    outcome=GoalOutcome.REACHED),
        JournalGoal(id="g2", course_id=COURSE, journal_id="j1", text="Åbne spørgsmål"),
        JournalGoal(id="g3", course_id=COURSE, journal_id="j1", cycle=2, text="Rolig aflevering"),
        JournalGoal(id="g4", course_id=COURSE, journal_id="j2", text="Andet"),
    ]
    open_goals = goals_lacking_evaluation(goals, "j1")
    assert {cycle: [g.id for g in gs] for cycle, gs in open_goals.items()} == {1: ["g2"],
                                                                               2: ["g3"]}
    assert [g.id for g in goals_lacking_evaluation(goals)[1]] == ["g2", "g4"]


TEXT = ("Tre-fire børn får næsten aldrig ordet ved frokostbordet. Vi prøver at dele "
        "frokosten i to små borde med én voksen ved hvert, og vi skriver korte noter "
        "efter hvert måltid i tre uger.")


def test_search_shows_the_hit_in_context() -> None:
    hits = search([entry(1, text=TEXT), entry(2, text="Intet her")], "SMÅ BORDE")
    assert len(hits) == 1
    hit = hits[0]
    assert hit.snippet[hit.start:hit.end] == "små borde"
    assert len(hit.snippet) <= 64
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert hit.count == 1


def test_search_ignores_case_and_danish_spelling() -> None:
    texts = [entry(1, text="Maaltidet i Aabenraa"), entry(2, text="Måltidet i Åbenrå", n=1)]
    assert len(search(texts, "måltid")) == 2
    assert len(search(texts, "aabenraa")) == 2
    hit = search([entry(1, text="Stor Ærgrelse")], "aergrel")[0]
    assert hit.snippet[hit.start:hit.end] == "Ærgrel"
    assert fold("Søren Ærø Café") == "soeren aeroe cafe"


def test_search_at_the_edges_and_with_nothing_to_find() -> None:
    hit = search([entry(1, text="frokost\nfor alle")], "frokost")[0]
    assert (hit.snippet, hit.start, hit.end) == ("frokost for alle", 0, 7)
    assert search([entry(1, text=TEXT)], "   ") == []
    assert search([entry(1, text=TEXT)], "tre").__len__() == 1
    assert search([entry(1, text=TEXT)], "tre")[0].count == 2


def test_transfer_completeness() -> None:
    notes = [
        TransferNote(id="t1", course_id=COURSE, person_id="p1", stage=TransferStage.BEFORE,
                     answers={"own_practice": "Afleveringer er svære."}),
        TransferNote(id="t2", course_id=COURSE, person_id="p1", stage=TransferStage.DURING,
                     answers={"tried": "  "}),
    ]
    done = transfer_completeness(notes, ["p1", "p2"])
    assert done["p1"] == {TransferStage.BEFORE: True, TransferStage.DURING: False,
                          TransferStage.AFTER: False}
    assert not any(done["p2"].values())


def test_learning_goal_change_counts_only_complete_pairs() -> None:
    ratings = [
        GoalRating(id="r1", course_id=COURSE, person_id="p1", goal_key="dp-1", before=2, after=4),
        GoalRating(id="r2", course_id=COURSE, person_id="p2", goal_key="dp-1", before=3, after=4),
        GoalRating(id="r3", course_id=COURSE, person_id="p3", goal_key="dp-1", before=1),
        GoalRating(id="r4", course_id=COURSE, person_id="p1", goal_key="dp-2", after=5),
    ]
    changes = rating_changes(ratings)
    first = changes["dp-1"]
    assert first.n == 2
    assert first.mean_before == pytest.approx(2.5)
    assert first.mean_after == pytest.approx(4.0)
    assert first.delta == pytest.approx(1.5)
    assert changes["dp-2"].n == 0 and changes["dp-2"].delta is None
