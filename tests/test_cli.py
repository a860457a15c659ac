"""The kuffert command as a user runs it: real processes, real files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import run_kuffert


def test_version() -> None:
    result = run_kuffert("--version")
    assert result.returncode == 0 and result.stdout.startswith("kuffert ")


def test_demo_then_check_is_sound(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    demo = run_kuffert("demo", db=db)
    assert demo.returncode == 0, demo.stderr
    assert "people: 54" in demo.stdout
    check = run_kuffert("check", db=db)
    assert check.returncode == 0 and "sound" in check.stdout
    again = run_kuffert("demo", db=db)
    assert again.returncode == 1 and "already holds data" in again.stderr


def test_the_database_comes_from_env_when_no_option_is_given(tmp_path: Path) -> None:
    db = tmp_path / "from-env.json"
    result = run_kuffert("demo", env={"KUFFERT_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert db.is_file()
    # --db after the subcommand means the same as before it.
    other = tmp_path / "other.json"
    assert run_kuffert("check", "--db", str(other)).returncode == 0
    assert run_kuffert("--db", str(db), "check").stdout.startswith(str(db))


def test_default_database_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run_kuffert("demo", env={"HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
                                      "KUFFERT_DB": ""})
    assert result.returncode == 0, result.stderr
    assert (home / "data" / "kuffert" / "kuffert.json").is_file()


def test_user_mistakes_get_messages_not_tracebacks(tmp_path: Path) -> None:
    cases = [
        (("restore",), "NAME"),
        (("frobnicate",), "invalid choice"),
        (("--lang", "fr"), "invalid choice"),
        (("check", "--db", str(tmp_path)), "is a folder"),
        (("check", "--db", str(tmp_path / "no" / "such" / "dir" / "k.json")), "There is no"),
    ]
    for args, words in cases:
        result = run_kuffert(*args)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert words in result.stderr + result.stdout, (args, result.stderr)


def test_a_bad_settings_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('lang = "fr"\n')
    result = run_kuffert("check", db=tmp_path / "k.json", env={"KUFFERT_CONFIG": str(config)})
    assert result.returncode == 2 and str(config) in result.stderr
    config.write_text("lang = \n")
    result = run_kuffert("check", db=tmp_path / "k.json", env={"KUFFERT_CONFIG": str(config)})
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_danish_messages_by_default(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    run_kuffert("demo", db=db)
    result = run_kuffert("demo", db=db, env={"KUFFERT_LANG": ""})
    assert result.returncode == 1
    assert "allerede" in result.stderr, result.stderr


def test_backups_are_listed_and_rotated(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    run_kuffert("demo", db=db)
    for _ in range(3):
        assert run_kuffert("backup", "--now", db=db).returncode == 0
    listing = run_kuffert("backup", db=db)
    assert listing.stdout.count(" files ") == 3, listing.stdout
    # Make them three days old: the next write is the first of a new day.
    for day, folder in enumerate(sorted((tmp_path / "k.backups").iterdir()), start=1):
        folder.rename(folder.with_name(f"2020-01-0{day}T120000"))
    from tui.domain.programmes import Programme
    from tui.store.daily_backup import settle
    from tui.store.store import Store

    Store.open(db, backups_keep=2).programmes.add(Programme(name="Added today"))
    settle()  # the day's backup is finished beside the work
    names = sorted(p.name for p in (tmp_path / "k.backups").iterdir())
    assert len(names) == 2, names
    assert names[0] == "2020-01-03T120000" and not names[1].startswith("2020"), names
    # The new day's backup holds the state before the day's first change.
    assert "Added today" not in (tmp_path / "k.backups" / names[1] / "k.json").read_text()


def test_backup_restore_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "k.json"
    run_kuffert("demo", db=db)
    name = run_kuffert("backup", "--now", db=db).stdout.split(":", 1)[1].strip()
    from tui.domain.programmes import Programme
    from tui.store.store import Store

    Store.open(db).programmes.add(Programme(id="later", name="Added after the backup"))
    restored = run_kuffert("restore", name, "--yes", db=db)
    assert restored.returncode == 0, restored.stderr
    assert Store.open(db).programmes.find("later") is None
    data = json.loads(db.read_text())
    assert "later" not in data["programmes"]
    assert os.stat(db).st_mode & 0o077 == 0


def test_settings_are_read_strictly(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    db = tmp_path / "k.json"
    for text, words in [('shared = "false"\n', "'shared' must be true or false"),
                        ('db = "/srv/k\\u0000.json"\n', "'db' must be the path"),
                        ("db = 5\n", "'db' must be the path")]:
        config.write_text(text)
        result = run_kuffert("check", db=db, env={"KUFFERT_CONFIG": str(config)})
        assert result.returncode == 2, text
        assert words in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not db.exists()


def test_a_course_id_that_names_another_file_is_refused_in_words(tmp_path: Path) -> None:
    import json

    db = tmp_path / "k.json"
    assert run_kuffert("demo", db=db).returncode == 0
    data = json.loads(db.read_text())
    course_id = next(iter(data["courses"]))
    data["courses"]["../../x"] = data["courses"].pop(course_id)
    db.write_text(json.dumps(data))
    before = db.read_bytes()
    for command in (["check"], ["report"], ["erase", "nobody", "--yes"]):
        result = run_kuffert(*command, db=db)
        assert result.returncode == 1, command
        assert "../../x" in result.stderr and str(db) in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert db.read_bytes() == before
    assert not (tmp_path / "x.json").exists()
