"""Frozen records: what ``@dataclass(frozen=True)`` gives, without writing and compiling code for each class.

A frozen dataclass writes ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and ``__delattr__`` as
source text and compiles them when its module is imported: about 1.4 ms a class on a 2-core machine, and the 34
classes on the path of ``aosign-host status`` cost more than all of its APDUs (issue 16). A :class:`Record` costs a
class statement and one look at its annotations; its methods are written once, here, and read the class's field
names. Type checkers treat a record as a frozen dataclass (:func:`typing.dataclass_transform`).

    class Counter(Record):
        tries_left: int
        max_tries: int = 10
        notes: tuple[str, ...] = ()
        extra: Mapping[str, str] = field(default_factory=dict)

Semantics kept from frozen dataclasses: fields in declaration order (a subclass's after its base's), positional or
keyword arguments, defaults and ``default_factory``, ``__post_init__``, equality only with the same class, hash of
the values (kept beside an ``__eq__`` of the class's own), no assignment or deletion after ``__init__``
(:class:`FrozenRecordError`), ``field(repr=False)``, the fields of several record bases, ``__match_args__``; a mutable
default or a ``field()`` without annotation is refused. :func:`replace` is ``dataclasses.replace``. Not kept:
``order``, ``InitVar``, ``kw_only``, slots, an ``__init__`` signature for ``help()``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, dataclass_transform

__all__ = ["FrozenRecordError", "Record", "field", "replace"]

R = TypeVar("R", bound="Record")


class FrozenRecordError(AttributeError):
    """A record's field was assigned or deleted after it was made."""


class _Field:
    """What :func:`field` puts as a class attribute; read when the class is made (then the default, or nothing)."""

    __slots__ = ("default", "factory", "shown")

    def __init__(self, default: object, factory: Callable[[], object] | None, shown: bool) -> None:
        self.default, self.factory, self.shown = default, factory, shown


class _Factory:
    """A ``default_factory`` as stored in ``_defaults`` (told apart from a default that is itself callable)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], object]) -> None:
        self.make = make

    def __call__(self) -> object:
        return self.make()


_MISSING: Any = object()


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None, repr: bool = True) -> Any:
    """A field's default made fresh for each record (``default_factory``), or a field left out of the repr."""
    if default is not _MISSING and default_factory is not None:
        raise ValueError("give default or default_factory, not both")
    return _Field(default, default_factory, repr)


def _is_classvar(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    for module in ("typing.", "t."):
        text = text.removeprefix(module)
    return text == "ClassVar" or text.startswith("ClassVar[")


def _own_annotations(cls: type) -> dict[str, object]:
    """The class's own annotations (not its bases'), unevaluated, as dataclasses reads them."""
    if sys.version_info >= (3, 14):  # annotations are made lazily; they are no longer in the class's __dict__
        import annotationlib

        return annotationlib.get_annotations(cls, format=annotationlib.Format.FORWARDREF)
    # inspect.get_annotations would cost inspect's import (~10 ms) for what the class's own dict holds
    own: dict[str, object] = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    return own


@dataclass_transform(eq_default=True, field_specifiers=(field,), frozen_default=True)
class Record:
    """Base of a frozen record: declare its fields as annotated class attributes (with defaults after the rest)."""

    __slots__ = ()

    #: the fields in ``__init__``'s order
    _fields: ClassVar[tuple[str, ...]] = ()
    #: each defaulted field's value, or the factory that makes it
    _defaults: ClassVar[dict[str, Any]] = {}
    #: the fields shown by ``repr``
    _shown: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: list[str] = []
        defaults: dict[str, Any] = {}
        shown: set[str] = set()
        for base in reversed(cls.__mro__[1:]):  # every record base's fields first, as dataclasses collects them
            if issubclass(base, Record):
                for name in base._fields:
                    if name not in fields:
                        fields.append(name)
                    if name in base._defaults:
                        defaults[name] = base._defaults[name]
                    else:
                        defaults.pop(name, None)
                    (shown.add if name in base._shown else shown.discard)(name)
        for name, annotation in _own_annotations(cls).items():
            if _is_classvar(annotation):
                continue
            if name not in fields:
                fields.append(name)  # a redeclared field keeps its base's place, as in dataclasses
            shown.add(name)
            defaults.pop(name, None)
            value = cls.__dict__.get(name, _MISSING)
            if isinstance(value, _Field):
                if not value.shown:
                    shown.discard(name)
                if value.factory is not None:
                    delattr(cls, name)
                    value = _Factory(value.factory)
                elif value.default is _MISSING:
                    delattr(cls, name)
                    value = _MISSING
                else:
                    value = value.default
                    setattr(cls, name, value)  # the class attribute is the default, as in dataclasses
            if value is not _MISSING and not isinstance(value, _Factory) and type(value).__hash__ is None:
                raise ValueError(
                    f"{cls.__qualname__}.{name}: a mutable default ({type(value).__name__}) would be shared by every "
                    "record; use field(default_factory=...)"
                )
            if value is not _MISSING:
                defaults[name] = value
        for name, value in cls.__dict__.items():
            if isinstance(value, _Field):
                raise TypeError(f"{cls.__qualname__}.{name} = field(...) has no type annotation")
        seen_default = False
        for name in fields:
            if name in defaults:
                seen_default = True
            elif seen_default:
                raise TypeError(f"{cls.__qualname__}: field {name!r} without a default follows one with a default")
        cls._fields = tuple(fields)
        cls._defaults = defaults
        cls._shown = tuple(name for name in fields if name in shown)
        setattr(cls, "__match_args__", cls._fields)  # ``case Counter(3, 10)``, as mypy reads records  # noqa: B010
        if "__eq__" in cls.__dict__ and cls.__dict__.get("__hash__", _MISSING) is None:
            # Python unsets __hash__ beside an __eq__ of the class's own; a frozen record stays hashable
            cls.__hash__ = Record.__hash__  # type: ignore[method-assign]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        fields = cls._fields
        if len(args) > len(fields):
            raise TypeError(f"{cls.__qualname__}() takes {len(fields)} arguments but {len(args)} were given")
        for name in kwargs:
            if name not in fields:
                raise TypeError(f"{cls.__qualname__}() got an unexpected keyword argument {name!r}")
        for i, name in enumerate(fields):
            if i < len(args):
                if name in kwargs:
                    raise TypeError(f"{cls.__qualname__}() got multiple values for argument {name!r}")
                value = args[i]
            elif name in kwargs:
                value = kwargs[name]
            elif name in cls._defaults:
                value = cls._defaults[name]
                if isinstance(value, _Factory):
                    value = value()
            else:
                raise TypeError(f"{cls.__qualname__}() missing required argument: {name!r}")
            object.__setattr__(self, name, value)
        post_init = getattr(self, "__post_init__", None)
        if post_init is not None:
            post_init()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenRecordError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenRecordError(f"cannot delete field {name!r}")


def replace(record: R, /, **changes: Any) -> R:
    """A copy of ``record`` with ``changes`` (``__init__`` and ``__post_init__`` run again, as in dataclasses)."""
    values = {name: getattr(record, name) for name in record._fields}
    values.update(changes)
    return type(record)(**values)
