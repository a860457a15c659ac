"""The report, export and calendar subcommands.

Only argparse is imported here at the top: the store, openpyxl and icalendar load when a
command runs, so ``kuffert --help`` and the other commands stay fast over SSH.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.cli.echo import echo
from tui.i18n import Message, _, msg

EXIT_OK, EXIT_USAGE = 0, 2
KINDS = ("people", "courses", "sessions", "attendance", "journals")
FORMATS = ("csv", "xlsx", "json", "md")


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    report = subparsers.add_parser(
        "report", help=_("figures for the ministry and funders: trained, reach, attendance"))
    report.add_argument("--programme", metavar="ID", help=_("only this programme's courses"))
    report.add_argument("--from", dest="date_from", metavar="DATE",
                        help=_("first day of the period, for example 01-01-2023"))
    report.add_argument("--to", dest="date_to", metavar="DATE",
                        help=_("last day of the period, for example 31-12-2023"))
    report.add_argument("--place", metavar="ID",
                        help=_("only courses held at this place or in this municipality"))
    report.add_argument("--format", choices=("text", "json", "csv"), default="text",
                        help=_("text (default), json or csv"))
    report.add_argument("--plain", action="store_true",
                        help=_("csv with commas and ISO dates instead of the Danish Excel "
                               "layout"))
    report.add_argument("--out", metavar="FILE",
                        help=_("write to this file instead of the screen"))
    report.set_defaults(handler=cmd_report)
    add_common(report)

    export = subparsers.add_parser(
        "export", help=_("write people, courses, sessions, attendance or journals to a file"))
    export.add_argument("kind", choices=KINDS, help=_("what to export"))
    export.add_argument("--format", choices=FORMATS, default="csv",
                        help=_("csv (default), xlsx, json, or md for journals"))
    export.add_argument("--plain", action="store_true",
                        help=_("csv with commas and ISO dates instead of the Danish Excel "
                               "layout"))
    export.add_argument("--course", metavar="ID", help=_("only this course"))
    export.add_argument("--journal", metavar="ID", help=_("only this journal (md)"))
    export.add_argument("--out", metavar="FILE", required=True, help=_("the file to write"))
    export.set_defaults(handler=cmd_export)
    add_common(export)

    calendar = subparsers.add_parser(
        "calendar", help=_("write a course's sessions as a calendar file (.ics)"))
    calendar.add_argument("--course", metavar="ID", required=True, help=_("the course"))
    calendar.add_argument("--out", metavar="FILE", required=True,
                          help=_("the file to write, for example hold.ics"))
    calendar.set_defaults(handler=cmd_calendar)
    add_common(calendar)


def _usage_error(message: Message) -> int:
    echo(f"kuffert: {message}", err=True)
    return EXIT_USAGE


def _out_problem(out: str, store: Any) -> Message | None:
    """Checked before any work, so the error names the user's path, not a temp file."""
    from tui.store.outputs import output_problem

    return output_problem(Path(out), database=store.db.layout, shown=out)


def _progress_printer() -> Callable[[int, int], None] | None:
    # Progress only for a person watching; a script's log stays clean.
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print("\r" + _("{done} of {total}").format(done=done, total=total), end=end,
              file=sys.stderr, flush=True)

    return show


def cmd_report(args: argparse.Namespace, store: Any) -> int:
    from tui.domain.parse import parse_date

    if args.out and (problem := _out_problem(args.out, store)):
        return _usage_error(problem)

    period = None
    dates = {}
    for option, text in (("--from", args.date_from), ("--to", args.date_to)):
        if text is None:
            continue
        parsed = parse_date(text)
        if parsed.error is not None:
            return _usage_error(msg("Option {option}: {problem}", option=option,
                                    problem=parsed.error))
        dates[option] = parsed.value
    if dates:
        start, end = dates.get("--from"), dates.get("--to")
        if start and end and end < start:
            return _usage_error(msg("The period ends ({end}) before it starts ({start}); "
                                    "swap --from and --to.", end=args.date_to,
                                    start=args.date_from))
        period = (start, end)
    if args.programme is not None and store.programmes.find(args.programme) is None:
        known = ", ".join(p.id for p in store.programmes.all()) or _("none")
        return _usage_error(msg("There is no programme with the id {id}. Programmes: {ids}",
                                id=args.programme, ids=known))
    if args.place is not None and store.places.find(args.place) is None:
        return _usage_error(msg("There is no place with the id {id}.", id=args.place))

    import io

    from tui.domain.report_files import write_report
    from tui.store.outputs import private_output
    from tui.store.reporting import report_from_store

    report = report_from_store(store, programme_id=args.programme, period=period,
                               place_id=args.place, progress=_progress_printer())
    if args.out:
        with private_output(Path(args.out), database=store.db.layout,
                            shown=args.out) as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            write_report(report, args.format, out, plain=args.plain, bom=True)
            out.flush()
            out.detach()
        echo(_("Report written to {path}.").format(path=args.out))
    else:
        # The byte-order mark is for Excel opening a file, not for a pipe.
        write_report(report, args.format, sys.stdout, plain=args.plain, bom=False)
    return EXIT_OK


def cmd_export(args: argparse.Namespace, store: Any) -> int:
    if args.format == "md" and args.kind != "journals":
        return _usage_error(msg("Markdown is only for journals; export {kind} as csv, "
                                "xlsx or json.", kind=args.kind))
    if args.journal is not None and args.kind != "journals":
        return _usage_error(msg("--journal only goes with 'export journals'."))
    if problem := _out_problem(args.out, store):
        return _usage_error(problem)

    from tui.store.exports import export

    count = export(store, args.kind, args.format, Path(args.out), course_id=args.course,
                   journal_id=args.journal, plain=args.plain, progress=_progress_printer(),
                   shown=args.out)
    # "Records: n" reads right for any n; the catalogue has no plural forms.
    echo(_("Written to {path} (records: {count}).").format(count=count, path=args.out))
    return EXIT_OK


def cmd_calendar(args: argparse.Namespace, store: Any) -> int:
    if problem := _out_problem(args.out, store):
        return _usage_error(problem)
    from tui.store.calendar import course_calendar
    from tui.store.outputs import write_private

    data = course_calendar(store, args.course)
    write_private(Path(args.out), data, database=store.db.layout, shown=args.out)
    events = data.count(b"BEGIN:VEVENT")
    echo(_("Calendar written to {path} (sessions: {count}).").format(count=events,
                                                                        path=args.out))
    return EXIT_OK
