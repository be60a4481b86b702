"""hostapp_stub.records: frozen records behave as the frozen dataclasses they replace."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Mapping
from typing import ClassVar

import pytest

from hostapp_stub.records import FrozenRecordError, Record, field, replace


class Point(Record):
    LIMIT: ClassVar[int] = 100
    x: int
    y: int = 0
    tags: Mapping[str, str] = field(default_factory=dict)
    blob: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        if self.x > self.LIMIT:
            raise ValueError("x too large")


class Point3(Point):
    z: int = 0


class Twin(Record):
    x: int
    y: int = 0


def test_fields_in_order_class_vars_left_out() -> None:
    assert Point._fields == ("x", "y", "tags", "blob")
    assert Point3._fields == ("x", "y", "tags", "blob", "z")


def test_positional_keyword_and_defaults() -> None:
    assert Point(1, 2).y == 2
    assert Point(x=1).y == 0
    assert Point(1, y=5) == Point(1, 5)
    assert Point3(1, z=3).z == 3


def test_default_factory_makes_a_fresh_value_each_time() -> None:
    a, b = Point(1), Point(1)
    assert a.tags == {} and a.tags is not b.tags


@pytest.mark.parametrize(
    ("args", "kwargs", "said"),
    [
        ((), {}, "missing required argument: 'x'"),
        ((1, 2, {}, b"", 5), {}, "takes 4 arguments but 5 were given"),
        ((1,), {"x": 2}, "multiple values for argument 'x'"),
        ((1,), {"w": 2}, "unexpected keyword argument 'w'"),
    ],
)
def test_bad_calls_are_type_errors(args: tuple[object, ...], kwargs: dict[str, object], said: str) -> None:
    with pytest.raises(TypeError, match=said):
        Point(*args, **kwargs)  # type: ignore[arg-type]


def test_frozen() -> None:
    p = Point(1)
    with pytest.raises(FrozenRecordError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.y
    assert p.x == 1


def test_equality_only_with_the_same_class_and_hash_of_the_values() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(1, 3)
    assert Point(1) != Twin(1)  # same values, another class
    assert Point(1) != Point3(1)
    assert hash(Twin(1, 2)) == hash(Twin(1, 2))
    assert len({Twin(1, 2), Twin(1, 2), Twin(2, 2)}) == 2


def test_repr_leaves_out_hidden_fields() -> None:
    assert repr(Point(1, blob=b"secret-ish")) == "Point(x=1, y=0, tags={})"
    assert repr(Point3(1)) == "Point3(x=1, y=0, tags={}, z=0)"


def test_post_init_runs_on_make_and_on_replace() -> None:
    with pytest.raises(ValueError, match="too large"):
        Point(101)
    p = Point(1, 2)
    with pytest.raises(ValueError, match="too large"):
        replace(p, x=500)
    moved = replace(p, y=9)
    assert moved == Point(1, 9) and p == Point(1, 2)
    assert type(replace(Point3(1, z=4), x=2)) is Point3


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default follows"):

        class Bad(Record):
            a: int = 0
            b: int  # type: ignore[misc]  # refused by mypy, and at run time (tested here)


def test_default_and_factory_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        field(default=1, default_factory=int)


def test_pickle_and_deepcopy_round_trip() -> None:
    p = Point3(1, 2, {"k": "v"}, b"x", 3)
    assert pickle.loads(pickle.dumps(p)) == p
    assert copy.deepcopy(p) == p


def test_a_redeclared_field_keeps_its_place_and_takes_the_new_default() -> None:
    class Base(Record):
        a: int
        b: int = 1

    class Sub(Base):
        a: int = 5

    assert Sub._fields == ("a", "b") and Sub() == Sub(5, 1)


def test_the_class_attribute_is_the_default_as_in_dataclasses() -> None:
    assert Point.blob == b"" and Point.y == 0
    assert not hasattr(Point, "tags")  # a factory's field has none


ClassVariant = int  # a type whose name starts like ClassVar's


def test_only_classvar_itself_is_left_out() -> None:
    import typing

    class Kinds(Record):
        a: typing.ClassVar[int] = 1
        b: ClassVar = 2
        kind: ClassVariant
        y: int = 0

    assert Kinds._fields == ("kind", "y")


def test_a_mutable_default_or_an_unannotated_field_is_refused() -> None:
    with pytest.raises(ValueError, match="mutable default"):

        class Shared(Record):
            xs: list[int] = []  # noqa: RUF012  (what is tested)

    with pytest.raises(TypeError, match="no type annotation"):

        class Stray(Record):
            x = field(default=1)


def test_fields_of_several_record_bases() -> None:
    class A(Record):
        a: int = 0

    class B(Record):
        b: int = 0

    class C(A, B):
        c: int = 0

    assert C._fields == ("b", "a", "c") and C(1, 2, 3).a == 2


def test_an_own_eq_keeps_the_record_hashable() -> None:
    class Loose(Record):
        x: int

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Loose) and abs(self.x - other.x) < 1

    assert hash(Loose(1)) == hash(Loose(1))


def test_match_by_position() -> None:
    match Twin(3, 4):
        case Twin(x, y):
            assert (x, y) == (3, 4)
        case _:
            pytest.fail("a record matches by position")
