"""Where each part of a database lives on disk.

    kuffert.json              programmes, places, institutions, course headers, schema
    kuffert.d/people.json     the people registry
    kuffert.d/courses/ID.json one course's sessions, enrolments, attendance, journals
    kuffert.lock              the cross-process write lock
    kuffert.backups/STAMP/    daily copies of all of the above

Marking attendance rewrites only its course's file, so its cost does not grow with the
number of courses or people in the programme.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_VAR = "KUFFERT_DB"


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
    main: Path

    @property
    def stem(self) -> str:
        return self.main.stem if self.main.suffix == ".json" else self.main.name

    @property
    def folder(self) -> Path:
        return self.main.with_name(self.stem + ".d")

    @property
    def people(self) -> Path:
        return self.folder / "people.json"

    @property
    def courses(self) -> Path:
        return self.folder / "courses"

    def course(self, course_id: str) -> Path:
        return self.courses / f"{course_id}.json"

    @property
    def lock(self) -> Path:
        return self.main.with_name(self.stem + ".lock")

    @property
    def backups(self) -> Path:
        return self.main.with_name(self.stem + ".backups")

    def data_files(self) -> list[Path]:
        """Every data file that exists, the main file last (it is written last too)."""
        files = sorted(self.courses.glob("*.json")) if self.courses.is_dir() else []
        if self.people.is_file():
            files.append(self.people)
        if self.main.is_file():
            files.append(self.main)
        return files
