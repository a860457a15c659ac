"""The generated decoders build exactly what the careful one builds, and say the same
when a stored value is wrong."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.domain.courses import Attendance, Course, Enrolment, Session
from tui.domain.journals import JournalEntry
from tui.domain.people import Person
from tui.store.codec import DecodeError, _builder, decode, encode
from tui.store.store import COURSE_TABLES, MAIN_TABLES, Store


def careful(cls: type, doc_id: str, doc: dict[str, Any]) -> Any:
    return _builder(cls)({**doc, "id": doc_id})


def test_every_demo_record_decodes_as_the_careful_decoder_does(demo_store: Store) -> None:
    files = [(demo_store.db.main, MAIN_TABLES)]
    files += [(f, {"people": Person}) for f in demo_store.db.people_files()]
    files += [(demo_store.db.course_file(c.id), COURSE_TABLES)
              for c in demo_store.courses.all()]
    seen = 0
    for file, tables in files:
        for table, cls in tables.items():
            for doc_id, doc in (file.storage.read() or {}).get(table, {}).items():
                assert decode(cls, doc_id, doc) == careful(cls, doc_id, doc)
                seen += 1
    assert seen > 300


def _error(cls: type, doc: dict[str, Any]) -> str | None:
    try:
        decode(cls, "x", doc)
    except DecodeError as error:
        return str(error)
    return None


def _careful_error(cls: type, doc: dict[str, Any]) -> str | None:
    try:
        careful(cls, "x", doc)
    except DecodeError as error:
        return str(error)
    return None


VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-2, 2),
                   st.sampled_from(["", "present", "partial", "2024-02-30", "2024-03-01",
                                    "enrolled", "9", "09:00", "x"]),
                   st.lists(st.sampled_from(["a", "b"]), max_size=2),
                   st.dictionaries(st.sampled_from(["min_sessions", "min_hours"]),
                                   st.integers(0, 3), max_size=2))


@pytest.mark.parametrize("cls", [Attendance, Enrolment, Session, Person, JournalEntry, Course])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_wrong_value_gets_the_same_answer_from_both(cls: type, data: st.DataObject) -> None:
    base = _sound(cls)
    doc = dict(base)
    for name in data.draw(st.lists(st.sampled_from(sorted(base)), max_size=3)):
        if data.draw(st.booleans()):
            doc[name] = data.draw(VALUES)
        else:
            doc.pop(name, None)
    assert _error(cls, doc) == _careful_error(cls, doc)
    if _error(cls, doc) is None:
        assert decode(cls, "x", doc) == careful(cls, "x", doc)


def _sound(cls: type) -> dict[str, Any]:
    day = dt.date(2024, 3, 1)
    records = {
        Attendance: Attendance(course_id="c", session_id="s", person_id="p",
                               mark="partial", hours=2.5),  # type: ignore[arg-type]
        Enrolment: Enrolment(course_id="c", person_id="p", enrolled_on=day,
                             substitute_hours=7.0),
        Session: Session(course_id="c", date=day, hours=7.4),
        Person: Person(name="Naja", role="leader",  # type: ignore[arg-type]
                       qualification="pedagogue"),  # type: ignore[arg-type]
        JournalEntry: JournalEntry(course_id="c", journal_id="j", phase=3,  # type: ignore[arg-type]
                                   date=day),
        Course: Course(programme_id="p", name="Hold", trainers=["a"]),
    }
    return encode(decode(cls, "x", encode(records[cls])))
