"""Where each part of a database lives on disk.

    kuffert.json              programmes, places, institutions, course headers, schema
    kuffert.d/people/NN.json  the people registry, in 256 files by a hash of the id
    kuffert.d/people/erasures.json  who was erased, when and by whom (ids only)
    kuffert.d/index/NN.json   which courses name each person, by the same hash
    kuffert.d/courses/ID.json one course's sessions, enrolments, attendance, journals
    kuffert.lock              the cross-process write lock (and who holds it)
    kuffert.commit            a change being committed (see commit.py); usually absent
    kuffert.backups/STAMP/    daily copies of all of the above

Marking attendance rewrites only its course's file, so its cost does not grow with the
number of courses or people in the programme; changing or erasing a person rewrites a
256th of the registry, and a course's grid reads only the files of its own people.
Erasing a person opens only their courses' files, their file of the registry and of the
index, and the erasure log; not the main file.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import platformdirs

ENV_VAR = "KUFFERT_DB"

# 50,000 people are 14 MB: a file each 200 of them (55 kB) makes a person's change and a
# course's two dozen names cheap, and a listing of everyone 256 small reads.
PEOPLE_FILES = 256

_SHARD_FILE = re.compile(r"[0-9a-f]{2}\.json\Z")
# A course id (database.SAFE_ID) and ".json".
_COURSE_FILE = re.compile(r"[A-Za-z0-9_-]{1,64}\.json\Z")


def shard_of(key: str, count: int) -> str:
    """Which of ``count`` files holds ``key``: by a hash, so any ids spread evenly."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=4).digest()
    return f"{int.from_bytes(digest, 'big') % count:02x}"


def is_shard_name(name: str) -> bool:
    return _SHARD_FILE.match(name) is not None


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("kuffert")) / "kuffert.json"


def resolve_path(cli_value: str | None) -> Path:
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return default_path()


@dataclass(frozen=True)
class Layout:
    # The paths below are worked out once: a national check asks for them 200,000 times.
    main: Path

    @cached_property
    def stem(self) -> str:
        return self.main.stem if self.main.suffix == ".json" else self.main.name

    @cached_property
    def folder(self) -> Path:
        return self.main.with_name(self.stem + ".d")

    @cached_property
    def people(self) -> Path:
        """The folder of the people registry's files."""
        return self.folder / "people"

    def person_file(self, person_id: str) -> Path:
        return _shard(self.people, person_id)

    def people_files(self) -> list[Path]:
        """The registry's files that are there."""
        return self._shard_files(self.people)

    def all_people_files(self) -> list[Path]:
        """Every file the registry may have, there or not."""
        return _all_shards(self.people)

    @cached_property
    def index(self) -> Path:
        """The folder of the index from each person to the courses that name them."""
        return self.folder / "index"

    def index_file(self, person_id: str) -> Path:
        return _shard(self.index, person_id)

    def index_files(self) -> list[Path]:
        """The index's files that are there."""
        return self._shard_files(self.index)

    def all_index_files(self) -> list[Path]:
        return _all_shards(self.index)

    @cached_property
    def erasures(self) -> Path:
        """The erasure log: by person id alone, so that neither a restored backup nor a
        field bundle brings an erased person back. Beside the registry's files, whose
        folder an erasure writes anyway (one folder fewer to make durable)."""
        return self.people / "erasures.json"

    @cached_property
    def legacy_people(self) -> Path:
        """Where schema 2 kept the whole registry, in one file."""
        return self.folder / "people.json"

    @cached_property
    def courses(self) -> Path:
        return self.folder / "courses"

    def course(self, course_id: str) -> Path:
        return self.courses / f"{course_id}.json"

    @cached_property
    def subfolders(self) -> tuple[Path, ...]:
        """The folders inside ``folder`` that hold data files."""
        return (self.courses, self.people, self.index)

    def _shard_files(self, folder: Path) -> list[Path]:
        if not (_real_dir(self.folder) and _real_dir(folder)):
            return []
        try:
            names = os.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [folder / n for n in sorted(names) if is_shard_name(n)]

    @cached_property
    def lock(self) -> Path:
        return self.main.with_name(self.stem + ".lock")

    @cached_property
    def commit(self) -> Path:
        return self.main.with_name(self.stem + ".commit")

    @cached_property
    def backups(self) -> Path:
        return self.main.with_name(self.stem + ".backups")

    def data_files(self) -> list[Path]:
        """Every data file that exists, the main file last (it is written last too).

        Only regular files: a link or FIFO planted among them is never read or copied
        (``strays`` names them for the integrity check).
        """
        files = [p for p in [*self.course_files(), *self.people_files(),
                             *self.index_files()] if _regular(p)]
        if _real_dir(self.folder) and _regular(self.legacy_people):
            files.append(self.legacy_people)
        if _real_dir(self.folder) and _real_dir(self.people) and _regular(self.erasures):
            files.append(self.erasures)
        if _regular(self.main):
            files.append(self.main)
        return files

    def is_data_file(self, path: Path) -> bool:
        """Whether ``path`` is at a name this database keeps data under (a commit record
        or a backup naming anything else is not carried out)."""
        if path in (self.main, self.legacy_people, self.erasures):
            return True
        if path.parent in (self.people, self.index):
            return is_shard_name(path.name)
        return path.parent == self.courses and _COURSE_FILE.match(path.name) is not None

    def course_files(self) -> list[Path]:
        # Through a link planted as the .d or courses folder lie someone else's files.
        if not (_real_dir(self.folder) and _real_dir(self.courses)):
            return []
        try:
            names = os.listdir(self.courses)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [self.courses / n for n in sorted(names) if n.endswith(".json")]

    def strays(self) -> list[Path]:
        """Anything at a data file's or folder's name that is not what it should be."""
        folders = [p for p in (self.folder, *self.subfolders, self.backups)
                   if os.path.lexists(p) and not _real_dir(p)]
        candidates = [*self.course_files(), *self.people_files(), *self.index_files(),
                      self.legacy_people, self.erasures, self.main, self.lock, self.commit]
        return folders + [p for p in candidates if os.path.lexists(p) and not _regular(p)
                          and not any(p.is_relative_to(f) for f in folders)]


def _shard(folder: Path, person_id: str) -> Path:
    return folder / f"{shard_of(person_id, PEOPLE_FILES)}.json"


def _all_shards(folder: Path) -> list[Path]:
    return [folder / f"{n:02x}.json" for n in range(PEOPLE_FILES)]


def _real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except FileNotFoundError:
        return True  # not there yet: nothing planted either


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False
