"""Benchmark: field bundles at national scale (50,000 people, 2,000 courses). Prints JSON.

Takes 1, 10 and 50 courses of the national programme out, opens each bundle as a field
copy, marks a day's attendance and writes a journal entry in every course, adds walk-ins,
brings the changes back and merges them into the office. Figures are set against
baselines from the same run: one attendance mark in the office (the cheapest write) and
a rewrite of the people file (what a merge with walk-ins must do at least once).

    python tests/bench/bench_bundle.py [--work DIR] [--sizes 1,10,50]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tui.domain.courses import Mark
from tui.domain.journals import Journal, JournalEntry, Phase
from tui.domain.people import Person, Qualification, Role
from tui.store import sync
from tui.store.bundle import read_bundle
from tui.store.demo import generate_national
from tui.store.files import atomic_write
from tui.store.storage import encode_tables
from tui.store.store import Store

PASS = "benchmark passphrase"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, round((time.perf_counter() - start) * 1000, 1)


def baseline_mark(store: Store, n: int = 20) -> float:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        store.mark("c1", "c1s1", f"p{i}", Mark.PRESENT)
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 2)


def baseline_people_rewrite(store: Store) -> float:
    """Rewriting the whole registry as one file (as it was kept before schema 3)."""
    data: dict = {"people": {}}
    for path in store.db.layout.people_files():
        data["people"].update(json.loads(path.read_text(encoding="utf-8"))["people"])
    copy = store.db.layout.folder / "people-copy.json"
    start = time.perf_counter()
    atomic_write(copy, encode_tables(data)[0])
    took = (time.perf_counter() - start) * 1000
    copy.unlink()
    return round(took, 1)


def work_in_field(field: Store, courses: list[str]) -> int:
    changed = 0
    with field.transaction():
        for cid in courses:
            session = sorted(s.id for s in field.sessions(cid).all())[-1]
            for e in field.enrolments(cid).all():
                field.mark(cid, session, e.person_id, Mark.ABSENT)
                changed += 1
            journal = field.journals(cid).add(Journal(course_id=cid, title="Felt"))
            field.journal_entries(cid).add(JournalEntry(
                course_id=cid, journal_id=journal.id, phase=Phase.ACTION, text="I felten"))
            changed += 2
        for i in range(10):
            field.people.add(Person(id=f"walkin{i}", name=f"Ny deltager {i}",
                                    role=Role.EMPLOYEE, qualification=Qualification.OTHER))
            changed += 1
    return changed


def round_trip(office_db: Path, work: Path, size: int) -> dict[str, object]:
    trip = work / f"trip{size}"
    shutil.rmtree(trip, ignore_errors=True)
    trip.mkdir()
    office_copy = trip / "office"
    shutil.copytree(office_db.parent, office_copy)
    office = Store.open(office_copy / office_db.name)
    courses = [f"c{i}" for i in range(size)]
    made, export_ms = timed(sync.export_courses, office, courses, trip / "out.kuf", PASS)
    field = Store.open(trip / "field" / "k.json")
    bundle, read_ms = timed(read_bundle, trip / "out.kuf", PASS)
    _, open_ms = timed(sync.open_field_copy, field, bundle, "out.kuf")
    changed = work_in_field(field, courses)
    _, pending_ms = timed(sync.pending, field)
    count, changes_ms = timed(sync.export_changes, field, trip / "back.kuf", PASS)
    back = read_bundle(trip / "back.kuf", PASS)
    receipt, merge_ms = timed(sync.merge_changes, office, back, "back.kuf")
    _, again_ms = timed(sync.merge_changes, office, back, "back.kuf")
    return {
        "courses": size, "people_carried": made.people, "records_carried": made.records,
        "bundle_kib": round((trip / "out.kuf").stat().st_size / 1024, 1),
        "export_ms": export_ms, "read_ms (scrypt + decrypt)": read_ms,
        "open_field_copy_ms": open_ms, "changed_in_field": changed,
        "pending_count_ms": pending_ms, "export_changes_ms": changes_ms,
        "changes_records": count,
        "changes_kib": round((trip / "back.kuf").stat().st_size / 1024, 1),
        "merge_ms": merge_ms, "merged_taken": sum(receipt.taken.values()),
        "merged_present": sum(receipt.present.values()),
        "merged_conflicts": len(receipt.conflicts), "second_import_ms": again_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--sizes", default="1,10,50")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kuffert-bench-bundle-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "national" / "national.json"
    result: dict[str, object] = {"work": str(work)}
    if not db.exists():
        _, result["generate_ms"] = timed(generate_national, Store.open(db))
    office = Store.open(db)
    with office.transaction():
        pass  # the day's backup, outside every figure below
    result["baseline_one_mark_ms"] = baseline_mark(office)
    result["baseline_people_file_rewrite_ms"] = baseline_people_rewrite(office)
    result["trips"] = [round_trip(db, work, int(n)) for n in args.sizes.split(",")]
    result["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
