"""The summary subcommand: a course's one-page Markdown summary for funders.

Only argparse is imported at the top; the store loads when the command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.cli.echo import echo
from tui.i18n import _, msg

EXIT_OK, EXIT_PROBLEM = 0, 1


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    summary = subparsers.add_parser(
        "summary", help=_("write a course's one-page summary for funders (Markdown)"))
    summary.add_argument("--course", metavar="ID", required=True, help=_("the course"))
    summary.add_argument("--out", metavar="FILE", required=True,
                         help=_("the file to write, for example resume.md"))
    summary.set_defaults(handler=cmd_summary)
    add_common(summary)


def cmd_summary(args: argparse.Namespace, store: Any) -> int:
    from tui.store.outputs import output_problem

    out = Path(args.out)
    problem = output_problem(out, database=store.db.layout, shown=args.out)
    if problem is None and store.courses.find(args.course) is None:
        known = ", ".join(c.id for c in store.courses.all()) or _("none")
        problem = msg("There is no course with the id {id}. Courses: {ids}",
                      id=args.course, ids=known)
    if problem is not None:
        echo(f"kuffert: {problem}", err=True)
        return EXIT_PROBLEM

    from tui.store.course_summary import write_summary

    write_summary(store, args.course, out, shown=args.out)
    echo(_("Summary written to {path}.").format(path=args.out))
    return EXIT_OK
