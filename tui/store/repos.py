"""Repositories: typed access to one kind of record in one file."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

from tinydb.table import Document

from tui.domain.records import Record
from tui.i18n import msg
from tui.store.bulk import collector_paused
from tui.store.codec import DecodeError, decode, encode
from tui.store.errors import CorruptDatabase, OutOfMemory, RecordNotFound, StaleRecord
from tui.store.ids import new_id, now, who

R = TypeVar("R", bound=Record)


def line_of_record(path: Path, doc_id: str) -> int | None:
    """Where a record starts, for the message; only read when something is wrong."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    at = text.find(json.dumps(doc_id) + ":")
    return text.count("\n", 0, at) + 1 if at >= 0 else None


class Repo(Generic[R]):
    """Records of one type in one table of one file, or spread over several files by id
    (the people registry: ``files`` lists them, ``file_of`` says which holds an id).

    Every write runs in a transaction (joining the caller's, if any): a single call is
    one durable write; a block of calls inside ``db.transaction()`` is one per file.
    """

    def __init__(self, db: Any, cls: type[R], table: str, file: Callable[[], Any] | None = None,
                 valid_id: re.Pattern[str] | None = None, *,
                 file_of: Callable[[str], Any] | None = None,
                 files: Callable[[], list[Any]] | None = None) -> None:
        self.db = db
        self.cls = cls
        self.name = table
        if file is not None:
            self._file_of: Callable[[str], Any] = lambda _record_id: file()
            self._files: Callable[[], list[Any]] = lambda: [file()]
        else:
            assert file_of is not None and files is not None
            self._file_of, self._files = file_of, files
        # Ids that name a file (a course's) must not be able to name another one.
        self._valid_id = valid_id

    def _table(self, record_id: str) -> Any:
        return self._file_of(record_id).table(self.name)

    def _decode(self, doc_id: str, doc: dict[str, Any]) -> R:
        if self._valid_id is not None and not self._valid_id.match(doc_id):
            path = self._file_of(doc_id).storage.path
            raise CorruptDatabase(path, msg(
                "record '{id}' in table '{table}' has an id Kuffert cannot use (letters, "
                "digits, - and _ only)", id=doc_id[:80], table=self.name),
                line_of_record(path, doc_id))
        try:
            return decode(self.cls, doc_id, doc)
        except DecodeError as error:
            path = self._file_of(doc_id).storage.path
            raise CorruptDatabase(
                path,
                msg("record '{id}' in table '{table}': {problem}",
                    id=doc_id, table=self.name, problem=str(error)),
                line_of_record(path, doc_id),
            ) from None

    # -- reading ------------------------------------------------------------------------

    def find(self, record_id: str) -> R | None:
        with self.db.reading():
            doc = self._table(record_id).get(doc_id=record_id)
            return None if doc is None else self._decode(record_id, doc)

    def find_many(self, record_ids: Iterable[str]) -> dict[str, R]:
        """The records among ``record_ids`` that exist, by id: a course's two dozen
        people without decoding the whole registry (or reading more than their files)."""
        with self.db.reading():
            found = {rid: self._table(rid).get(doc_id=rid) for rid in set(record_ids)}
        return {rid: self._decode(rid, doc) for rid, doc in found.items() if doc is not None}

    def get(self, record_id: str) -> R:
        found = self.find(record_id)
        if found is None:
            raise RecordNotFound(self.name, record_id)
        return found

    def raw(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Stored documents as they are (copies), for integrity checks and exports."""
        for doc_id, doc in self.stored():
            yield doc_id, Document(doc, doc_id=doc_id)

    def stored(self) -> list[tuple[str, dict[str, Any]]]:
        """The stored documents themselves, not copies: for reading only (TinyDB's own
        iteration copies each one, a fifth of decoding a national course)."""
        found: list[tuple[str, dict[str, Any]]] = []
        with self.db.reading():
            for file in self._files():
                found += (file.storage.read() or {}).get(self.name, {}).items()
        return found

    def scan(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Like ``stored``, a file at a time, keeping only the files kept already: for a
        pass over a whole registry that needs a few fields of each record."""
        for file in self._files():
            with self.db.reading():
                tables = file.storage.read(keep=False) or {}
            yield from tables.get(self.name, {}).items()

    def all(self) -> list[R]:
        docs = self.stored()
        try:
            if len(docs) < 1000:
                return [self._decode(doc_id, doc) for doc_id, doc in docs]
            with collector_paused():
                return [self._decode(doc_id, doc) for doc_id, doc in docs]
        except MemoryError:
            del docs
            files = self._files()
            where = files[0].storage.path
            raise OutOfMemory(where.parent if len(files) > 1 else where) from None

    def where(self, **equals: Any) -> list[R]:
        wanted = {k: encode(v) for k, v in equals.items()}
        return [
            self._decode(doc_id, doc)
            for doc_id, doc in self.stored()
            if all(doc.get(k) == v for k, v in wanted.items())
        ]

    def count(self) -> int:
        with self.db.reading():
            return sum(len((f.storage.read() or {}).get(self.name, {})) for f in self._files())

    # -- writing ------------------------------------------------------------------------

    def add(self, record: R) -> R:
        stamp = now()
        saved = dataclasses.replace(
            record,
            id=record.id or new_id(),
            version=1,
            created_at=record.created_at or stamp,
            updated_at=stamp,
            updated_by=who(),
        )
        with self.db.transaction():
            table = self._table(saved.id)
            self._noting(saved.id, {saved.id: None},
                         lambda: table.insert(Document(encode(saved), doc_id=saved.id)))
        return saved

    def save(self, record: R, *, expected_version: int | None = None) -> R:
        """Store a changed record. With ``expected_version``, refuse to overwrite a
        change someone else saved after this copy was read."""
        with self.db.transaction():
            table = self._table(record.id)
            current = table.get(doc_id=record.id)
            if current is None:
                raise RecordNotFound(self.name, record.id)
            stored_version = current.get("version", 0)
            if expected_version is not None and stored_version != expected_version:
                raise StaleRecord(
                    self.name, record.id, current.get("updated_by", "?"),
                    current.get("updated_at", "?"),
                )
            saved = dataclasses.replace(
                record,
                version=stored_version + 1,
                created_at=current.get("created_at", record.created_at),
                updated_at=now(),
                updated_by=who(),
            )
            self._noting(saved.id, {saved.id: current},
                         lambda: table.upsert(Document(encode(saved), doc_id=saved.id)))
        return saved

    def put(self, record: R) -> tuple[R, R | None]:
        """Insert or replace by id; returns the saved record and the one it replaced."""
        with self.db.transaction():
            current = self._table(record.id).get(doc_id=record.id)
            if current is None:
                return self.add(record), None
            previous = self._decode(record.id, current)
            return self.save(record), previous

    def delete(self, record_id: str) -> bool:
        with self.db.transaction():
            table = self._table(record_id)
            current = table.get(doc_id=record_id)
            if current is None:
                return False
            self._noting(record_id, {record_id: current},
                         lambda: table.remove(doc_ids=[record_id]))
        return True

    def delete_where(self, predicate: Callable[[dict[str, Any]], bool]) -> int:
        removed = 0
        with self.db.transaction():
            for file in self._files():
                table = file.table(self.name)
                doomed = {doc.doc_id: doc for doc in table if predicate(doc)}
                if doomed:
                    self._noting_in(file, doomed,
                                    lambda t=table, d=doomed: t.remove(doc_ids=list(d)))
                    removed += len(doomed)
        return removed

    def add_many(self, records: list[R]) -> None:
        """Bulk load (demo data, imports): one write for the lot (a file)."""
        stamp = now()
        by_file: dict[int, tuple[Any, list[Document]]] = {}
        with self.db.transaction():
            for record in records:
                saved = dataclasses.replace(
                    record, id=record.id or new_id(), version=1,
                    created_at=record.created_at or stamp, updated_at=stamp,
                    updated_by=who(),
                )
                file = self._file_of(saved.id)
                by_file.setdefault(id(file), (file, []))[1].append(
                    Document(encode(saved), doc_id=saved.id))
            for file, docs in by_file.values():
                table = file.table(self.name)
                self._noting_in(file, dict.fromkeys((d.doc_id for d in docs), None),
                                lambda t=table, d=docs: t.insert_multiple(d))

    def _noting(self, record_id: str, before: dict[str, dict[str, Any] | None],
                write: Callable[[], Any]) -> None:
        self._noting_in(self._file_of(record_id), before, write)

    def _noting_in(self, file: Any, before: dict[str, dict[str, Any] | None],
                   write: Callable[[], Any]) -> None:
        """Do ``write`` and tell the file which records it changed and what they were
        before (None: new), so that what is derived from the file (a course's report
        figures) can follow the change instead of reading everything again."""
        writes = file.storage.writes
        write()
        file.note(self.name, before, file.storage.writes - writes)
