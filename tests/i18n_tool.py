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


def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for po_path in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
        for entry in polib.pofile(str(po_path)):
            if entry.msgstr and not entry.obsolete:
                merged[entry.msgid] = entry.msgstr
    return merged


def compile_catalogue(lang: str, out: Path) -> None:
    mo = polib.MOFile()
    mo.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": lang}
    for msgid, msgstr in sorted(catalogue(lang).items()):
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
