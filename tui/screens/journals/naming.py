"""Journals in words: who keeps one, what it is called, which session day an entry
belongs to, and how a cycle's goals came out. No Textual here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tui.domain.courses import Session, SessionStatus
from tui.domain.journals import DocMethod, GoalOutcome, Journal, JournalEntry, JournalGoal
from tui.domain.parse import format_date
from tui.i18n import _, ngettext


def owner_label(journal: Journal, names: Mapping[str, str]) -> str:
    """Who keeps the journal: a participant's name, or the PLF group and its size."""
    if journal.person_id:
        return names.get(journal.person_id, _("(unknown participant)"))
    group = journal.group_name
    # Groups are often named "PLF ..." already; "PLF: PLF ..." would say it twice.
    if not group.casefold().startswith(("plf", "pl-f")):
        group = _("PLF: {group}").format(group=group)
    return f"{group} ({len(journal.member_ids)})"


def journal_title(journal: Journal, names: Mapping[str, str]) -> str:
    return journal.title or _("Journal: {owner}").format(owner=owner_label(journal, names))


def cycle_text(n: int) -> str:
    return _("cycle {n}").format(n=n)


@dataclass(frozen=True, slots=True)
class SessionLink:
    """A session day or the practice period after it, as an entry can be linked."""

    session_id: str
    practice: bool

    @property
    def value(self) -> str:
        return f"{self.session_id}|{'after' if self.practice else 'day'}"

    @classmethod
    def parse(cls, value: object) -> SessionLink | None:
        if not isinstance(value, str) or "|" not in value:
            return None
        session_id, kind = value.rsplit("|", 1)
        return cls(session_id, kind == "after")

    @classmethod
    def of(cls, entry: JournalEntry) -> SessionLink | None:
        if not entry.session_id:
            return None
        return cls(entry.session_id, entry.in_practice_period)


class CourseDays:
    """The course's session days, numbered as participants count them."""

    def __init__(self, sessions: Sequence[Session]) -> None:
        # Postponed and cancelled days are history: a day that happened replaced them.
        held = [s for s in sessions
                if s.status not in (SessionStatus.POSTPONED, SessionStatus.CANCELLED)]
        self.days = sorted(held, key=lambda s: (s.date, s.start or dt.time()))
        self.number = {s.id: i for i, s in enumerate(self.days, start=1)}
        self.by_id = {s.id: s for s in sessions}

    def signature(self) -> tuple[tuple[str, dt.date, int | None], ...]:
        """What the days' labels are made of: equal signatures label alike."""
        return tuple((s.id, s.date, self.number.get(s.id)) for s in self.by_id.values())

    def label(self, link: SessionLink) -> str:
        session = self.by_id.get(link.session_id)
        if session is None:
            return _("a session that was deleted")
        n = self.number.get(session.id)
        date = format_date(session.date)
        if n is None:
            if link.practice:
                return _("practice period after {date}").format(date=date)
            return date
        if link.practice:
            return _("practice period after day {n} ({date})").format(n=n, date=date)
        return _("day {n} ({date})").format(n=n, date=date)

    def choices(self, keep: SessionLink | None = None) -> list[tuple[str, str]]:
        links = [SessionLink(s.id, practice) for s in self.days for practice in (False, True)]
        if keep is not None and keep not in links:
            links.insert(0, keep)
        return [(self.label(link).capitalize(), link.value) for link in links]

    def around(self, date: dt.date | None) -> SessionLink | None:
        """The day itself on a session date, else the practice period after the last one."""
        if date is None:
            return None
        before = [s for s in self.days if s.date <= date]
        if not before:
            return None
        last = before[-1]
        return SessionLink(last.id, practice=last.date != date)


def entry_heading(entry: JournalEntry, days: CourseDays) -> str:
    parts = [format_date(entry.date) if entry.date else _("undated")]
    if entry.method is not None:
        parts.append(DocMethod(entry.method).label)
    if entry.author:
        parts.append(entry.author)
    link = SessionLink.of(entry)
    if link is not None:
        parts.append(days.label(link))
    return " · ".join(parts)


def goal_summary(goals: Sequence[JournalGoal]) -> str:
    counts = {outcome: sum(1 for g in goals if g.outcome is outcome)
              for outcome in (*GoalOutcome, None)}
    return ngettext("{reached} of {total} goal reached, {partly} partly, {not_reached} not "
                    "reached, {open} without an evaluation.",
                    "{reached} of {total} goals reached, {partly} partly, {not_reached} not "
                    "reached, {open} without an evaluation.", len(goals)).format(
        reached=counts[GoalOutcome.REACHED], total=len(goals),
        partly=counts[GoalOutcome.PARTLY], not_reached=counts[GoalOutcome.NOT_REACHED],
        open=counts[None])
