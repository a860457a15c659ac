"""The kuffert command: the TUI by default, headless subcommands beside it.

Headless commands never import Textual: they must start fast over SSH and in scripts.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tui import __version__
from tui.cli import argparse_i18n  # noqa: F401  (argparse speaks the UI's language)
from tui.cli.echo import echo
from tui.cli.words import TABLE_NAMES
from tui.config import Config, ConfigError, load_config
from tui.domain.text import printable
from tui.i18n import LANGUAGES, _, language, msg, ngettext, set_language
from tui.store.bulk import collector_paused
from tui.store.errors import StoreError
from tui.store.layout import resolve_path

if TYPE_CHECKING:
    from tui.app import KuffertApp

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """A mistake the user can fix; printed as a message, never a traceback."""


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    # On the top parser these carry defaults; on subcommands they only override, so
    # `kuffert --db X check` and `kuffert check --db X` mean the same.
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", metavar="PATH", default=default,
                        help=_("database file (default: KUFFERT_DB or your data folder)"))
    parser.add_argument("--lang", choices=LANGUAGES, default=default,
                        help=_("language of the interface (da or en)"))
    parser.add_argument("--shared", action="store_true", default=default or False,
                        help=_("make new database files group-readable for shared servers"))
    parser.add_argument("--low-bandwidth", action="store_true", default=default or False,
                        help=_("no cursor blink or other repaints that only decorate (on "
                               "by default over SSH)"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kuffert",
        description=_("Competence-development programmes for early-childhood staff."),
    )
    parser.add_argument("--version", action="version", version=f"kuffert {__version__}")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help=_("load the demo programmes into an empty database"))
    demo.add_argument("--scale", choices=["demo", "national"], default="demo",
                      help=_("'national' generates a large synthetic database for benchmarks"))
    _common(demo, top=False)

    check = sub.add_parser("check", help=_("check the database's integrity"))
    check.add_argument("--repair", action="store_true",
                       help=_("rewrite what is kept for speed and found out of date (report "
                              "figures, index, summaries) from the records"))
    _common(check, top=False)

    backup = sub.add_parser("backup", help=_("list backups, or take one now with --now"))
    backup.add_argument("--now", action="store_true", help=_("take a backup now"))
    _common(backup, top=False)

    restore = sub.add_parser("restore", help=_("restore a backup over the database"))
    restore.add_argument("name", metavar="NAME",
                         help=_("the backup's name, as 'kuffert backup' lists it"))
    restore.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    _common(restore, top=False)

    erase = sub.add_parser("erase", help=_("erase a person and everything recorded about "
                                           "them (right to erasure)"))
    erase.add_argument("person", help=_("the person's id (or their name, when unique)"))
    erase.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    erase.add_argument("--purge-backups", action="store_true",
                       help=_("remove the person from the backups now as well"))
    _common(erase, top=False)

    settings = sub.add_parser("config", help=_("show the settings in effect and where each "
                                               "comes from"))
    _common(settings, top=False)

    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        module.register(sub, lambda p: _common(p, top=False))
    return parser


# Further subcommands live in their own modules. Each has
# ``register(subparsers, add_common)``, which adds its parser(s) with
# ``set_defaults(handler=...)``; a handler is ``(args, store) -> int`` and is given the
# opened, verified store. Modules must import nothing heavy at the top.
COMMAND_MODULES: list[str] = [
    "tui.cli.sheet", "tui.cli.importing", "tui.cli.reporting", "tui.cli.summary",
    "tui.cli.bundle",
]


def _open_store(args: argparse.Namespace, config: Config, *, verify: bool = True,
                check_schema: bool = True):
    from tui.store.database import Database
    from tui.store.store import Store

    path = resolve_path(args.db or config.db)
    if path.exists() and path.is_dir():
        raise UserError(msg("{path} is a folder; --db names the database file "
                            "(for example {path}/kuffert.json).", path=str(path)))
    options = {"shared": args.shared or config.shared, "backups_keep": config.backups}
    if not check_schema:
        return Store(Database(path, **options))  # type: ignore[arg-type]
    store = Store.open(path, **options)
    if verify:
        store.verify()
    return store


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    from tui.store import demo

    store = _open_store(args, config)
    if args.scale == "national":
        def progress(done: int, total: int) -> None:
            if done % 100 == 0 or done == total:
                echo(ngettext("{done} of {total} course", "{done} of {total} courses",
                              total).format(done=done, total=total),
                     err=True)

        counts = demo.generate_national(store, progress=progress)
    else:
        counts = demo.load_demo(store)
    echo(_("Demo data loaded into {path}:").format(path=store.path))
    for table, count in counts.items():
        if count:
            echo(f"  {_(TABLE_NAMES.get(table, table))}: {count}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    from tui.store.check import check

    # The check decodes every record itself; decoding the main file first would do it twice.
    store = _open_store(args, config, verify=False)
    # The course files are most of a national check: one process per core (up to 4:
    # each holds a course's records while it checks them).
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                  else os.cpu_count() or 1, 4)
    findings = check(store, workers)
    repairs = sorted({f.repair for f in findings if f.repair})
    if args.repair and repairs:
        store.repair_courses(repairs)
        echo(ngettext("Rewrote what is kept of {n} course.",
                      "Rewrote what is kept of {n} courses.", len(repairs)).format(
                          n=len(repairs)))
        findings = check(store, workers)
    errors = [f for f in findings if f.error]
    for finding in findings:
        label = _("error") if finding.error else _("note")
        echo(f"{label}: {finding.message}", err=finding.error)
    if errors:
        echo(ngettext("{n} problem found in {path}.", "{n} problems found in {path}.",
                      len(errors)).format(n=len(errors), path=store.path),
              err=True)
        return EXIT_PROBLEM
    echo(_("{path}: sound.").format(path=store.path))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, config: Config) -> int:
    from tui.store import backup

    # Listing backups is what a user does when the database is broken: no check here.
    store = _open_store(args, config, verify=args.now, check_schema=args.now)
    if args.now:
        if not store.exists():
            raise UserError(msg("There is no database at {path} to back up.",
                                path=str(store.path)))
        with store.db.locked():
            made = backup.create(store.db.layout, mode=store.db.mode)
            backup.prune(store.db.layout, store.db.backups_keep)
        echo(_("Backup taken: {name}").format(name=made.name))
        return EXIT_OK
    found = backup.list_backups(store.db.layout)
    if not found:
        echo(_("No backups yet of {path}. Kuffert takes one before the first change "
                "each day.").format(path=store.path))
        return EXIT_OK
    echo(_("Backups of {path} (newest last):").format(path=store.path))
    for b in found:
        echo(f"  {b.name}  {b.files} {_('files')}  {b.size / 1024:.0f} KiB")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, config: Config) -> int:
    from tui.store import backup
    from tui.store.check import check

    # Restoring is the remedy for a broken database, so it must not refuse to open one.
    from tui.store.database import Database
    from tui.store.store import Store

    path = resolve_path(args.db or config.db)
    store = Store(Database(path, shared=args.shared or config.shared))
    chosen = backup.find(store.db.layout, args.name)
    if chosen is None:
        names = ", ".join(b.name for b in backup.list_backups(store.db.layout)) or _("none")
        raise UserError(msg("There is no backup named '{name}'. Backups: {names}",
                            name=args.name, names=names))
    problems = [f for f in check(Store(Database(chosen.path / store.path.name)))
                if f.error]
    if problems:
        raise UserError(msg("The backup {name} is itself damaged: {problem}",
                            name=chosen.name, problem=problems[0].message))
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError(msg("Restoring replaces the current data; add --yes to confirm "
                                "when running without a terminal."))
        answer = input(printable(_("Replace {path} with the backup {name}? [y/N] ").format(
            path=store.path, name=chosen.name)))
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            echo(_("Nothing restored."))
            return EXIT_PROBLEM
    from tui.store.restoring import restore

    again = restore(store, chosen)
    echo(_("Restored {name} into {path}.").format(name=chosen.name, path=store.path))
    if again:
        echo(_("People erased after that backup was taken were erased again: {n}.")
              .format(n=len(again)))
    return EXIT_OK


def cmd_erase(args: argparse.Namespace, config: Config) -> int:
    from tui.store.restoring import backup_retention, purge_from_backups

    store = _open_store(args, config)
    person = store.people.find(args.person)
    if person is None:
        matches = [p for p in store.people.all() if p.name == args.person]
        if len(matches) > 1:
            ids = ", ".join(p.id for p in matches)
            raise UserError(msg("{n} people are called '{name}'; name one by id: {ids}",
                                n=len(matches), name=args.person, ids=ids))
        person = matches[0] if matches else None
    if person is None:
        if args.person in store.erased_person_ids():
            echo(_("That person was erased already."))
            if args.purge_backups:
                n = purge_from_backups(store, args.person)
                echo(_removed_from_backups(n))
            return EXIT_OK
        raise UserError(msg("There is no person with the id or name '{person}'.",
                            person=args.person))
    echo(_("This erases {name} ({id}) and everything recorded about them: enrolments, "
            "attendance, journals, ratings and transfer notes.").format(
        name=person.name, id=person.id))
    if args.purge_backups:
        echo(_("They are removed from the backups too."))
    else:
        echo(backup_retention(store, person.id))
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError(msg("Erasing cannot be undone; add --yes to confirm when "
                                "running without a terminal."))
        answer = input(printable(_("Erase {name}? [y/N] ").format(name=person.name)))
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            echo(_("Nothing erased."))
            return EXIT_PROBLEM
    erasure = store.erase_person(person.id)
    echo(_("Erased: enrolments {enrolments}, attendance marks {attendance}, journals "
            "{journals}, journal entries {entries}, other records {other}.").format(
        enrolments=erasure.enrolments, attendance=erasure.attendance,
        journals=erasure.journals, entries=erasure.journal_entries, other=erasure.other))
    if args.purge_backups:
        n = purge_from_backups(store, person.id)
        echo(_removed_from_backups(n))
    return EXIT_OK


def _removed_from_backups(n: int) -> str:
    return _("Backups the person was removed from: {n}.").format(n=n)


def low_bandwidth(args: argparse.Namespace, config: Config) -> bool:
    """Asked for, set in the settings, or (unless the settings say no) over SSH."""
    if args.low_bandwidth:
        return True
    if config.low_bandwidth is not None:
        return config.low_bandwidth
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))


def cmd_tui(args: argparse.Namespace, config: Config) -> int:
    # Everything made before the app runs (Python's, Textual's and Kuffert's modules and
    # classes, the store, the first screenful) lives as long as the process. The
    # collector rests while it is made: its passes over it took two thirds of parsing the
    # national main file (40 of 60 ms). Then it is frozen, so no collection walks it
    # again: 50-90 ms each with the app standing still, often in the middle of typing in
    # the command palette. (Nothing made so far is garbage waiting for the collector: a
    # collection here frees nothing, so none is left over.)
    with collector_paused():
        app = _made_app(args, config)
        gc.freeze()
    app.run()
    if app.refused is not None:
        raise app.refused
    return app.return_code or EXIT_OK


def _made_app(args: argparse.Namespace, config: Config) -> KuffertApp:
    # Every record is decoded by the app once it is on the screen (KuffertApp._verify).
    store = _open_store(args, config, verify=False)
    # Textual reads this at import; animations cost bytes on a slow SSH link.
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    from tui.app import KuffertApp
    from tui.screens.home.start import read_first
    from tui.screens.live import Watcher

    watcher = Watcher(store)
    first = read_first(store, watcher)
    # The language main() chose (--lang, KUFFERT_LANG, the settings): the first read's
    # words are already in it.
    return KuffertApp(store, language=language(), keymap=config.keys,
                      low_bandwidth=low_bandwidth(args, config), watcher=watcher,
                      first_read=first)


COMMANDS: dict[str | None, Callable[[argparse.Namespace, Config], int]] = {
    None: cmd_tui,
    "demo": cmd_demo,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "erase": cmd_erase,
    "config": lambda args, config: _settings().cmd_config(args, config),
}


def _settings():
    from tui.cli import settings

    return settings


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        config = load_config()
    except ConfigError as error:
        set_language(_language_from(argv, Config()))
        echo(f"kuffert: {error.message}", err=True)
        return EXIT_USAGE
    set_language(_language_from(argv, config))
    args = build_parser().parse_args(argv)
    try:
        handler = getattr(args, "handler", None)
        if handler is not None:
            return handler(args, _open_store(args, config))
        return COMMANDS[args.command](args, config)
    except (StoreError, UserError) as error:
        message = error.message if isinstance(error, StoreError) else error.args[0]
        echo(f"kuffert: {message}", err=True)
        return EXIT_PROBLEM
    except MemoryError:
        from tui.store.errors import OutOfMemory

        echo(f"kuffert: {OutOfMemory().message}", err=True)
        return EXIT_PROBLEM
    except BrokenPipeError:
        # The reader went away (`kuffert config | head`): not an error to report.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PROBLEM
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        echo(f"kuffert: {error.strerror or error}{where}", err=True)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return 130


def _language_from(argv: list[str], config: Config) -> str:
    # The language must be set before argparse builds its help texts.
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        elif arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        else:
            continue
        if value in LANGUAGES:
            return value
    env = os.environ.get("KUFFERT_LANG")
    return env if env in LANGUAGES else config.lang


if __name__ == "__main__":
    raise SystemExit(main())
