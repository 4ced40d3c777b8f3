"""Grouping the walk's rows and rules across variants: one row per path when every variant agrees, else one
per group of variants, labelled with the fewest variants that single it out."""

from __future__ import annotations

from invoicespec.outputs.docs.model import Field, Rule, field_anchor
from invoicespec.outputs.docs.walk import Chain, PartWalk, Row, RowKey

__all__ = ["field_rows", "rule_list", "variant_text"]


def _condition(chain: Chain, group: set[Chain], total: set[Chain]) -> tuple[str, ...]:
    """The fewest variants of ``chain`` that still single out chains of ``group`` among ``total``."""
    kept = list(chain)
    for component in reversed(chain):  # inner variants go first: the outer ones usually say more
        trial = [c for c in kept if c != component]
        if all(other in group for other in total if set(trial) <= set(other)):
            kept = trial
    return tuple(label for _, label in kept)


def variant_text(group: list[Chain], total: set[Chain]) -> str:
    members = set(group)
    if members == total:
        return ""
    conditions = list(dict.fromkeys(_condition(chain, members, total) for chain in group))
    if any(not condition for condition in conditions):  # cannot be told apart more simply: say it all
        conditions = [tuple(label for _, label in chain) for chain in group]
    return "; ".join(" › ".join(condition) for condition in conditions)


def _parent(path: str) -> str | None:
    return None if not path else path.rsplit("/", 1)[0]


def field_rows(walk: PartWalk, operation: str, part: str, rules: dict[str, list[Rule]]) -> tuple[Field, ...]:
    chains_at = {path: [chain for chain, _ in entries] for path, entries in walk.rows.items()}
    rows: list[Field] = []
    for path in sorted(walk.rows, key=lambda p: (walk.order.get(p, ()), p)):
        entries = walk.rows[path]
        total = {chain for chain, _ in entries}
        parent = _parent(path)
        for upper in chains_at.get(parent, []) if parent is not None else []:
            if not any(chain[:len(upper)] == upper for chain in total):
                total.add(upper)  # the field does not exist in that variant
        groups: dict[RowKey, tuple[Row, list[Chain]]] = {}
        for chain, row in entries:
            groups.setdefault(row.key(), (row, []))[1].append(chain)
        for index, (row, group) in enumerate(groups.values(), start=1):
            rows.append(Field(
                path=path, variant=variant_text(group, total), types=row.types, required=row.required,
                nullable=row.nullable, constraints=row.constraints, values=row.values, default=row.default,
                description=row.description, notes=row.notes, anchor=field_anchor(operation, part, path, index),
                rules=tuple(rules.get(path, ())),
            ))
    return tuple(rows)


def rule_list(walk: PartWalk, operation: str, part: str) -> tuple[tuple[Rule, ...], dict[str, list[Rule]]]:
    """Every rule (in path order), and for each field path the rules that name it."""
    found = []
    naming: dict[str, list[Rule]] = {}
    keys = sorted(walk.rule_order, key=lambda k: (walk.order.get(k[0], ()), k[0]))  # stable: keeps first-seen order
    for key in keys:
        path, keyword, text = key
        total = {chain for chain, _ in walk.rows.get(path, [])}
        rule = Rule(path=path, keyword=keyword, text=text, variant=variant_text(walk.rules[key], total),
                    anchor=field_anchor(operation, part, path))
        found.append(rule)
        for named in walk.involved[key]:
            naming.setdefault(named, []).append(rule)
    return tuple(found), naming
