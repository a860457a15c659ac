"""A broken database is refused with a clear message and never overwritten."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bench.bench_attendance import Terminal
from tests.bench.bench_table import plain
from tests.conftest import run_kuffert
from tui.store.layout import Layout
from tui.store.store import Store


def _make(tmp_path: Path) -> Path:
    db = tmp_path / "k.json"
    result = run_kuffert("demo", db=db)
    assert result.returncode == 0, result.stderr
    return db


def _truncate(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xff garbage \x89PNG not json")


def _wrong_types(path: Path) -> None:
    data = json.loads(path.read_text())
    first = next(iter(data["courses"]))
    data["courses"][first]["status"] = 42
    data["courses"][first]["trainers"] = "not a list"
    path.write_text(json.dumps(data))


def _table_not_object(path: Path) -> None:
    data = json.loads(path.read_text())
    data["programmes"] = ["a list where an object belongs"]
    path.write_text(json.dumps(data))


def _newer_schema(path: Path) -> None:
    data = json.loads(path.read_text())
    data["_meta"]["schema"]["version"] = 99
    path.write_text(json.dumps(data))


BREAKAGES = {
    "truncated": (_truncate, "broken JSON"),
    "garbage": (_garbage, "not UTF-8"),
    "wrong types": (_wrong_types, "should be"),
    "table not an object": (_table_not_object, "not an object"),
    "newer schema": (_newer_schema, "newer Kuffert"),
}

COMMANDS = [
    ("check",),
    ("backup", "--now"),
    ("demo",),
    (),  # the TUI itself must refuse before it takes over the terminal
]


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file() and ".backups" not in str(p)
        and not p.name.endswith(".lock")
    }


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_every_command_refuses_a_broken_main_file(tmp_path: Path, breakage: str) -> None:
    db = _make(tmp_path)
    damage, words = BREAKAGES[breakage]
    damage(db)
    before = _digest(tmp_path)
    for command in COMMANDS:
        result = run_kuffert(*command, db=db)
        assert result.returncode != 0, (command, result.stdout)
        assert "Traceback" not in result.stderr
        assert words in result.stderr, (command, result.stderr)
        assert str(db) in result.stderr
        assert _digest(tmp_path) == before, command


def test_a_broken_course_file_is_named_by_check_and_left_alone(tmp_path: Path) -> None:
    db = _make(tmp_path)
    course_file = tmp_path / "k.d" / "courses" / "c-horsens-dagpleje.json"
    text = course_file.read_text().splitlines()
    text[5] = text[5][:-10]  # a record cut short in the middle of the file
    course_file.write_text("\n".join(text))
    before = _digest(tmp_path)
    result = run_kuffert("check", db=db)
    assert result.returncode == 1
    assert "c-horsens-dagpleje.json (line 6)" in result.stderr
    assert "Traceback" not in result.stderr
    # A write that would touch the broken file fails with the same message.
    store = Store.open(db)
    from tui.domain.courses import Mark
    from tui.store.errors import CorruptDatabase

    with pytest.raises(CorruptDatabase):
        store.mark("c-horsens-dagpleje", "s-horsens-dagpleje-1", "p-hd-dp-01", Mark.ABSENT)
    assert _digest(tmp_path) == before


def test_a_person_who_is_not_there_is_a_check_error(tmp_path: Path) -> None:
    db = _make(tmp_path)
    people = Layout(db).person_file("p-hd-dp-01")
    data = json.loads(people.read_text())
    del data["people"]["p-hd-dp-01"]
    people.write_text(json.dumps(data))
    result = run_kuffert("check", db=db)
    assert result.returncode == 1
    assert "p-hd-dp-01" in result.stderr


def test_restore_repairs_a_broken_database_and_keeps_the_broken_copy(tmp_path: Path) -> None:
    db = _make(tmp_path)
    taken = run_kuffert("backup", "--now", db=db)
    assert taken.returncode == 0, taken.stderr
    name = taken.stdout.split(":", 1)[1].strip()
    _garbage(db)
    broken = db.read_bytes()
    refused = run_kuffert("restore", name, db=db)  # no terminal, no --yes: must not act
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert db.read_bytes() == broken
    restored = run_kuffert("restore", name, "--yes", db=db)
    assert restored.returncode == 0, restored.stderr
    assert run_kuffert("check", db=db).returncode == 0
    kept = [p for p in (tmp_path / "k.backups").glob("*before-restore*/k.json")]
    assert kept and kept[0].read_bytes() == broken


def test_backups_can_be_listed_while_the_database_is_broken(tmp_path: Path) -> None:
    db = _make(tmp_path)
    taken = run_kuffert("backup", "--now", db=db)
    name = taken.stdout.split(":", 1)[1].strip()
    _truncate(db)
    listing = run_kuffert("backup", db=db)
    assert listing.returncode == 0, listing.stderr
    assert name in listing.stdout


def test_restore_of_an_unknown_backup_names_the_ones_there_are(tmp_path: Path) -> None:
    db = _make(tmp_path)
    run_kuffert("backup", "--now", db=db)
    result = run_kuffert("restore", "2001-01-01T000000", "--yes", db=db)
    assert result.returncode == 1
    assert "no backup named" in result.stderr and "Traceback" not in result.stderr


def test_files_are_private_by_default_and_group_shared_on_request(tmp_path: Path) -> None:
    private = _make(tmp_path / "private")
    for path in [private, *private.parent.rglob("*.json")]:
        assert os.stat(path).st_mode & 0o077 == 0, path
    shared_db = tmp_path / "shared" / "k.json"
    assert run_kuffert("--shared", "demo", db=shared_db).returncode == 0
    assert os.stat(shared_db).st_mode & 0o777 == 0o660
    # A later writer without --shared keeps the file shared for the group.
    subprocess.run([sys.executable, "-c", (
        "from pathlib import Path; from tui.store.store import Store; "
        "from tui.domain.programmes import Programme; "
        f"Store.open(Path({str(shared_db)!r})).programmes.add(Programme(name='X'))")],
        check=True)
    assert os.stat(shared_db).st_mode & 0o777 == 0o660
    assert os.stat(shared_db).st_mode & 0o007 == 0


def test_check_names_every_broken_file_at_once(tmp_path: Path) -> None:
    db = _make(tmp_path)
    people = Layout(db).person_file("p-hd-dp-01")
    _truncate(people)
    _truncate(tmp_path / "k.d" / "courses" / "c-horsens-dagpleje.json")
    result = run_kuffert("check", db=db)
    assert result.returncode == 1
    assert str(people) in result.stderr and "c-horsens-dagpleje.json" in result.stderr
    assert "2 problems found in" in result.stderr


def test_check_counts_its_problems_in_words_singular_and_plural(tmp_path: Path) -> None:
    db = _make(tmp_path)
    _truncate(Layout(db).person_file("p-hd-dp-01"))
    one = run_kuffert("check", db=db, env={"KUFFERT_LANG": "da"})
    assert one.returncode == 1
    assert "1 problem fundet i" in one.stderr and "(er)" not in one.stderr
    assert "1 problem found in" in run_kuffert("check", db=db).stderr
    _truncate(tmp_path / "k.d" / "courses" / "c-horsens-dagpleje.json")
    two = run_kuffert("check", db=db, env={"KUFFERT_LANG": "da"})
    assert "2 problemer fundet i" in two.stderr


def test_a_broken_record_the_first_screen_does_not_read_ends_the_app_in_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The TUI decodes every record once it is on the screen, not before its first paint
    (issue 13). With more courses than the first screenful, the dashboard reads only
    those before the start: a broken institution, which they do not need, is named a
    moment after the start, and the app leaves without writing anything."""
    from tui.store.demo import generate_national

    db = tmp_path / "k.json"
    generate_national(Store.open(db), scale={"people": 200, "courses": 80})
    data = json.loads(db.read_text())
    data["institutions"][next(iter(data["institutions"]))]["kind"] = 42
    db.write_text(json.dumps(data))
    before = _digest(tmp_path)
    monkeypatch.setenv("KUFFERT_LANG", "en")
    monkeypatch.setenv("KUFFERT_CONFIG", os.devnull)
    terminal = Terminal([sys.executable, "-m", "tui", "--db", str(db)])
    deadline = time.monotonic() + 60
    try:
        # Read as it writes (a pty whose reader stops blocks the writer), until it exits.
        while time.monotonic() < deadline:
            data = terminal._read(0.1)
            terminal.seen += data
            if not data and terminal.proc.poll() is not None:
                break
    finally:
        terminal.proc.kill()
        terminal.proc.wait()
    shown = plain(bytes(terminal.seen))
    assert "Dashboard" in shown or "Courses (" in shown, shown[-500:]  # it did start
    assert terminal.proc.returncode == 1
    assert "should be" in shown and str(db) in shown.replace("\n", ""), shown[-500:]
    assert "Traceback" not in shown
    assert _digest(tmp_path) == before
