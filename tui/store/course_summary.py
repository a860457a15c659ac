"""The one-page course summary a funder gets, as Markdown.

The figures come from ``build_report`` over this one course, so they always agree with
the per-course lines of ``kuffert report``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from tui.domain.courses import Course, EnrolmentStatus, Session, SessionStatus
from tui.domain.cover import COVER_RULE
from tui.domain.ordering import name_key
from tui.domain.parse import format_date, format_number, weekday_name
from tui.domain.places import distinct_names
from tui.domain.reports import Report, build_report, share
from tui.domain.rules import completion_text
from tui.domain.text import printable
from tui.i18n import _
from tui.store.exports import UnknownCourse, md_text
from tui.store.outputs import write_private
from tui.store.store import Store


def _day(session: Session) -> str:
    return f"{weekday_name(session.date)} {format_date(session.date)}"


def _cell(text: str) -> str:
    # A bar inside a cell would split the table row.
    return md_text(text).replace("|", "\\|").replace("\n", " ") or "–"


def _course_report(store: Store, course: Course) -> Report:
    cid = course.id
    return build_report(
        store.programmes.all(), [course], {cid: store.sessions(cid).all()},
        {cid: store.enrolments(cid).all()}, {cid: store.attendance(cid).all()},
        store.people.all(), store.institutions.all(), store.places.all(),
    )


def course_summary_markdown(store: Store, course_id: str) -> str:
    course = store.courses.find(course_id)
    if course is None:
        raise UnknownCourse(course_id, [c.id for c in store.courses.all()])
    programme = store.programmes.find(course.programme_id)
    places = distinct_names(store.places.all())
    institutions = {i.id: i.name for i in store.institutions.all()}
    people = store.course_people(course_id)
    sessions = sorted(store.sessions(course_id).all(),
                      key=lambda s: (s.date, s.start or dt.time.min, s.id))
    enrolments = store.enrolments(course_id).all()
    report = _course_report(store, course)
    figures = report.courses[course_id]

    form = next((f.name for f in (programme.forms if programme else ())
                 if f.key == course.form_key), course.form_key)
    place = ", ".join(x for x in (places.get(course.place_id or "", ""), course.venue) if x)
    lines = [f"# {md_text(course.name)}", ""]
    facts = [
        (_("Programme"), programme.name if programme else course.programme_id),
        (_("Course form"), form),
        (_("Place"), place),
        (_("Provider"), course.provider),
        (_("Trainers"), ", ".join(course.trainers)),
        (_("Status"), course.status.label),
    ]
    lines += [f"- **{label}:** {_cell(value)}" for label, value in facts]

    lines += ["", f"## {_('Days')}", ""]
    shown = [s for s in sessions
             if s.status in (SessionStatus.HELD, SessionStatus.PLANNED)]
    for status, title in ((SessionStatus.HELD, _("Held")),
                          (SessionStatus.PLANNED, _("Planned"))):
        days = [_day(s) for s in shown if s.status is status]
        lines.append(f"- **{title}:** {', '.join(days) if days else '–'}")
    postponed = [s for s in sessions if s.status is SessionStatus.POSTPONED]
    if postponed:
        lines += ["", f"### {_('Postponed days')}", ""]
        for s in postponed:
            reason = s.postpone_reason.label if s.postpone_reason else _("reason not given")
            note = f" ({_cell(s.postpone_note)})" if s.postpone_note.strip() else ""
            lines.append(f"- {_day(s)}: {reason}{note}")

    lines += ["", f"## {_('Participants')}", ""]
    counts = Counter(e.status for e in enrolments)
    lines += [f"- **{status.label}:** {counts[status]}"
              for status in EnrolmentStatus if counts[status]]
    lines += ["", f"| {_('Name')} | {_('Institution')} | {_('Role')} | {_('Status')} |",
              "|---|---|---|---|"]
    for enrolment in sorted(enrolments, key=lambda e: name_key(people[e.person_id].name)
                            if e.person_id in people else e.person_id):
        person = people.get(enrolment.person_id)
        if person is None:  # erased: nothing left to name
            continue
        institution = institutions.get(person.institution_id or "", "")
        lines.append(f"| {_cell(person.name)} | {_cell(institution)} | "
                     f"{person.role.label} | {enrolment.status.label} |")

    lines += ["", f"## {_('Attendance')}", "",
              f"- **{_('Attendance rate')}:** {share(figures.attendance)}", ""]
    held = [s for s in sessions if s.id in report.attendance_by_session]
    if held:
        lines += [f"| {_('Day')} | {_('Attended')} | {_('Expected')} |", "|---|---:|---:|"]
        for s in held:
            ratio = report.attendance_by_session[s.id]
            lines.append(f"| {_day(s)} | {ratio.part} | {ratio.whole} |")
        lines.append("")

    lines += [f"## {_('Completion')}", "",
              f"- **{_('Completion rule')}:** " + completion_text(course.completion),
              f"- **{_('Completed')}:** {share(figures.completion)}", ""]

    lines += [f"## {_('Substitute cover')}", "",
              f"- **{_('Hours')}:** {format_number(figures.substitute_hours, 1)}",
              f"- **{_('Rule')}:** {_(COVER_RULE)}"]
    rate = programme.substitute_hourly_rate if programme else None
    if rate is not None:
        lines.append(f"- **{_('Cost')}:** "
                     + _("{amount} kr. ({rate} kr. per hour)").format(
                         amount=format_number(figures.substitute_hours * rate, 2),
                         rate=format_number(rate, 2)))
    # Once over the whole page: the names and places in it are stored text.
    return printable("\n".join(lines), multiline=True) + "\n"


def write_summary(store: Store, course_id: str, out: Path, *, shown: str | None = None) -> None:
    """``shown`` is ``out`` as the user typed it, for the messages."""
    write_private(Path(out), course_summary_markdown(store, course_id).encode("utf-8"),
                  database=store.db.layout, shown=shown)
