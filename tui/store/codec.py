"""Domain dataclasses to JSON-ready dicts and back, checking every field's type.

A hand-edited file can hold a string where a number belongs; decoding says which record
and field instead of letting a wrong value travel into the screens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Callable
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
        self.expected = expected
        self.value = value


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


# Decoding is compiled: each field's type becomes a small function once, so decoding a
# record is a loop over its fields with no type inspection. The generic version spent
# 85 % of a national report (and of `kuffert check`) asking typing what a field was.
Convert = Callable[[Any], Any]


class _Wrong(Exception):
    def __init__(self, expected: str, value: Any) -> None:
        self.expected = expected
        self.value = value


@cache
def _converter(tp: Any) -> Convert:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        (inner_tp,) = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _converter(inner_tp)
        return lambda v: None if v is None else inner(v)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        item = _converter(item_tp)

        def to_list(v: Any) -> list[Any]:
            if not isinstance(v, list):
                raise _Wrong("a list", v)
            return [item(x) for x in v]
        return to_list
    if origin is dict:
        _, value_tp = typing.get_args(tp)
        value = _converter(value_tp)

        def to_dict(v: Any) -> dict[str, Any]:
            if not isinstance(v, dict):
                raise _Wrong("an object", v)
            return {str(k): value(x) for k, x in v.items()}
        return to_dict
    if dataclasses.is_dataclass(tp):
        def to_record(v: Any) -> Any:
            if not isinstance(v, dict):
                raise _Wrong("an object", v)
            return _fast_builder(tp)(v, None)
        return to_record
    if isinstance(tp, type) and issubclass(tp, Enum):
        members = {m.value: m for m in tp}
        choices = ", ".join(str(m.value) for m in tp)

        def to_enum(v: Any) -> Enum:
            try:
                return members[v]
            except (KeyError, TypeError):
                try:
                    return tp(v)  # an alias or a value equal to a member's
                except (ValueError, TypeError):
                    raise _Wrong(f"one of {choices}", v) from None
        return to_enum
    if tp is dt.date:
        return _parsing(dt.date.fromisoformat, "a date (YYYY-MM-DD)")
    if tp is dt.time:
        return _parsing(dt.time.fromisoformat, "a time (HH:MM)")
    if tp is float:
        def to_float(v: Any) -> float:
            if isinstance(v, int | float) and not isinstance(v, bool):
                return float(v)
            raise _Wrong("a number", v)
        return to_float
    if tp is int:
        def to_int(v: Any) -> int:
            if isinstance(v, int) and not isinstance(v, bool):
                return v
            raise _Wrong("a whole number", v)
        return to_int
    if tp is bool:
        def to_bool(v: Any) -> bool:
            if isinstance(v, bool):
                return v
            raise _Wrong("true or false", v)
        return to_bool
    if tp is str:
        def to_str(v: Any) -> str:
            if isinstance(v, str):
                return v
            raise _Wrong("text", v)
        return to_str
    return lambda v: v


def _parsing(parse: Callable[[str], Any], expected: str) -> Convert:
    def convert(v: Any) -> Any:
        try:
            return parse(v)
        except (TypeError, ValueError):
            raise _Wrong(expected, v) from None
    return convert


@cache
def _builder(cls: type) -> Callable[[dict[str, Any]], Any]:
    """The careful builder: names the field that is wrong."""
    hints = _hints(cls)
    fields = [
        (f.name, _converter(hints[f.name]),
         f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
        for f in dataclasses.fields(cls)
    ]

    def build(doc: dict[str, Any]) -> Any:
        kwargs: dict[str, Any] = {}
        for name, convert, required in fields:
            if name not in doc:
                if required:
                    raise DecodeError(name, "present", None)
                continue
            try:
                kwargs[name] = convert(doc[name])
            except _Wrong as wrong:
                raise DecodeError(name, wrong.expected, wrong.value) from None
            except DecodeError as inner:
                raise DecodeError(f"{name}.{inner.field}", inner.expected,
                                  inner.value) from None
        return cls(**kwargs)
    return build


# The fast builder is generated source, one line of checks a field: a national check
# decodes 700,000 records, and the loop above spent most of its time on the loop. It only
# ever answers for sound records; on anything odd it hands the record to the careful
# builder, which names what is wrong (or builds the same record).
_PLAIN = {str: "str", int: "int", float: "float", bool: "bool"}
_MISSING = object()


def _plain_type(tp: Any) -> tuple[type | None, bool]:
    """(str/int/float/bool, optional) when ``tp`` is one of those, else (None, ...)."""
    if typing.get_origin(tp) in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return (args[0] if len(args) == 1 and args[0] in _PLAIN else None), True
    return (tp if tp in _PLAIN else None), False


def _enum_type(tp: Any) -> tuple[type[Enum], bool] | None:
    optional = typing.get_origin(tp) in (types.UnionType, typing.Union)
    if optional:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        tp = args[0] if len(args) == 1 else None
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp, optional
    return None


@cache
def _fast_builder(cls: type) -> Callable[[dict[str, Any], str | None], Any]:
    hints = _hints(cls)
    careful = _builder(cls)
    env: dict[str, Any] = {"_M": _MISSING, "_careful": careful, "_Wrong": _Wrong,
                           "_DecodeError": DecodeError, "_new": object.__new__, "_cls": cls}
    lines = ["def build(d, doc_id):", "    g = d.get", "    try:"]
    names = []
    for index, f in enumerate(dataclasses.fields(cls)):
        var = f"v{index}"
        names.append((f.name, var))
        if f.name == "id":
            lines.append(f"        {var} = doc_id if doc_id is not None else g('id', _M)")
        else:
            lines.append(f"        {var} = g({f.name!r}, _M)")
        if f.default is not dataclasses.MISSING:
            env[f"d{index}"] = f.default
            missing = f"{var} = d{index}"
        elif f.default_factory is not dataclasses.MISSING:
            env[f"f{index}"] = f.default_factory
            missing = f"{var} = f{index}()"
        else:
            missing = "raise _Wrong('', None)"
        env[f"c{index}"] = _converter(hints[f.name])
        plain, optional = _plain_type(hints[f.name])
        enum = _enum_type(hints[f.name])
        lines.append(f"        if {var} is _M: {missing}")
        if enum is not None:
            # A value that is no member's (or an alias) goes to the careful builder.
            env[f"e{index}"] = {m.value: m for m in enum[0]}
            lookup = f"{var} = e{index}[{var}]"
            if enum[1]:
                lines.append(f"        elif {var} is not None: {lookup}")
            else:
                lines.append(f"        else: {lookup}")
        elif hints[f.name] is dt.date:
            env["_date"] = dt.date.fromisoformat
            lines.append(f"        else: {var} = _date({var})")
        elif plain is not None:
            env[f"t{index}"] = plain
            check = f"{var}.__class__ is not t{index}"
            if optional:
                check = f"{var} is not None and {check}"
            # A float field takes a whole number too; the converter makes it a float.
            lines.append(f"        elif {check}: {var} = c{index}({var})")
        else:
            lines.append(f"        else: {var} = c{index}({var})")
    lines += ["    except (_Wrong, _DecodeError, TypeError, ValueError, KeyError):",
              "        return _careful(d if doc_id is None else {**d, 'id': doc_id})"]
    if "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        args = ", ".join(f"{name}={var}" for name, var in names)
        lines.append(f"    return _cls({args})")
    else:
        # Every field is set, defaults included, in the order __init__ sets them (so
        # the instances share their dict's keys, as __init__'s do).
        lines.append("    o = _new(_cls)")
        lines += [f"    o.{name} = {var}" for name, var in names]
        lines.append("    return o")
    # Our own source, built from our own classes: nothing from a file reaches it.
    exec("\n".join(lines), env)
    return env["build"]  # type: ignore[no-any-return]


def decode(cls: type[R], doc_id: str, doc: dict[str, Any]) -> R:
    return _fast_builder(cls)(doc, doc_id)  # type: ignore[no-any-return]
