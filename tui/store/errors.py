from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.i18n import N_, Message, msg


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


class RecordNotFound(StoreError):
    def __init__(self, kind: str, record_id: str) -> None:
        super().__init__(msg("{kind} {id} is not in the database.",
                             kind=msg(RECORD_KINDS.get(kind, N_("The record"))), id=record_id))


# What each table holds, as the subject of a sentence ("The person was changed ...").
RECORD_KINDS: dict[str, str] = {
    "people": N_("The person"), "courses": N_("The course"),
    "programmes": N_("The programme"), "places": N_("The place"),
    "institutions": N_("The institution"), "sessions": N_("The day"),
    "enrolments": N_("The enrolment"), "attendance": N_("The mark"),
    "journals": N_("The journal"), "journal_entries": N_("The journal entry"),
    "journal_goals": N_("The goal"), "ratings": N_("The rating"),
    "transfer_notes": N_("The transfer note"), "topic_wishes": N_("The topic wish"),
}


@dataclass(frozen=True, slots=True)
class _When:
    """A stored UTC time, shown as the reader's local date and time, dd-mm-yyyy HH:MM."""

    stamp: str

    def __str__(self) -> str:
        try:
            moment = dt.datetime.fromisoformat(self.stamp).astimezone()
        except ValueError:
            return self.stamp
        return f"{moment:%d-%m-%Y %H:%M}"


class StaleRecord(StoreError):
    """Someone else saved the record after this copy was read."""

    def __init__(self, kind: str, record_id: str, by: str, at: str) -> None:
        super().__init__(
            msg(
                "{kind} was changed by {by} at {at}, while you had it open.",
                kind=msg(RECORD_KINDS.get(kind, N_("The record"))),
                by=by,
                at=_When(at),
            )
        )
        self.record_id = record_id


class OutOfMemory(StoreError):
    """Memory ran out while Kuffert read or saved data: said in words, and nothing lost
    (a change that was being saved is not saved; the files are as they were)."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            super().__init__(msg(
                "Kuffert ran out of memory. Nothing was lost: a change that was being "
                "saved was not saved, and the data files are as they were. Close other "
                "programs, or choose less (one programme or course), and try again."))
        else:
            super().__init__(msg(
                "Kuffert ran out of memory while reading {path}. Nothing was lost: the "
                "data files are as they were. Close other programs, or choose less (one "
                "programme or course), and try again.", path=str(path)))
