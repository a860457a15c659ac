"""The course form, opened from the course list and from the course screen alike, and
the small forms around it (which programme, a copy's name, the status).

An edit saves through ``Editing``: when another administrator saved the course while
the form was open, the form shows their change field by field instead of losing either.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from tui.domain.courses import CompletionRule, Course, CourseStatus
from tui.domain.parse import (
    Parsed,
    format_hours,
    labels_of,
    parse_hours,
    parse_int,
    parse_name,
    parse_qualification,
    parse_role,
)
from tui.domain.places import InstitutionKind, Place
from tui.domain.programmes import Programme, Topic
from tui.domain.records import LabelledEnum
from tui.domain.rules import (
    COURSE_TRANSITIONS,
    can_transition_course,
    next_statuses,
    validate_course,
)
from tui.domain.text import fold
from tui.i18n import N_, Message, _, msg
from tui.store.store import Store
from tui.views.courses import place_label, programme_short
from tui.widgets.form import Editing, Field, FormScreen

ListParser = Callable[[str], Parsed[Any]]


def _list_of(parse_one: Callable[[str], Parsed[Any]]) -> ListParser:
    """Comma-separated values, each parsed as one; the first bad one is named."""
    def parse(text: str) -> Parsed[list[Any]]:
        out: list[Any] = []
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            parsed = parse_one(item)
            if parsed.error is not None:
                return Parsed(error=parsed.error)
            if parsed.value is not None and parsed.value not in out:
                out.append(parsed.value)
        return Parsed(value=out)
    return parse


def parse_institution_kind(text: str) -> Parsed[InstitutionKind]:
    wanted = fold(text)
    for kind in InstitutionKind:
        if wanted in (fold(kind.label), fold(str(kind.value)), fold(kind._labels()[kind])):
            return Parsed(value=kind)
    return Parsed(error=msg('"{text}" is not a kind of daycare. Choose one of: {choices}.',
                            text=text.strip(), choices=labels_of(InstitutionKind)))


_NUMBER = re.compile(r"\d{1,3}", re.ASCII)


def _topics_parser(topics: list[Topic]) -> ListParser:
    def parse(text: str) -> Parsed[list[str]]:
        keys: list[str] = []
        for part in re.split(r"[,;\s]+", text.strip()):
            if not part:
                continue
            if not _NUMBER.fullmatch(part) or not 1 <= int(part) <= len(topics):
                return Parsed(error=msg(
                    "Write the numbers of the topics, from 1 to {last}, for example 1, 3.",
                    last=len(topics)))
            key = topics[int(part) - 1].key
            if key not in keys:
                keys.append(key)
        return Parsed(value=keys)
    return parse


def _optional_count(text: str) -> Parsed[int]:
    return parse_int(text, 0, 100_000, required=False)


def _optional_hours_total(text: str) -> Parsed[float]:
    return parse_hours(text, 10_000.0, required=False)


def _labels(members: Iterable[LabelledEnum]) -> str:
    return ", ".join(m.label for m in members)


def programme_form(programmes: Sequence[Programme]) -> FormScreen:
    return FormScreen(_("New course: which programme does it belong to?"), [
        Field("programme_id", _("Programme"), choices=[(p.name, p.id) for p in programmes],
              required=True),
    ])


def course_fields(programme: Programme, places: Sequence[Place],
                  course: Course | None) -> list[Field]:
    """The fields of a new course (``course`` None) or of one opened on ``course``."""
    c = course or Course(programme_id=programme.id, name="")
    topics = list(programme.topics)
    numbers = {t.key: str(i) for i, t in enumerate(topics, 1)}
    statuses = list(CourseStatus) if course is None else next_statuses(
        COURSE_TRANSITIONS, course.status)
    by_id = {q.id: q for q in places}
    fields = [
        Field("name", _("Name"), lambda t: parse_name(t, N_("Name")), c.name),
        Field("form_key", _("Form"), value=c.form_key,
              choices=[(f.name, f.key) for f in programme.forms]),
        Field("place_id", _("Place"), value=c.place_id or "",
              choices=[(place_label(p, by_id), p.id) for p in places]),
        Field("venue", _("Venue"), value=c.venue),
        Field("trainers", _("Trainers (separated by commas)"), value=", ".join(c.trainers)),
        Field("provider", _("Provider"), value=c.provider),
        Field("status", _("Status"), value=c.status, choices=[(s.label, s) for s in statuses],
              required=True),
        Field("reading_pages", _("Reading (pages)"), _optional_count,
              "" if c.reading_pages is None else str(c.reading_pages)),
        Field("min_sessions", _("Days a participant must attend to complete"),
              _optional_count, str(c.completion.min_sessions) if c.completion.min_sessions
              else ""),
        Field("min_hours", _("Or hours a participant must attend (instead of days)"),
              _optional_hours_total, "" if c.completion.min_hours is None
              else format_hours(c.completion.min_hours)),
        Field("capacity", _("Places (empty: no limit; beyond them, the waiting list)"),
              _optional_count, "" if c.capacity is None else str(c.capacity)),
    ]
    if topics:
        catalogue = "\n".join(f"  {i} {t.name}" for i, t in enumerate(topics, 1))
        fields.append(Field(
            "topic_keys", _("Topics: their numbers, for example 1, 3") + "\n" + catalogue,
            _topics_parser(topics), ", ".join(numbers[k] for k in c.topic_keys if k in numbers)))
    rule = c.eligibility
    fields += [
        Field("roles", _("For these roles (empty: all), e.g. leader, deputy"),
              _list_of(parse_role), _labels(rule.roles)),
        Field("qualifications", _("For these qualifications (empty: all)"),
              _list_of(parse_qualification), _labels(rule.qualifications)),
        Field("institution_kinds", _("For staff in (empty: all), e.g. childminding"),
              _list_of(parse_institution_kind),
              _labels(InstitutionKind(k) for k in rule.institution_kinds
                      if k in {i.value for i in InstitutionKind})),
        Field("eligibility_text", _("Who the course is for, in words"),
              value=rule.description),
        Field("before", _("Before the course ({share} %)").format(
            share=c.phase_plan.before_share), value=c.phase_plan.before, multiline=True),
        Field("during", _("During the course ({share} %)").format(
            share=c.phase_plan.during_share), value=c.phase_plan.during, multiline=True),
        Field("after", _("After the course ({share} %)").format(
            share=c.phase_plan.after_share), value=c.phase_plan.after, multiline=True),
    ]
    return fields


# Where validate_course's reasons go in the form.
_FORM_FIELD = {"programme_id": "name", "completion": "min_sessions",
               "eligibility": "institution_kinds", "phase_plan": "before"}


def course_form(programme: Programme, places: Sequence[Place], course: Course | None, *,
                store: Store, session_count: int | None = None,
                save: Callable[[dict[str, Any]], object] | None = None) -> FormScreen:
    """The form for a new course (``course`` None, saved by ``save``) or for editing
    one (saved over the version it was opened on, or over a newer one once the user
    has seen its changes)."""
    base = course or Course(programme_id=programme.id, name="")

    def check(values: dict[str, Any]) -> list[tuple[str, Message]]:
        changed = apply_course_values(base, values, programme)
        problems = [(_FORM_FIELD.get(name, name), reason) for name, reason
                    in validate_course(changed, session_count=session_count)]
        if course is not None and (refused := can_transition_course(course.status,
                                                                     changed.status)):
            problems.append(("status", refused))
        return problems

    title = (_("New course in {programme}") if course is None
             else _("Edit the course ({programme})")).format(
        programme=programme_short(programme))
    fields = course_fields(programme, places, course)
    if course is None:
        return FormScreen(title, fields, check=check, save=save)
    return FormScreen(title, fields, check=check, editing=Editing(
        _("The course"), course,
        save=lambda values, fresh: store.courses.save(
            apply_course_values(fresh, values, programme), expected_version=fresh.version),
        reread=lambda: store.courses.find(course.id),
        values=lambda fresh: {f.name: f.value for f in course_fields(programme, places,
                                                                     fresh)}))


def status_form(course: Course, store: Store) -> FormScreen:
    """Only the course's status, to the states it may go to from where it is."""
    def check(values: dict[str, Any]) -> list[tuple[str, Message]]:
        refused = can_transition_course(course.status, CourseStatus(values["status"]))
        return [("status", refused)] if refused else []

    def fields(c: Course) -> list[Field]:
        return [Field("status", _("Status"), value=c.status, required=True,
                      choices=[(s.label, s) for s in next_statuses(COURSE_TRANSITIONS,
                                                                   course.status)])]

    return FormScreen(
        _("Status of {course}").format(course=course.name), fields(course), check=check,
        editing=Editing(
            _("The course"), course,
            save=lambda values, fresh: store.courses.save(
                dataclasses.replace(fresh, status=CourseStatus(values["status"])),
                expected_version=fresh.version),
            reread=lambda: store.courses.find(course.id),
            values=lambda fresh: {f.name: f.value for f in fields(fresh)}))


def copy_form(course: Course) -> FormScreen:
    """Name and move of a copy; a name ending in a year gets the next year's."""
    year = re.search(r"(\d{4})(?!.*\d)", course.name)
    name = (course.name[:year.start()] + str(int(year[1]) + 1) + course.name[year.end():]
            if year else course.name + " " + _("(copy)"))
    return FormScreen(_("Copy {name} with its days").format(name=course.name), [
        Field("name", _("Name"), lambda t: parse_name(t, N_("Name")), name, required=True),
        # 52 weeks keeps every day on its weekday, one year (less a day or two) later.
        Field("weeks", _("Move the days by (weeks)"), lambda t: parse_int(t, -520, 520),
              "52", required=True),
    ])


def apply_course_values(course: Course, values: dict[str, Any],
                        programme: Programme | None = None) -> Course:
    form = next((f for f in (programme.forms if programme else [])
                 if f.key == values.get("form_key")), None)
    trainers = [t.strip() for t in (values.get("trainers") or "").split(",") if t.strip()]
    return dataclasses.replace(
        course,
        name=values["name"] or "",
        form_key=values.get("form_key") or "",
        audience=form.audience if form else ("" if not values.get("form_key")
                                             else course.audience),
        place_id=values.get("place_id"),
        venue=values.get("venue") or "",
        trainers=trainers,
        provider=values.get("provider") or "",
        status=CourseStatus(values.get("status") or course.status),
        reading_pages=values.get("reading_pages"),
        capacity=values.get("capacity"),
        topic_keys=values.get("topic_keys", course.topic_keys),
        completion=CompletionRule(min_sessions=values.get("min_sessions") or 0,
                                  min_hours=values.get("min_hours")),
        eligibility=dataclasses.replace(
            course.eligibility, roles=values.get("roles") or [],
            qualifications=values.get("qualifications") or [],
            institution_kinds=[str(k.value) for k in values.get("institution_kinds") or []],
            description=values.get("eligibility_text") or ""),
        phase_plan=dataclasses.replace(
            course.phase_plan, before=(values.get("before") or "").strip(),
            during=(values.get("during") or "").strip(),
            after=(values.get("after") or "").strip()),
    )
