"""The bundle and conflicts subcommands: courses out to the field and their changes back.

Only argparse is imported at the top; the store (and the cipher) load when a command runs.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.cli.echo import echo
from tui.cli.words import TABLE_NAMES
from tui.i18n import _, msg, ngettext

EXIT_OK, EXIT_PROBLEM = 0, 1


class _Refused(Exception):
    """A mistake in the command line: printed, nothing done."""


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    bundle = subparsers.add_parser(
        "bundle", help=_("take courses out to the field in an encrypted file, and back"))
    actions = bundle.add_subparsers(dest="bundle_action", metavar="ACTION", required=True)

    export = actions.add_parser(
        "export", help=_("write a bundle: chosen courses (office) or the changes (field)"))
    export.add_argument("--course", metavar="ID", action="append", default=[],
                        help=_("a course to take out (repeat for more)"))
    export.add_argument("--programme", metavar="ID",
                        help=_("take out every course of this programme"))
    export.add_argument("--changes", action="store_true",
                        help=_("on a field copy: the changes made since it was opened"))
    export.add_argument("--for", dest="carrier", metavar="NAME", default="",
                        help=_("who takes the bundle out (shown on the office's dashboard)"))
    export.add_argument("--out", metavar="FILE", required=True, help=_("the bundle to write"))
    export.add_argument("--passphrase-file", metavar="FILE",
                        help=_("read the passphrase from this file (else you are asked)"))
    export.set_defaults(handler=cmd_export)
    add_common(export)

    imp = actions.add_parser(
        "import", help=_("open a bundle as a new field copy, or merge changes brought back"))
    imp.add_argument("file", metavar="FILE", help=_("the bundle to read"))
    imp.add_argument("--passphrase-file", metavar="FILE",
                     help=_("read the passphrase from this file (else you are asked)"))
    imp.add_argument("--format", choices=["text", "json"], default="text",
                     help=_("how to print the receipt"))
    imp.set_defaults(handler=cmd_import)
    add_common(imp)

    conflicts = subparsers.add_parser(
        "conflicts", help=_("list records changed both in the office and in the field"))
    conflicts.add_argument("--format", choices=["text", "json"], default="text",
                           help=_("how to print the list"))
    conflicts.set_defaults(handler=cmd_conflicts)
    add_common(conflicts)
    what = conflicts.add_subparsers(dest="conflicts_action", metavar="ACTION")
    resolve = what.add_parser("resolve", help=_("settle one conflict"))
    resolve.add_argument("id", metavar="ID", help=_("the conflict, as 'kuffert conflicts' "
                                                     "lists it"))
    resolve.add_argument("--keep", choices=["office", "field"], required=True,
                         help=_("whose version to keep"))
    resolve.set_defaults(handler=cmd_resolve)
    add_common(resolve)
    reviewed = what.add_parser(
        "reviewed", help=_("mark a walk-in who looked like a registered person as checked"))
    reviewed.add_argument("person", metavar="PERSON_ID", help=_("the walk-in's id"))
    reviewed.set_defaults(handler=cmd_reviewed)
    add_common(reviewed)


def echo_json(value: Any) -> None:
    """JSON for a script: every value as it is, yet nothing in it can act on a
    terminal (C1 and bidi controls written as escapes; json.dumps escapes C0)."""
    from tui.domain.text import json_safe

    echo(json_safe(json.dumps(value, indent=2, ensure_ascii=False)))


def _problem(text: object) -> int:
    echo(f"kuffert: {text}", err=True)
    return EXIT_PROBLEM


MIN_PASSPHRASE = 8


def _passphrase(args: argparse.Namespace, *, confirm: bool) -> str:
    if args.passphrase_file:
        phrase = _passphrase_from_file(Path(args.passphrase_file), args.passphrase_file)
    else:
        if not sys.stdin.isatty():
            raise _Refused(msg("No terminal to ask for the passphrase: give "
                               "--passphrase-file FILE."))
        phrase = getpass.getpass(_("Passphrase: "))
        if confirm and phrase and getpass.getpass(_("The same passphrase again: ")) != phrase:
            raise _Refused(msg("The two passphrases differ; nothing was written."))
    if not phrase.strip():
        raise _Refused(msg("The passphrase is empty; a bundle carries personal data and "
                           "needs one."))
    if len(phrase) < MIN_PASSPHRASE:
        raise _Refused(msg("The passphrase is shorter than {n} characters; a bundle "
                           "carries personal data and needs a longer one.",
                           n=MIN_PASSPHRASE))
    return phrase


def _passphrase_from_file(path: Path, shown: str) -> str:
    import stat

    from tui.store.files import UnsafeFile, read_regular

    try:
        found = read_regular(path)
    except UnsafeFile as error:
        raise _Refused(error.message) from None
    except OSError as error:
        raise _Refused(msg("Kuffert could not read {file}: {reason}", file=shown,
                           reason=error.strerror or str(error))) from None
    if found is None:
        raise _Refused(msg("There is no passphrase file {file}.", file=shown))
    raw, status = found
    if stat.S_IMODE(status.st_mode) & 0o077:
        echo(msg("Warning: the passphrase file {file} can be read by others than you; "
                 "make it private with 'chmod 600 {file}'.", file=shown), err=True)
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise _Refused(msg("The passphrase file {file} is not UTF-8 text.",
                           file=shown)) from None
    # The first line: an editor's final newline is not part of the passphrase.
    return lines[0] if lines else ""


def _check_out(args: argparse.Namespace, store: Any) -> Path:
    from tui.store.outputs import check_output

    # Before the passphrase is asked for: a refused --out should not cost typing it.
    check_output(Path(args.out), database=store.db.layout, shown=args.out)
    return Path(args.out)


def cmd_export(args: argparse.Namespace, store: Any) -> int:
    from tui.store import sync, sync_records
    from tui.store.errors import StoreError

    try:
        out = _check_out(args, store)
        if not store.exists():
            raise _Refused(msg("There is no database at {path}.", path=str(store.path)))
        if args.changes:
            if args.course or args.programme:
                raise _Refused(msg("--changes brings back everything changed; it takes no "
                                   "--course or --programme."))
            if sync_records.origin(store) is None:
                raise _Refused(msg("{db} is not a field copy: --changes brings back what "
                                   "changed in a database opened from a bundle.",
                                   db=str(store.path)))
            phrase = _passphrase(args, confirm=True)
            count = sync.export_changes(store, out, phrase)
            echo(ngettext("{n} changed record written to {path}.",
                          "{n} changed records written to {path}.", count).format(
                              n=count, path=args.out))
            return EXIT_OK
        course_ids = list(dict.fromkeys(args.course))
        if args.programme:
            if store.programmes.find(args.programme) is None:
                raise _Refused(msg("There is no programme with the id {id}.",
                                   id=args.programme))
            course_ids += [c.id for c in store.courses.where(programme_id=args.programme)
                           if c.id not in course_ids]
        if not course_ids:
            raise _Refused(msg("Name the courses to take out: --course ID (or --programme "
                               "ID), or --changes on a field copy."))
        phrase = _passphrase(args, confirm=True)
        made = sync.export_courses(store, course_ids, out, phrase, carrier=args.carrier)
    except (_Refused, StoreError) as error:
        return _problem(error.args[0] if isinstance(error, _Refused) else error.message)
    courses = ngettext("{n} course", "{n} courses", len(made.courses)).format(
        n=len(made.courses))
    people = ngettext("{n} person", "{n} people", made.people).format(n=made.people)
    records = ngettext("{n} record", "{n} records", made.records).format(n=made.records)
    echo(_("Bundle written to {path}: {courses}, {people}, {records}.").format(
        path=args.out, courses=courses, people=people, records=records))
    return EXIT_OK


def _counts(counter: dict[str, int]) -> str:
    total = sum(counter.values())
    if not total:
        return "0"
    parts = ", ".join(f"{_(TABLE_NAMES.get(t, t))} {n}" for t, n in sorted(counter.items()))
    return f"{total} ({parts})"


def cmd_import(args: argparse.Namespace, store: Any) -> int:
    from tui.store import sync
    from tui.store.bundle import read_bundle
    from tui.store.errors import StoreError

    try:
        phrase = _passphrase(args, confirm=False)
        bundle = read_bundle(Path(args.file), phrase)
        if bundle.manifest.get("kind") == "courses":
            count = sync.open_field_copy(store, bundle, args.file)
            echo(ngettext(
                "Field copy {db} made from {file}: {n} record. Work on it as usual; bring "
                "the changes back with 'kuffert bundle export --changes'.",
                "Field copy {db} made from {file}: {n} records. Work on it as usual; bring "
                "the changes back with 'kuffert bundle export --changes'.", count).format(
                    db=store.path, file=args.file, n=count))
            return EXIT_OK
        receipt = sync.merge_changes(store, bundle, args.file)
    except (_Refused, StoreError) as error:
        return _problem(error.args[0] if isinstance(error, _Refused) else error.message)
    if args.format == "json":
        # ASCII escapes keep control characters in stored text from the terminal, and
        # the data as it is for a script.
        echo_json(receipt.to_json())
        return EXIT_OK
    if receipt.already_imported is not None:
        echo(_("{file} was merged before ({at}); nothing was changed.").format(
            file=args.file, at=_when(receipt.already_imported)))
        return EXIT_OK
    echo(_("Merged changes from {who} (made {at}):").format(
        who=receipt.made_by, at=_when(receipt.made_at)))
    echo("  " + _("taken: {counts}").format(counts=_counts(receipt.taken)))
    echo("  " + _("already present: {counts}").format(counts=_counts(receipt.present)))
    if receipt.conflicts:
        echo("  " + _("conflicts: {n}, both versions kept; see 'kuffert conflicts'").format(
            n=len(receipt.conflicts)))
    else:
        echo("  " + _("conflicts: 0"))
    if receipt.dropped:
        why = []
        if receipt.reasons.get(sync.ERASED):
            why.append(_("{n} about a person erased in the office").format(
                n=receipt.reasons[sync.ERASED]))
        if receipt.reasons.get(sync.COURSE_GONE):
            why.append(_("{n} of a course deleted in the office").format(
                n=receipt.reasons[sync.COURSE_GONE]))
        if receipt.reasons.get(sync.JOURNAL_GONE):
            why.append(_("{n} of a journal deleted in the office").format(
                n=receipt.reasons[sync.JOURNAL_GONE]))
        if receipt.reasons.get(sync.NOT_CARRIED):
            why.append(_("{n} not in the bundle that went out").format(
                n=receipt.reasons[sync.NOT_CARRIED]))
        echo("  " + _("dropped: {counts}: {why}").format(
            counts=_counts(receipt.dropped), why=", ".join(why)))
    else:
        echo("  " + _("dropped: 0"))
    if receipt.reviews:
        echo("  " + ngettext(
            "to review: {n} walk-in with the name and institution of a registered person, "
            "kept apart: {ids}",
            "to review: {n} walk-ins with the name and institution of a registered "
            "person, kept apart: {ids}", len(receipt.reviews)).format(
                n=len(receipt.reviews), ids=", ".join(receipt.reviews)))
    return EXIT_OK


def _when(stamp: str) -> str:
    from tui.store.sync import local_time

    at = local_time(stamp)
    return at.strftime("%d-%m-%Y %H:%M") if at else stamp


def cmd_conflicts(args: argparse.Namespace, store: Any) -> int:
    from tui.store import conflicts

    found = conflicts.open_conflicts(store)
    if args.format == "json":
        echo_json([c.to_json() for c in found])
        return EXIT_OK
    _print_reviews(store)
    if not found:
        echo(_("No conflicts."))
        return EXIT_OK
    for c in found:
        where = f" ({_('course')} {c.loc.course})" if c.loc.course else ""
        echo(f"{c.id}  {_(TABLE_NAMES.get(c.loc.table, c.loc.table))} {c.loc.id}{where}")
        for v in c.versions:
            side = _("office") if v.origin == "office" else _("field")
            state = _("deleted") if v.deleted else _("version {n}").format(n=v.stamp[0])
            mark = "*" if v is c.shown else " "
            echo(f"  {mark} {side:7} {state:12} {v.stamp[2]}  {_when(v.stamp[1])}")
    echo(_("* is the version shown until resolved. Settle one with "
            "'kuffert conflicts resolve ID --keep office|field'."))
    return EXIT_OK


def _print_reviews(store: Any) -> None:
    from tui.store import conflicts

    waiting = conflicts.reviews(store)
    if not waiting:
        return
    echo(_("Walk-ins with the name and institution of a registered person (kept apart; "
            "check them, then 'kuffert conflicts reviewed ID'):"))
    for review in sorted(waiting, key=lambda r: str(r.get("person_id"))):
        echo("  " + _("{id} looks like {matches}").format(
            id=review.get("person_id"), matches=", ".join(review.get("matches", []))))


def cmd_reviewed(args: argparse.Namespace, store: Any) -> int:
    from tui.store import conflicts
    from tui.store.errors import StoreError

    try:
        conflicts.dismiss_review(store, args.person)
    except StoreError as error:
        return _problem(error.message)
    echo(_("Walk-in {id} is marked as checked.").format(id=args.person))
    return EXIT_OK


def cmd_resolve(args: argparse.Namespace, store: Any) -> int:
    from tui.store import conflicts
    from tui.store.errors import StoreError

    try:
        conflicts.resolve(store, args.id, keep=args.keep)
    except StoreError as error:
        return _problem(error.message)
    if args.keep == "office":
        echo(_("Conflict {id} resolved: the office's version is kept.").format(id=args.id))
    else:
        echo(_("Conflict {id} resolved: the field's version is kept.").format(id=args.id))
    return EXIT_OK
