"""A programme's target as a range, and the progress toward it where the programme is
shown; copying a course for next year; capacity with a waiting list."""

from __future__ import annotations

import datetime as dt

from textual.pilot import Pilot
from textual.widgets import Static

from tests.pilot import until
from tests.test_courses_screen import form_opened, retype, rows
from tests.test_programmes_screen import cursor, run, to_programmes
from tui.app import KuffertApp
from tui.domain.courses import CourseStatus, SessionStatus
from tui.domain.parse import parse_target
from tui.store.store import Store
from tui.widgets.form import FormScreen

HORSENS = "prog-horsens-1000"


def test_a_target_range_is_typed_and_the_progress_shown(demo_store: Store) -> None:
    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_programmes(app, pilot)
        assert cursor(app, "#programmes-table") == HORSENS  # "1000-..." sorts first
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press(*["tab"] * 5)
        await retype(pilot, "60-70")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        # Horsens' two courses trained 11 + 11 = 22 people: 22 of 60 is 37 %.
        await until(pilot, lambda: "Trained 22 of the target 60–70 (37 %)" in str(
            app.screen.query_one("#programmes-detail", Static).render()))

    run(demo_store, steps)
    programme = Store.open(demo_store.path).programmes.get(HORSENS)
    assert (programme.target_participants, programme.target_max) == (60, 70)


def test_targets_are_read_as_a_number_or_a_range() -> None:
    assert parse_target("65").value == (65, None)
    assert parse_target(" 60 – 70 ").value == (60, 70)
    assert parse_target("60 til 70").value == (60, 70)
    assert parse_target("").value == (None, None)
    assert "smaller number" in str(parse_target("70-60").error)
    assert "not a target" in str(parse_target("mange").error)


def test_a_course_is_copied_for_next_year_with_its_days_moved(demo_store: Store) -> None:
    from tests.test_courses_screen import run as run_courses
    from tests.test_courses_screen import to_courses

    async def steps(app: KuffertApp, pilot: Pilot[None]) -> None:
        await to_courses(app, pilot)
        await pilot.press("slash", *"dagplejen 2021", "enter")
        await until(pilot, lambda: len(rows(app, "course-list")) == 1)
        await pilot.press("y")
        form = await form_opened(app, pilot)
        assert form.raw("name") == "5-dages læringsforløb for dagplejen 2022"
        assert form.raw("weeks") == "52"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("Course copied" in n.message
                                       for n in app._notifications))

    run_courses(demo_store, steps)
    fresh = Store.open(demo_store.path)
    (copy,) = [c for c in fresh.courses.all()
               if c.name == "5-dages læringsforløb for dagplejen 2022"]
    old = sorted(s.date for s in fresh.sessions("c-horsens-dagpleje").all())
    new = sorted(fresh.sessions(copy.id).all(), key=lambda s: s.date)
    # 52 weeks later, so Monday 16-08-2021 is Monday 15-08-2022, and so on.
    assert [s.date for s in new] == [d + dt.timedelta(weeks=52) for d in old]
    assert new[0].date == dt.date(2022, 8, 15)
    assert {s.status for s in new} == {SessionStatus.PLANNED}
    assert copy.status is CourseStatus.PLANNED and fresh.enrolments(copy.id).all() == []
    assert copy.topic_keys == fresh.courses.get("c-horsens-dagpleje").topic_keys


def test_the_dashboard_and_the_reports_show_the_target_and_the_progress(
        demo_store: Store) -> None:
    import asyncio
    import dataclasses

    from textual.widgets import DataTable

    from tests.test_reports_screen import lines
    from tui.domain.cover import COVER_RULE
    from tui.screens.reports.screen import ReportsScreen

    horsens = demo_store.programmes.get(HORSENS)
    demo_store.programmes.save(dataclasses.replace(horsens, target_participants=60,
                                                   target_max=70))
    greenland = demo_store.programmes.get("prog-gl-3")
    demo_store.programmes.save(dataclasses.replace(greenland, target_participants=None))
    app = KuffertApp(demo_store, language="en", poll_interval=3600)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.app.workers.wait_for_complete()
            table = app.screen.query_one("#programmes", DataTable)
            # Horsens' two courses trained 11 + 11 = 22 toward 60-70; Greenland has none.
            await until(pilot, lambda: str(table.get_row(HORSENS)[3]) == "22/60–70")
            assert str(table.get_row("prog-gl-3")[3]) == ""
            await pilot.pause()
            # Drawn whole at 80 columns, not clipped.
            assert any(line.rstrip().endswith("22/60–70") for line in lines(table))

            await pilot.press("6")
            await until(pilot, lambda: isinstance(app.screen, ReportsScreen)
                        and app.screen.query_one("#reports-body").display)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            targets = app.screen.query_one("#targets", DataTable)
            # 22 of 60 is 36.7 %, shown as 37 %; only Horsens has a target.
            assert targets.row_count == 1
            assert any(line.rstrip().endswith("22 of 60–70 (37 %)") for line in lines(targets))
            rule = str(app.screen.query_one("#cover-rule", Static).render())
            assert " ".join(rule.split()) == COVER_RULE

    asyncio.run(main())
