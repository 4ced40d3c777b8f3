"""What the fast path's checks of keywords about an array's items share: JSON Pointers relative to each
item, parsed once, and the source that asks only arrays of two items or more."""

from __future__ import annotations

from typing import Any

from invoicespec.rules.pointer import parse_pointer

__all__ = ["ArrayCheck"]


class ArrayCheck:
    """A rule about an array's items, read at JSON Pointers relative to each item (parsed once)."""

    __slots__ = ("keys",)

    def __init__(self, parent_schema: dict[str, Any], value: list[str], schema_path: list[Any]) -> None:
        self.keys = [parse_pointer(pointer) for pointer in value]

    def inline(self, value: str, me: str) -> list[str]:
        """Asked only of two items or more: one item is always the same as itself, and unique."""
        return [f"if isinstance({value}, list) and len({value}) > 1: {me}.validate({value})"]

    def validate(self, instance: Any) -> None:
        raise NotImplementedError
