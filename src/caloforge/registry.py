"""A tiny named registry, shared by geometries and models so both behave the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from caloforge.errors import InputError

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps names to factories; ``register`` is a decorator."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[[], T]] = {}

    def register(self, name: str) -> Callable[[Callable[[], T]], Callable[[], T]]:
        def decorator(factory: Callable[[], T]) -> Callable[[], T]:
            if name in self._factories:
                raise ValueError(f"{self.kind} {name!r} registered twice")
            self._factories[name] = factory
            return factory

        return decorator

    def names(self) -> list[str]:
        return list(self._factories)

    def __contains__(self, name: object) -> bool:
        return name in self._factories

    def factory(self, name: str) -> Callable[[], T]:
        try:
            return self._factories[name]
        except KeyError:
            raise InputError(f"unknown {self.kind} {name!r} (known: {', '.join(self.names())})") from None

    def create(self, name: str) -> T:
        return self.factory(name)()
