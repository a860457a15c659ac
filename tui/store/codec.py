"""Domain dataclasses to JSON-ready dicts and back, checking every field's type.

A hand-edited file can hold a string where a number belongs; decoding says which record
and field instead of letting a wrong value travel into the screens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from tui.domain.records import Record

R = TypeVar("R", bound=Record)

META_FIELDS = ("version", "created_at", "updated_at", "updated_by")


class DecodeError(ValueError):
    def __init__(self, field: str, expected: str, value: Any) -> None:
        super().__init__(f"field '{field}' should be {expected}, not {value!r:.40}")
        self.field = field


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def encode(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(timespec="minutes") if isinstance(value, dt.time) else (
            value.isoformat()
        )
    if dataclasses.is_dataclass(value):
        return {
            f.name: encode(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "id"
        }
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def _decode(tp: Any, value: Any, name: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner, value, name)
    if origin is list:
        if not isinstance(value, list):
            raise DecodeError(name, "a list", value)
        (inner,) = typing.get_args(tp)
        return [_decode(inner, v, name) for v in value]
    if origin is dict:
        if not isinstance(value, dict):
            raise DecodeError(name, "an object", value)
        _, inner = typing.get_args(tp)
        return {str(k): _decode(inner, v, name) for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise DecodeError(name, "an object", value)
        return _build(tp, value, name + ".")
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError:
            choices = ", ".join(str(m.value) for m in tp)
            raise DecodeError(name, f"one of {choices}", value) from None
    if tp is dt.date:
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise DecodeError(name, "a date (YYYY-MM-DD)", value) from None
    if tp is dt.time:
        try:
            return dt.time.fromisoformat(value)
        except (TypeError, ValueError):
            raise DecodeError(name, "a time (HH:MM)", value) from None
    if tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise DecodeError(name, "a number", value)
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise DecodeError(name, "a whole number", value)
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise DecodeError(name, "true or false", value)
    if tp is str:
        if isinstance(value, str):
            return value
        raise DecodeError(name, "text", value)
    return value


def _build(cls: type, doc: dict[str, Any], prefix: str = "") -> Any:
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in doc:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise DecodeError(prefix + f.name, "present", None)
            continue
        kwargs[f.name] = _decode(hints[f.name], doc[f.name], prefix + f.name)
    return cls(**kwargs)


def decode(cls: type[R], doc_id: str, doc: dict[str, Any]) -> R:
    record = _build(cls, {**doc, "id": doc_id})
    return record
