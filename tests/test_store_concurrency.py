"""Several processes writing one database at once lose nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tui.store.store import Store

WRITER = r"""
import sys
from pathlib import Path
from tui.domain.people import Person, Qualification, Role
from tui.store.store import Store

db, worker, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
store = Store.open(db)
for n in range(count):
    store.people.add(Person(id=f"w{worker}n{n}", name=f"Writer {worker} record {n}",
                            role=Role.EMPLOYEE, qualification=Qualification.UNSKILLED))
"""


# Eight writers at once, on a busy machine: tests/test_store_lock.py.


def test_a_change_by_another_process_is_seen_without_reopening(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    reader = Store.open(db)
    assert reader.people.count() == 0
    subprocess.run([sys.executable, "-c", WRITER, str(db), "1", "3"], check=True)
    assert reader.people.count() == 3
    subprocess.run([sys.executable, "-c", WRITER, str(db), "2", "2"], check=True)
    assert {p.id for p in reader.people.all()} >= {"w2n0", "w2n1"}


def test_concurrent_edits_of_one_record_are_detected(tmp_path: Path) -> None:
    from tui.domain.people import Person, Qualification, Role
    from tui.store.errors import StaleRecord

    first, second = Store.open(tmp_path / "k.json"), Store.open(tmp_path / "k.json")
    person = first.people.add(Person(name="Naja Lynge", role=Role.LEADER,
                                     qualification=Qualification.PEDAGOGUE))
    mine, theirs = first.people.get(person.id), second.people.get(person.id)
    theirs.phone = "+299 123456"
    second.people.save(theirs, expected_version=theirs.version)
    mine.email = "naja@example.gl"
    try:
        first.people.save(mine, expected_version=mine.version)
    except StaleRecord as stale:
        assert "changed by" in str(stale)
    else:
        raise AssertionError("the second save overwrote a newer version silently")
    stored = first.people.get(person.id)
    assert stored.phone == "+299 123456" and stored.version == 2
