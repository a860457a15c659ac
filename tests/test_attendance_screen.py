"""The attendance screen, driven by the keys a trainer presses after a session."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from tests.pilot import burst, until
from tui.app import KuffertApp
from tui.domain.courses import Mark
from tui.domain.ordering import name_key
from tui.i18n import language, set_language
from tui.screens.attendance.screen import AttendanceScreen, HoursPrompt
from tui.store.demo import load_demo
from tui.store.errors import LockTimeout
from tui.store.store import Store

COURSE = "c-horsens-dagpleje"
LAST = "s-horsens-dagpleje-5"  # 24-11-2021, the course's last day: opened on
PEOPLE = [f"p-hd-dp-{n:02d}" for n in range(1, 13)]  # the course's twelve participants


class AttendanceApp(KuffertApp):
    """The real app, opened straight on one course's grid: its watcher is what tells
    the grid about others' changes (``poll_interval`` seconds between looks)."""

    def __init__(self, store: Store, course: str = COURSE, *, poll_interval: float = 1.0,
                 **options: object) -> None:
        super().__init__(store, language=language(), poll_interval=poll_interval)
        self.course = course
        self.options = options

    def on_mount(self) -> None:
        # First: a window too small gets the app's sentence on top of the grid.
        self.push_screen(AttendanceScreen(self.store, self.course, **self.options))  # type: ignore[arg-type]
        super().on_mount()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The demo database with the last session's marks removed: an empty column."""
    path = tmp_path / "k.json"
    store = Store.open(path)
    load_demo(store)
    with store.transaction():
        store.attendance(COURSE).delete_where(lambda d: d.get("session_id") == LAST)
    return path


def grid_order(path: Path) -> list[str]:
    """The people in the grid's order (by name, Danish alphabet)."""
    names = {p.id: p.name for p in Store.open(path).people.all()}
    return sorted(PEOPLE, key=lambda pid: name_key(names[pid]))


def stored(path: Path, session: str = LAST) -> dict[str, tuple[Mark, float | None]]:
    """What a fresh process reads from the file."""
    store = Store.open(path)
    return {a.person_id: (a.mark, a.hours) for a in store.attendance(COURSE).all()
            if a.session_id == session}


def run(app: App[None], steps: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await steps(pilot)
            await settle(pilot)

    asyncio.run(scenario())


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the screen's store thread has answered everything asked of it."""
    for _ in range(500):
        await pilot.pause(0.01)
        screen = attendance(pilot.app)
        if screen is not None and not screen.busy and screen.data is not None:
            break
    await pilot.pause()


def attendance(app: App[object]) -> AttendanceScreen | None:
    for screen in app.screen_stack:
        if isinstance(screen, AttendanceScreen):
            return screen
    return None


def cell(app: App[object], person: str, column: str) -> str:
    screen = attendance(app)
    assert screen is not None
    table = "#attendance-totals" if column.startswith("totals:") else "#attendance-grid"
    value = screen.query_one(table, DataTable).get_cell(person, column)
    return getattr(value, "plain", str(value))


def session_line(app: App[object]) -> str:
    screen = attendance(app)
    assert screen is not None
    return str(screen.query_one("#attendance-session", Static).render())


def screen_text(app: App[object]) -> str:
    """The screen as plain text, line by line, as a terminal shows it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in strips)


def notifications(app: App[object]) -> list[str]:
    return [n.message for n in app._notifications]


# -- marking ------------------------------------------------------------------------------


def test_a_column_is_marked_with_one_key_a_person(db: Path) -> None:
    order = grid_order(db)
    app = AttendanceApp(Store.open(db))
    keys = ["t", "t", "f", "m", "t", "t", "t", "t", "t", "t", "t", "t"]

    async def steps(pilot: Pilot[None]) -> None:
        table = pilot.app.screen.query_one("#attendance-grid", DataTable)
        assert table.cursor_coordinate.row == 0
        assert "0 of 12 present" in session_line(pilot.app)
        await pilot.press(*keys)
        await settle(pilot)
        assert [cell(pilot.app, pid, LAST) for pid in order[:4]] == ["✓", "✓", "÷", "E"]
        assert "10 of 12 present (83 %), 0 not marked" in session_line(pilot.app)
        # Totals of the first person: five days of 7.4 hours.
        assert cell(pilot.app, order[0], "totals:days") == "5/5"
        assert cell(pilot.app, order[0], "totals:hours") == "37"
        assert cell(pilot.app, order[0], "totals:status") == "ok"

    run(app, steps)
    marks = stored(db)
    assert [marks[pid][0] for pid in order] == [
        Mark.PRESENT, Mark.PRESENT, Mark.ABSENT, Mark.EXCUSED, *[Mark.PRESENT] * 8]


def test_undo_and_redo_write_through_to_the_store(db: Path) -> None:
    order = grid_order(db)
    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("t", "t", "t", "f", "m")
        await settle(pilot)
        assert len(stored(db)) == 5
        await pilot.press("u", "ctrl+z", "u")
        await settle(pilot)
        assert set(stored(db)) == set(order[:2])
        assert cell(pilot.app, order[2], LAST) == ""
        # The cursor shows where the last undo happened.
        table = pilot.app.screen.query_one("#attendance-grid", DataTable)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == order[2]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert stored(db)[order[2]] == (Mark.PRESENT, None)

    run(app, steps)


def test_partial_attendance_asks_for_hours(db: Path) -> None:
    order = grid_order(db)
    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HoursPrompt)
        # The session's hours are offered; typing replaces them.
        await pilot.press(*"3,5", "enter")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, HoursPrompt)
        assert cell(pilot.app, order[0], LAST) == "3.5"  # English decimal point
        table = pilot.app.screen.query_one("#attendance-grid", DataTable)
        assert table.cursor_coordinate.row == 1  # moved on to the next person
        await pilot.press("d", *"99", "ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HoursPrompt)  # more than the day's 7.4 hours
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # "throw away what you typed?" is answered no …
        await pilot.pause()

    run(app, steps)
    assert stored(db)[order[0]] == (Mark.PARTIAL, 3.5)


def test_everyone_present_is_one_undo_step(db: Path) -> None:
    order = grid_order(db)
    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("j", "f")  # the second person was absent
        await pilot.press("T")
        await settle(pilot)
        marks = stored(db)
        assert marks[order[1]] == (Mark.ABSENT, None)
        assert [marks[pid][0] for pid in order if pid != order[1]] == [Mark.PRESENT] * 11
        assert "11 of 12 present" in session_line(pilot.app)
        await pilot.press("u")
        await settle(pilot)
        assert stored(db) == {order[1]: (Mark.ABSENT, None)}
        assert "0 of 12 present" in session_line(pilot.app)
        await pilot.press("P")  # the English key works in a Danish interface too
        await settle(pilot)
        assert len(stored(db)) == 12

    run(app, steps)


def test_arrow_and_vim_keys_move_and_clear_clears(db: Path) -> None:
    order = grid_order(db)
    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        table = pilot.app.screen.query_one("#attendance-grid", DataTable)
        start = table.cursor_coordinate
        await pilot.press("j", "j", "k")
        assert table.cursor_coordinate.row == start.row + 1
        await pilot.press("h")
        assert table.cursor_coordinate.column == start.column - 1
        await pilot.press("l", "up", "t")
        await settle(pilot)
        assert stored(db) == {order[0]: (Mark.PRESENT, None)}
        await pilot.press("up", "x")
        await settle(pilot)
        assert stored(db) == {}
        await pilot.press(*["h"] * 10)
        assert table.cursor_coordinate.column == 0  # the first day

    run(app, steps)


# -- totals and rules ---------------------------------------------------------------------


def test_a_person_who_cannot_complete_any_more_is_shown(db: Path) -> None:
    # Rikke Dahl (p-hd-dp-12) was away on day 2 (excused); absent on day 5 she can
    # reach at most 3 of the 4 days the course demands.
    order = grid_order(db)
    row = order.index("p-hd-dp-12")
    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        assert cell(pilot.app, "p-hd-dp-12", "totals:status") == "–"  # still open
        await pilot.press(*["j"] * row, "f")
        await settle(pilot)
        assert cell(pilot.app, "p-hd-dp-12", "totals:status") == "✗ out of reach"
        assert cell(pilot.app, "p-hd-dp-12", "totals:days") == "3/5"
        await pilot.press("k", "t")
        await settle(pilot)
        assert cell(pilot.app, "p-hd-dp-12", "totals:status") == "ok"

    run(app, steps)


def test_substitute_cover_hours_are_edited_and_saved(db: Path) -> None:
    order = grid_order(db)
    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        assert cell(pilot.app, order[0], "totals:cover") == "37"
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HoursPrompt)
        await pilot.press(*"14,8", "enter")
        await settle(pilot)
        assert cell(pilot.app, order[0], "totals:cover") == "14.8"

    run(app, steps)
    enrolment = next(e for e in Store.open(db).enrolments(COURSE).all()
                     if e.person_id == order[0])
    assert enrolment.substitute_hours == 14.8


def test_a_postponed_day_is_marked_in_its_header_and_expects_nobody(db: Path) -> None:
    # Ilulissat's second day was postponed because of the weather, to 16 May.
    postponed = "s-gl-f2-ilulissat-2"
    app = AttendanceApp(Store.open(db), course="c-gl-f2-ilulissat-2023")

    async def steps(pilot: Pilot[None]) -> None:
        screen = attendance(pilot.app)
        assert screen is not None and screen.data is not None
        grid = screen.query_one("#attendance-grid", DataTable)
        label = grid.columns[ColumnKey(postponed)].label.plain  # type: ignore[index]
        assert label.splitlines() == ["Wed p", "19-04"]
        people = screen.data.grid.person_ids
        assert {cell(pilot.app, pid, postponed) for pid in people} == {"·"}
        column = screen.data.grid.column(postponed)
        moves = column - grid.cursor_coordinate.column
        await pilot.press(*(["l"] * moves if moves > 0 else ["h"] * -moves))
        assert "19-04-2023, day 2 of" in session_line(pilot.app)
        assert "(postponed): nobody is expected" in session_line(pilot.app)

    run(app, steps)


# -- other users --------------------------------------------------------------------------


def test_two_instances_mark_different_cells_and_see_each_other(db: Path) -> None:
    order = grid_order(db)
    first = AttendanceApp(Store.open(db), poll_interval=0.05)
    second = AttendanceApp(Store.open(db), poll_interval=0.05)

    async def scenario() -> None:
        async with first.run_test(size=(80, 24)) as one, \
                second.run_test(size=(80, 24)) as two:
            await settle(one)
            await settle(two)
            await one.press("t", "t", "t")  # the first three people
            await two.press("j", "j", "j", "f", "f", "m")  # the next three
            await settle(one)
            await settle(two)
            # Each notices the other's file change by polling.
            await until(one, lambda: cell(first, order[5], LAST) == "E"
                        and cell(second, order[0], LAST) == "✓"
                        and "3 of 12 present" in session_line(second))
            assert cell(first, order[5], LAST) == "E"
            assert cell(second, order[0], LAST) == "✓"
            assert "3 of 12 present" in session_line(second)

    asyncio.run(scenario())
    marks = stored(db)
    assert [marks[pid][0] for pid in order[:6]] == [
        Mark.PRESENT, Mark.PRESENT, Mark.PRESENT, Mark.ABSENT, Mark.ABSENT, Mark.EXCUSED]


def test_a_mark_overwritten_elsewhere_is_reported(db: Path) -> None:
    order = grid_order(db)
    app = AttendanceApp(Store.open(db), poll_interval=0.05)
    other = Store.open(db)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("t")
        await settle(pilot)
        other.mark(COURSE, LAST, order[0], Mark.ABSENT)
        await until(pilot, lambda: cell(pilot.app, order[0], LAST) == "÷")
        assert cell(pilot.app, order[0], LAST) == "÷"
        await pilot.pause()  # the notification is a message of its own
        told = [n for n in notifications(pilot.app) if "changed" in n]
        assert told and "24-11-2021" in told[0] and "absent" in told[0]

    run(app, steps)


def test_a_failed_write_is_reported_and_the_cell_shows_the_stored_mark(db: Path) -> None:
    store = Store.open(db)
    order = grid_order(db)

    def refuse(*args: object, **kwargs: object) -> object:
        raise LockTimeout(store.db.layout.lock, 15)

    app = AttendanceApp(store)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("t")
        await settle(pilot)
        store.mark = refuse  # type: ignore[method-assign]
        await pilot.press("f")
        await settle(pilot)
        assert cell(pilot.app, order[0], LAST) == "✓"
        assert cell(pilot.app, order[1], LAST) == ""
        assert any("Nothing was saved" in n for n in notifications(pilot.app))

    run(app, steps)
    assert stored(db) == {order[0]: (Mark.PRESENT, None)}


# -- language, size, paper ----------------------------------------------------------------


def test_an_unforeseen_error_in_a_write_is_told_in_words(db: Path) -> None:
    store = Store.open(db)
    order = grid_order(db)

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug")

    app = AttendanceApp(store)

    async def steps(pilot: Pilot[None]) -> None:
        store.mark = broken  # type: ignore[method-assign]
        await pilot.press("t")
        await settle(pilot)
        assert cell(pilot.app, order[0], LAST) == ""  # what is stored
        assert any("Something unforeseen went wrong (RuntimeError)" in n
                   for n in notifications(pilot.app))
        assert isinstance(pilot.app.screen, AttendanceScreen)

    run(app, steps)
    assert stored(db) == {}


def test_english_keys_mark_in_an_english_interface(db: Path) -> None:
    set_language("en")
    order = grid_order(db)
    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("p", "a", "e")
        await settle(pilot)
        assert [cell(pilot.app, pid, LAST) for pid in order[:3]] == ["✓", "÷", "E"]
        assert screen_text(pilot.app).splitlines()[-1].startswith("p Present a Absent")
        await pilot.press("P")
        await settle(pilot)

    run(app, steps)
    marks = stored(db)
    assert [marks[pid][0] for pid in order[:3]] == [Mark.PRESENT, Mark.ABSENT, Mark.EXCUSED]
    assert all(marks[pid][0] is Mark.PRESENT for pid in order[3:])


def test_danish_interface_at_80x24_without_colour(db: Path, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    set_language("da")
    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        assert pilot.app.no_color
        shot = pilot.app.export_screenshot()
        for text in ("Dage", "Timer", "ons", "24-11", "Til", "stede"):
            assert text in shot, text
        lines = screen_text(pilot.app).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        assert " ons " in lines[2] and lines[3].endswith("24-11")  # the day opened on is in view
        assert lines[-1].startswith("t Til stede f Fraværende m ")
        assert cell(pilot.app, "p-hd-dp-12", "totals:status") == "–"
        hint = str(pilot.app.screen.query_one("#attendance-hint", Static).render())
        assert hint.startswith("t/f/m/d markerer og går ned · x ryd · T alle til stede")

    run(app, steps)


def test_the_sign_in_sheet_is_written_to_a_file(db: Path, tmp_path: Path) -> None:
    app = AttendanceApp(Store.open(db), sheet_folder=tmp_path)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await settle(pilot)
        screen = attendance(pilot.app)
        assert screen is not None and screen.last_sheet is not None
        assert any(screen.last_sheet.name in n for n in notifications(pilot.app))

    run(app, steps)
    sheet = tmp_path / "kuffert-c-horsens-dagpleje-2021-11-24.pdf"
    assert sheet.read_bytes().startswith(b"%PDF")


def test_a_sheet_that_cannot_be_written_is_told_in_words(db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no such folder"
    app = AttendanceApp(Store.open(db), sheet_folder=missing)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await settle(pilot)
        screen = attendance(pilot.app)
        assert screen is not None and screen.last_sheet is None
        told = [n for n in pilot.app._notifications
                if n.title == "The sign-in sheet was not written"]
        assert told and str(missing) in told[0].message, notifications(pilot.app)

    run(app, steps)
    assert not missing.exists()


# -- keys typed ahead, small terminals, big courses ---------------------------------------


def test_a_burst_of_keys_does_what_the_keys_would_one_at_a_time(db: Path) -> None:
    """Typed ahead over SSH the keys arrive in one packet, before the grid has drawn
    anything; each must still do what it does alone."""
    order = grid_order(db)
    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("T")  # everyone present
        await settle(pilot)
        # Space clears and moves down, like every mark: persons 1, 3 and 5 of the list.
        burst(app, "space", "down", "space", "down", "space")
        await settle(pilot)
        assert [cell(pilot.app, pid, LAST) for pid in order[:6]] == [
            "", "✓", "", "✓", "", "✓"]
        table = pilot.app.screen.query_one("#attendance-grid", DataTable)
        assert table.cursor_coordinate.row == 5
        # Typed right after the grid is opened, before the course is read.
        await pilot.press("escape")
        pilot.app.push_screen(AttendanceScreen(pilot.app.store, COURSE))  # type: ignore[attr-defined]
        burst(app, "down", "f", "m", "up", "u")
        await settle(pilot)
        # Person 2 absent, person 3 excused then undone (back to its cleared state).
        assert [cell(pilot.app, pid, LAST) for pid in order[:4]] == ["", "÷", "", "✓"]
        table = pilot.app.screen.query_one("#attendance-grid", DataTable)
        assert table.cursor_coordinate.row == 2  # the undo shows where it happened

    run(app, steps)
    marks = stored(db)
    assert set(order) - set(marks) == {order[0], order[2], order[4]}
    assert marks[order[1]] == (Mark.ABSENT, None)


@pytest.mark.parametrize(("lang", "at_once"), [("da", False), ("en", False), ("da", True)])
def test_part_day_and_its_hours_typed_ahead_go_into_the_prompt(
        db: Path, lang: str, at_once: bool) -> None:
    """"d 3 , 5 enter" in one packet: the prompt opens, takes 3,5 and saves it (the
    keys after "d" used to reach the grid before the prompt had the focus). Also typed
    right after the grid opens, before the course is read."""
    order = grid_order(db)
    before = language()
    set_language(lang)
    try:
        app = AttendanceApp(Store.open(db))

        async def steps(pilot: Pilot[None]) -> None:
            if at_once:
                await pilot.press("escape")
                pilot.app.push_screen(AttendanceScreen(pilot.app.store, COURSE))  # type: ignore[attr-defined]
            # "d" is part-day in both languages; an English point also parses.
            burst(app, "d", *("3,5" if lang == "da" else "3.5"), "enter", "down")
            await until(pilot, lambda: stored(db).get(order[0]) == (Mark.PARTIAL, 3.5))
            await settle(pilot)
            assert isinstance(pilot.app.screen, AttendanceScreen)
            table = pilot.app.screen.query_one("#attendance-grid", DataTable)
            assert table.cursor_coordinate.row == 2  # moved on after the mark, then down

        run(app, steps)
    finally:
        set_language(before)
    assert stored(db) == {order[0]: (Mark.PARTIAL, 3.5)}


def test_a_walk_in_and_their_name_typed_ahead_fill_the_form(db: Path) -> None:
    """"n" reads the institutions before the form opens: the name typed right behind it
    lands in the form's name field, not on the grid (where "a" would mark absent)."""
    from tui.widgets.form import FormScreen

    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        burst(app, "n", *"Ane", "space", *"Lynge")
        await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen)
                    and pilot.app.screen.raw("name") == "Ane Lynge")

    run(app, steps)
    assert stored(db) == {}  # nobody marked by the letters


def test_below_60x20_the_grid_waits_under_the_apps_sentence(db: Path) -> None:
    """The app covers every screen with a sentence below 60x20 (widgets/too_small.py);
    the grid under it marks nothing blind and comes back as it was."""
    from tui.widgets.too_small import TooSmallScreen

    order = grid_order(db)
    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("down", "down")
        await pilot.resize_terminal(59, 24)
        await pilot.pause()
        assert isinstance(pilot.app.screen, TooSmallScreen)
        assert "Days" not in screen_text(pilot.app)  # no half-drawn grid
        await pilot.press("t", "down", "f")  # nobody is marked blind
        await settle(pilot)
        assert stored(db) == {}
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(pilot.app.screen, AttendanceScreen)
        assert "Days" in screen_text(pilot.app)
        await pilot.press("t")  # where the cursor was
        await settle(pilot)

    run(app, steps)
    assert stored(db) == {order[2]: (Mark.PRESENT, None)}


def test_a_course_of_400_people_and_40_days_is_marked(tmp_path: Path) -> None:
    import datetime as dt

    from tui.domain.courses import Attendance, Course, Enrolment, Session, attendance_id
    from tui.domain.people import Person, Qualification, Role
    from tui.domain.programmes import Programme

    store = Store.open(tmp_path / "k.json")
    first = dt.date(2025, 1, 6)
    sessions = [Session(id=f"s{k:02d}", course_id="big", date=first + dt.timedelta(weeks=k),
                        hours=7.4) for k in range(40)]
    people = [Person(id=f"p{i:03d}", name=f"Deltager {i:03d}", role=Role.EMPLOYEE,
                     qualification=Qualification.UNSKILLED) for i in range(400)]
    store.programmes.add(Programme(id="prog", name="Program"))
    store.courses.add(Course(id="big", programme_id="prog", name="Stort hold"))
    store.people.add_many(people)
    with store.transaction():
        store.sessions("big").add_many(sessions)
        store.enrolments("big").add_many(
            [Enrolment(course_id="big", person_id=p.id) for p in people])
        # The first 20 days marked: 8,000 records in the file.
        store.attendance("big").add_many([
            Attendance(id=attendance_id(s.id, p.id), course_id="big", session_id=s.id,
                       person_id=p.id, mark=Mark.PRESENT) for s in sessions[:20]
            for p in people])
    app = AttendanceApp(store, course="big", today=sessions[20].date)

    async def steps(pilot: Pilot[None]) -> None:
        table = pilot.app.screen.query_one("#attendance-grid", DataTable)
        assert table.row_count == 400
        assert "day 21 of 40: 0 of 400 present" in session_line(pilot.app)
        await pilot.press("T")
        await settle(pilot)
        assert "400 of 400 present" in session_line(pilot.app)
        await pilot.press("end", "f")
        await settle(pilot)
        assert cell(pilot.app, "p399", "s20") == "÷"
        assert "399 of 400 present" in session_line(pilot.app)

    run(app, steps)
    marks = {a.person_id: a.mark for a in Store.open(store.path).attendance("big").all()
             if a.session_id == "s20"}
    assert len(marks) == 400 and marks["p399"] is Mark.ABSENT
    assert sum(m is Mark.PRESENT for m in marks.values()) == 399


def test_the_collector_rests_while_the_grid_opens_and_comes_back_after(db: Path) -> None:
    """Opening the grid pauses the cyclic garbage collector (a full pass mid-opening cost
    100-150 ms at national scale); it must come back, or cyclic garbage would pile up."""
    assert gc.isenabled()
    app = AttendanceApp(Store.open(db))

    async def steps(pilot: Pilot[None]) -> None:
        screen = attendance(pilot.app)
        assert screen is not None and screen.data is not None
        await until(pilot, gc.isenabled)  # a second after the grid shows
        await pilot.press("t")
        await settle(pilot)
        assert gc.isenabled()

    run(app, steps)
    assert gc.isenabled()
