"""``kuffert import people FILE``: load a municipality's staff list from a CSV file.

Prints what it found before anything else (encoding, separator, counts, every bad row
by line number) so that whoever prepared the file can fix it and run the command again;
``--dry-run`` stops there.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.cli.echo import echo
from tui.i18n import _, msg, ngettext

if TYPE_CHECKING:
    from tui.store.store import Store

EXIT_OK, EXIT_PROBLEM = 0, 1


def register(
    subparsers: argparse._SubParsersAction,
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    parser = subparsers.add_parser("import", help=_("import data from a file"))
    add_common(parser)
    what = parser.add_subparsers(dest="import_what", metavar="WHAT", required=True)
    people = what.add_parser(
        "people", help=_("import a staff list (CSV) into the register of people")
    )
    people.add_argument(
        "file", metavar="FILE",
        help=_("CSV file with a header row: name, role and qualification, optionally "
               "institution, place, e-mail and phone (Danish or English headings)"),
    )
    people.add_argument("--dry-run", action="store_true",
                        help=_("show what would be imported without changing anything"))
    add_common(people)
    people.set_defaults(handler=import_people)


def _line(line: int, reason: Any) -> str:
    return "  " + _("line {line}: {reason}").format(line=line, reason=reason)


def import_people(args: argparse.Namespace, store: Store) -> int:
    from tui.store.people_import import (
        FIELD_LABELS,
        ImportFileError,
        apply_import,
        change_text,
        plan_import,
    )

    try:
        plan = plan_import(store, Path(args.file))
    except ImportFileError as error:
        echo(f"kuffert: {error.message}", err=True)
        return EXIT_PROBLEM
    echo(_("{path}: encoding {encoding}, separated by {delimiter}.").format(
        path=plan.path, encoding=plan.encoding_label, delimiter=plan.delimiter_label))
    if plan.ignored_columns:
        echo(_("Columns not imported: {columns}").format(
            columns=", ".join(plan.ignored_columns)))
    echo(_("Rows read: {rows}. Good: {good}. Bad: {bad}. Duplicates: {duplicates}.").format(
        rows=plan.rows_read, good=len(plan.rows), bad=len(plan.bad_rows),
        duplicates=len(plan.duplicates)))
    if plan.bad_rows:
        echo(_("Bad rows (not imported):"))
        for bad in plan.bad_rows:
            echo(_line(bad.line, bad.reason))
    if plan.duplicates:
        echo(_("Duplicates (not imported):"))
        for duplicate in plan.duplicates:
            echo(_line(duplicate.line, duplicate.reason))
    if plan.warnings:
        echo(_("Warnings (imported anyway):"))
        for warning in plan.warnings:
            echo(_line(warning.line, warning.message))
    if plan.updates:
        echo(_("Changes to people already registered:"))
        for update in plan.updates:
            echo(_line(update.line, change_text(update)))
    if plan.new_institutions:
        echo(_("New institutions, made with the import:"))
        for institution in plan.new_institutions:
            echo(f"  {institution.name} ({institution.kind.label})")
    if plan.readings:
        echo(_("Read as:"))
        for reading in plan.readings:
            echo(f'  "{reading.text}": {msg(FIELD_LABELS[reading.field])}: {reading.label}')

    if args.dry_run:
        echo(ngettext("Dry run: {count} person would be imported; nothing was written.",
                       "Dry run: {count} people would be imported; nothing was written.",
                       len(plan.rows)).format(
            count=len(plan.rows)))
        return EXIT_OK if plan.has_work else EXIT_PROBLEM
    if not plan.has_work:
        echo(_("Nobody was imported."))
        return EXIT_PROBLEM
    added = apply_import(store, plan)
    if added < len(plan.rows):
        left_out = len(plan.rows) - added
        echo(ngettext("{count} person was added by someone else while the file was read; "
                      "they were left out.",
                      "{count} people were added by someone else while the file was read; "
                      "they were left out.", left_out).format(count=left_out))
    echo(ngettext("Imported {count} person into {path}.",
                   "Imported {count} people into {path}.",
                   added).format(count=added, path=store.path))
    if plan.updates:
        updated = len(plan.updates) - len(plan.stale)
        echo(ngettext("Updated {count} person.", "Updated {count} people.",
                       updated).format(count=updated))
    return EXIT_OK if added or len(plan.updates) > len(plan.stale) else EXIT_PROBLEM
