"""User settings from config.toml, overridden by the command line."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from tui.i18n import LANGUAGES, Message, msg


@dataclass(frozen=True)
class Config:
    lang: str = "da"
    db: str | None = None
    # Shared databases (several administrators on one server) are group-writable.
    shared: bool = False
    backups: int = 7
    # No cursor blink or other repaints that only decorate; None: on over SSH.
    low_bandwidth: bool | None = None
    # Binding id -> keys ("attendance.present" = "y"), applied with App.set_keymap.
    keys: dict[str, str] = field(default_factory=dict)
    # Settings the file itself set (the rest are defaults), for `kuffert config`.
    given: frozenset[str] = frozenset()
    path: Path | None = None


KNOWN = ("lang", "db", "shared", "backups", "low_bandwidth", "keys")
# A key as Textual names it: letters, digits, and names such as ctrl+s or f5, several
# separated by commas.
_KEY = re.compile(r"[\w+\-]+(,[\w+\-]+)*\Z")


class ConfigError(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.msgid)
        self.message = message


def config_path() -> Path:
    override = os.environ.get("KUFFERT_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("kuffert")) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
    except FileNotFoundError:
        return Config(path=path)
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as error:
        raise ConfigError(msg("The settings file {path} cannot be read: {error}",
                              path=str(path), error=str(error))) from None
    lang = raw.get("lang", "da")
    if lang not in LANGUAGES:
        raise ConfigError(msg("The settings file {path} names language '{lang}'; "
                              "Kuffert speaks {langs}.", path=str(path), lang=str(lang),
                              langs=", ".join(LANGUAGES)))
    backups = raw.get("backups", 7)
    if not isinstance(backups, int) or isinstance(backups, bool) or not 1 <= backups <= 365:
        raise ConfigError(msg("In {path}, 'backups' must be a whole number from 1 to 365.",
                              path=str(path)))
    db = raw.get("db")
    if db is not None and (not isinstance(db, str) or not db or "\0" in db):
        raise ConfigError(msg("In {path}, 'db' must be the path of a database file, as text.",
                              path=str(path)))
    shared = raw.get("shared", False)
    if not isinstance(shared, bool):
        # "false" in quotes is text, and any text is true to Python: say so instead.
        raise ConfigError(msg("In {path}, 'shared' must be true or false (without quotes).",
                              path=str(path)))
    low_bandwidth = raw.get("low_bandwidth")
    if low_bandwidth is not None and not isinstance(low_bandwidth, bool):
        raise ConfigError(msg("In {path}, 'low_bandwidth' must be true or false (without "
                              "quotes).", path=str(path)))
    unknown = sorted(set(raw) - set(KNOWN))
    if unknown:
        raise ConfigError(msg("{path} names a setting Kuffert does not know: {names}. "
                              "Known are: {known}.", path=str(path),
                              names=", ".join(unknown), known=", ".join(KNOWN)))
    return Config(lang=lang, db=db, shared=shared, backups=backups,
                  low_bandwidth=low_bandwidth,
                  keys=_keys(path, raw.get("keys", {})), given=frozenset(raw), path=path)


def _keys(path: Path, table: object) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(msg("In {path}, [keys] must be a table of binding ids and keys, "
                              "for example \"attendance.present\" = \"y\".", path=str(path)))
    keys: dict[str, str] = {}
    for binding_id, value in table.items():
        if not isinstance(value, str) or not _KEY.match(value.replace(" ", "")):
            raise ConfigError(msg("In {path}, the key for '{id}' must be text such as "
                                  "\"y\" or \"ctrl+n\" (several separated by commas).",
                                  path=str(path), id=str(binding_id)))
        keys[str(binding_id)] = value.replace(" ", "")
    return keys
