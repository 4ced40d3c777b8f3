"""The benchmark's payloads: each operation's richest example, grown to n items, valid and with one fault.

A :class:`Shape` says, for one operation, where its request body keeps its main
array of items, how item ``i`` is made to differ from the others (while keeping
the relational ``x-`` rules satisfied), and which single fault the invalid
variant carries. Everything is built from the schema's own examples, so the
payloads follow the schemas as they change, and nothing is random.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import invoicespec

__all__ = ["MANY_FAULTS", "SHAPES", "SIZES", "Shape", "Workload", "build", "pointer", "richest_example", "workloads"]

#: Item counts for operations whose request body has an item array.
SIZES = (1, 10, 100)
#: How many faults the payload with many faults has (one in every ``size // MANY_FAULTS``-th item).
MANY_FAULTS = 20

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Shape:
    """How to grow and how to break one operation's request body."""

    operation: str
    items: Path | None  # where the main item array is; None when the body has none
    fault_at: Path  # inside the last item, or from the root when there are no items
    fault_value: Any  # a value that standard keywords refuse there
    fault_keyword: str  # the keyword expected to report it
    vary: Callable[[dict, int], None] = lambda item, index: None
    finish: Callable[[dict, int], None] = lambda body, count: None  # body-level fix-ups for relational rules
    phones: tuple[Path, ...] = ()  # optional phone fields, left out of the payload "without a phone"

    @property
    def sizes(self) -> tuple[int | None, ...]:
        """The item counts to measure; ``(None,)`` for a body without an item array."""
        return SIZES if self.items is not None else (None,)


@dataclass(frozen=True)
class Workload:
    """One operation at one size: a valid payload and the same payload with one fault."""

    operation: str
    size: int | None
    valid: Any
    invalid: Any
    fault_path: str  # JSON Pointer of the fault
    fault_keyword: str
    # the payload with the same fault in every FAULT_EVERY-th item (sizes of at least MANY_FAULTS items)
    faulty: Any = None
    faulty_paths: tuple[str, ...] = ()
    without_phone: Any = None  # the valid payload with its optional phone fields left out (where it has some)


def _nitrobox_item(item: dict, index: int) -> None:
    """Unique idents (``x-unique-by``); the tax location stays the same (``x-equal-across``)."""
    item["ident"] = f"dep-item-{index + 1}"
    item["name"] = f"Wallbox 11 kW, unit {index + 1}"
    unit = 240.0 + index
    item["prices"] = {"unit": unit, "originalTotal": unit, "total": round(unit * 0.9, 2)}


def _pennylane_line(line: dict, index: int) -> None:
    """Line ``i`` sits in section ``i + 1`` (``x-references``), with its own label and quantity."""
    line["section_rank"] = index + 1
    line["label"] = f"Line {index + 1}"
    line["quantity"] = 1 + index % 12


def _pennylane_sections(body: dict, count: int) -> None:
    """One section per line, ranked 1..n without gaps (``x-contiguous``)."""
    templates = body["invoice_line_sections"]
    body["invoice_line_sections"] = [
        {**templates[index % len(templates)], "title": f"Section #{index + 1}", "rank": index + 1}
        for index in range(count)
    ]


def _riverty_segment(segment: dict, index: int) -> None:
    """Each segment its own right and price; the times stay in order (``x-date-order``)."""
    right = segment["assignedRight"]
    right["id"] = f"tariff-{index + 1}"
    right["monetaryValue"]["value"]["currencyValue"] = f"{24 + index % 50}.00"


#: One shape per operation, by operation id.
SHAPES: dict[str, Shape] = {
    shape.operation: shape
    for shape in (
        Shape("getbill.create_debt", items=None, fault_at=("amount",), fault_value=0,
              fault_keyword="exclusiveMinimum", phones=(("phone",),)),
        Shape("nitrobox.create_deposit_invoice", items=("items",), fault_at=("quantity",), fault_value=-1,
              fault_keyword="minimum", vary=_nitrobox_item),
        Shape("pennylane.create_customer_invoice", items=("invoice_lines",), fault_at=("quantity",),
              fault_value="12", fault_keyword="type", vary=_pennylane_line, finish=_pennylane_sections),
        Shape("pigello.create_debt_invoice", items=None, fault_at=("fee",), fault_value="60",
              fault_keyword="type"),
        Shape("riverty.create_receivable", items=("sessions", 0, "segments"),
              fault_at=("assignedRight", "monetaryValue", "value", "currencyValue"), fault_value=24.0,
              fault_keyword="type", vary=_riverty_segment),
    )
}


def _leaves(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_leaves(item) for item in value.values())
    if isinstance(value, list):
        return sum(_leaves(item) for item in value)
    return 1


def richest_example(operation: str) -> Any:
    """The request example with the most values (the schema's every-field example); ties go to the first."""
    return max(invoicespec.validator(operation).examples, key=_leaves)


def _at(value: Any, path: Path) -> Any:
    for step in path:
        value = value[step]
    return value


def _put(value: Any, path: Path, new: Any) -> None:
    _at(value, path[:-1])[path[-1]] = new


def pointer(path: Path) -> str:
    """The JSON Pointer (RFC 6901) of a path."""
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in path)


def build(shape: Shape, size: int | None) -> Workload:
    """The valid and invalid payloads of ``shape`` with ``size`` items (``None``: the body as it is)."""
    valid = richest_example(shape.operation)
    fault_path = shape.fault_at
    if shape.items is not None:
        templates = _at(valid, shape.items)
        items = [copy.deepcopy(templates[index % len(templates)]) for index in range(size)]
        for index, item in enumerate(items):
            shape.vary(item, index)
        _put(valid, shape.items, items)
        shape.finish(valid, size)
        fault_path = (*shape.items, size - 1, *shape.fault_at)
    invalid = copy.deepcopy(valid)
    _put(invalid, fault_path, shape.fault_value)
    faulty, faulty_paths = None, ()
    if shape.items is not None and size is not None and size >= MANY_FAULTS:
        faulty = copy.deepcopy(valid)
        every = size // MANY_FAULTS
        paths = [(*shape.items, index, *shape.fault_at) for index in range(every - 1, size, every)]
        for path in paths:
            _put(faulty, path, shape.fault_value)
        faulty_paths = tuple(pointer(path) for path in paths)
    without_phone = None
    if shape.phones:
        without_phone = copy.deepcopy(valid)
        for path in shape.phones:
            del _at(without_phone, path[:-1])[path[-1]]
    return Workload(shape.operation, size, valid, invalid, pointer(fault_path), shape.fault_keyword, faulty,
                    faulty_paths, without_phone)


def workloads(operations: tuple[str, ...]) -> list[Workload]:
    """Every workload of the given operations, in order of operation then size."""
    return [build(SHAPES[operation], size) for operation in operations for size in SHAPES[operation].sizes]
