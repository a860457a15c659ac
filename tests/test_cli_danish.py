"""No English in the Danish interface of the command: `kuffert --help`, every
subcommand's `--help` and the usage errors, as a real process prints them."""

from __future__ import annotations

import argparse
import re

import pytest

from tests.conftest import run_kuffert
from tui.cli.main import build_parser
from tui.i18n import set_language

# Words that are English and not Danish; any of them in the Danish output is a miss.
_WORDS = """
usage options optional positional arguments show this help message exit
program's number error errors following are required choice choose
from unrecognized expected one least ambiguous could not allowed with
ignored explicit unexpected can't open unknown choices the and of
in on an or as it its your you which what when where who will would without
only each all any make new load take now write read files default
group readable shared servers language into empty restore course courses people
day days sign sheet summary report export calendar name names row
rows heading headings dry run changing anything instead screen funders ministry
trained attendance period first place municipality commas dates
given programme programmes confirmation integrity
"""
# Left out because they are Danish words too, and a Danish text may use them ("slet en
# person og alt der er registreret om dem", "en by i kommunen", "to dage"): person,
# session(s), journals (genitive), argument, version, option, parser, match, show,
# invalid, string, folder (a leaflet), list (cunning), file (to file), page, last (a
# load), most (juice), give, ask (ash), to (two), is (ice), by (town).
ENGLISH = set(_WORDS.split())
# Words that are Danish as well (at, for, data, database, format, id, held, journal,
# import, interface, ...) are left out of the list on purpose.
# Placeholders (FILE, ID), option names (--dry-run), choice lists ({text,json,csv}) and
# command names are the command's own vocabulary, the same in every language.
_NOT_WORDS = re.compile(r"--?[\w-]+|\{[^}]*\}|\b[A-Z][A-Z.]+\b|'[^']*'|\S+\.(?:pdf|md|ics)\b")


def _commands() -> list[list[str]]:
    """Every subcommand path: [], ["check"], ["import"], ["import", "people"], ..."""
    set_language("da")
    found: list[list[str]] = [[]]

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    found.append([*path, name])
                    walk(child, [*path, name])

    walk(build_parser(), [])
    set_language("en")
    return found


COMMANDS = _commands()


def english_in(text: str, commands: set[str]) -> list[str]:
    words = re.findall(r"[A-Za-zÆØÅæøå']+", _NOT_WORDS.sub(" ", text))
    return sorted({w for w in words if w.lower() in ENGLISH and w not in commands})


def danish(*args: str) -> tuple[int, str]:
    done = run_kuffert(*args, env={"KUFFERT_LANG": "da"})
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout + done.stderr


NAMES = {name for path in COMMANDS for name in path}


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "kuffert")
def test_help_is_danish(path: list[str]) -> None:
    code, text = danish(*path, "--help")
    assert code == 0
    assert "brug: kuffert" in text and "vis denne hjælp og afslut" in text
    assert english_in(text, NAMES) == [], text


@pytest.mark.parametrize("args, expected", [
    (["restore"], "disse argumenter mangler: NAME"),
    (["import"], "disse argumenter mangler: WHAT"),
    (["import", "people"], "disse argumenter mangler: FILE"),
    (["report", "--format", "pdf"], "ugyldigt valg: 'pdf'"),
    (["--bogus"], "ukendte argumenter: --bogus"),
    (["nonsense"], "ugyldigt valg: 'nonsense'"),
    (["sheet", "s1"], "disse argumenter mangler: --out"),
    (["report", "--out"], "kræver én værdi"),
])
def test_usage_errors_are_danish(args: list[str], expected: str) -> None:
    code, text = danish(*args)
    assert code == 2
    assert "kuffert" in text and ": fejl: " in text and expected in text, text
    assert english_in(text, NAMES) == [], text


def test_danish_words_that_look_english_pass() -> None:
    assert english_in("slet en person og alt der er registreret om dem; to sessioner i "
                      "en by; vis version og parser-fejl; give en folder", NAMES) == []


def test_the_check_finds_english() -> None:
    # The test above would pass on anything if the word list did not catch English.
    assert english_in("usage: kuffert [-h]\nerror: the following arguments are required",
                      NAMES) == ["are", "arguments", "error", "following", "required",
                                 "the", "usage"]
    assert english_in("brug: kuffert [--dry-run] FILE {text,json}", NAMES) == []


def test_one_is_singular_in_danish(tmp_path) -> None:
    staff = tmp_path / "liste.csv"
    staff.write_text("Navn;Stilling;Uddannelse\nAne Berg;medarbejder;PAU\n", encoding="utf-8")
    db = tmp_path / "k.json"
    done = run_kuffert("import", "people", str(staff), db=db, env={"KUFFERT_LANG": "da"})
    assert done.returncode == 0, done.stderr
    assert f"1 person importeret i {db}." in done.stdout  # not "1 personer"
    set_language("da")
    try:
        from tui.i18n import ngettext
        assert ngettext("{n} day", "{n} days", 1).format(n=1) == "1 dag"
        assert ngettext("{n} day", "{n} days", 2).format(n=2) == "2 dage"
    finally:
        set_language("en")


def test_names_are_sorted_in_danish_order_with_ae_oe_aa_after_z(tmp_path) -> None:
    from tui.domain.courses import Course, Enrolment
    from tui.domain.people import Person, Qualification, Role
    from tui.domain.programmes import Programme
    from tui.store.store import Store

    store = Store.open(tmp_path / "k.json")
    store.programmes.add(Programme(id="p", name="Program"))
    store.courses.add(Course(id="c", programme_id="p", name="Kursus"))
    names = ["Åse Holm", "Zara Berg", "Ærø Lund", "anna Dahl", "Øster Bro"]
    for n, name in enumerate(names):
        store.people.add(Person(id=f"p{n}", name=name, role=Role.EMPLOYEE,
                                qualification=Qualification.OTHER))
        store.enrolments("c").add(Enrolment(course_id="c", person_id=f"p{n}"))
    out = tmp_path / "resume.md"
    done = run_kuffert("summary", "--course", "c", "--out", str(out), db=store.path,
                       env={"KUFFERT_LANG": "da"})
    assert done.returncode == 0, done.stderr
    listed = [line.split("|")[1].strip() for line in out.read_text().splitlines()
              if line.startswith("| ") and any(n in line for n in names)]
    assert listed == ["anna Dahl", "Zara Berg", "Ærø Lund", "Øster Bro", "Åse Holm"]
