"""Each course's report figures, kept in the course's own file and brought up to date
with every change of it.

The figures (``tui.domain.course_facts``) are the first record of their course's file
(``storage.FIRST_TABLE``), so a report reads the first line of each course file instead
of every record (a national programme: 2,000 files, 164 MB, 7.9 s before). Why there
and not in the main file beside the session summaries: nearly every mark changes its
course's figures, and rewriting the main file (3 MB, 7 MB with the figures) on each mark
cost 25 ms a mark and made every open screen read the main file again after anyone's
mark. In the course's file they are written by the same rename as the change itself, so
they can never disagree with the records beside them, whoever wrote the file.

They are brought up to date in the commit that changes the course's file (a screen, a
command, a bundle merge): after marks alone by following the marked cells, otherwise by
working them out from the course's records again. A change of a course's completion
rule (in the main file) brings them up to date too. A report that finds a course's
figures missing, out of date or broken works that course out from its records instead,
and ``kuffert check`` says so; the migration to schema 3 and ``kuffert check --repair``
write them all.

Stored compactly, on one line (field names would double their size):

    {"rule": [min_sessions, min_hours],
     "sessions": [[id, date, status, held_by_hand, place, postponed_because, waiting,
                   [attended, expected, [unmarked people]] or null], ...],
     "participants": [[person, completed, completed_on], ...],
     "enrolments": count, "cover": [[enrolment, [[day, hours], ...]], ...],
     "ratings": [[id, goal, before, after], ...],
     "journals": [[id, title, highest_phase, [entries], {outcome: [goals]}], ...]}
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tinydb.table import Document

from tui.domain.course_facts import (
    UNKNOWN,
    CourseFacts,
    EnrolmentCover,
    HeldFigures,
    JournalProgress,
    PairedRating,
    ParticipantFacts,
    SessionFacts,
    active_enrolments,
    completion_rule,
    course_facts,
    enrolment_cover,
    held_figures,
    last_day,
    participant_facts,
    sorted_sessions,
)
from tui.domain.courses import ATTENDED_MARKS, Attendance, CompletionRule, SessionStatus
from tui.domain.journals import GoalOutcome, Phase
from tui.store.codec import encode
from tui.store.errors import StoreError
from tui.store.files import read_head
from tui.store.storage import FIRST_TABLE, first_record

TABLE = FIRST_TABLE

_STATUS = {s.value: s for s in SessionStatus}
_ATTENDED = {m.value for m in ATTENDED_MARKS}
_OUTCOMES = [o.value for o in GoalOutcome] + [UNKNOWN]


# -- the stored form ----------------------------------------------------------------------


def encode_facts(facts: CourseFacts) -> dict[str, Any]:
    def day(s: SessionFacts) -> list[Any]:
        held = None if s.held is None else [s.held.attended, s.held.expected, s.held.unmarked]
        return [s.id, s.date.isoformat(), s.status.value, s.recorded_held, s.place_id,
                s.postpone_reason, s.waiting, held]

    return {
        "rule": [facts.rule.min_sessions, facts.rule.min_hours],
        "sessions": [day(s) for s in facts.sessions],
        "participants": [[p.person_id, p.completed,
                          p.completed_on.isoformat() if p.completed_on else None]
                         for p in facts.participants],
        "enrolments": facts.enrolment_count,
        "cover": [[c.enrolment_id, [list(d) for d in c.days]] for c in facts.cover],
        "ratings": [[r.id, r.goal_key, r.before, r.after] for r in facts.ratings],
        "journals": [[j.journal_id, j.title, int(j.highest_phase) if j.highest_phase else None,
                      j.entry_ids, {k: v for k, v in j.goals_by_outcome.items() if v}]
                     for j in facts.journals],
    }


class _Broken(Exception):
    pass


_DATES: dict[str, dt.date] = {}


def _date(value: Any) -> dt.date:
    # A national report reads 100,000 completion dates, of a few hundred days.
    found = _DATES.get(value) if isinstance(value, str) else None
    if found is None:
        if not isinstance(value, str):
            raise _Broken
        found = dt.date.fromisoformat(value)
        if len(_DATES) < 10_000:
            _DATES[value] = found
    return found


def _strs(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Broken
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Broken
    return value


def decode_facts(course_id: str, doc: Any) -> CourseFacts | None:
    """The figures as stored, or None when they are not in the shape Kuffert writes (a
    hand edit): the report then works the course out from its records."""
    try:
        return _decode(course_id, doc)
    except (_Broken, KeyError, TypeError, ValueError, IndexError):
        return None


def _decode(course_id: str, doc: Any) -> CourseFacts:
    if not isinstance(doc, dict):
        raise _Broken
    min_sessions, min_hours = doc["rule"]
    if isinstance(min_sessions, bool) or not isinstance(min_sessions, int):
        raise _Broken
    rule = CompletionRule(min_sessions=min_sessions,
                          min_hours=None if min_hours is None else float(_number(min_hours)))
    sessions = []
    for sid, date, status, by_hand, place, reason, waiting, held in doc["sessions"]:
        if not (isinstance(sid, str) and isinstance(by_hand, bool)
                and isinstance(waiting, bool) and (place is None or isinstance(place, str))
                and (reason is None or isinstance(reason, str))):
            raise _Broken
        figures = None
        if held is not None:
            attended, expected, unmarked = held
            if not (type(attended) is int and type(expected) is int):
                raise _Broken
            figures = HeldFigures(attended, expected, _strs(unmarked))
        sessions.append(SessionFacts(sid, _date(date), _STATUS[status], by_hand, place,
                                     reason, waiting, figures))
    participants = []
    for pid, completed, when in doc["participants"]:
        if not (isinstance(pid, str) and isinstance(completed, bool)):
            raise _Broken
        participants.append(ParticipantFacts(pid, completed,
                                             None if when is None else _date(when)))
    count = doc["enrolments"]
    if type(count) is not int:
        raise _Broken
    cover = []
    for eid, days in doc["cover"]:
        if not isinstance(eid, str) or not isinstance(days, list):
            raise _Broken
        found = []
        for index, hours in days:
            if type(index) is not int or not 0 <= index < len(sessions):
                raise _Broken
            found.append((index, float(_number(hours))))
        cover.append(EnrolmentCover(eid, found))
    ratings = []
    for rid, key, before, after in doc["ratings"]:
        if not (isinstance(rid, str) and isinstance(key, str)):
            raise _Broken
        ratings.append(PairedRating(rid, key, _number(before), _number(after)))
    journals = []
    for jid, title, phase, entries, goals in doc["journals"]:
        if not (isinstance(jid, str) and isinstance(title, str) and isinstance(goals, dict)):
            raise _Broken
        by_outcome: dict[str, list[str]] = {o: [] for o in _OUTCOMES}
        for outcome, ids in goals.items():
            if outcome not in by_outcome:
                raise _Broken
            by_outcome[outcome] = list(_strs(ids))
        journals.append(JournalProgress(
            journal_id=jid, course_id=course_id, title=title,
            highest_phase=None if phase is None else Phase(phase),
            entry_ids=list(_strs(entries)), goals_by_outcome=by_outcome))
    return CourseFacts(course_id=course_id, rule=rule, sessions=sessions,
                       participants=participants, enrolment_count=count, cover=cover,
                       ratings=ratings, journals=journals)


# -- reading ------------------------------------------------------------------------------

# A 25-person course's figures take 2 KB: the first look reads that much and a little
# more (reading 64 KB of each of 2,000 files cost a report 20-50 ms), a second one
# enough for a 400-person course; a longer first line is read with the whole file.
_HEAD = 8 * 1024
_LONG_HEAD = 64 * 1024


def stored_doc(store: Any, course_id: str) -> dict[str, Any] | None:
    with store.db.reading():
        tables = store.db.course_file(course_id).storage.read() or {}
    return tables.get(TABLE, {}).get(course_id)


def stored(store: Any, course_id: str) -> CourseFacts | None:
    doc = stored_doc(store, course_id)
    return None if doc is None else decode_facts(course_id, doc)


def kept(store: Any, course_id: str) -> dict[str, Any] | None:
    """The course's figures as stored, from the start of its file alone when it is not
    open here already."""
    db = store.db
    with db.reading():
        open_file = db.open_course_file(course_id)
        if open_file is None or not open_file.storage.dirty:
            source = db.source_of(db.layout.course(course_id))
            head = None if source is None else read_head(source, _HEAD)
            if head is None:
                return None
            found = first_record(head)
            if found is None and len(head) == _HEAD:
                head = read_head(source, _LONG_HEAD)
                found = None if head is None else first_record(head)
            if found is not None and found[0] == course_id:
                return found[1]
    return stored_doc(store, course_id)


def from_records(store: Any, course_id: str, rule: CompletionRule,
                 exists: Callable[[str], bool] | None = None) -> CourseFacts:
    """The figures worked out from the course's records."""
    records = store.course_records(course_id)
    return course_facts(
        course_id, rule, records["sessions"], records["enrolments"], records["attendance"],
        records["ratings"], records["journals"], records["journal_entries"],
        records["journal_goals"], exists=exists)


def is_current(facts: CourseFacts | None, rule: CompletionRule) -> bool:
    return facts is not None and encode(facts.rule) == encode(rule)


# -- keeping them up to date --------------------------------------------------------------


@dataclass(frozen=True)
class Followed:
    """Marks alone changed, and no day became held or stopped being held (so the
    course's session summary stands). ``marked``: each person whose marks changed, and
    whether the file still holds a mark of theirs."""

    marked: dict[str, bool]


def refresh(store: Any, course_id: str, changes: dict[str, dict[str, Any]] | None = None,
            ) -> Followed | None:
    """Bring the course's figures up to date inside the writing transaction.

    ``changes`` are the records the transaction changed in the course's file (see
    ``_File.changes``); None means anything may have changed. Says when the figures
    followed marks alone (see ``Followed``).
    """
    if store.db.course_file(course_id).storage.read() is None:
        return None  # no file, no records: a report counts the course as empty
    course = store.courses.find(course_id)
    if course is None:
        return None  # a file no course owns; the check names it
    if changes is not None:
        changes = {table: found for table, found in changes.items() if table != TABLE}
    followed = None
    try:
        facts = None
        if changes is not None and set(changes) <= {"attendance"}:
            after = _after_marks(store, course_id, course.completion,
                                 changes.get("attendance", {}))
            if after is not None:
                facts, followed = after
        if facts is None:
            facts = from_records(store, course_id, course.completion)
    except StoreError:
        # A broken record in the file: the figures go, and a report works the course out
        # itself, which names the broken record (the write itself goes ahead, as before).
        forget(store, course_id)
        return None
    _put(store, course_id, encode_facts(facts))
    return followed


def _put(store: Any, course_id: str, doc: dict[str, Any] | None) -> None:
    file = store.db.course_file(course_id)
    table = file.table(TABLE)
    current = table.get(doc_id=course_id)
    if current is None and doc is None:
        return
    if current is not None and doc is not None and dict(current) == doc:
        return
    # Noted like a repository's write, so that the commit knows the records are as they
    # were (and does not work the figures out all over again).
    writes = file.storage.writes
    if doc is None:
        table.remove(doc_ids=[course_id])
    else:
        table.upsert(Document(doc, doc_id=course_id))
    file.note(TABLE, {course_id: current}, file.storage.writes - writes)


def forget(store: Any, course_id: str) -> None:
    _put(store, course_id, None)


def _after_marks(store: Any, course_id: str, rule: CompletionRule,
                 changed: dict[str, dict[str, Any] | None],
                 ) -> tuple[CourseFacts, Followed] | None:
    """The figures after marks alone changed, from the stored ones: only the marked days
    and people are worked out again. None when that is not enough (no figures yet, a
    day became held or stopped being held, the figures do not fit the file)."""
    old = stored(store, course_id)
    if not is_current(old, rule):
        return None
    assert old is not None
    if not changed:
        return old, Followed({})
    tables = store.db.course_file(course_id).storage.read() or {}
    marks = tables.get("attendance", {})
    cells: set[tuple[Any, Any]] = set()
    for doc_id, before in changed.items():
        for doc in (before, marks.get(doc_id)):
            if doc is not None:
                cells.add((doc.get("session_id"), doc.get("person_id")))
    days = {sid for sid, _pid in cells}
    people = {pid for _sid, pid in cells}

    all_sessions = sorted_sessions(store.sessions(course_id).all())
    if [s.id for s in all_sessions] != [s.id for s in old.sessions]:
        return None
    enrolments = store.enrolments(course_id).all()
    active = active_enrolments(enrolments)
    if list(active) != [p.person_id for p in old.participants]:
        return None

    repo = store.attendance(course_id)
    on_day: dict[str, dict[str, Attendance]] = {sid: {} for sid in days}
    of_person: dict[str, dict[str, Attendance]] = {pid: {} for pid in people}
    attending: set[str] = set()
    for doc_id, doc in marks.items():
        sid, pid = doc.get("session_id"), doc.get("person_id")
        if sid in days:
            if doc.get("mark") in _ATTENDED:
                attending.add(sid)
            on_day[sid][pid] = repo._decode(doc_id, doc)
        if pid in people:
            of_person[pid][sid] = on_day[sid][pid] if sid in days else repo._decode(doc_id, doc)

    sessions = {s.id: (index, s) for index, s in enumerate(all_sessions)}
    facts = CourseFacts(course_id=course_id, rule=old.rule, sessions=list(old.sessions),
                        participants=list(old.participants),
                        enrolment_count=old.enrolment_count, ratings=old.ratings,
                        journals=old.journals)
    for sid in days:
        if sid not in sessions:
            continue  # a mark for a day the course does not have counts nowhere
        index, session = sessions[sid]
        before = old.sessions[index]
        held_now = (session.status is SessionStatus.HELD
                    or (session.status is SessionStatus.PLANNED and sid in attending))
        if held_now != (before.status is SessionStatus.HELD):
            return None  # every completion may change with the held days
        if held_now:
            facts.sessions[index] = SessionFacts(
                before.id, before.date, before.status, before.recorded_held, before.place_id,
                before.postpone_reason, before.waiting,
                held_figures(session, active, on_day[sid]))

    held = [s for s, f in zip(all_sessions, facts.sessions, strict=True)
            if f.status is SessionStatus.HELD]
    applied, last = completion_rule(rule), last_day(held, all_sessions)
    position = {p.person_id: n for n, p in enumerate(facts.participants)}
    for pid in people:
        if pid in position:
            facts.participants[position[pid]] = participant_facts(
                active[pid], held, of_person[pid], applied, last)
    cover = {c.enrolment_id: c for c in old.cover}
    for enrolment in enrolments:
        if enrolment.person_id in people:
            cover[enrolment.id] = enrolment_cover(enrolment, all_sessions,
                                                  of_person[enrolment.person_id])
    facts.cover = [cover[e.id] for e in enrolments if e.id in cover and cover[e.id].days]
    return facts, Followed({pid: bool(of_person[pid]) for pid in people})


def refresh_header(store: Any, course_id: str) -> None:
    """A course's header was written as stored (a merge): see ``rule_changed``."""
    try:
        course = store.courses.find(course_id)
    except StoreError:
        return  # a broken header: the check names it, and a report works it out
    if course is not None:
        rule_changed(store, course_id, course.completion)


def rule_changed(store: Any, course_id: str, rule: CompletionRule) -> None:
    """A course's header was written: its completions follow its completion rule."""
    if (store.db.course_file(course_id).storage.read() is not None
            and not is_current(stored(store, course_id), rule)):
        refresh(store, course_id)


def fill_in(store: Any, batch: int = 50,
            progress: Callable[[int, int], None] | None = None) -> int:
    """Write the figures of every course that lacks current ones, ``batch`` courses a
    commit (each course file is read whole, and held until its commit); returns how many
    were written. Safe to stop at any point: the rest are written by the next run."""
    todo = [c.id for c in store.courses.all()
            if not is_current(_kept_facts(store, c.id), c.completion)
            and os.path.lexists(store.db.layout.course(c.id))]
    for start in range(0, len(todo), batch):
        with store.transaction():
            for course_id in todo[start:start + batch]:
                refresh(store, course_id)
        if progress is not None:
            progress(min(start + batch, len(todo)), len(todo))
    return len(todo)


def _kept_facts(store: Any, course_id: str) -> CourseFacts | None:
    doc = kept(store, course_id)
    return None if doc is None else decode_facts(course_id, doc)


def rebuild(store: Any) -> int:
    """Every course's figures worked out from its records (a migration, a repair);
    returns how many were rewritten. Runs inside the caller's transaction."""
    rewritten = 0
    for course in store.courses.all():
        if store.db.course_file(course.id).storage.read() is None:
            continue
        doc = encode_facts(from_records(store, course.id, course.completion))
        if stored_doc(store, course.id) != doc:
            _put(store, course.id, doc)
            rewritten += 1
    return rewritten
