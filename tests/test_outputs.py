"""No output (--out, the export dialog) ever lands on the database's own files.

Run through the real command in real processes, the way a user mistypes a path: the
command must refuse, in words that name the path as typed, and every database file
must keep its bytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.conftest import run_kuffert
from tui.store.layout import Layout
from tui.store.outputs import OutputRefused, output_problem, private_output, write_private

COURSE = "c-gl-f2-ilulissat-2023"
SESSION_COMMAND = "sheet"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outputs")
    db = folder / "k.json"
    assert run_kuffert("demo", db=db).returncode == 0
    assert run_kuffert("backup", "--now", db=db).returncode == 0
    return db


def _all_files(db: Path) -> dict[Path, bytes]:
    """Every file of the database, its backups and the lock, with their bytes."""
    layout = Layout(db)
    found = {db: db.read_bytes(), layout.lock: layout.lock.read_bytes()}
    for folder in (layout.folder, layout.backups):
        for path in folder.rglob("*"):
            if path.is_file():
                found[path] = path.read_bytes()
    return found


def _a_session(db: Path) -> str:
    import json

    data = json.loads((Layout(db).course(COURSE)).read_text())
    return next(iter(data["sessions"]))


def _targets(db: Path) -> dict[str, Path]:
    layout = Layout(db)
    backup = next(p for p in layout.backups.rglob("*.json") if p.is_file())
    return {
        "main": db, "people": layout.people, "course": layout.course(COURSE),
        "backup": backup, "lock": layout.lock, "folder": layout.folder,
        "courses folder": layout.courses, "backups folder": layout.backups,
        "new file in the folder": layout.folder / "new.csv",
        "new file among the backups": backup.parent / "new.csv",
    }


def _refused(done, typed: str) -> None:
    assert done.returncode != 0, done.stdout
    assert typed in done.stderr, done.stderr
    assert ".tmp" not in done.stderr and "None" not in done.stderr
    assert "Traceback" not in done.stderr


def test_export_onto_each_database_file_is_refused_and_nothing_changes(
        database: Path) -> None:
    before = _all_files(database)
    for what, target in _targets(database).items():
        for fmt in ("csv", "json"):
            done = run_kuffert("export", "people", "--format", fmt, "--out", str(target),
                               db=database)
            _refused(done, str(target))
            assert "database" in done.stderr or "folder" in done.stderr, (what, done.stderr)
    assert _all_files(database) == before


def test_every_command_with_out_refuses_the_main_and_a_course_file(database: Path) -> None:
    before = _all_files(database)
    session = _a_session(database)
    for target in (database, Layout(database).course(COURSE), Layout(database).lock):
        out = str(target)
        commands = [
            ("export", "journals", "--format", "md", "--out", out),
            ("export", "attendance", "--format", "xlsx", "--out", out),
            ("export", "sessions", "--plain", "--out", out),
            ("report", "--out", out),
            ("report", "--format", "csv", "--out", out),
            ("calendar", "--course", COURSE, "--out", out),
            ("summary", "--course", COURSE, "--out", out),
            (SESSION_COMMAND, session, "--out", out),
        ]
        for command in commands:
            _refused(run_kuffert(*command, db=database), out)
    assert _all_files(database) == before


def test_other_spellings_and_links_to_the_database_are_refused(
        database: Path, tmp_path: Path) -> None:
    before = _all_files(database)
    layout = Layout(database)
    link = tmp_path / "looks-harmless.json"
    link.symlink_to(database)
    folder_link = tmp_path / "data"
    folder_link.symlink_to(layout.folder)
    hard = database.parent / "hard.json"
    people_file = layout.people_files()[0]
    os.link(people_file, hard)
    try:
        cwd_spelling = f"./x/../{database.name}"
        spellings = {
            str(link): None,  # a symlink, whatever it points at
            str(folder_link / "people" / people_file.name): None,  # through a linked folder
            str(folder_link / "courses" / "new.csv"): None,
            str(hard): None,  # a people file under a second name
            cwd_spelling: database.parent,
        }
        (database.parent / "x").mkdir(exist_ok=True)
        for typed, cwd in spellings.items():
            args = ["export", "people", "--out", typed, "--db", str(database)]
            if cwd is not None:
                import subprocess
                import sys

                done = subprocess.run(
                    [sys.executable, "-m", "tui", *args], capture_output=True, text=True,
                    cwd=cwd, env={**os.environ, "KUFFERT_LANG": "en",
                                  "KUFFERT_CONFIG": os.devnull},
                    timeout=120)
            else:
                done = run_kuffert(*args)
            _refused(done, typed)
        assert _all_files(database) == before
        assert link.is_symlink() and link.resolve() == database
    finally:
        hard.unlink()


def test_a_symlink_fifo_or_device_as_out_is_refused(database: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "authorized_keys"
    elsewhere.write_text("ssh-ed25519 AAAA me@laptop\n")
    link = tmp_path / "export.csv"
    link.symlink_to(elsewhere)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for target, words in ((link, "symbolic link"), (fifo, "not an ordinary file"),
                          (Path(os.devnull), "not an ordinary file")):
        done = run_kuffert("export", "people", "--out", str(target), db=database)
        _refused(done, str(target))
        assert words in done.stderr
    assert elsewhere.read_text() == "ssh-ed25519 AAAA me@laptop\n"
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "authorized_keys", "export.csv", "pipe.csv"]


def test_the_refusal_is_in_danish_by_default(database: Path) -> None:
    done = run_kuffert("export", "people", "--out", str(database), db=database,
                       env={"KUFFERT_LANG": "da"})
    assert done.returncode != 0 and str(database) in done.stderr
    assert "databasens egen fil" in done.stderr


# --- the temp file ------------------------------------------------------------------


def test_temp_names_are_unpredictable_and_never_reused(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    seen: list[str] = []
    for _ in range(3):
        with private_output(out, database=None) as stream:
            temps = [p.name for p in tmp_path.iterdir() if p.name != "out.csv"]
            assert len(temps) == 1
            seen.append(temps[0])
            assert str(os.getpid()) not in temps[0]
            stream.write(b"x")
    assert len(set(seen)) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_failed_output_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    out.write_bytes(b"last week's report")
    with pytest.raises(ZeroDivisionError), private_output(out, database=None) as stream:
        stream.write(b"half")
        raise ZeroDivisionError
    assert out.read_bytes() == b"last week's report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_a_write_error_names_the_users_path_not_the_temp(database: Path) -> None:
    # 250 characters is a legal file name, but the temp name beside it is too long:
    # the error comes from creating the temp file and must still name the user's path.
    typed = str(database.parent / ("r" * 246 + ".csv"))
    done = run_kuffert("export", "people", "--out", typed, db=database)
    _refused(done, typed)
    assert "could not write" in done.stderr
    with pytest.raises(OutputRefused) as caught:
        write_private(Path(typed), b"data", database=None, shown="my-file.csv")
    assert "my-file.csv" in str(caught.value) and ".tmp" not in str(caught.value)
    assert not list(database.parent.glob("r*")) and not list(database.parent.glob(".r*"))


def test_output_problem_allows_an_ordinary_file_beside_the_database(database: Path) -> None:
    layout = Layout(database)
    beside = database.parent / "people-export.csv"
    assert output_problem(beside, database=layout) is None
    # The folder's name without the folder: a name next to it is fine too.
    assert output_problem(database.parent / "k.d.csv", database=layout) is None
    assert output_problem(layout.folder, database=layout) is not None
