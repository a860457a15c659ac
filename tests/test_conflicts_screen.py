"""The conflicts screen, reached from the dashboard, driven by keys at 80x24."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot

from tests.field_trip import (
    PASS,
    change_field,
    change_office,
    d1p1,
    make_office,
    open_copy,
    take_out,
)
from tests.pilot import until
from tests.test_app import rows, text_of
from tui.app import KuffertApp
from tui.domain.courses import Mark
from tui.domain.journals import JournalEntry, Phase
from tui.screens.home.dashboard import DashboardScreen
from tui.screens.sync.conflicts import ConflictsScreen
from tui.store import conflicts, sync
from tui.store.bundle import read_bundle
from tui.store.store import Store
from tui.store.sync_records import Loc


def _merged(tmp_path: Path, *, two: bool = False) -> tuple[Store, Store]:
    office = make_office(tmp_path / "office" / "k.json")
    take_out(office, tmp_path / "out.kuf")
    field = open_copy(tmp_path / "out.kuf", tmp_path / "field" / "k.json")
    change_field(field)
    change_office(office)
    if two:
        # A second conflict: the same journal entry rewritten on both sides, twice in the
        # field (version 3), once in the office (version 2).
        for store, text, phase in ((office, "Kontorets ord", Phase.WONDER),
                                   (field, "Feltets udkast", Phase.GOALS),
                                   (field, "Feltets ord", Phase.GOALS)):
            entry = store.journal_entries("c1").get("je1")
            entry.text, entry.phase = text, phase
            store.journal_entries("c1").save(entry)
    sync.export_changes(field, tmp_path / "back.kuf", PASS)
    sync.merge_changes(office, read_bundle(tmp_path / "back.kuf", PASS), "back.kuf")
    return office, field


def cell_conflict() -> str:
    return conflicts.conflict_id(Loc("course", "attendance", d1p1(), "c1"))


def run(app: KuffertApp, steps: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await steps(pilot)
            await pilot.pause()

    asyncio.run(main())


def test_a_conflict_is_resolved_by_key_from_the_dashboard(tmp_path: Path) -> None:
    office, _field = _merged(tmp_path)
    app = KuffertApp(office, language="en", poll_interval=0.1)

    async def steps(pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, DashboardScreen)
        status = text_of(app, "#sync-status")
        assert "1 conflict between office and field to resolve: press c." in status
        assert re.search(r"In the field: Kursus with Aviaja since \d\d-\d\d-\d{4}; "
                         r"changes back \d\d-\d\d-\d{4}\.", status)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConflictsScreen))
        await until(pilot, lambda: rows(app, "conflict-list"))
        listed = rows(app, "conflict-list")
        assert list(listed) == [cell_conflict()]
        # The office's own version is the one shown (and held) until resolved.
        assert listed[next(iter(listed))][1:] == ["Kursus", "office"]
        fields = rows(app, "conflict-fields")
        # The field that differs comes first: partial (3 h) in the office, absent outside.
        assert list(fields)[:2] == ["mark", "hours"]
        assert fields["mark"] == ["Mark", "Partly present", "Absent", ""]
        assert fields["hours"][1:3] == ["3", "–"]
        who = text_of(app, "#conflict-who")
        assert re.search(r"Office: \S+@\S+, \d\d-\d\d-\d{4} \d\d:\d\d \(version 2\)", who)
        assert re.search(r"Field copy: \S+@\S+, \d\d-\d\d-\d{4} \d\d:\d\d \(version 3\)",
                         who)
        await pilot.press("o")
        await until(pilot, lambda: conflicts.open_conflicts(office) == [])
        # The list is read again in a worker once the resolution is stored.
        await until(pilot, lambda: "No conflicts" in text_of(app, "#conflicts-message"))
        mark = Store.open(office.path).attendance("c1").get(d1p1())
        assert (mark.mark, mark.hours, mark.version) == (Mark.PARTIAL, 3.0, 4)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await until(pilot, lambda: "to resolve" not in text_of(app, "#sync-status"))
        assert "1 walk-in looks like a registered person" in text_of(app, "#sync-status")

    run(app, steps)


def test_edit_takes_each_field_from_the_side_chosen(tmp_path: Path) -> None:
    office, _field = _merged(tmp_path, two=True)
    app = KuffertApp(office, language="en")
    entry_conflict = conflicts.conflict_id(Loc("course", "journal_entries", "je1", "c1"))

    async def steps(pilot: Pilot[None]) -> None:
        app.open_conflicts()
        await until(pilot, lambda: isinstance(app.screen, ConflictsScreen))
        await until(pilot, lambda: len(rows(app, "conflict-list")) == 2)
        listed = list(rows(app, "conflict-list"))
        assert sorted(listed) == sorted([entry_conflict, cell_conflict()])
        while app.screen.selected().id != entry_conflict:
            await pilot.press("down")
        fields = rows(app, "conflict-fields")
        assert list(fields)[:2] == ["phase", "text"]
        await pilot.press("e")
        # The office's version shows (a field's version 3 does not displace it), so
        # editing starts from it; keep the office's phase and the field's text.
        keep = [r[3] for r in rows(app, "conflict-fields").values()]
        assert keep[:2] == ["office", "office"] and set(keep[2:]) == {""}  # what differs
        await pilot.press("o", "f", "s")
        await until(pilot, lambda: len(conflicts.open_conflicts(office)) == 1)
        entry: JournalEntry = Store.open(office.path).journal_entries("c1").get("je1")
        assert (entry.phase, entry.text) == (Phase.WONDER, "Feltets ord")

    run(app, steps)


def test_a_field_copys_dashboard_counts_what_is_not_brought_back(tmp_path: Path) -> None:
    office = make_office(tmp_path / "office" / "k.json")
    take_out(office, tmp_path / "out.kuf")
    field = open_copy(tmp_path / "out.kuf", tmp_path / "field" / "k.json")
    change_field(field)
    app = KuffertApp(field, language="da")

    async def steps(pilot: Pilot[None]) -> None:
        status = text_of(app, "#sync-status")
        assert re.search(r"Feltkopi af Kursus, åbnet \d\d-\d\d-\d{4}\.", status)
        # The ten records change_field changed, the first of them at a Danish date.
        assert re.search(r"10 ændringer er ikke taget med hjem endnu, den første fra "
                         r"\d\d-\d\d-\d{4} \d\d:\d\d", status)
        assert "konflikt" not in status
        sync.export_changes(field, tmp_path / "back.kuf", PASS)
        # No key pressed: the dashboard follows the change by itself.
        await until(pilot, lambda: "Alle ændringer er lagt i en pakke" in text_of(
            app, "#sync-status"))

    run(app, steps)


def test_records_and_their_fields_are_named_as_users_know_them(tmp_path: Path) -> None:
    """Whose mark on which day, whose journal; people, days and courses by name, not by
    their ids (make_office: d1 is 02-03-2026, p1 is Person 1, c1 is Kursus)."""
    office, _field = _merged(tmp_path, two=True)
    app = KuffertApp(office, language="en")
    entry_conflict = conflicts.conflict_id(Loc("course", "journal_entries", "je1", "c1"))

    async def steps(pilot: Pilot[None]) -> None:
        app.open_conflicts()
        await until(pilot, lambda: isinstance(app.screen, ConflictsScreen))
        await pilot.pause()
        await until(pilot, lambda: rows(app, "conflict-list"))
        listed = rows(app, "conflict-list")
        assert listed[cell_conflict()][0] == "Attendance: Person 1, 02-03-2026"
        # j1 has no title: it is Person 1's journal.
        assert listed[entry_conflict][0] == "Journal entry: Person 1"
        while app.screen.selected().id != cell_conflict():
            await pilot.press("down")
        fields = rows(app, "conflict-fields")
        assert fields["person_id"][:3] == ["Person", "Person 1", "Person 1"]
        assert fields["session_id"][:3] == ["Session", "02-03-2026", "02-03-2026"]
        assert fields["course_id"][:3] == ["Course", "Kursus", "Kursus"]
        shown = " ".join(" ".join(r) for r in [*listed.values(), *fields.values()])
        assert "p1" not in shown.split() and "d1" not in shown.split()

    run(app, steps)
