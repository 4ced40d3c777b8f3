"""What the benchmark times: invoicespec, a stock-jsonschema baseline, two standard-only validators and a floor.

Every contender of an operation is a :class:`Contender`: a callable timed on a
payload, and (except for the floor) a verdict function used to check, before
any timing, that it accepts the valid payloads and refuses the invalid ones.

- ``invoicespec.is_valid`` / ``invoicespec.errors``: the public API.
- ``baseline.*``: python-jsonschema's ``Draft202012Validator`` extended with the
  library's ``x-`` keyword functions and ``readOnly`` assertion, the natural way to
  write such a validator; the standard keywords are jsonschema's own.
- ``rs``: jsonschema-rs on the standard keywords alone (``x-`` keywords dropped).
- ``fastjsonschema``: the same standard-only schema bundled into one draft-07
  document (see :func:`draft07_bundle` for what the conversion changes).
- ``floor``: a pure-Python walk of the payload that checks nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import fastjsonschema
import jsonschema_rs
from jsonschema import Draft202012Validator, validators

import invoicespec
from invoicespec.keywords import formats as _formats
from invoicespec.keywords import standard as _keywords
from invoicespec.catalog.load import META_FOLDER, ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS, shipped, subschemas

__all__ = ["CONTENDERS", "Contender", "contenders", "draft07_bundle", "floor_walk", "has_phone_or_iban"]

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"

#: Contender key -> column label, in the order the report shows them.
CONTENDERS = {
    "floor": "floor (walk)",
    "baseline.is_valid": "baseline is_valid",
    "baseline.iter_errors": "baseline iter_errors",
    "rs.is_valid": "jsonschema-rs std-only",
    "fastjsonschema.validate": "fastjsonschema std-only",
    "invoicespec.is_valid": "invoicespec is_valid",
    "invoicespec.errors": "invoicespec errors",
    "jsonschema.iter_errors": "python-jsonschema std-only iter_errors",
    "invoicespec.normalize": "invoicespec normalize",
}

#: Formats the dialect allows that fastjsonschema does not know, as simple shape-only regexes.
FASTJSONSCHEMA_FORMATS = {
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z",
    "local-date-time": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\Z",
    "date-time-optional-offset": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([zZ]|[+-]\d\d:\d\d)?\Z",
}

#: 2020-12 keywords with no draft-07 equivalent: a part that uses one is shown as n/a.
_NO_DRAFT_07 = frozenset({
    "$anchor", "$dynamicAnchor", "$dynamicRef", "unevaluatedItems", "unevaluatedProperties",
    "minContains", "maxContains",
})


@dataclass(frozen=True)
class Contender:
    """One way to validate one operation's request body."""

    key: str
    call: Callable[[Any], Any] | None  # what is timed; None when the contender cannot run this part
    verdict: Callable[[Any], bool] | None = None  # True for a valid payload; None for the floor
    reason: str = ""  # why ``call`` is None


def floor_walk(value: Any) -> None:
    """Visit every value of a JSON payload, dispatching on its type, and check nothing."""
    if isinstance(value, dict):
        for item in value.values():
            floor_walk(item)
    elif isinstance(value, list):
        for item in value:
            floor_walk(item)


# -- the schemas each contender is given ---------------------------------------------------------


def request_uri(operation: str) -> str:
    """The ``$id`` of an operation's request body schema."""
    return invoicespec.operation_info(operation).parts["request"].schema_uri


def _schema_nodes(schema: Any) -> list[dict]:
    """Every schema object inside ``schema`` (itself included), following draft 2020-12's keywords."""
    return [node for _, node in subschemas(schema)]


def _referenced(documents: dict[str, dict], root: str) -> list[str]:
    """The documents ``root`` reaches through ``$ref``, itself first."""
    seen, stack = [root], [root]
    while stack:
        uri = stack.pop()
        for node in _schema_nodes(documents[uri]):
            ref = node.get("$ref")
            target = urljoin(uri, ref).partition("#")[0] if isinstance(ref, str) else None
            if target in documents and target not in seen:  # others are refused when converting
                seen.append(target)
                stack.append(target)
    return seen


def has_phone_or_iban(operation: str) -> bool:
    """Whether the request body, or a schema it references, checks phone numbers or IBANs (costly rules)."""
    documents = shipped().documents
    return any(
        keyword in node
        for uri in _referenced(documents, request_uri(operation))
        for node in _schema_nodes(documents[uri])
        for keyword in ("x-phone", "x-destination-cost", "x-iban")
    )


@lru_cache(maxsize=1)
def standard_documents() -> dict[str, dict]:
    """Every shipped schema document (meta-schemas aside) without its ``x-`` keywords, declared plain 2020-12."""
    documents = {}
    for uri, document in shipped().documents.items():
        if f"/{META_FOLDER}" in uri:
            continue
        document = copy.deepcopy(document)
        for node in _schema_nodes(document):
            for key in [key for key in node if key.startswith("x-")]:
                del node[key]
        document["$schema"] = DRAFT_2020_12
        documents[uri] = document
    return documents


class Unconvertible(Exception):
    """The part uses something draft 07 cannot say; the text says what."""


def _draft07_ref(ref: str, base: str, names: dict[str, str]) -> str:
    """A reference into the bundle: ``#/definitions/<document>`` then the fragment, ``$defs`` renamed."""
    uri, _, fragment = urljoin(base, ref).partition("#")
    if uri not in names:
        raise Unconvertible(f"$ref {ref!r} leaves the shipped schemas")
    if fragment and not fragment.startswith("/"):
        raise Unconvertible(f"$ref {ref!r} names an anchor")
    steps = ["definitions" if step == "$defs" else step for step in fragment.split("/")[1:]]
    return "/".join(["#", "definitions", names[uri], *steps])


def _add_dependencies(converted: dict, dependencies: dict) -> None:
    """Draft 07's ``dependencies`` holds both kinds, one per field: two for one field cannot be said."""
    merged = converted.setdefault("dependencies", {})
    both = sorted(set(merged) & set(dependencies))
    if both:
        raise Unconvertible(f"dependentRequired and dependentSchemas both name {', '.join(both)}")
    merged.update(dependencies)


def _draft07(schema: Any, base: str, names: dict[str, str]) -> Any:
    """One schema converted to draft 07, its references pointing into the bundle."""
    if not isinstance(schema, dict):
        return schema
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _NO_DRAFT_07:
            raise Unconvertible(f"{key} has no draft-07 equivalent")
        if key in ("$schema", "$id"):
            continue
        if key == "$ref":
            converted["$ref"] = _draft07_ref(value, base, names)
        elif key == "$defs":
            converted["definitions"] = {name: _draft07(sub, base, names) for name, sub in value.items()}
        elif key == "dependentRequired":
            _add_dependencies(converted, value)
        elif key == "dependentSchemas":
            _add_dependencies(converted, {name: _draft07(sub, base, names) for name, sub in value.items()})
        elif key == "prefixItems":
            converted["items"] = [_draft07(sub, base, names) for sub in value]
            if "items" in schema:
                converted["additionalItems"] = _draft07(schema["items"], base, names)
        elif key == "items" and "prefixItems" in schema:
            continue  # became additionalItems above
        elif key in SCHEMA_MAPS:
            converted[key] = {name: _draft07(sub, base, names) for name, sub in value.items()}
        elif key in SCHEMA_LISTS:
            converted[key] = [_draft07(sub, base, names) for sub in value]
        elif key in ONE_SCHEMA:
            converted[key] = _draft07(value, base, names)
        else:
            converted[key] = value
    if "$ref" in converted and len(converted) > 1:  # draft 07 ignores a $ref's siblings: keep them with allOf
        ref = {"$ref": converted.pop("$ref")}
        converted["allOf"] = [ref, *converted.get("allOf", [])]
    return converted


def draft07_bundle(documents: dict[str, dict], root: str) -> dict:
    """One self-contained draft-07 document equivalent, on the standard keywords, to ``root``.

    Each document ``root`` reaches becomes an entry of ``definitions`` and the
    root applies the first through ``allOf``. Within each: ``$defs`` becomes
    ``definitions``, ``dependentRequired`` and ``dependentSchemas`` become
    ``dependencies``, ``prefixItems`` becomes array-form ``items`` (with the old
    ``items`` as ``additionalItems``), and a ``$ref`` with siblings moves into an
    ``allOf`` (draft 07 ignores a ``$ref``'s siblings). Raises
    :class:`Unconvertible` for keywords draft 07 lacks (``unevaluated*``,
    ``$dynamicRef``, anchors, ``min/maxContains``).
    """
    reached = _referenced(documents, root)
    names = {uri: f"doc{index}" for index, uri in enumerate(reached)}
    return {
        "$schema": DRAFT_07,
        "definitions": {names[uri]: _draft07(documents[uri], uri, names) for uri in reached},
        "allOf": [{"$ref": f"#/definitions/{names[root]}"}],
    }


# -- the contenders ------------------------------------------------------------------------------


def _baseline(operation: str) -> Draft202012Validator:
    """Stock jsonschema with the library's ``x-`` keyword functions, as one would first write it."""
    keywords = {**_keywords.VOCABULARY, "readOnly": _keywords.read_only}
    cls = validators.extend(Draft202012Validator, keywords)
    schema = shipped().documents[request_uri(operation)]
    return cls(schema, registry=shipped().registry, format_checker=_formats.format_checker())


@lru_cache(maxsize=1)
def _rs_registry() -> jsonschema_rs.Registry:
    return jsonschema_rs.Registry(list(standard_documents().items()))


def _standard_jsonschema(operation: str) -> Draft202012Validator:
    """Stock python-jsonschema on the standard keywords alone (the documents jsonschema-rs gets)."""
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resources(
        (uri, DRAFT202012.create_resource(document)) for uri, document in standard_documents().items())
    return Draft202012Validator(standard_documents()[request_uri(operation)], registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def _rs(operation: str) -> Any:
    uri = request_uri(operation)
    return jsonschema_rs.validator_for(
        standard_documents()[uri], registry=_rs_registry(), validate_formats=True, ignore_unknown_formats=True,
        offline=True, base_uri=uri,
    )


def _fastjsonschema(operation: str) -> Contender:
    key = "fastjsonschema.validate"
    try:
        bundle = draft07_bundle(standard_documents(), request_uri(operation))
    except Unconvertible as problem:
        return Contender(key, None, reason=str(problem))
    validate = fastjsonschema.compile(bundle, formats=FASTJSONSCHEMA_FORMATS, use_default=False)

    def is_valid(instance: Any) -> bool:
        try:
            validate(instance)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return Contender(key, is_valid, is_valid)


def contenders(operation: str) -> dict[str, Contender]:
    """Every contender for ``operation``'s request body, by key, in :data:`CONTENDERS` order."""
    ours = invoicespec.validator(operation)
    baseline = _baseline(operation)
    rs = _rs(operation)

    standard = _standard_jsonschema(operation)

    def baseline_errors(instance: Any) -> list:
        return list(baseline.iter_errors(instance))

    def standard_errors(instance: Any) -> list:
        return list(standard.iter_errors(instance))

    found = [
        Contender("floor", floor_walk),
        Contender("baseline.is_valid", baseline.is_valid, baseline.is_valid),
        Contender("baseline.iter_errors", baseline_errors, lambda instance: not baseline_errors(instance)),
        Contender("rs.is_valid", rs.is_valid, rs.is_valid),
        _fastjsonschema(operation),
        Contender("invoicespec.is_valid", ours.is_valid, ours.is_valid),
        Contender("invoicespec.errors", ours.errors, lambda instance: not ours.errors(instance)),
        Contender("jsonschema.iter_errors", standard_errors, lambda instance: not standard_errors(instance)),
        Contender("invoicespec.normalize", ours.normalize),
    ]
    return {contender.key: contender for contender in found}
