"""Opening a database, its transactions and its files."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tui.i18n import Message, msg
from tui.store import backup, commit, daily_backup, person_index
from tui.store.errors import CorruptDatabase, OutOfMemory, SchemaTooNew, StoreError
from tui.store.files import (
    PRIVATE,
    SHARED,
    file_mode,
    is_temp,
    make_dir,
    real_folders,
    remove_stale_temp_files,
    set_dir_mode,
)
from tui.store.ids import now, who
from tui.store.layout import Layout
from tui.store.lock import WriteLock
from tui.store.storage import JSONFile, RecordDB, RecordTable, open_tinydb

SCHEMA_VERSION = 4
# Erasures by person id alone (no personal data), in a file of their own (layout.erasures):
# re-applied when an older backup is restored, and they win over a field bundle that still
# names the person.
ERASURES = "erasures"

# Migration N upgrades a database from schema N to N+1; it runs inside a transaction.
Migration = Callable[["Database"], None]


def _index_later(db: Database) -> None:
    """Schema 2 kept, in the main file, who each course's file names; the migration to
    schema 4 makes that index where it is kept now."""


def _split_people(db: Database) -> None:
    """Schema 3 keeps the people registry in 256 files by a hash of the id (see
    layout.py), and each course's report figures in its file (tui.store.figures). The
    figures are written after the migration, a few courses a commit (``Store.open``):
    all 2,000 course files of a national database in one commit would be held in memory
    at once. Until then a report works a course out from its records."""
    legacy = db._file(db.layout.legacy_people)
    tables = legacy.storage.read()
    db._one_people_file = False
    if tables is None:
        return
    # Each file of the registry made anew from the one file (a restore of a backup of
    # then puts it in place of files that are there now).
    shards: dict[Path, dict[str, dict[str, Any]]] = {}
    for name, docs in tables.items():
        for doc_id, doc in docs.items():
            path = db.layout.person_file(doc_id)
            shards.setdefault(path, {}).setdefault(name, {})[doc_id] = doc
    for path in db.layout.all_people_files():
        file = db._file(path)
        if path in shards:
            file.delete_on_commit = False
            file.storage.write(shards[path])
        elif file.storage.read() is not None:
            file.delete_on_commit = True
    db.delete_file(db.layout.legacy_people)


def _index_beside_people(db: Database) -> None:
    """Schema 4 keeps the index from each person to their courses in files of its own, by
    the hash of the person's id (person_index), and the erasure log in a file of its own:
    an erasure then writes neither the main file (3 MB at national scale) nor any other
    person's records, and the main file is a third smaller (the index was 1 MB of it)."""
    tables = db.main.storage.read() or {}
    person_index.build(db, [cid for cid in tables.get("courses", {}) if SAFE_ID.match(cid)])
    log = db.erasures.table(ERASURES)
    for person_id, doc in tables.get(ERASURES, {}).items():
        db.erasures.delete_on_commit = False  # (a restore of a backup of schema 3)
        if log.get(doc_id=person_id) is None:
            log.insert(_document(doc, person_id))
    for name in (person_index.LEGACY_TABLE, ERASURES):
        if name in tables:
            db.main.tinydb.drop_table(name)


MIGRATIONS: dict[int, Migration] = {1: _index_later, 2: _split_people,
                                    3: _index_beside_people}

META_TABLE = "_meta"
META_ID = "schema"
# Course files are parsed on demand; keep the recently used ones, not all of them.
OPEN_COURSE_FILES = 32
# \Z, not $: "$" also matches before a final newline, and "evil\n" is no id.
SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")


class BadCourseId(StoreError):
    def __init__(self, course_id: str) -> None:
        super().__init__(msg("'{id}' is not a course id (letters, digits, - and _ only).",
                             id=course_id[:80]))


Changes = dict[str, dict[str, dict | None]]


class _File:
    def __init__(self, path: Path, db: Database) -> None:
        self.storage = JSONFile(path, db.in_transaction, db.source_of)
        self.tinydb: RecordDB = open_tinydb(self.storage)
        self.delete_on_commit = False
        self._changes: Changes = {}
        self._noted_writes = 0

    def table(self, name: str) -> RecordTable:
        # No query cache: another process may change the file between two searches.
        return self.tinydb.table(name, cache_size=0)  # type: ignore[return-value]

    def note(self, table: str, before: dict[str, dict | None], writes: int) -> None:
        """A repository's write: the records it changed, as they were before it."""
        changed = self._changes.setdefault(table, {})
        for doc_id, doc in before.items():
            changed.setdefault(doc_id, None if doc is None else dict(doc))
        self._noted_writes += writes

    def changes(self) -> Changes | None:
        """The records this transaction changed, by table and id, each as it was when the
        transaction began (None: it is new); None when the file was also written some
        other way (a merge, a restore), so that only reading it all again tells."""
        if self.storage.writes != self._noted_writes:
            return None
        return self._changes

    def forget_changes(self) -> None:
        self._changes, self._noted_writes = {}, 0


class Database:
    def __init__(
        self,
        path: Path,
        *,
        shared: bool = False,
        backups_keep: int = 7,
        lock_timeout: float = 15.0,
        backups: bool = True,
    ) -> None:
        self.layout = Layout(Path(path).absolute())
        # Asked for on the command line or in the settings; the database's own setting,
        # once it has one, is what counts (see ``shared``).
        self._shared_requested = shared
        self.backups_keep = backups_keep
        self.backups_enabled = backups
        self.lock_timeout = lock_timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._lock: WriteLock | None = None
        self._files: dict[Path, _File] = {}
        self._course_files: OrderedDict[str, _File] = OrderedDict()
        self._backup_checked: dt.date | None = None
        self._backup_pending = False
        self._backups = daily_backup.Finisher()
        self._swept = False
        self._pending_identity: tuple[int, int, int] | None = None
        self._pending: dict[Path, Path | None] = {}
        # What opening found and mended (an interrupted change, a killed writer's
        # leftovers): the integrity check reports it.
        self.recovered: list[Message] = []
        self.backup_problem: Message | None = None
        # The schema this database had when it was opened, if it was migrated.
        self.migrated_from: int | None = None
        self._one_people_file: bool | None = None
        # Called with a course's id when its file is about to be written, while the
        # transaction is still open: lets the store keep derived data in the main file.
        self.on_course_write: Callable[[str], None] | None = None

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, **options: object) -> Database:
        """Open and check the main file; finish an interrupted change; migrate an older
        schema; refuse a newer one."""
        db = cls(path, **options)  # type: ignore[arg-type]
        db.recover_if_interrupted()
        version = db.schema_version()
        if version is not None and version > SCHEMA_VERSION:
            raise SchemaTooNew(db.layout.main, version, SCHEMA_VERSION)
        if version is not None and version < SCHEMA_VERSION:
            db._migrate(version)
        if version is not None and db._shared_requested and not db.shared:
            db.make_shared()
        return db

    @property
    def path(self) -> Path:
        return self.layout.main

    def exists(self) -> bool:
        return os.path.lexists(self.layout.main)

    def _meta(self) -> dict | None:
        if not self.exists():
            return None
        return self.main.table(META_TABLE).get(doc_id=META_ID)

    def schema_version(self) -> int | None:
        if not self.exists():
            return None
        meta = self._meta()
        if meta is None:
            raise CorruptDatabase(self.layout.main, msg("the schema version is missing"))
        version = meta.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 10**6:
            raise CorruptDatabase(self.layout.main, msg("the schema version is not a number"))
        return version

    @property
    def shared(self) -> bool:
        """Shared mode belongs to the database, so every member's writes keep it group
        read/write, whatever their own settings say."""
        try:
            meta = self._meta()
        except StoreError:
            meta = {}  # a broken main file: its mode still tells (restore needs this)
        if meta is None:
            return self._shared_requested
        stored = meta.get("shared")
        if isinstance(stored, bool):
            return stored
        # Databases made before the setting was kept: the main file's mode tells.
        return bool(file_mode(self.layout.main, PRIVATE) & 0o060)

    @property
    def mode(self) -> int:
        return SHARED if self.shared else PRIVATE

    def make_shared(self) -> None:
        """Turn a private database into a shared one: the setting, every file, every
        folder."""
        with self.transaction():
            self.main.table(META_TABLE).update({"shared": True}, doc_ids=[META_ID])
            self._shared_requested = True
        for folder in (self.layout.folder, *self.layout.subfolders):
            if folder.is_dir() and not folder.is_symlink():
                set_dir_mode(folder, SHARED)
        for path in self.layout.data_files():
            with contextlib.suppress(PermissionError):
                os.chmod(path, SHARED)

    def _migrate(self, version: int) -> None:
        with self.transaction():
            backup.create(self.layout, label=f"before-migration-{version}", mode=self.mode)
            self.upgrade(version)

    def upgrade(self, version: int) -> None:
        """Run the migrations from schema ``version`` inside the caller's transaction."""
        self.migrated_from = version
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](self)
            version += 1
        self.main.table(META_TABLE).update({"version": version}, doc_ids=[META_ID])

    # -- an interrupted change --------------------------------------------------------------

    def source_of(self, path: Path) -> Path | None:
        """Where ``path``'s committed content is: while a committed change is still being
        put in place, its prepared file (None for a file it deletes)."""
        real_folders(path.parent, self.layout.main.parent)
        try:
            st = os.lstat(self.layout.commit)
        except FileNotFoundError:
            self._pending_identity = None
            return path
        identity = (st.st_ino, st.st_size, st.st_mtime_ns)
        if identity != self._pending_identity:
            steps = commit.pending(self.layout) or []
            self._pending = {step.path: step.temp for step in steps}
            self._pending_identity = identity
        if path not in self._pending:
            return path
        temp = self._pending[path]
        if temp is None:
            return None
        return temp if os.path.lexists(temp) else path

    def recover_if_interrupted(self) -> None:
        """Finish a change a killed writer committed, and sweep up its temp files."""
        folders = (self.layout.main.parent, self.layout.folder, *self.layout.subfolders)
        if not os.path.lexists(self.layout.commit) and not any(
            is_temp(name) for folder in folders for name in _names(folder)
        ):
            return
        try:
            with self.locked():
                pass  # taking the lock is what recovers
        except (PermissionError, StoreError):
            # Read-only to this user, or busy: readers still see whole changes only.
            return

    def _recover(self) -> None:
        """Called with the lock held."""
        steps = commit.pending(self.layout)
        if steps is not None:
            commit.finish(self.layout, steps)
            self.recovered.append(msg("An interrupted change (from a Kuffert that was "
                                      "stopped while saving) was completed."))
            # What was read before is not what is there now.
            for f in self._open_files():
                f.storage.discard()
        layout = self.layout
        for folder in (layout.folder, *layout.subfolders):
            real_folders(folder, layout.main.parent)
        # The folder the user chose may hold other databases and their live temp files.
        own = (f".{layout.main.name}.", f".{layout.commit.name}.")
        swept = (remove_stale_temp_files(layout.main.parent, own)
                 + remove_stale_temp_files(layout.folder)
                 + sum(remove_stale_temp_files(folder) for folder in layout.subfolders))
        if swept:
            self.recovered.append(msg("Unfinished temporary files from a stopped Kuffert "
                                      "were removed ({n}).", n=swept))
        self._swept = True
        # Files read before are still current otherwise: each is checked by its identity
        # at the next read (dropping them made every process's first write read the
        # main file and the registry's files again, 30 ms at national scale).

    # -- files ----------------------------------------------------------------------------

    def _file(self, path: Path) -> _File:
        f = self._files.get(path)
        if f is None:
            f = self._files[path] = _File(path, self)
        return f

    @property
    def main(self) -> _File:
        return self._file(self.layout.main)

    def person_file(self, person_id: str) -> _File:
        """The file of the people registry that holds (or will hold) this person."""
        if self._people_in_one_file():
            return self._file(self.layout.legacy_people)
        return self._file(self.layout.person_file(person_id))

    def index_file(self, person_id: str) -> _File:
        """The file of the index (person_index) that holds this person's courses."""
        return self._file(self.layout.index_file(person_id))

    def index_files(self) -> list[_File]:
        """All of the index's files, there or not (as ``people_files``)."""
        return [self._file(path) for path in self.layout.all_index_files()]

    @property
    def erasures(self) -> _File:
        return self._file(self.layout.erasures)

    def people_files(self) -> list[_File]:
        """All of the registry's files, including those not written yet (reading one is a
        ``stat``): a listing of the folder would miss a file a change is creating."""
        if self._people_in_one_file():
            return [self._file(self.layout.legacy_people)]
        return [self._file(path) for path in self.layout.all_people_files()]

    def _people_in_one_file(self) -> bool:
        """Schema 2 kept the registry in one file: so it is read in a backup of then (a
        restore checks it first, an erasure purges it) and until the migration."""
        if self._one_people_file is None:
            layout = self.layout
            self._one_people_file = (os.path.lexists(layout.legacy_people)
                                     and not os.path.lexists(layout.people))
        return self._one_people_file

    def delete_file(self, path: Path) -> None:
        """Remove a data file other than a course's when the transaction commits."""
        self._file(path).delete_on_commit = True

    def open_course_file(self, course_id: str) -> _File | None:
        """The course's file if it is open here already (None: reading it is up to you)."""
        return self._course_files.get(course_id)

    def course_file(self, course_id: str) -> _File:
        if not SAFE_ID.match(course_id):
            raise BadCourseId(course_id)
        f = self._course_files.get(course_id)
        if f is None:
            f = _File(self.layout.course(course_id), self)
            self._course_files[course_id] = f
            self._evict_course_files()
        else:
            self._course_files.move_to_end(course_id)
        return f

    def _evict_course_files(self) -> None:
        while len(self._course_files) > OPEN_COURSE_FILES:
            oldest = next(iter(self._course_files))
            if self._course_files[oldest].storage.dirty:
                break  # flushed at commit; evicted on a later call
            del self._course_files[oldest]

    def course_ids_on_disk(self) -> list[str]:
        """Course files as a reader sees them: with those a committed change is still
        putting in place, without those it deletes."""
        paths = set(self.layout.course_files())
        self.source_of(self.layout.main)  # brings the pending change up to date
        if self._pending_identity is not None:
            for path, temp in self._pending.items():
                if path.parent != self.layout.courses:
                    continue
                if temp is None:
                    paths.discard(path)
                else:
                    paths.add(path)
        return sorted(p.stem for p in paths)

    def delete_course_file(self, course_id: str) -> None:
        """Remove a course's file when the transaction commits."""
        self.course_file(course_id).delete_on_commit = True

    # -- transactions ----------------------------------------------------------------------

    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Serialise reads with this process's writes (a worker thread may be writing)."""
        with self._thread_lock:
            yield

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Read-modify-write under the cross-process lock; all or nothing per file.

        Nested calls join the outer transaction. On an exception nothing is written.
        """
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._acquire()
            self._depth = 1
            try:
                self._begin()
                yield
                self._commit()
            except MemoryError:
                self._discard()
                raise OutOfMemory() from None
            except BaseException:
                self._discard()
                raise
            finally:
                self._depth = 0
                self._release()
            self._finish_backup()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """The write lock alone, for whole-file work (restore) on a database that may be
        too broken to read."""
        with self._thread_lock:
            self._acquire()
            try:
                yield
            finally:
                self._release()
                self._discard()

    def _acquire(self) -> None:
        make_dir(self.layout.folder, self.mode)
        lock = WriteLock(self.layout.lock, self.layout.folder,
                         file_mode(self.layout.lock, self.mode), self.lock_timeout)
        lock.acquire()
        self._lock = lock
        try:
            if lock.previous_holder_died or not self._swept or os.path.lexists(
                    self.layout.commit):
                self._recover()
        except BaseException:
            self._release()
            raise

    def _finish_backup(self) -> None:
        """Finish a pending daily backup in the background, without the lock."""
        if not self._backup_pending:
            return
        self._backup_pending = False
        self._backups.start(self.layout, self.mode, self.backups_keep)

    def settle(self) -> None:
        """Wait until the daily backup this database began is finished."""
        self._backups.wait()
        if self._backups.problem is not None:
            self.backup_problem = self._backups.problem.message

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _begin(self) -> None:
        today = dt.date.today()
        if self.backups_enabled and self._backup_checked != today:
            # Only begun here, under the lock and before the day's first change; it is
            # finished beside the work once the lock is released (daily_backup.py).
            try:
                if self.schema_version() is not None:
                    self._backup_pending = daily_backup.begin(self.layout, self.mode)
            except StoreError as problem:
                # The change still goes ahead (a full disk or a planted file in the
                # backups must not stop the day's work); `kuffert check` says that the
                # day has no backup, and why.
                self.backup_problem = problem.message
            self._backup_checked = today
        if not self.exists():
            self.main.table(META_TABLE).insert(_meta_doc({
                "version": SCHEMA_VERSION, "created_at": now(), "created_by": who(),
                "shared": self._shared_requested,
            }))

    def _open_files(self) -> list[_File]:
        return [*self._course_files.values(), *self._files.values()]

    def _commit(self) -> None:
        if self.on_course_write is not None:
            for course_id, f in list(self._course_files.items()):
                if f.storage.dirty and not f.delete_on_commit:
                    self.on_course_write(course_id)
        mode = self.mode
        writes: list[tuple[Path, bytes, int]] = []
        deletes: list[Path] = []
        changed: list[_File] = []
        for f in self._open_files():
            if f.delete_on_commit:
                deletes.append(f.storage.path)
            elif (data := f.storage.encoded(f.changes())) is not None:
                writes.append((f.storage.path, data, file_mode(f.storage.path, mode)))
            else:
                continue
            changed.append(f)
        if not changed:
            for f in self._open_files():
                f.forget_changes()
            return
        if self._lock is not None and not self._lock.still_held():
            raise StoreError(msg(
                "The database's folder {folder} was moved or replaced while this change was "
                "being saved, so the write lock no longer guards it. Nothing was saved; "
                "try again.", folder=str(self.layout.folder)))
        for folder in self.layout.subfolders:
            if any(p.parent == folder for p, _, _ in writes):
                make_dir(folder, mode)
        # What a daily backup being taken needs of the files about to be replaced.
        daily_backup.protect(self.layout, [p for p, _, _ in writes] + deletes, mode)
        steps = commit.prepare(writes, deletes)
        try:
            commit.apply(self.layout, steps, mode)
        except BaseException:
            if not os.path.lexists(self.layout.commit):
                commit.abandon(steps)
            raise
        for f in changed:
            if f.delete_on_commit:
                f.storage.discard()
                f.delete_on_commit = False
            else:
                f.storage.committed()
        for f in self._open_files():
            f.forget_changes()
        self._evict_course_files()

    def _discard(self) -> None:
        for f in self._open_files():
            f.storage.discard()
            f.delete_on_commit = False
            f.forget_changes()

    # -- whole files (restore) --------------------------------------------------------------

    def replace_files(self, writes: dict[Path, bytes], deletes: list[Path]) -> None:
        """Put whole files in place as one commit; the caller holds the lock."""
        mode = self.mode
        for folder in self.layout.subfolders:
            make_dir(folder, mode)
        daily_backup.protect(self.layout, [*writes, *deletes], mode)
        steps = commit.prepare(
            [(path, data, file_mode(path, mode)) for path, data in writes.items()], deletes)
        commit.apply(self.layout, steps, mode)
        self._discard()


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _meta_doc(fields: dict) -> dict:
    return _document(fields, META_ID)


def _document(fields: dict, doc_id: str) -> dict:
    from tinydb.table import Document

    return Document(dict(fields), doc_id=doc_id)
