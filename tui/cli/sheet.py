"""`kuffert sheet SESSION --out FILE.pdf`: print a session's sign-in sheet.

Only argparse-level imports here: the PDF library loads when the command runs, not
every time `kuffert` starts.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.cli.echo import echo
from tui.i18n import _

if TYPE_CHECKING:
    from tui.store.store import Store

EXIT_OK, EXIT_PROBLEM = 0, 1


def register(subparsers: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = subparsers.add_parser(
        "sheet", help=_("write a printable sign-in sheet (PDF) for one session")
    )
    parser.add_argument("session", metavar="SESSION", help=_("the session's id"))
    parser.add_argument(
        "--out", metavar="FILE.pdf", required=True, help=_("where to write the PDF")
    )
    add_common(parser)
    parser.set_defaults(handler=cmd_sheet)


def find_course_of_session(store: Store, session_id: str) -> str | None:
    """The id of the course the session belongs to, or None.

    Sessions live in their course's file, so this opens course files until it finds
    the session; fine for a command run once, not for a screen.
    """
    for course in store.courses.all():
        if store.sessions(course.id).find(session_id) is not None:
            return course.id
    return None


def cmd_sheet(args: argparse.Namespace, store: Store) -> int:
    from tui.store.outputs import output_problem
    from tui.store.sheet import write_sheet

    course_id = find_course_of_session(store, args.session)
    if course_id is None:
        echo(
            "kuffert: "
            + _("There is no session with the id '{session}' in {path}.").format(
                session=args.session, path=store.path
            ),
            err=True,
        )
        return EXIT_PROBLEM
    out = Path(args.out).expanduser()
    problem = output_problem(out, database=store.db.layout, shown=args.out)
    if problem is not None:
        echo(f"kuffert: {problem}", err=True)
        return EXIT_PROBLEM
    count = write_sheet(store, course_id, args.session, out, shown=args.out)
    echo(_("Sign-in sheet written to {path} (people listed: {count}).").format(
        path=args.out, count=count))
    return EXIT_OK
