"""A group journal by keys: enter saves a goal, phase 3 gets its tick from it, and the
author of an entry is one of the group's members, picked from a list."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from tests.test_journals_screen import NURSERY, db, run, shown, table_rows, type_text, until  # noqa: F401
from tui.screens.journals.entry import EntryScreen
from tui.screens.journals.journal import JournalScreen
from tui.store.store import Store
from tui.widgets.phase_stepper import PhaseStepper

GROUP = "j-hd-vg-plf"


def test_enter_saves_a_goal_and_the_author_is_picked_from_the_members(db: Path) -> None:  # noqa: F811
    store = Store.open(db)
    members = {p.id: p.name for p in store.people.all()
               if p.id in ("p-hd-vg-01", "p-hd-vg-02", "p-hd-vg-03")}
    before = len(store.journal_goals(NURSERY).where(journal_id=GROUP))

    async def steps(pilot) -> None:
        rows = table_rows(pilot, "#journals-table")
        index = next(i for i, r in enumerate(rows) if "PLF" in " ".join(r))
        await pilot.press(*["down"] * index, "enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, JournalScreen))
        await pilot.pause()
        screen = pilot.app.screen
        await pilot.press("g")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "PromptScreen")
        await type_text(pilot, "Alle børn siger noget ved bordet")
        await pilot.press("enter")  # saves, as a prompt does
        await until(pilot, lambda: pilot.app.screen is screen)
        await until(pilot, lambda: len(Store.open(db).journal_goals(NURSERY).where(
            journal_id=GROUP)) == before + 1)
        assert "3✓" in str(screen.query_one(PhaseStepper).render())

        await pilot.press("n")
        await until(pilot, lambda: isinstance(pilot.app.screen, EntryScreen))
        author = pilot.app.screen.query_one("#entry-author")
        assert isinstance(author, Select)
        assert sorted(str(label) for label, _v in author._options if _v is not Select.BLANK
                      and _v != Select.NULL) == sorted(members.values())

    run(db, NURSERY, steps)
    texts = [g.text for g in Store.open(db).journal_goals(NURSERY).where(journal_id=GROUP)]
    assert "Alle børn siger noget ved bordet" in texts


def test_search_finds_goals_and_evaluations_and_opens_their_phase(db: Path) -> None:  # noqa: F811
    from tui.domain.journals import GoalOutcome, JournalGoal, Phase

    store = Store.open(db)
    store.journal_goals(NURSERY).add(JournalGoal(
        course_id=NURSERY, journal_id=GROUP, text="Flere samtaler om maden",
        outcome=GoalOutcome.PARTLY, comment="Kun ved frokosten, ikke om eftermiddagen"))

    async def steps(pilot) -> None:
        await pilot.press("slash", *"samtaler om")
        await until(pilot, lambda: any("3 Goals" in " ".join(r)
                                       for r in table_rows(pilot, "#hits-table")))
        screen = pilot.app.screen
        await pilot.press("enter", "enter")  # from the field to the hits, and open
        await until(pilot, lambda: isinstance(pilot.app.screen, JournalScreen))
        await pilot.pause()
        assert pilot.app.screen.phase is Phase.GOALS
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is screen)
        await pilot.press("slash", *["backspace"] * 11, *"eftermiddag")
        await until(pilot, lambda: any("8 Evaluation" in " ".join(r)
                                       for r in table_rows(pilot, "#hits-table")))

    run(db, NURSERY, steps)


def test_the_markdown_export_has_transfer_notes_and_goal_ratings(db: Path, tmp_path: Path) -> None:  # noqa: F811
    from tests.conftest import run_kuffert
    from tui.domain.journals import GoalRating, TransferNote, TransferStage

    store = Store.open(db)
    person = store.people.get("p-hd-vg-01")
    programme = store.programmes.get(store.courses.get(NURSERY).programme_id)
    goal = next(g for g in programme.learning_goals if g.audience == "nursery")
    store.transfer_notes(NURSERY).add(TransferNote(
        course_id=NURSERY, person_id=person.id, stage=TransferStage.AFTER,
        answers={"anchoring": "Vi spiser nu i små grupper"}))
    store.ratings(NURSERY).add(GoalRating(course_id=NURSERY, person_id=person.id,
                                          goal_key=goal.key, before=2, after=4))
    out = tmp_path / "journaler.md"
    done = run_kuffert("export", "journals", "--format", "md", "--course", NURSERY,
                       "--out", str(out), db=db)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "## Transfer notes" in text and f"### {person.name}" in text
    assert ("- Anchoring: what do you keep doing in your practice? "
            "Vi spiser nu i små grupper") in text
    assert "## Learning-goal ratings" in text
    assert f"| {person.name} | {goal.text} (Nursery staff) | 2 | 4 |" in text


def test_goals_set_in_the_same_second_keep_the_order_they_were_set_in(db: Path) -> None:  # noqa: F811
    from tui.domain.journals import JournalGoal, Phase

    store = Store.open(db)
    cycle = max([g.cycle for g in store.journal_goals(NURSERY).where(journal_id=GROUP)]
                + [e.cycle for e in store.journal_entries(NURSERY).where(journal_id=GROUP)])
    # Stamped alike (stamps are to the second); the ids sort the other way round.
    for goal_id, text in (("g-zz", "Set first"), ("g-aa", "Set second")):
        store.journal_goals(NURSERY).add(JournalGoal(
            id=goal_id, course_id=NURSERY, journal_id=GROUP, cycle=cycle + 1, text=text,
            created_at="2026-02-03T10:00:00+00:00"))

    async def steps(pilot) -> None:
        rows = table_rows(pilot, "#journals-table")
        index = next(i for i, r in enumerate(rows) if "PLF" in " ".join(r))
        await pilot.press(*["down"] * index, "enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, JournalScreen))
        screen = pilot.app.screen
        assert isinstance(screen, JournalScreen)
        # The new cycle has no entries: it opens on phase 1, two before the goals.
        await until(pilot, lambda: screen.cycle == cycle + 1)
        await pilot.press("right", "right")
        await until(pilot, lambda: screen.phase is Phase.GOALS)
        await until(pilot, lambda: "Goal 1: Set first" in shown(pilot))
        assert "Goal 2: Set second" in shown(pilot)

    run(db, NURSERY, steps)
