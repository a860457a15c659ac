"""Every string a user sees has a Danish translation, and the compiled catalogue is fresh."""

from __future__ import annotations

import re
from pathlib import Path

import polib

from tests.i18n_tool import LOCALE, catalogue, flatten, source_msgids

PLACEHOLDER = re.compile(r"{(\w*)}")


def test_every_msgid_has_a_danish_translation() -> None:
    known = catalogue("da")
    missing = {m: where for m, where in source_msgids().items() if m not in known}
    assert not missing, "untranslated (run tests/i18n_tool.py missing):\n" + "\n".join(
        f"{where}: {m}" for m, where in missing.items())


def test_translations_keep_their_placeholders() -> None:
    for msgid, msgstr in catalogue("da").items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid


def test_the_parts_of_the_catalogue_agree() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for po_path in sorted((LOCALE / "da" / "LC_MESSAGES").glob("*.po")):
        for entry in polib.pofile(str(po_path)):
            if entry.msgid in seen and entry.msgstr and seen[entry.msgid][1] != entry.msgstr:
                raise AssertionError(
                    f"{entry.msgid!r}: {seen[entry.msgid][0]} says {seen[entry.msgid][1]!r}, "
                    f"{po_path.name} says {entry.msgstr!r}")
            if entry.msgstr:
                seen[entry.msgid] = (po_path.name, entry.msgstr)


def test_the_compiled_catalogue_matches_the_sources() -> None:
    mo = Path(LOCALE / "da" / "LC_MESSAGES" / "kuffert.mo")
    compiled = flatten(polib.mofile(str(mo)))
    assert compiled == catalogue("da"), "run: python tests/i18n_tool.py compile"
