"""A merge killed at any step leaves the office database as before or wholly merged.

The merge writes the people file, a course file and the main file in one transaction.
The child doing it is killed just before and just after each durable call (tests/crash.py);
a reader at that moment, and the next process to open the database, must see the office
as it was or with the whole bundle merged, never a part of it.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.crash import copy_database, count_steps, kill_points, run_in_child
from tests.field_trip import (
    PASS,
    change_field,
    change_office,
    contents,
    make_office,
    open_copy,
    take_out,
)
from tui.store import daily_backup, sync
from tui.store.bundle import Bundle, read_bundle
from tui.store.check import check
from tui.store.store import Store


def _merge(db: Path, bundle: Bundle):
    return lambda: sync.merge_changes(Store.open(db), bundle, "back.kuf")


def test_a_kill_at_each_step_of_a_merge_leaves_before_or_after(tmp_path: Path) -> None:
    office = make_office(tmp_path / "office" / "k.json")
    take_out(office, tmp_path / "out.kuf")
    field = open_copy(tmp_path / "out.kuf", tmp_path / "field" / "k.json")
    change_field(field)
    change_office(office)
    sync.export_changes(field, tmp_path / "back.kuf", PASS)
    bundle = read_bundle(tmp_path / "back.kuf", PASS)
    with Store.open(office.path).transaction():
        pass  # today's backup is taken now, so every copy below starts from one state
    daily_backup.settle()
    template = tmp_path / "office"
    before = contents(office)

    done = copy_database(template, tmp_path / "done") / "k.json"
    steps = count_steps(_merge(done, bundle))
    after = contents(Store.open(done))
    assert after != before
    assert steps >= 8, steps  # three files, a commit record, their renames and fsyncs

    outcomes = {"before": 0, "after": 0}
    for n, point in enumerate(kill_points(steps)):
        db = copy_database(template, tmp_path / f"k{n}") / "k.json"
        status = run_in_child(_merge(db, bundle), point)
        assert os.WIFSIGNALED(status), (point, status)
        seen = contents(Store.open(db))  # the next command: finishes or sweeps up
        assert seen in (before, after), f"half a merge after a kill {point}"
        store = Store.open(db)
        assert [f.message for f in check(store) if f.error] == [], point
        outcomes["after" if seen == after else "before"] += 1
        # Merging again after the crash does the job exactly once.
        receipt = sync.merge_changes(store, bundle, "back.kuf")
        assert (receipt.already_imported is not None) == (seen == after), point
        assert contents(Store.open(db)) == after, point
    print(f"{len(kill_points(steps))} kill points: {outcomes}")
    assert outcomes["before"] and outcomes["after"], outcomes
