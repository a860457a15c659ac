"""Importing a municipality's staff list: real files, a real store, the real command."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_kuffert
from tui.cli import main as cli_main
from tui.cli.importing import import_people, register
from tui.domain.people import Person, Qualification, Role
from tui.domain.places import Institution, InstitutionKind, Place, PlaceKind
from tui.store.people_import import ImportFileError, apply_import, plan_import
from tui.store.store import Store

HEADER_DA = "Navn;Rolle;Uddannelse;Institution;Sted;E-mail;Tlf."
# As Excel on a Danish Windows saves it: semicolons, CRLF, Windows-1252; a cell with a
# line break inside quotes spans two physical lines, so later line numbers shift.
STAFF_DA = "\r\n".join([
    HEADER_DA,                                                                    # 1
    "Åse Højgaard;Dagplejer;Pædagogisk assistent;Dagplejen Nuuk;;ase@example.gl;32 10 00",
    '"Bjørn\nKærgaard";Leder;Pædagog;Børnehaven Kåre;Nuuk;;',                     # 3-4
    ";Medarbejder;Ufaglært;Børnehaven Kåre;;;",                                   # 5
    "",                                                                           # 6
    "Søren Æbelø;Pedel;Ufaglært;Børnehaven Kåre;;;",                              # 7
    "Mette Lærke;medarbejder;ufaglært;Vuggestuen Ukendt;Qaqortoq;ikke-en-adresse;",  # 8
    ";;;;;;",                                                                     # 9
    "",
])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "k.json")
    with store.transaction():
        store.places.add_many([Place(id="nuuk", name="Nuuk", kind=PlaceKind.TOWN),
                               Place(id="sisimiut", name="Sisimiut", kind=PlaceKind.TOWN)])
        store.institutions.add_many([
            Institution(id="kaare", name="Børnehaven Kåre", kind=InstitutionKind.KINDERGARTEN,
                        place_id="nuuk"),
            Institution(id="dagpleje", name="Dagplejen Nuuk",
                        kind=InstitutionKind.CHILDMINDING, place_id="nuuk"),
        ])
    return store


def write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_a_windows_1252_semicolon_file_with_two_bad_rows(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "personale.csv", STAFF_DA, "cp1252")
    plan = plan_import(store, f)
    assert (plan.encoding, plan.delimiter) == ("cp1252", ";")
    assert [(bad.line, str(bad.reason)) for bad in plan.bad_rows] == [
        (5, "Name is required."),
        (7, '"Pedel" is not a role. Choose one of: Leader, Deputy leader, Employee, '
            "Childminder."),
    ]
    assert [row.line for row in plan.rows] == [2, 3, 8]
    # An institution the database does not know is made with the import, its kind read
    # from its name.
    assert [(i.name, i.kind) for i in plan.new_institutions] == [
        ("Vuggestuen Ukendt", InstitutionKind.NURSERY)]
    assert [(w.line, str(w.message)) for w in plan.warnings] == [
        (8, 'The place "Qaqortoq" is not in the database; the person is imported without '
            "one."),
        (8, '"ikke-en-adresse" does not look like an e-mail address, for example '
            "name@example.gl. The person is imported without it."),
    ]
    assert store.people.count() == 0, "planning writes nothing"

    assert apply_import(store, plan) == 3
    people = {p.name: p for p in store.people.all()}
    assert sorted(people) == ["Bjørn Kærgaard", "Mette Lærke", "Åse Højgaard"]
    aase = people["Åse Højgaard"]
    assert (aase.role, aase.qualification, aase.institution_id, aase.place_id,
            aase.email, aase.phone) == (Role.CHILDMINDER, Qualification.PEDAGOGICAL_ASSISTANT,
                                        "dagpleje", "nuuk", "ase@example.gl", "32 10 00")
    mette = people["Mette Lærke"]
    assert (mette.institution_id, mette.place_id, mette.email) == (
        plan.new_institutions[0].id, None, "")
    assert store.institutions.get(mette.institution_id).name == "Vuggestuen Ukendt"
    # æøå survive the trip to disk and back.
    reopened = Store.open(tmp_path / "k.json")
    assert sorted(p.name for p in reopened.people.all()) == sorted(people)


def test_a_utf8_comma_file_with_bom_and_english_headers(store: Store, tmp_path: Path) -> None:
    text = ("Name , ROLE,qualification,Institution,Place,e-mail,Phone,Notes\n"
            '"Hansen, Anna",employee,pedagogue,børnehaven kåre,,anna@example.dk,,shy\n'
            "Nivi Kleist,Deputy leader,unskilled,,Sisimiut,,+299 86 00 00,\n")
    f = write(tmp_path / "staff.csv", text, "utf-8-sig")
    plan = plan_import(store, f)
    assert (plan.encoding, plan.delimiter) == ("utf-8-sig", ",")
    assert plan.columns["name"] == "Name" and plan.ignored_columns == ["Notes"]
    assert not plan.bad_rows and not plan.warnings
    anna, nivi = plan.people
    assert (anna.name, anna.role, anna.institution_id, anna.place_id) == (
        "Hansen, Anna", Role.EMPLOYEE, "kaare", "nuuk")
    assert (nivi.role, nivi.qualification, nivi.place_id, nivi.phone) == (
        Role.DEPUTY, Qualification.UNSKILLED, "sisimiut", "+299 86 00 00")
    # Without a BOM the same bytes are plain UTF-8.
    f.write_bytes(text.encode("utf-8"))
    assert plan_import(store, f).encoding == "utf-8"


def test_a_known_person_is_updated_with_each_change_shown(store: Store, tmp_path: Path) -> None:
    store.people.add(Person(id="aase", name="Åse Højgaard", role=Role.CHILDMINDER,
                            qualification=Qualification.UNSKILLED, institution_id="dagpleje"))
    text = "\n".join([
        "navn;rolle;kvalifikation;institution",
        "åse  HØJGAARD;dagplejer;pædagog;Dagplejen Nuuk",  # 2: registered, now a pedagogue
        "Åse Højgaard;dagplejer;pædagog;Børnehaven Kåre",  # 3: another institution
        "Pipaluk Berthelsen;medarbejder;ufaglært;",         # 4
        "Pipaluk  Berthelsen;medarbejder;pædagog;",         # 5: same as line 4
    ])
    plan = plan_import(store, write(tmp_path / "dup.csv", text, "utf-8"))
    assert [row.line for row in plan.rows] == [3, 4]
    # The name as the file spells it is the same person, so only the training changes.
    assert [(u.line, u.person.id, [(c.field, c.old, c.new) for c in u.changes])
            for u in plan.updates] == [(2, "aase", [("qualification", "Unskilled",
                                                     "Pedagogue")])]
    assert [(d.line, str(d.reason)) for d in plan.duplicates] == [
        (5, "Pipaluk Berthelsen is already on line 4 of this file."),
    ]
    assert store.people.get("aase").qualification is Qualification.UNSKILLED, "only a plan"
    assert apply_import(store, plan) == 2
    aase = store.people.get("aase")
    assert (aase.name, aase.qualification) == ("Åse Højgaard", Qualification.PEDAGOGUE)
    # Importing the same file again adds and changes nothing.
    again = plan_import(store, write(tmp_path / "dup.csv", text, "utf-8"))
    assert again.rows == [] and again.updates == [] and len(again.duplicates) == 4
    assert apply_import(store, again) == 0 and store.people.count() == 3


def test_a_missing_column_names_the_columns_found(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "x.csv", "Navn;Institution;Telefon\nAnna;;\n", "utf-8")
    with pytest.raises(ImportFileError) as raised:
        plan_import(store, f)
    assert str(raised.value) == (
        f'{f} has no column for Role, Qualification. Columns found: "Navn", "Institution", '
        '"Telefon" (separated by semicolon).')


@pytest.mark.parametrize("content, words", [
    (b"", "is empty"),
    (b"\xef\xbb\xbf \r\n", "is empty"),
    (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet workbook"),
    (b"navn;rolle\x00\x01\x02;", "not a text file"),
])
def test_files_that_are_no_csv_get_a_clear_message(
    store: Store, tmp_path: Path, content: bytes, words: str
) -> None:
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    with pytest.raises(ImportFileError, match=words):
        plan_import(store, f)
    with pytest.raises(ImportFileError, match="Cannot read"):
        plan_import(store, tmp_path / "missing.csv")


def test_a_row_with_an_unquoted_separator_is_explained(store: Store, tmp_path: Path) -> None:
    text = "name,role,qualification\nHansen, Anna,employee,pedagogue\n"
    plan = plan_import(store, write(tmp_path / "s.csv", text, "utf-8"))
    assert plan.bad_rows[0].line == 2
    assert "unquoted comma" in str(plan.bad_rows[0].reason)


# --- the command -----------------------------------------------------------------------


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"), lambda p: None)
    return parser.parse_args(argv)


def test_the_command_reports_and_a_dry_run_writes_nothing(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = write(tmp_path / "personale.csv", STAFF_DA, "cp1252")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.json")}
    args = parse("import", "people", str(f), "--dry-run")
    assert args.handler is import_people
    assert args.handler(args, store) == 0
    out = capsys.readouterr().out
    assert "encoding Windows-1252, separated by semicolon" in out
    assert "Rows read: 5. Good: 3. Bad: 2. Duplicates: 0." in out
    assert "  line 5: Name is required." in out and "  line 7: " in out
    assert "nothing was written" in out
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.json")} == before
    assert store.people.count() == 0

    args = parse("import", "people", str(f))
    assert args.handler(args, store) == 0
    assert "Imported 3 people" in capsys.readouterr().out
    assert store.people.count() == 3
    # Everything is a duplicate now: nothing to import is a problem for a script.
    assert args.handler(args, store) == 1
    assert "Duplicates: 3." in capsys.readouterr().out

    args = parse("import", "people", str(tmp_path / "missing.csv"))
    assert args.handler(args, store) == 1
    assert "Cannot read" in capsys.readouterr().err


@pytest.mark.skipif("tui.cli.importing" not in cli_main.COMMAND_MODULES,
                    reason="tui.cli.importing is not in COMMAND_MODULES yet")
def test_the_real_command(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "personale.csv", STAFF_DA, "cp1252")
    db = tmp_path / "k.json"

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tui", "import", "people", str(f), "--db", str(db), *extra],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "KUFFERT_LANG": "en", "KUFFERT_CONFIG": os.devnull})

    before = db.read_bytes()
    dry = run("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "line 5: Name is required." in dry.stdout and "line 7: " in dry.stdout
    assert db.read_bytes() == before and store.people.count() == 0
    real = run()
    assert real.returncode == 0, real.stderr
    assert sorted(p.name for p in store.people.all()) == [
        "Bjørn Kærgaard", "Mette Lærke", "Åse Højgaard"]
    f.write_bytes(b"")
    empty = run()
    assert empty.returncode == 1 and "is empty" in empty.stderr
    assert "Traceback" not in empty.stderr


def test_a_re_import_by_the_real_command_shows_and_makes_each_change(
        store: Store, tmp_path: Path) -> None:
    first = "\n".join(["Fornavn;Efternavn;Stilling;Uddannelse;E-mail",
                       "Ane;Kristiansen;medarbejder;medhjælper;ane@example.gl", ""])
    again = "\n".join(["Fornavn;Efternavn;Stilling;Uddannelse;E-mail",
                       "Ane;Kristiansen-Lund;medarbejder;PAU;ane@example.gl", ""])
    f = write(tmp_path / "liste.csv", first, "utf-8")
    done = run_kuffert("import", "people", str(f), db=store.path)
    assert done.returncode == 0, done.stderr
    assert '"medhjælper": Qualification: Unskilled' in done.stdout
    f = write(tmp_path / "liste.csv", again, "utf-8")
    redo = run_kuffert("import", "people", str(f), db=store.path)
    assert redo.returncode == 0, redo.stderr
    # Found by e-mail: a new surname and a finished training, both shown, then saved.
    assert ("line 2: Ane Kristiansen-Lund: Name Ane Kristiansen → Ane Kristiansen-Lund; "
            "Qualification Unskilled → Pedagogical assistant") in redo.stdout
    assert "Updated 1 person." in redo.stdout and "Imported 0 people" in redo.stdout
    (ane,) = Store.open(store.path).people.all()
    assert (ane.name, ane.qualification) == ("Ane Kristiansen-Lund",
                                             Qualification.PEDAGOGICAL_ASSISTANT)


def test_a_named_pipe_is_refused_in_words_instead_of_hanging(store: Store,
                                                            tmp_path: Path) -> None:
    # Nobody ever writes into the pipe: reading it would wait forever (the run's timeout
    # of 60 s would fail the test), so the command must see what it is before reading.
    fifo = tmp_path / "staff.csv"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "import", "people", str(fifo), "--db",
         str(tmp_path / "k.json")], capture_output=True, text=True, timeout=60,
        env={**os.environ, "KUFFERT_LANG": "da", "KUFFERT_CONFIG": os.devnull})
    assert done.returncode == 1
    assert f"{fifo} er en navngivet pipe (FIFO), ikke en almindelig fil" in done.stderr
    assert "Traceback" not in done.stderr
    assert store.people.count() == 0


def test_a_link_to_a_staff_list_is_still_read(store: Store, tmp_path: Path) -> None:
    target = write(tmp_path / "personale.csv", STAFF_DA, "cp1252")
    link = tmp_path / "seneste.csv"
    link.symlink_to(target)
    # Rows 2, 3-4 and 8 are good (see STAFF_DA): three people.
    assert len(plan_import(store, link).rows) == 3
