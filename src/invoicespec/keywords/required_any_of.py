"""``x-required-any-of``: At least one of the named fields must be present on the object (each present field is
still validated by its own schema). The error is reported on the object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


def validate(validator, names: list[str], instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    if not any(name in instance for name in names):
        listed = ", ".join(repr(name) for name in names[:-1]) + f" or {names[-1]!r}"
        yield error(f"at least one of {listed} is required", instance=instance)


def arrange(names: list[str], fields: dict[str, Any]) -> Callable[[Draw, Any], None] | None:
    from hypothesis import strategies as st

    drawable = [name for name in names if name in fields]
    if not drawable:
        return None
    pick = st.sampled_from(drawable)

    def add_one(draw: Draw, value: Any) -> None:
        if not any(name in value for name in drawable):
            name = draw(pick)
            value[name] = draw(fields[name])

    return add_one


def fault(names: list[str], value: Any, site: Site) -> Iterator[Fault]:
    if not isinstance(value, dict):
        return
    present = tuple(name for name in names if name in value)
    # Dropping a required field would be reported by `required` too, and dropping a field that tells
    # variants apart may move the object to another variant.
    if present and not (set(present) & (site.node.required | site.careful)):
        yield Fault((), lambda document: {k: v for k, v in document.items() if k not in present})


KEYWORD = Keyword(
    name="x-required-any-of",
    summary="at least one of several fields must be present",
    validate=validate,
    instance_type="object",
    arrange=arrange,
    fault=fault,
)
