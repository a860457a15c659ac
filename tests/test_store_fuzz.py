"""Hand-broken and odd data files through every command: words, never a traceback, and
the files left exactly as they were."""

from __future__ import annotations

import contextlib
import io
import json
import random
import shutil
import traceback
from pathlib import Path

import pytest

from tests.crash import count_steps, kill_points, run_in_child
from tui.cli.main import main
from tui.store.demo import load_demo
from tui.store.store import Store

NASTY_VALUES: list[object] = [
    None, True, False, -1, 0, 1.5e308, 10**40, "", "../x", "a\x00b", "x" * 5000,
    [], {}, [[[]]], {"a": {"b": []}}, "2021-02-30", "25:99", "\x1b]0;owned\x07", "ø" * 3,
]
BAD_IDS = ["../x", "a/b", "", "x" * 200, "..", "c1\x00"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    load_demo(Store.open(folder / "k.json"))
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".backups" not in p.parts[-3:][0:2]
            and "k.backups" not in p.parts and p.name != "k.lock"}


def _ids(folder: Path) -> tuple[str, str]:
    main_file = json.loads((folder / "k.json").read_text())
    course = next(iter(main_file["courses"]))
    sessions = json.loads((folder / "k.d" / "courses" / f"{course}.json").read_text())
    return course, next(iter(sessions["sessions"]))


def _commands(folder: Path, course: str, session: str) -> list[list[str]]:
    out = folder.parent / "out"
    out.mkdir(exist_ok=True)
    db = ["--db", str(folder / "k.json")]
    runs = [[*db, "check"], [*db, "backup"], [*db, "report"],
            [*db, "report", "--format", "json"], [*db, "report", "--format", "csv"],
            [*db, "summary", "--course", course, "--out", str(out / "s.md")],
            [*db, "sheet", session, "--out", str(out / "s.pdf")],
            [*db, "calendar", "--course", course, "--out", str(out / "c.ics")],
            [*db, "erase", "nobody-by-this-id", "--yes"]]
    for kind in ("people", "courses", "sessions", "attendance", "journals"):
        runs.append([*db, "export", kind, "--format", "json", "--out",
                     str(out / f"{kind}.json")])
    runs.append([*db, "export", "attendance", "--out", str(out / "a.csv")])
    return runs


def _run(argv: list[str]) -> tuple[int | None, str]:
    """One command in this process; a traceback is returned as text, not raised."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main([*argv, "--lang", "en"])
        except SystemExit as leaving:
            code = int(leaving.code or 0)
        except Exception:
            return None, traceback.format_exc()
    return code, stderr.getvalue()


def _mutate_record(rng: random.Random, folder: Path) -> str:
    files = [p for p in folder.rglob("*.json") if "k.backups" not in p.parts]
    path = rng.choice(files)
    data = json.loads(path.read_text())
    tables = [t for t, docs in data.items() if docs and t != "_meta"] or list(data)
    table = rng.choice(tables)
    docs = data[table]
    if rng.random() < 0.2 and docs:
        doc_id = rng.choice(list(docs))
        docs[rng.choice(BAD_IDS)] = docs.pop(doc_id)
        what = f"id of {table} {doc_id}"
    elif docs:
        doc_id = rng.choice(list(docs))
        doc = docs[doc_id]
        field = rng.choice(list(doc) or ["x"])
        doc[field] = rng.choice(NASTY_VALUES)
        what = f"{table}.{doc_id}.{field} = {doc[field]!r:.30}"
    else:
        data[table] = rng.choice(NASTY_VALUES)
        what = f"table {table}"
    path.write_text(json.dumps(data, ensure_ascii=rng.random() < 0.5))
    return f"{path.name}: {what}"


def _mutate_text(rng: random.Random, folder: Path) -> str:
    files = [p for p in folder.rglob("*.json") if "k.backups" not in p.parts]
    path = rng.choice(files)
    raw = path.read_bytes()
    cut = rng.randrange(1, len(raw))
    kind = rng.choice(["digits", "deep", "truncate", "nul", "latin1", "bom", "list",
                       "schema"])
    if kind == "digits":
        raw = raw.replace(b'"version": 1', b'"version": ' + b"7" * 4301, 1)
    elif kind == "deep":
        raw = b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    elif kind == "truncate":
        raw = raw[:cut]
    elif kind == "nul":
        raw = raw[:cut] + b"\x00" + raw[cut:]
    elif kind == "latin1":
        raw = raw[:cut] + b"\xe6\xf8\xe5" + raw[cut:]
    elif kind == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif kind == "list":
        raw = b"[" + raw + b"]"
    else:
        data = json.loads((folder / "k.json").read_text())
        data["_meta"]["schema"]["version"] = rng.choice(["1", 1.5, True, 10**30, -1, None])
        path = folder / "k.json"
        raw = json.dumps(data).encode()
    path.write_bytes(raw)
    return f"{path.name}: {kind}"


@pytest.mark.parametrize("seed", range(40))
def test_fuzzed_data_files_through_every_command(seed: int, demo: Path,
                                                 tmp_path: Path) -> None:
    rng = random.Random(seed)
    course, session = _ids(demo)
    folder = tmp_path / "db"
    shutil.copytree(demo, folder)
    mutation = (_mutate_record if seed % 3 else _mutate_text)(rng, folder)
    before = _files(folder)
    for argv in _commands(folder, course, session):
        code, said = _run(argv)
        assert code is not None, f"{mutation}\n{argv[2:]}\n{said}"
        assert "Traceback" not in said, (mutation, argv[2:], said)
        assert "None" not in said.replace("'None'", ""), (mutation, argv[2:], said)
    assert _files(folder) == before, mutation


def test_a_demo_killed_at_any_step_can_be_run_again(tmp_path: Path) -> None:
    steps = count_steps(lambda: load_demo(Store.open(tmp_path / "probe" / "k.json")))
    for n, point in enumerate(kill_points(steps)[::3]):
        db = tmp_path / f"k{n}" / "k.json"
        run_in_child(lambda db=db: load_demo(Store.open(db)), point)
        code, said = _run(["--db", str(db), "demo"])
        assert code is not None, (point, said)
        assert code == 0 or "already holds data" in said, (point, said)
        code, said = _run(["--db", str(db), "check"])
        assert code == 0, (point, said)
