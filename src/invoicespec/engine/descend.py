"""jsonschema's ``descend``, without a new validator object per visit.

The jsonschema path (error reports, and the reference the fast path is held to)
walks a subschema by ``descend``: it makes a new validator for it (``evolve``, which
looks up the dialect and lists the subschema's keywords again), calls each
keyword's function, and on the way out fills in each error's details and paths.
For a small payload with one fault, those new objects were a sixth of a report.

:func:`descend` does the same walk and yields the same errors, but keeps each
subschema's validator once made, by the subschema, the resolver it is read with
(its base URI and dynamic scope) and what else the validator carries (registry,
format checker), and it skips filling in details an inner level has already filled
in (``ValidationError._set`` only fills what is unset). Validators are never changed
once made, so sharing them between threads is safe. It is installed on the
library's own validator classes only (``_validator._jsonschema_classes``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["descend", "install"]

# (class, schema, resolver, registry, format checker) ids -> (the validator, what keeps the ids
# its own). Bounded: schemas come from the catalog, resolvers from its documents' base URIs.
_EVOLVED: dict[tuple[int, int, int, int, int], tuple[Any, tuple]] = {}
_MAX_EVOLVED = 4096
_NO_SCOPE = frozenset({"if", "$ref"})  # keywords jsonschema leaves out of an error's schema path


def _evolved(validator: Any, schema: Any, resolver: Any) -> Any:
    key = (id(validator.__class__), id(schema), id(resolver), id(validator._registry), id(validator.format_checker))
    found = _EVOLVED.get(key)
    if found is not None:
        return found[0]
    evolved = validator.evolve(schema=schema, _resolver=resolver)
    if len(_EVOLVED) >= _MAX_EVOLVED:
        _EVOLVED.clear()
    _EVOLVED[key] = (evolved, (validator.__class__, schema, resolver, validator._registry, validator.format_checker))
    return evolved


def descend(
    self: Any, instance: Any, schema: Any, path: Any = None, schema_path: Any = None, resolver: Any = None,
) -> Any:
    """``Validator.descend`` as jsonschema (4.23 to 4.26) writes it, with the validator kept."""
    if schema is True or schema is False or self._ref_resolver is not None:
        yield from self._stock_descend(instance, schema, path, schema_path, resolver)
        return
    if resolver is None:
        resolver = self._resolver.in_subresource(self._create_resource(schema))
    evolved = _evolved(self, schema, resolver)
    checker = evolved.TYPE_CHECKER
    for function, keyword, value in evolved._validators:
        errors = function(evolved, value, instance, schema)
        if errors is None:
            continue
        for error in errors:
            if (
                error.validator is _unset or error.validator_value is _unset or error.instance is _unset
                or error.schema is _unset or error._type_checker is _unset
            ):
                error._set(validator=keyword, validator_value=value, instance=instance, schema=schema,
                           type_checker=checker)
            if keyword not in _NO_SCOPE:
                error.schema_path.appendleft(keyword)
            if path is not None:
                error.path.appendleft(path)
            if schema_path is not None:
                error.schema_path.appendleft(schema_path)
            yield error


def install(cls: Any) -> Any:
    """Give ``cls`` (a class from ``jsonschema.validators.extend``) this :func:`descend`; returns it."""
    global _unset
    import referencing
    import referencing.jsonschema
    from jsonschema.exceptions import _unset as unset

    _unset = unset
    cls._create_resource = referencing.jsonschema.specification_with(
        dialect_id=cls.ID_OF(cls.META_SCHEMA) or "urn:unknown-dialect", default=referencing.Specification.OPAQUE,
    ).create_resource  # as jsonschema's create() finds it
    cls._stock_descend = cls.descend
    cls.descend = descend
    return cls


_unset: Any = None  # jsonschema's marker of a detail not yet filled in
