"""Keep the gettext catalogues in step with the source.

    python tests/i18n_tool.py missing   # msgids used in tui/ with no Danish translation
    python tests/i18n_tool.py compile   # merge data/locale/da/LC_MESSAGES/*.po into kuffert.mo

The Danish catalogue is split by area (domain.po, store.po, cli.po, screens.po, ...) so
that work on one part of the program does not collide with another; `compile` merges
them into the one kuffert.mo that gettext loads.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tui"
LOCALE = ROOT / "data" / "locale"
MARKERS = {"_", "N_", "msg", "Message"}


def source_msgids() -> dict[str, str]:
    """Every translatable string in tui/, mapped to the first place it occurs."""
    found: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "ngettext" and len(node.args) >= 2:
                args = node.args[:2]
            elif name in MARKERS:
                args = node.args[:1]
            else:
                continue
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.setdefault(arg.value, where)
    return found


# Danish, like English, has one form for 1 and another for every other number.
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


def flatten(entries: object) -> dict[str, str]:
    """msgid -> msgstr; a plural entry gives its singular and its plural msgid each their
    own form, so the checks below treat both halves like any other message."""
    merged: dict[str, str] = {}
    for entry in entries:  # type: ignore[attr-defined]
        if getattr(entry, "obsolete", False) or not entry.msgid:
            continue
        if entry.msgid_plural and entry.msgstr_plural:
            forms = entry.msgstr_plural
            if forms.get(0) and forms.get(1):
                merged[entry.msgid] = forms[0]
                merged[entry.msgid_plural] = forms[1]
        elif entry.msgstr:
            merged[entry.msgid] = entry.msgstr
    return merged


def _po_entries(lang: str) -> list[polib.POEntry]:
    return [entry for po_path in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po"))
            for entry in polib.pofile(str(po_path))]


def catalogue(lang: str) -> dict[str, str]:
    return flatten(_po_entries(lang))


def compile_catalogue(lang: str, out: Path) -> None:
    mo = polib.MOFile()
    mo.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": lang,
                   "Plural-Forms": PLURAL_FORMS}
    plurals = {e.msgid: e for e in _po_entries(lang)
               if e.msgid_plural and not e.obsolete and flatten([e])}
    plural_halves = {e.msgid_plural for e in plurals.values()}
    for msgid, msgstr in sorted(catalogue(lang).items()):
        if msgid in plurals:
            entry = plurals[msgid]
            mo.append(polib.MOEntry(msgid=msgid, msgid_plural=entry.msgid_plural,
                                    msgstr_plural=dict(entry.msgstr_plural)))
        elif msgid not in plural_halves:
            mo.append(polib.MOEntry(msgid=msgid, msgstr=msgstr))
    mo.save(str(out))


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "missing"
    if command == "missing":
        known = catalogue("da")
        missing = {m: w for m, w in source_msgids().items() if m not in known}
        for msgid, where in missing.items():
            print(f'#: {where}\nmsgid "{polib.escape(msgid)}"\nmsgstr ""\n')
        print(f"{len(missing)} missing", file=sys.stderr)
        return 1 if missing else 0
    if command == "compile":
        compile_catalogue("da", LOCALE / "da" / "LC_MESSAGES" / "kuffert.mo")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
