from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.i18n import N_, Message, _, msg


class StoreError(Exception):
    """A problem a person can act on; ``message`` says what, in their language."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.msgid)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class CorruptDatabase(StoreError):
    def __init__(self, path: Path, detail: Message, line: int | None = None) -> None:
        where = msg(" (line {line})", line=line) if line else ""
        super().__init__(
            msg(
                "The database file {path}{where} cannot be read: {detail}. "
                "Kuffert has not changed it. Restore a backup with 'kuffert backup' "
                "and 'kuffert restore NAME', or repair the file by hand.",
                path=str(path),
                where=where,
                detail=detail,
            )
        )
        self.path = path
        self.line = line


class SchemaTooNew(StoreError):
    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            msg(
                "The database {path} was written by a newer Kuffert (schema {found}; this "
                "program knows up to {known}). Update Kuffert to open it; the file is "
                "left as it is.",
                path=str(path),
                found=found,
                known=known,
            )
        )


class LockTimeout(StoreError):
    def __init__(self, path: Path, seconds: float, holder: Any = None) -> None:
        if holder is None:
            text = msg("Another Kuffert is writing to {path} and has not finished after "
                       "{seconds} seconds. Nothing was saved; try again.",
                       path=str(path), seconds=round(seconds))
        else:
            state = (msg("; that process is stopped (suspended with ctrl+z?)")
                     if holder.stopped() else msg("; it may be hung"))
            text = msg("{who} (process {pid}) has been writing to {path} since {since} and "
                       "has not finished after {seconds} seconds{state}. Nothing was "
                       "saved; try again, or ask them to close Kuffert.",
                       who=holder.who, pid=holder.pid, path=str(path),
                       since=holder.since_local(), seconds=round(seconds), state=state)
        super().__init__(text)
        self.holder = holder


# What a table holds, in words, for messages ("This people was changed" read badly).
RECORD_KINDS = {
    "people": N_("person"), "courses": N_("course"), "programmes": N_("programme"),
    "places": N_("place"), "institutions": N_("institution"),
    "topic_wishes": N_("topic wish"), "course_summaries": N_("course summary"),
    "sessions": N_("session"), "enrolments": N_("enrolment"),
    "attendance": N_("attendance mark"), "journals": N_("journal"),
    "journal_entries": N_("journal entry"), "journal_goals": N_("journal goal"),
    "ratings": N_("learning-goal rating"), "transfer_notes": N_("transfer note"),
}


def record_kind(table: str) -> str:
    return _(RECORD_KINDS.get(table, table))


class RecordNotFound(StoreError):
    def __init__(self, kind: str, record_id: str) -> None:
        super().__init__(msg("No {kind} with id {id}.", kind=record_kind(kind), id=record_id))


class StaleRecord(StoreError):
    """Someone else saved the record after this copy was read."""

    def __init__(self, kind: str, record_id: str, by: str, at: str) -> None:
        from tui.domain.parse import format_moment

        super().__init__(
            msg(
                "This record ({kind}) was changed by {by} at {at} after you opened it.",
                kind=record_kind(kind),
                by=by,
                at=format_moment(at),
            )
        )
        self.record_id = record_id
