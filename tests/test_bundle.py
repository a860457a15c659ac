"""Field bundles: courses out to a settlement and their changes back, nothing lost.

Real databases in tmp_path, real bundle files; the CLI in real processes.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_kuffert
from tests.field_trip import (
    PASS,
    change_field,
    change_office,
    contents,
    d1p1,
    files_bytes,
    make_office,
    open_copy,
    take_out,
)
from tui.domain.courses import Mark
from tui.store import conflicts, sync, sync_records
from tui.store.bundle import BundleError, encrypt, read_bundle
from tui.store.database import SCHEMA_VERSION
from tui.store.store import Store


@pytest.fixture
def trip(tmp_path: Path):
    office = make_office(tmp_path / "office" / "k.json")
    take_out(office, tmp_path / "out.kuf")
    field = open_copy(tmp_path / "out.kuf", tmp_path / "field" / "k.json")
    return office, field


def test_a_bundle_carries_only_the_courses_and_what_they_name(trip, tmp_path: Path) -> None:
    office, field = trip
    bundle = read_bundle(tmp_path / "out.kuf", PASS)
    kinds: dict[str, set[str]] = {}
    for r in bundle.records:
        kinds.setdefault(r["table"], set()).add(r["id"])
    assert kinds["people"] == {"p1", "p2", "p3", "p4"}  # not p5 of the course left home
    assert kinds["courses"] == {"c1"}
    assert kinds["institutions"] == {"inst1"}
    assert kinds["places"] == {"pl1", "m1"}
    assert kinds["programmes"] == {"prog"}
    # 1 programme + 2 places + 1 institution + 4 people + 1 course + 2 days
    # + 4 enrolments + 4 marks + 1 journal + 1 entry + 1 rating + 1 transfer note
    assert len(bundle.records) == 23
    m = bundle.manifest
    assert m["database_id"] == sync_records.identity(office)["database_id"]
    assert m["courses"] == ["c1"] and m["schema_version"] == SCHEMA_VERSION and "@" in m["made_by"]
    assert m["versions"]["course:c1/attendance/" + d1p1()] == 1
    assert len(m["checksum"]) == 64
    assert stat.S_IMODE((tmp_path / "out.kuf").stat().st_mode) == 0o600
    assert b"Person 1" not in (tmp_path / "out.kuf").read_bytes()  # encrypted
    # The field copy holds what came, knows its origin, and has nothing to bring back.
    assert {p.id for p in field.people.all()} == {"p1", "p2", "p3", "p4"}
    assert field.courses.find("c2") is None
    assert sync_records.origin(field)["database_id"] == m["database_id"]
    assert sync.field_changes(field) == []
    assert field.attendance("c1").get(d1p1()).version == 1


def test_changes_come_back_and_merge_record_by_record(trip, tmp_path: Path) -> None:
    office, field = trip
    change_field(field)
    change_office(office)
    assert sync.pending(field)[0] == 10
    assert sync.export_changes(field, tmp_path / "back.kuf", PASS) == 10
    assert sync.pending(field)[0] == 0  # all of it is in the bundle now
    back = read_bundle(tmp_path / "back.kuf", PASS)
    tomb = [r for r in back.records if r["deleted"]]
    assert [(r["table"], r["id"], r["base_version"]) for r in tomb] == [("ratings", "r2", 1)]
    cell = next(r for r in back.records if r["id"] == d1p1())
    assert (cell["version"], cell["base_version"]) == (3, 1)

    receipt = sync.merge_changes(office, read_bundle(tmp_path / "back.kuf", PASS), "back.kuf")
    # Taken: marks d2/p2 and d2/w1, the field's journal entry, two walk-ins, w1's
    # enrolment, the deletion of r2. Dropped: what the field wrote about erased p4.
    assert dict(receipt.taken) == {"attendance": 2, "journal_entries": 1, "people": 2,
                                   "enrolments": 1, "ratings": 1}
    assert dict(receipt.dropped) == {"attendance": 1, "transfer_notes": 1}
    assert dict(receipt.present) == {}
    assert receipt.reviews == ["w2"]
    assert len(receipt.conflicts) == 1

    marks = {a.id: a for a in office.attendance("c1").all()}
    # d1: p1-p3 (p4 erased); d2: p1 (office), p2 and w1 (field); nothing of p4.
    assert sorted(marks) == sorted(["d1.p1", "d1.p2", "d1.p3", "d2.p1", "d2.p2", "d2.w1"])
    assert marks["d2.p1"].mark is Mark.PRESENT and marks["d2.w1"].mark is Mark.PRESENT
    assert {e.id for e in office.journal_entries("c1").all()} == {"je1", "je-office",
                                                                  "je-field"}
    assert office.ratings("c1").all() == []
    assert office.transfer_notes("c1").all() == []
    assert {p.id for p in office.people.all()} == {"p1", "p2", "p3", "p5", "w1", "w2"}
    assert office.people.get("w1").updated_by == field.people.get("w1").updated_by
    assert {e.id for e in office.enrolments("c1").all()} == {"e1", "e2", "e3", "ew1"}
    assert [r["person_id"] for r in conflicts.reviews(office)] == ["w2"]
    assert conflicts.reviews(office)[0]["matches"] == ["p2"]

    # Exactly one conflict, both versions kept; the office's own version stays in place
    # until someone resolves it, though the field's says version 3.
    (conflict,) = conflicts.open_conflicts(office)
    assert conflict.loc.id == d1p1()
    office_side, field_side = conflict.side("office"), conflict.side("field")
    assert office_side.doc["mark"] == "partial" and office_side.stamp[0] == 2
    assert field_side.doc["mark"] == "absent" and field_side.stamp[0] == 3
    assert marks[d1p1()].mark is Mark.PARTIAL and conflict.shown is office_side

    # Another merge of the same bundle changes nothing at all.
    before = files_bytes(office)
    again = sync.merge_changes(office, read_bundle(tmp_path / "back.kuf", PASS), "back.kuf")
    assert again.already_imported is not None
    assert files_bytes(office) == before
    # A later bundle from the same copy repeats the changes: the 8 not dropped are
    # already present, with no new conflict and no second copy of anything.
    sync.export_changes(field, tmp_path / "back2.kuf", PASS)
    later = sync.merge_changes(office, read_bundle(tmp_path / "back2.kuf", PASS), "b2")
    assert sum(later.present.values()) == 8 and later.taken == {} and later.conflicts == []
    assert len(conflicts.open_conflicts(office)) == 1

    kept = conflicts.resolve(office, conflict.id, keep="office")
    assert kept["mark"] == "partial" and kept["version"] == 4
    assert office.attendance("c1").get(d1p1()).mark is Mark.PARTIAL
    assert conflicts.open_conflicts(office) == []
    status = sync.out_in_field(office)
    assert [(s.courses, s.carrier) for s in status] == [(["c1"], "Aviaja")]
    assert status[0].returned_at is not None


def test_office_deletion_against_a_field_change_is_a_conflict(trip, tmp_path) -> None:
    office, field = trip
    office.journal_entries("c1").delete("je1")
    entry = field.journal_entries("c1").get("je1")
    entry.text = "Rettet i felten"
    field.journal_entries("c1").save(entry)
    sync.export_changes(field, tmp_path / "b.kuf", PASS)
    receipt = sync.merge_changes(office, read_bundle(tmp_path / "b.kuf", PASS), "b")
    assert len(receipt.conflicts) == 1
    (conflict,) = conflicts.open_conflicts(office)
    assert conflict.side("office").deleted
    # The office's deletion stands until resolved; the field's text is kept in the conflict.
    assert office.journal_entries("c1").find("je1") is None
    assert conflict.side("field").doc["text"] == "Rettet i felten"
    conflicts.resolve(office, conflict.id, keep="office")
    assert office.journal_entries("c1").find("je1") is None


def _merge_in_order(office_dir: Path, bundles: list[Path]) -> Store:
    store = Store.open(office_dir / "k.json")
    for b in bundles:
        sync.merge_changes(store, read_bundle(b, PASS), str(b))
    return store


def test_two_field_copies_merge_to_the_same_database_in_either_order(tmp_path) -> None:
    office = make_office(tmp_path / "office" / "k.json")
    take_out(office, tmp_path / "out.kuf")
    one = open_copy(tmp_path / "out.kuf", tmp_path / "one" / "k.json")
    two = open_copy(tmp_path / "out.kuf", tmp_path / "two" / "k.json")
    one.mark("c1", "d1", "p1", Mark.ABSENT)  # the same cell in both copies
    two.mark("c1", "d1", "p1", Mark.EXCUSED)
    one.mark("c1", "d2", "p3", Mark.PRESENT)
    two.mark("c1", "d1", "p2", Mark.ABSENT)
    entry = one.journal_entries("c1").get("je1")
    entry.text = "Ny tekst"
    one.journal_entries("c1").save(entry)
    two.people.add(one.people.get("p1").__class__(
        id="w9", name="Walk-in", role=one.people.get("p1").role,
        qualification=one.people.get("p1").qualification, institution_id="inst1"))
    sync.export_changes(one, tmp_path / "one.kuf", PASS)
    sync.export_changes(two, tmp_path / "two.kuf", PASS)
    shutil.copytree(tmp_path / "office", tmp_path / "a")
    shutil.copytree(tmp_path / "office", tmp_path / "b")
    a = _merge_in_order(tmp_path / "a", [tmp_path / "one.kuf", tmp_path / "two.kuf"])
    b = _merge_in_order(tmp_path / "b", [tmp_path / "two.kuf", tmp_path / "one.kuf"])
    assert contents(a) == contents(b)
    (conflict,) = conflicts.open_conflicts(a)
    assert [v.origin for v in conflict.versions] == ["field", "field"]
    assert {v.doc["mark"] for v in conflict.versions} == {"absent", "excused"}
    assert a.attendance("c1").get("d1.p2").mark is Mark.ABSENT
    assert a.journal_entries("c1").get("je1").text == "Ny tekst"


# -- refusals: each leaves the office's files with the bytes they had --------------------


def _changes_bundle(trip, tmp_path: Path) -> tuple[Store, Path]:
    office, field = trip
    change_field(field)
    sync.export_changes(field, tmp_path / "back.kuf", PASS)
    return office, tmp_path / "back.kuf"


def test_a_tampered_or_cut_bundle_is_refused(trip, tmp_path: Path) -> None:
    office, path = _changes_bundle(trip, tmp_path)
    before = files_bytes(office)
    good = path.read_bytes()
    cases = [
        (good[:-1] + bytes([good[-1] ^ 1]), "damaged"),  # a flipped bit
        (good[: len(good) // 2], "damaged"),  # cut short
        (good[:40], "damaged"),  # cut inside the header
        # Weaker key derivation asked for in the header: another key, so it cannot open.
        (good.replace(b'"n": 32768', b'"n": 16384'), "passphrase does not open"),
    ]
    for n, (bad, words) in enumerate(cases):
        tampered = tmp_path / f"bad{n}.kuf"
        tampered.write_bytes(bad)
        with pytest.raises(BundleError) as refused:
            read_bundle(tampered, PASS)
        assert words in str(refused.value)
    assert files_bytes(office) == before


def test_refusals_through_the_command_change_nothing(trip, tmp_path: Path) -> None:
    office, path = _changes_bundle(trip, tmp_path)
    db = office.path
    before = files_bytes(office)
    (tmp_path / "pw").write_text(PASS + "\n")
    (tmp_path / "wrong").write_text("forkert kodeord\n")
    flipped = tmp_path / "flipped.kuf"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x40
    flipped.write_bytes(bytes(data))
    # Another database: its own office, its own bundle and field copy.
    other = make_office(tmp_path / "other" / "k.json")
    take_out(other, tmp_path / "other.kuf")
    other_field = open_copy(tmp_path / "other.kuf", tmp_path / "otherfield" / "k.json")
    other_field.mark("c1", "d2", "p1", Mark.PRESENT)
    sync.export_changes(other_field, tmp_path / "other-back.kuf", PASS)
    # A bundle from a newer Kuffert.
    newer = tmp_path / "newer.kuf"
    manifest = dict(read_bundle(path, PASS).manifest, schema_version=99)
    newer.write_bytes(encrypt(manifest, [], PASS))
    cases = [
        (path, "wrong", "passphrase does not open"),
        (flipped, "pw", "damaged"),
        (tmp_path / "other-back.kuf", "pw", "another database"),
        (newer, "pw", "newer Kuffert"),
        (tmp_path / "out.kuf", "pw", "bundle of courses"),
        (tmp_path / "nonexistent.kuf", "pw", "There is no file"),
    ]
    for bundle, phrase, words in cases:
        result = run_kuffert("bundle", "import", str(bundle), "--passphrase-file",
                             str(tmp_path / phrase), db=db)
        assert result.returncode == 1, (bundle, result.stdout)
        assert words in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert files_bytes(office) == before, bundle


def test_the_round_trip_through_the_command(tmp_path: Path) -> None:
    office_db = tmp_path / "office" / "k.json"
    office = make_office(office_db)
    pw = tmp_path / "pw"
    pw.write_text(PASS + "\n")
    (tmp_path / "empty").write_text("\n")
    out = tmp_path / "out.kuf"
    refused = run_kuffert("bundle", "export", "--course", "c1", "--out", str(out),
                          "--passphrase-file", str(tmp_path / "empty"), db=office_db)
    assert refused.returncode == 1 and "empty" in refused.stderr and not out.exists()
    refused = run_kuffert("bundle", "export", "--course", "nope", "--out", str(out),
                          "--passphrase-file", str(pw), db=office_db)
    assert refused.returncode == 1 and "no course with the id nope" in refused.stderr
    refused = run_kuffert("bundle", "export", "--course", "c1", "--out", str(office_db),
                          "--passphrase-file", str(pw), db=office_db)
    assert refused.returncode == 1 and "the database's own file" in refused.stderr
    made = run_kuffert("bundle", "export", "--course", "c1", "--for", "Aviaja", "--out",
                       str(out), "--passphrase-file", str(pw), db=office_db)
    assert made.returncode == 0, made.stderr
    assert "1 course, 4 people, 23 records" in made.stdout
    assert not list(tmp_path.glob(".*.tmp"))

    field_db = tmp_path / "field" / "k.json"
    opened = run_kuffert("bundle", "import", str(out), "--passphrase-file", str(pw),
                         db=field_db)
    assert opened.returncode == 0, opened.stderr
    assert "23 records" in opened.stdout
    assert run_kuffert("check", db=field_db).returncode == 0
    again = run_kuffert("bundle", "import", str(out), "--passphrase-file", str(pw),
                        db=field_db)
    assert again.returncode == 1 and "already exists" in again.stderr

    change_field(Store.open(field_db))
    change_office(office)
    back = tmp_path / "back.kuf"
    sent = run_kuffert("bundle", "export", "--changes", "--out", str(back),
                       "--passphrase-file", str(pw), db=field_db)
    assert sent.returncode == 0 and "10 changed records" in sent.stdout, sent.stderr
    merged = run_kuffert("bundle", "import", str(back), "--passphrase-file", str(pw),
                         db=office_db)
    assert merged.returncode == 0, merged.stderr
    lines = merged.stdout
    assert "taken: 7 (attendance marks 2, enrolments 1, journal entries 1, people 2, " \
           "learning-goal ratings 1)" in lines
    assert "conflicts: 1" in lines
    assert "dropped: 2 (attendance marks 1, transfer notes 1): 2 about a person erased in " \
           "the office" in lines
    assert "to review: 1 walk-in with" in lines and "w2" in lines
    twice = run_kuffert("bundle", "import", str(back), "--passphrase-file", str(pw),
                        db=office_db)
    assert twice.returncode == 0 and "nothing was changed" in twice.stdout

    listed = run_kuffert("conflicts", "--format", "json", db=office_db)
    (conflict,) = json.loads(listed.stdout)
    assert conflict["table"] == "attendance" and conflict["record_id"] == d1p1()
    sides = {v["origin"]: v for v in conflict["versions"]}
    assert sides["office"]["fields"]["mark"] == "partial"
    assert sides["field"]["fields"]["mark"] == "absent"
    text = run_kuffert("conflicts", db=office_db).stdout
    assert conflict["id"] in text and "office" in text and "field" in text
    assert "w2 looks like p2" in text
    assert run_kuffert("conflicts", "reviewed", "w2", db=office_db).returncode == 0
    assert "looks like" not in run_kuffert("conflicts", db=office_db).stdout
    again = run_kuffert("conflicts", "reviewed", "w2", db=office_db)
    assert again.returncode == 1 and "No walk-in w2" in again.stderr
    wrong = run_kuffert("conflicts", "resolve", "nope", "--keep", "field", db=office_db)
    assert wrong.returncode == 1 and "no conflict with the id nope" in wrong.stderr
    done = run_kuffert("conflicts", "resolve", conflict["id"], "--keep", "field",
                       db=office_db)
    assert done.returncode == 0, done.stderr
    assert Store.open(office_db).attendance("c1").get(d1p1()).mark is Mark.ABSENT
    assert json.loads(run_kuffert("conflicts", "--format", "json", db=office_db).stdout) == []
    assert run_kuffert("check", db=office_db).returncode == 0


def test_a_course_deleted_in_the_office_is_not_brought_back_to_life(trip, tmp_path) -> None:
    office, field = trip
    field.mark("c1", "d2", "p1", Mark.PRESENT)  # a new cell
    field.mark("c1", "d1", "p2", Mark.ABSENT)  # a changed one
    office.delete_course("c1")
    sync.export_changes(field, tmp_path / "b.kuf", PASS)
    receipt = sync.merge_changes(office, read_bundle(tmp_path / "b.kuf", PASS), "b")
    assert dict(receipt.dropped) == {"attendance": 2}
    assert dict(receipt.reasons) == {sync.COURSE_GONE: 2}
    assert not office.db.layout.course("c1").exists()
    assert conflicts.open_conflicts(office) == []


def test_an_erasure_reaches_the_copies_a_conflict_keeps(trip, tmp_path: Path) -> None:
    office, field = trip
    change_field(field)
    change_office(office)
    sync.export_changes(field, tmp_path / "back.kuf", PASS)
    sync.merge_changes(office, read_bundle(tmp_path / "back.kuf", PASS), "back.kuf")
    assert len(conflicts.open_conflicts(office)) == 1 and len(conflicts.reviews(office)) == 1
    office.erase_person("p1")  # the conflict is about p1's mark
    assert conflicts.open_conflicts(office) == []
    assert len(conflicts.reviews(office)) == 1
    office.erase_person("p2")  # the walk-in w2 looked like p2: nothing left to compare
    assert conflicts.reviews(office) == []
    raw = json.loads(office.db.layout.main.read_text(encoding="utf-8"))
    assert raw["sync_conflicts"] == {} and raw["sync_reviews"] == {}


def test_text_from_a_bundle_never_drives_the_terminal(trip, tmp_path: Path) -> None:
    office, field = trip
    field.mark("c1", "d2", "p1", Mark.PRESENT)
    sync.export_changes(field, tmp_path / "b.kuf", PASS)
    real = read_bundle(tmp_path / "b.kuf", PASS)
    # Whoever holds the passphrase can write anything into the manifest.
    evil = dict(real.manifest, made_by="\x1b]0;owned\x07\x1b[2Jtrainer@felt")
    (tmp_path / "evil.kuf").write_bytes(encrypt(evil, real.records, PASS))
    (tmp_path / "pw").write_text(PASS)
    result = run_kuffert("bundle", "import", str(tmp_path / "evil.kuf"), "--passphrase-file",
                         str(tmp_path / "pw"), db=office.path)
    assert result.returncode == 0, result.stderr
    assert "trainer@felt" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout


def _with_terminal(args: list[str], typed: str) -> tuple[int, str]:
    """Run kuffert with a terminal of its own (getpass reads /dev/tty), typing ``typed``."""
    master, slave = pty.openpty()
    name = os.ttyname(slave)

    def take_terminal() -> None:  # in the child, after setsid: the pty becomes its tty
        os.close(os.open(name, os.O_RDWR))

    env = {**os.environ, "KUFFERT_LANG": "en", "KUFFERT_CONFIG": os.devnull}
    child = subprocess.Popen([sys.executable, "-m", "tui", *args], stdin=slave, stdout=slave,
                             stderr=slave, start_new_session=True, preexec_fn=take_terminal,
                             env=env)
    os.close(slave)
    seen = b""
    for line in typed.splitlines(keepends=True):
        deadline = time.monotonic() + 30
        while b"assphrase" not in seen.rsplit(b"\n", 1)[-1] and time.monotonic() < deadline:
            seen += os.read(master, 1024)
        os.write(master, line.encode())
        seen += b"\n"
    code = child.wait(timeout=60)
    try:
        while chunk := os.read(master, 4096):
            seen += chunk
    except OSError:
        pass  # the terminal closed with the child
    os.close(master)
    return code, seen.decode(errors="replace")


def test_the_passphrase_is_asked_for_twice_on_a_terminal(tmp_path: Path) -> None:
    office_db = tmp_path / "office" / "k.json"
    make_office(office_db)
    out = tmp_path / "out.kuf"
    code, said = _with_terminal(["--db", str(office_db), "bundle", "export", "--course", "c1",
                                 "--out", str(out)], "ein Satz\nein Satz\n")
    assert code == 0, said
    assert "The same passphrase again" in said and "ein Satz" not in said  # not echoed
    assert read_bundle(out, "ein Satz").manifest["courses"] == ["c1"]
    code, said = _with_terminal(["--db", str(office_db), "bundle", "export", "--course", "c1",
                                 "--out", str(tmp_path / "x.kuf")], "ein Satz\nanders\n")
    assert code == 1 and "differ" in said and not (tmp_path / "x.kuf").exists()


def test_a_programme_takes_all_its_courses_out(tmp_path: Path) -> None:
    office_db = tmp_path / "office" / "k.json"
    make_office(office_db)
    pw = tmp_path / "pw"
    pw.write_text(PASS)
    out = tmp_path / "prog.kuf"
    made = run_kuffert("bundle", "export", "--programme", "prog", "--out", str(out),
                       "--passphrase-file", str(pw), db=office_db)
    assert made.returncode == 0, made.stderr
    # c1 (23 records) and c2: its header and p5's enrolment, p5, inst2 and pl2.
    assert "2 courses, 5 people, 28 records" in made.stdout
    bundle = read_bundle(out, PASS)
    assert bundle.manifest["courses"] == ["c1", "c2"]
