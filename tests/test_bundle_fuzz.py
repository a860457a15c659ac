"""Hand-broken data files through the bundle and conflicts commands: words, never a
traceback; a command that refuses leaves the files exactly as they were."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from tests.field_trip import PASS
from tests.test_store_fuzz import _files, _mutate_record, _mutate_text, _run
from tui.domain.courses import Mark
from tui.store import sync
from tui.store.bundle import read_bundle
from tui.store.demo import load_demo
from tui.store.store import Store


@pytest.fixture(scope="module")
def trip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, str]:
    """An office (demo data) with one course out, its field copy with changes, and the
    changes bundle."""
    root = tmp_path_factory.mktemp("trip")
    office = Store.open(root / "office" / "k.json")
    load_demo(office)
    course = "c-gl-f1-nuuk-2022"
    sync.export_courses(office, [course], root / "out.kuf", PASS)
    field = Store.open(root / "field" / "k.json")
    sync.open_field_copy(field, read_bundle(root / "out.kuf", PASS), "out.kuf")
    session = sorted(s.id for s in field.sessions(course).all())[0]
    person = field.enrolments(course).all()[0].person_id
    field.mark(course, session, person, Mark.EXCUSED)
    office.mark(course, session, person, Mark.ABSENT)  # a conflict to list
    sync.export_changes(field, root / "back.kuf", PASS)
    (root / "pw").write_text(PASS + "\n")
    return root / "office", root / "field", root, course


@pytest.mark.parametrize("seed", range(24))
def test_fuzzed_files_through_the_bundle_commands(seed: int, trip, tmp_path: Path) -> None:
    office_t, field_t, root, course = trip
    rng = random.Random(seed)
    office, field = tmp_path / "office", tmp_path / "field"
    shutil.copytree(office_t, office)
    shutil.copytree(field_t, field)
    target = office if seed % 2 else field
    mutation = (_mutate_record if seed % 3 else _mutate_text)(rng, target)
    pw = ["--passphrase-file", str(root / "pw")]
    office_db, field_db = ["--db", str(office / "k.json")], ["--db", str(field / "k.json")]
    runs = [
        [*office_db, "bundle", "export", "--course", course, "--out",
         str(tmp_path / "o.kuf"), *pw],
        [*office_db, "conflicts"], [*office_db, "conflicts", "--format", "json"],
        [*office_db, "conflicts", "resolve", "nope", "--keep", "office"],
        [*field_db, "bundle", "export", "--changes", "--out", str(tmp_path / "c.kuf"), *pw],
        [*office_db, "bundle", "import", str(root / "back.kuf"), *pw],
    ]
    for argv in runs:
        folder = office if argv[1].startswith(str(office)) else field
        before = _files(folder)
        code, said = _run(argv)
        assert code is not None, f"{mutation}\n{argv[2:]}\n{said}"
        assert "Traceback" not in said, (mutation, argv[2:], said)
        assert "None" not in said.replace("'None'", ""), (mutation, argv[2:], said)
        if code != 0:
            assert _files(folder) == before, (mutation, argv[2:], said)
    json.dumps(mutation)  # the mutation is printable, for the assertion messages
