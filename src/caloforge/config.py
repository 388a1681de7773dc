"""Typed configuration: dataclasses loaded from YAML and stored with results.

Unknown keys are errors (a typo must not silently fall back to a default), nested dataclasses
are filled recursively, and values are converted to the annotated scalar types.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, TypeVar

from caloforge.errors import InputError

T = TypeVar("T")


def _convert(value: Any, annotation: Any, where: str) -> Any:
    origin = typing.get_origin(annotation)
    if dataclasses.is_dataclass(annotation) and isinstance(value, dict):
        return from_dict(annotation, value, where)  # type: ignore[arg-type]
    if origin in (tuple, list) and isinstance(value, list | tuple):
        args = typing.get_args(annotation)
        inner = args[0] if args else Any
        items = [_convert(v, inner, where) for v in value]
        return tuple(items) if origin is tuple else items
    if annotation in (int, float, str, bool) and value is not None:
        if annotation is bool and not isinstance(value, bool):
            raise InputError(f"{where}: expected true/false, got {value!r}")
        try:
            return annotation(value)
        except (TypeError, ValueError):
            raise InputError(f"{where}: expected {annotation.__name__}, got {value!r}") from None
    return value


def from_dict(cls: type[T], data: dict[str, Any], where: str = "config") -> T:
    """Build dataclass ``cls`` from a dict, checking keys and converting types."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - names)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(names))})")
    kwargs = {k: _convert(v, hints[k], f"{where}.{k}") for k, v in data.items()}
    return cls(**kwargs)


def to_dict(obj: Any) -> dict[str, Any]:
    """Plain-dict form of a dataclass (tuples become lists, for YAML/JSON)."""
    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return clean(dataclasses.asdict(obj))

