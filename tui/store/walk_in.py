"""A walk-in: someone who turns up at a session without being on the list. They are
registered, enrolled from that day and marked present in one change, so a crash never
leaves a person enrolled without the mark or marked without the enrolment."""

from __future__ import annotations

from tui.domain.courses import Enrolment, Mark
from tui.domain.people import Person
from tui.store.store import Store


def add_walk_in(store: Store, course_id: str, session_id: str, person: Person) -> Person:
    with store.transaction():
        session = store.sessions(course_id).get(session_id)
        added = store.people.add(person)
        store.enrolments(course_id).add(Enrolment(
            course_id=course_id, person_id=added.id, enrolled_on=session.date))
        store.mark(course_id, session_id, added.id, Mark.PRESENT)
    return added
