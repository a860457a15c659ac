"""What `kuffert check` reports beyond broken files: an interrupted change, records in
the wrong course's file, references to nothing, and things that are not files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import run_kuffert
from tests.crash import count_steps, kill_points, run_in_child
from tui.store.demo import load_demo
from tui.store.store import Store

COURSE = "c-horsens-vuggestue"


def _demo(folder: Path) -> Path:
    db = folder / "k.json"
    load_demo(Store.open(db))
    return db


def test_an_interrupted_change_is_finished_and_reported(tmp_path: Path) -> None:
    db = _demo(tmp_path / "probe")
    person = Store.open(db).enrolments(COURSE).all()[0].person_id

    def erase(path: Path) -> None:
        Store.open(path).erase_person(person)

    steps = count_steps(lambda: erase(_demo(tmp_path / "count")))
    for n, point in enumerate(kill_points(steps)):
        folder = tmp_path / f"k{n}"
        db = _demo(folder)
        run_in_child(lambda db=db: erase(db), point)
        if (folder / "k.commit").exists():
            break
    else:
        raise AssertionError("no kill point left a commit record")
    result = run_kuffert("check", db=db)
    assert result.returncode == 0, result.stderr
    assert "interrupted change" in result.stdout and "was completed" in result.stdout
    assert not (folder / "k.commit").exists()
    assert Store.open(db).people.find(person) is None


def test_records_in_the_wrong_file_and_dangling_references_are_errors(tmp_path: Path) -> None:
    db = _demo(tmp_path)
    course_file = tmp_path / "k.d" / "courses" / f"{COURSE}.json"
    data = json.loads(course_file.read_text())
    session_id, session = next(iter(data["sessions"].items()))
    session["course_id"] = "c-gl-f1-nuuk-2022"
    enrolment = next(iter(data["enrolments"].values()))
    enrolment["person_id"] = "nobody-by-this-id"
    course_file.write_text(json.dumps(data))
    main = json.loads(db.read_text())
    next(iter(main["courses"].values()))["place_id"] = "no-such-place"
    db.write_text(json.dumps(main))
    result = run_kuffert("check", db=db)
    assert result.returncode == 1
    assert f"holds sessions '{session_id}' of another course (c-gl-f1-nuuk-2022)" \
        in result.stderr
    assert "names a person who does not exist (nobody-by-this-id)" in result.stderr
    assert "refers to place 'no-such-place'" in result.stderr


def test_things_that_are_not_files_are_errors(tmp_path: Path) -> None:
    db = _demo(tmp_path)
    os.symlink("/etc/passwd", tmp_path / "k.d" / "courses" / "planted.json")
    result = run_kuffert("check", db=db)
    assert result.returncode == 1 and "planted.json is a symbolic link" in result.stderr


def test_an_index_out_of_step_with_the_courses_is_found_and_repaired(tmp_path: Path) -> None:
    """Erasing trusts the index of each person's courses: `check` compares it with every
    course's records, and `check --repair` makes it agree again."""
    db = _demo(tmp_path)
    store = Store.open(db)
    layout = store.db.layout
    person = store.enrolments(COURSE).all()[0].person_id
    assert store.courses_naming(person) == [COURSE]
    # A hand edit: the person's course taken out of their index file, and a course that
    # does not exist put in.
    path = layout.index_file(person)
    data = json.loads(path.read_text())
    data["courses"][person] = {"courses": ["no-such-course"]}
    path.write_text(json.dumps(data))

    found = run_kuffert("check", "--lang", "en", db=db)
    assert found.returncode == 1
    assert f"The index of who takes part in course {COURSE} is out of date" in found.stderr
    assert "names course no-such-course, which does not exist" in found.stdout
    repaired = run_kuffert("check", "--repair", "--lang", "en", db=db)
    assert repaired.returncode == 0, repaired.stderr
    assert "Rewrote what is kept of 2 courses." in repaired.stdout
    assert json.loads(path.read_text())["courses"][person] == {"courses": [COURSE]}
    assert Store.open(db).courses_naming(person) == [COURSE]


def test_a_check_by_several_processes_finds_what_one_finds_in_the_same_order(
        tmp_path: Path) -> None:
    """`kuffert check` hands the course files to one process per core (a national check
    is mostly their records). Broken course files early, in the middle and last are
    each reported, in the order a check by one process reports them."""
    from tui.i18n import language, set_language
    from tui.store.check import CHUNK, check
    from tui.store.demo import generate_national

    db = tmp_path / "k.json"
    generate_national(Store.open(db), scale={"people": 200, "courses": 3 * CHUNK})
    courses = [c.id for c in Store.open(db).courses.all()]
    broken = [courses[1], courses[len(courses) // 2], courses[-1]]
    for n, course_id in enumerate(broken):
        course_file = tmp_path / "k.d" / "courses" / f"{course_id}.json"
        data = json.loads(course_file.read_text())
        next(iter(data["enrolments"].values()))["person_id"] = f"nobody-{n}"
        course_file.write_text(json.dumps(data))
    result = run_kuffert("check", "--lang", "en", db=db)
    assert result.returncode == 1
    was = language()
    set_language("en")
    try:
        one_process = [str(f.message) for f in check(Store.open(db))]
    finally:
        set_language(was)
    printed = [line.split(": ", 1)[1] for line in result.stdout.splitlines()
               + result.stderr.splitlines() if line.startswith(("error: ", "note: "))]
    assert sorted(printed) == sorted(one_process)
    errors = [line for line in one_process if "nobody-" in line]
    assert [next(c for c in broken if c in line) for line in errors] == broken
    in_order = [line for line in result.stderr.splitlines() if "nobody-" in line]
    assert [next(c for c in broken if c in line) for line in in_order] == broken
