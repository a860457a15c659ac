"""A trainer who knows the passphrase crafts bundles: each attack is refused in words,
or limited to what the bundle that went out carried. Nothing else in the office changes.

Crafted bundles are made as an attacker would: opened with the passphrase through the
project's own functions, edited, and sealed again (``encrypt`` recomputes the checksum).
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import subprocess
import sys
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_kuffert
from tests.field_trip import PASS, files_bytes, make_office, open_copy, person, take_out
from tui.domain.courses import Mark
from tui.domain.journals import Phase
from tui.i18n import language, set_language
from tui.store import bundle as bundle_file
from tui.store import conflicts, sync
from tui.store.bundle import BundleError, encrypt, read_bundle
from tui.store.store import Store
from tui.store.sync_records import Loc, docs, record_of

Records = list[dict[str, Any]]


@pytest.fixture
def trip(tmp_path: Path) -> tuple[Store, Store]:
    office = make_office(tmp_path / "office" / "k.json")
    take_out(office, tmp_path / "out.kuf")
    field = open_copy(tmp_path / "out.kuf", tmp_path / "field" / "k.json")
    pw = tmp_path / "pw"
    pw.write_text(PASS + "\n")
    pw.chmod(0o600)
    return office, field


def changes(field: Store, tmp_path: Path) -> Path:
    out = tmp_path / "back.kuf"
    sync.export_changes(field, out, PASS)
    return out


def craft(src: Path, dst: Path, edit: Callable[[dict[str, Any], Records], None]) -> Path:
    opened = read_bundle(src, PASS)
    manifest = {k: v for k, v in opened.manifest.items() if k != "checksum"}
    records = copy.deepcopy(opened.records)
    manifest["bundle_id"] = uuid.uuid4().hex  # a new bundle, as a sender would make it
    edit(manifest, records)
    dst.write_bytes(encrypt(manifest, records, PASS))
    return dst


def seal_raw(header_edit: dict[str, Any], payload: bytes) -> bytes:
    """A bundle with a hand-made header and payload bytes, keyed with the passphrase."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    n, r, p = bundle_file.SCRYPT_N, bundle_file.SCRYPT_R, bundle_file.SCRYPT_P
    key, check_key = bundle_file._keys(PASS, salt, n, r, p)
    header = {"format": 1, "kdf": "scrypt", "n": n, "r": r, "p": p,
              "salt": bundle_file._b64(salt), "cipher": "AES-256-GCM",
              "nonce": bundle_file._b64(nonce), "check": bundle_file._check_value(check_key),
              **header_edit}
    head = bundle_file.MAGIC + json.dumps(header, sort_keys=True).encode("ascii") + b"\n"
    return head + AESGCM(key).encrypt(nonce, payload, head)


def import_cli(path: Path, db: Path, tmp_path: Path, *extra: str,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_kuffert("bundle", "import", str(path), "--passphrase-file",
                       str(tmp_path / "pw"), *extra, db=db, env=env)


def raw(store: Store, scope: str, table: str, rid: str, course: str | None = None
        ) -> dict[str, Any]:
    return dict(docs(store, scope, table, course)[rid])


# -- 1. only what went out comes back ------------------------------------------------------


def test_records_outside_the_bundle_that_went_out_are_dropped(trip, tmp_path) -> None:
    office, field = trip
    office.people.add(person("p6", "Person 6", "inst2"))  # never in the bundle
    field.mark("c1", "d2", "p1", Mark.PRESENT)
    p5, p6 = raw(office, "people", "people", "p5"), raw(office, "people", "people", "p6")
    e5 = raw(office, "course", "enrolments", "e5", "c2")
    c2 = raw(office, "main", "courses", "c2")
    inst2 = raw(office, "main", "institutions", "inst2")
    walk_in = {**raw(field, "people", "people", "p1"), "name": "Ny Deltager", "version": 1}

    def edit(_m: dict[str, Any], records: Records) -> None:
        def bump(doc: dict[str, Any], **changed: Any) -> dict[str, Any]:
            return {**doc, **changed, "version": doc["version"] + 1}

        records += [
            record_of(Loc("people", "people", "p5"), bump(p5, name="Omdøbt"), base=p5),
            # A "walk-in" under an id the office already has.
            record_of(Loc("people", "people", "p6"), {**p6, "name": "Overtaget"}),
            record_of(Loc("course", "enrolments", "e5", "c2"), None, base=e5,
                      version=e5["version"] + 1),
            record_of(Loc("main", "courses", "c2"), bump(c2, name="Ændret"), base=c2),
            record_of(Loc("main", "institutions", "inst2"), bump(inst2, name="X"), base=inst2),
            record_of(Loc("people", "people", "w7"), walk_in),
        ]

    crafted = craft(changes(field, tmp_path), tmp_path / "crafted.kuf", edit)
    before = {k: v for k, v in files_bytes(office).items() if "c2" in k}
    result = import_cli(crafted, office.path, tmp_path, "--format", "json")
    assert result.returncode == 0, result.stderr
    receipt = json.loads(result.stdout)
    # p5, p6, e5, c2, inst2: five records the field never had; the mark and w7 are taken.
    assert receipt["dropped_because"] == {"not_carried": 5}
    assert receipt["taken"] == {"attendance": 1, "people": 1}
    fresh = Store.open(office.path)
    assert fresh.people.get("p5").name == "Person 5"
    assert fresh.people.get("p6").name == "Person 6"
    assert fresh.courses.get("c2").name == "Hjemme"
    assert fresh.institutions.get("inst2").name == "Andet sted"
    assert fresh.people.get("w7").name == "Ny Deltager"
    assert {k: v for k, v in files_bytes(fresh).items() if "c2" in k} == before
    text = import_cli(craft(crafted, tmp_path / "again.kuf", lambda m, r: None),
                      office.path, tmp_path)
    assert "5 not in the bundle that went out" in text.stdout, text.stdout


def test_a_conflicting_version_99_does_not_replace_the_offices_record(trip, tmp_path) -> None:
    office, field = trip
    office.mark("c1", "d1", "p1", Mark.PARTIAL, hours=3.0)  # the office's version 2
    field.mark("c1", "d1", "p1", Mark.ABSENT)

    def edit(_m: dict[str, Any], records: Records) -> None:
        for r in records:
            r["version"] = r["doc"]["version"] = 99

    crafted = craft(changes(field, tmp_path), tmp_path / "v99.kuf", edit)
    result = import_cli(crafted, office.path, tmp_path)
    assert result.returncode == 0, result.stderr
    held = Store.open(office.path).attendance("c1").get("d1.p1")
    assert (held.mark, held.version) == (Mark.PARTIAL, 2)
    listed = run_kuffert("conflicts", "--format", "json", db=office.path)
    (conflict,) = json.loads(listed.stdout)
    shown = conflict["versions"][conflict["shown"]]
    assert (shown["origin"], shown["version"]) == ("office", 2)
    assert {(v["origin"], v["version"], v["fields"]["mark"]) for v in conflict["versions"]} == {
        ("office", 2, "partial"), ("field", 99, "absent")}
    done = run_kuffert("conflicts", "resolve", conflict["id"], "--keep", "field", db=office.path)
    assert done.returncode == 0, done.stderr
    kept = Store.open(office.path).attendance("c1").get("d1.p1")
    assert (kept.mark, kept.version) == (Mark.ABSENT, 100)


# -- 2. the erasure check works from the records ------------------------------------------


def test_an_erased_persons_records_stay_gone_whatever_the_bundle_says(trip, tmp_path) -> None:
    office, field = trip
    field.mark("c1", "d2", "p4", Mark.PRESENT)
    note = field.transfer_notes("c1").get("tn4")
    note.answers["q1"] = "svar"
    field.transfer_notes("c1").save(note)
    entry = field.journal_entries("c1").get("je1")  # p1's journal
    entry.text, entry.phase = "Ny tekst", Phase.GOALS
    field.journal_entries("c1").save(entry)
    office.erase_person("p4")
    office.erase_person("p1")

    def edit(_m: dict[str, Any], records: Records) -> None:
        for r in records:
            r["subject"] = None if r["id"] != "tn4" else "p2"

    crafted = craft(changes(field, tmp_path), tmp_path / "erased.kuf", edit)
    result = import_cli(crafted, office.path, tmp_path, "--format", "json")
    assert result.returncode == 0, result.stderr
    receipt = json.loads(result.stdout)
    assert receipt["dropped_because"] == {"erased": 2, "journal_deleted": 1}
    assert receipt["conflicts"] == [] and receipt["taken"] == {}
    fresh = Store.open(office.path)
    assert conflicts.open_conflicts(fresh) == []
    everything = b"".join(files_bytes(fresh).values())
    assert b"svar" not in everything and b"Ny tekst" not in everything
    assert fresh.transfer_notes("c1").all() == []
    assert {a.person_id for a in fresh.attendance("c1").all()} == {"p2", "p3"}


# -- 3. the commit record is not an output -------------------------------------------------


def test_a_bundle_is_never_written_over_the_commit_record(trip, tmp_path) -> None:
    office, field = trip
    field.mark("c1", "d2", "p1", Mark.PRESENT)
    for store, args in ((office, ["--course", "c1"]), (field, ["--changes"])):
        target = store.db.layout.commit
        result = run_kuffert("bundle", "export", *args, "--out", str(target),
                             "--passphrase-file", str(tmp_path / "pw"), db=store.path)
        assert result.returncode == 1 and "database's own file" in result.stderr, result
        assert not target.exists()


# -- 4. crafted contents: refused in words, never a traceback ------------------------------


def _attendance(records: Records) -> dict[str, Any]:
    return next(r for r in records if r["table"] == "attendance")


def _set(**changed: Any) -> Callable[[dict[str, Any], Records], None]:
    def edit(_m: dict[str, Any], records: Records) -> None:
        _attendance(records).update(changed)
    return edit


def _doc(**changed: Any) -> Callable[[dict[str, Any], Records], None]:
    def edit(_m: dict[str, Any], records: Records) -> None:
        _attendance(records)["doc"].update(changed)
    return edit


def test_crafted_records_are_refused_in_words(trip, tmp_path) -> None:
    office, field = trip
    field.mark("c1", "d2", "p1", Mark.PRESENT)
    good = changes(field, tmp_path)
    before = files_bytes(office)
    cases: list[tuple[str, Callable[[dict[str, Any], Records], None], str]] = [
        ("huge-version", _set(version=10**30), "cannot be used"),
        ("huge-doc-version", _doc(version=10**30), "cannot be used"),
        ("esc-id", _set(id="\x1b]0;x\x07"), "does not know"),
        ("newline-id", _set(id="d2.p1\nkuffert: all is fine"), "does not know"),
        ("empty-id", _set(id=""), "does not know"),
        ("long-id", _set(id="x" * 65), "does not know"),
        ("newline-course", _set(course="c1\n"), "cannot be used"),
    ]
    for name, edit, words in cases:
        crafted = craft(good, tmp_path / f"{name}.kuf", edit)
        result = import_cli(crafted, office.path, tmp_path)
        assert result.returncode == 1, (name, result.stdout)
        assert words in result.stderr and "Traceback" not in result.stderr, (name, result)
        assert files_bytes(office) == before, name
    # A list inside member_ids of an attendance mark is no journal's business: the mark
    # merges (the extra key is ignored), no TypeError.
    crafted = craft(good, tmp_path / "members.kuf", _doc(member_ids=[[1]]))
    result = import_cli(crafted, office.path, tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


def test_crafted_envelopes_are_refused_in_words(trip, tmp_path) -> None:
    office, field = trip
    field.mark("c1", "d2", "p1", Mark.PRESENT)
    good = changes(field, tmp_path)
    opened = read_bundle(good, PASS)
    before = files_bytes(office)
    # A lone surrogate is valid JSON (as an escape) but no UTF-8 text.
    records = copy.deepcopy(opened.records)
    _attendance(records)["doc"]["updated_by"] = "\ud800"
    payload = json.dumps({"manifest": {**opened.manifest, "checksum": "0" * 64},
                          "records": records}).encode("ascii")
    data = good.read_bytes()
    head_end = data.index(b"\n", len(bundle_file.MAGIC))
    header = json.loads(data[len(bundle_file.MAGIC):head_end])
    cases = {
        "surrogate": (seal_raw({}, zlib.compress(payload)), "damaged"),
        "salt-1": (bundle_file.MAGIC + json.dumps({**header, "salt": 1}).encode() + b"\n"
                   + data[head_end + 1:], "damaged"),
        "kdf-bomb": (seal_raw({"n": 2**18}, b""), "more memory to open"),
        "kdf-bomb-r": (seal_raw({"r": 64}, b""), "more memory to open"),
        "kdf-bomb-p": (seal_raw({"p": 2}, b""), "more memory to open"),
    }
    for name, (content, words) in cases.items():
        (tmp_path / f"{name}.kuf").write_bytes(content)
        result = import_cli(tmp_path / f"{name}.kuf", office.path, tmp_path)
        assert result.returncode == 1, (name, result.stdout)
        assert words in result.stderr and "Traceback" not in result.stderr, (name, result)
    assert files_bytes(office) == before


def test_a_zlib_bomb_is_refused_before_it_fills_memory(trip, tmp_path) -> None:
    _office, field = trip
    field.mark("c1", "d2", "p1", Mark.PRESENT)
    opened = read_bundle(changes(field, tmp_path), PASS)
    # Valid JSON, right checksum, but 300 MiB of padding once inflated.
    squeeze = zlib.compressobj(9)
    start = json.dumps({"manifest": opened.manifest, "records": opened.records})[:-1]
    parts = [squeeze.compress(start.encode())]
    block = b" " * (1 << 20)
    parts += [squeeze.compress(block) for _ in range(300)]
    parts += [squeeze.compress(b"}"), squeeze.flush()]
    bomb = tmp_path / "bomb.kuf"
    bomb.write_bytes(seal_raw({}, b"".join(parts)))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(BundleError, match="damaged"):
        read_bundle(bomb, PASS)


# -- 5. what reaches the terminal ------------------------------------------------------------

UNSAFE = re.compile("[\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def test_json_output_carries_no_raw_terminal_controls(trip, tmp_path) -> None:
    office, field = trip
    office.mark("c1", "d1", "p1", Mark.PARTIAL, hours=3.0)
    field.mark("c1", "d1", "p1", Mark.ABSENT)
    evil = "felt\x9b2J\u202eevil\x85"

    def edit(manifest: dict[str, Any], records: Records) -> None:
        manifest["made_by"] = evil
        _attendance(records)["doc"]["updated_by"] = evil

    crafted = craft(changes(field, tmp_path), tmp_path / "evil.kuf", edit)
    result = import_cli(crafted, office.path, tmp_path, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert not UNSAFE.search(result.stdout)
    assert json.loads(result.stdout)["made_by"] == evil  # kept, as escapes
    listed = run_kuffert("conflicts", "--format", "json", db=office.path)
    assert not UNSAFE.search(listed.stdout)
    (conflict,) = json.loads(listed.stdout)
    assert evil in {v["updated_by"] for v in conflict["versions"]}
    text = run_kuffert("conflicts", db=office.path)
    assert not UNSAFE.search(text.stdout) and "felt" in text.stdout


def test_the_bundle_commands_print_only_through_echo() -> None:
    tree = ast.parse(Path("tui/cli/bundle.py").read_text(encoding="utf-8"))
    bare = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name) and node.func.id == "print"]
    assert bare == []


# -- 6. inputs that would hang or leak -------------------------------------------------------


def test_a_fifo_for_the_bundle_or_the_passphrase_is_refused(trip, tmp_path) -> None:
    office, _field = trip
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    env = {**os.environ, "KUFFERT_LANG": "en", "KUFFERT_CONFIG": os.devnull}
    for args in (["bundle", "import", str(fifo), "--passphrase-file", str(tmp_path / "pw")],
                 ["bundle", "import", str(tmp_path / "out.kuf"), "--passphrase-file",
                  str(fifo)]):
        result = subprocess.run([sys.executable, "-m", "tui", *args, "--db", str(office.path)],
                                capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 1, result.stdout
        assert "named pipe" in result.stderr and "Traceback" not in result.stderr


def test_a_short_passphrase_is_refused_and_an_open_file_warned_of(trip, tmp_path) -> None:
    _office, field = trip
    field.mark("c1", "d2", "p1", Mark.PRESENT)
    short = tmp_path / "short"
    short.write_text("kort\n")
    short.chmod(0o600)
    result = run_kuffert("bundle", "export", "--changes", "--out", str(tmp_path / "s.kuf"),
                         "--passphrase-file", str(short), db=field.path)
    assert result.returncode == 1 and "shorter than 8 characters" in result.stderr
    assert not (tmp_path / "s.kuf").exists()
    (tmp_path / "pw").chmod(0o644)
    result = run_kuffert("bundle", "export", "--changes", "--out", str(tmp_path / "o.kuf"),
                         "--passphrase-file", str(tmp_path / "pw"), db=field.path)
    assert result.returncode == 0, result.stderr
    assert "can be read by others" in result.stderr and "chmod 600" in result.stderr
    (tmp_path / "pw").chmod(0o600)
    result = run_kuffert("bundle", "export", "--changes", "--out", str(tmp_path / "q.kuf"),
                         "--passphrase-file", str(tmp_path / "pw"), db=field.path)
    assert result.returncode == 0 and result.stderr == "", result.stderr


# -- 7. counts in Danish -------------------------------------------------------------------


def test_one_change_is_one_aendring(trip, tmp_path) -> None:
    from tui.views.sync_status import read_status

    _office, field = trip
    field.mark("c1", "d2", "p1", Mark.PRESENT)
    was = language()
    set_language("da")
    try:
        lines = read_status(field).lines
    finally:
        set_language(was)
    assert any(line.startswith("1 ændring er ikke taget med hjem endnu") for line in lines)
    result = run_kuffert("bundle", "export", "--changes", "--out", str(tmp_path / "one.kuf"),
                         "--passphrase-file", str(tmp_path / "pw"), db=field.path,
                         env={"KUFFERT_LANG": "da"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 ændret post er skrevet til"), result.stdout
