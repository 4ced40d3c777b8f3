"""jsonschema's ``descend``, without a new validator object per visit, through public API only.

The jsonschema path (error reports, and the reference the fast path is held to)
walks a subschema by ``descend``: it makes a new validator for it (``evolve``, which
looks up the dialect and lists the subschema's keywords again), runs its keywords,
and on the way out prefixes each error's paths. For a small payload with one fault,
those new objects were a sixth of a report.

:func:`descend` does the same walk and yields the same errors, but keeps each
subschema's validator once made, by the subschema, the resolver it is read with
(its base URI and dynamic scope) and what else the validator carries (registry,
format checker), and it fills in the details only of the errors made at each level
(an error from a level below has them already). Validators are never changed once
made, so sharing them between threads is safe. It is installed on the library's own
validator classes only (``engine.validator._jsonschema_classes``).

jsonschema keeps a validator's ``referencing.Resolver`` private (``_resolver``, and
the ``_resolver=`` argument of ``evolve``; see python-jsonschema/jsonschema#1335),
and offers no public way to make a validator read a subschema with a given
resolver. So this module keeps its own record of which resolver each of its
validators reads with (:func:`resolver_of`), and makes a subschema's validator the
public way: ``evolve(schema=...)`` when the resolver is the parent's, else a
validator constructed on the resource the resolver stands at (``registry=`` is
public; jsonschema roots the resolver at the resource's ``$id``), evolved to the
subschema. Where that cannot reproduce jsonschema's resolver (a resource without
an ``$id``, a ``$dynamicRef`` that needs the dynamic scope, a validator this module
did not make), the walk is jsonschema's own ``descend``, which stays exact. Nor can
an error's details be filled in publicly (``ValidationError._set``; its type checker
is a constructor argument only): an error made at a level is copied once, with them
(:func:`_filled`).
"""

from __future__ import annotations

import weakref
from typing import Any, cast

__all__ = ["compile_root", "descend", "holds", "install", "resolver_of"]

# (class, schema, resolver, registry, format checker) ids -> (the validator, what keeps the ids
# its own). Bounded: schemas come from the catalog, resolvers from its documents' base URIs.
_EVOLVED: dict[tuple[int, int, int, int, int], tuple[tuple[Any, Any], tuple[Any, ...]]] = {}
_MAX_EVOLVED = 4096
# id(validator) -> (a weak reference to it, the resolver it reads with, its registry, whether a
# $dynamicRef can be reached from its root), for the validators made here (roots and kept
# subschema validators); an entry goes with its validator.
_KNOWN: dict[int, tuple[weakref.ref[Any], Any, Any, bool]] = {}
# class -> (its stock descend, the create_resource of its dialect), for the installed classes.
_CLASSES: dict[type, tuple[Any, Any]] = {}
_CANNOT: Any = object()  # the kept answer "cannot be made the public way"
# (parent, subschema, resolver or None) ids -> (the three, (the subschema's validator, its keywords)):
# what a descend finds, found once.
_CHILD: dict[tuple[int, int, int], tuple[Any, Any, Any, Any]] = {}
_NO_SCOPE = frozenset({"if", "$ref"})  # keywords jsonschema leaves out of an error's schema path
_UNSET: Any = None  # a detail not filled in yet: what the public constructor leaves (set by install)


def _remember(validator: Any, resolver: Any, registry: Any, dynamic: bool) -> None:
    key = id(validator)

    def forget(ref: weakref.ref[Any], key: int = key) -> None:
        found = _KNOWN.get(key)
        if found is not None and found[0] is ref:
            del _KNOWN[key]

    _KNOWN[key] = (weakref.ref(validator, forget), resolver, registry, dynamic)


def _known(validator: Any) -> tuple[weakref.ref[Any], Any, Any, bool] | None:
    found = _KNOWN.get(id(validator))
    return found if found is not None and found[0]() is validator else None


def compile_root(cls: Any, schema: Any, registry: Any, format_checker: Any) -> Any:
    """``cls(schema, registry=registry, format_checker=format_checker)``, with its resolver recorded.

    The resolver is the one jsonschema builds for it (the specifications' registry combined
    with ``registry``, rooted at ``schema``), built here again from public parts.
    """
    from jsonschema_specifications import REGISTRY as SPECIFICATIONS

    validator = cls(schema, registry=registry, format_checker=format_checker)
    create_resource = _CLASSES[cls][1] if cls in _CLASSES else _create_resource_of(cls)
    resolver = SPECIFICATIONS.combine(registry).resolver_with_root(create_resource(schema))
    _remember(validator, resolver, registry, _reaches_dynamic_ref(schema, resolver, create_resource))
    return validator


def _reaches_dynamic_ref(schema: Any, resolver: Any, create_resource: Any) -> bool:
    """Whether a ``$dynamicRef`` can be reached from ``schema``, following ``$ref`` (as
    ``catalog.load.reachable``, but reading a subschema with an ``$id`` at its own base URI, and
    passing over a ``$ref`` that does not resolve: the walk reports that one jsonschema's way)."""
    from invoicespec.catalog.load import ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS

    seen: set[int] = set()
    stack = [(schema, resolver)]
    while stack:
        schema, resolver = stack.pop()
        if not isinstance(schema, dict) or id(schema) in seen:
            continue
        seen.add(id(schema))
        if "$dynamicRef" in schema:
            return True
        resolver = resolver.in_subresource(create_resource(schema))
        if isinstance(schema.get("$ref"), str):
            try:
                resolved = resolver.lookup(schema["$ref"])
            except Exception:  # noqa: BLE001, S112 - unresolvable: nothing below it is walked
                pass
            else:
                stack.append((resolved.contents, resolved.resolver))
        for key, item in schema.items():
            if key in SCHEMA_MAPS and isinstance(item, dict):
                stack.extend((below, resolver) for below in item.values())
            elif key in SCHEMA_LISTS and isinstance(item, list):
                stack.extend((below, resolver) for below in item)
            elif key in ONE_SCHEMA:
                stack.append((item, resolver))
    return False


def resolver_of(validator: Any) -> Any:
    """The ``referencing.Resolver`` a validator made here reads its schema with."""
    found = _known(validator)
    if found is None:
        raise LookupError(f"{validator!r} was not made by invoicespec.engine.descend")
    return found[1]


def holds(validator: Any, instance: Any, schema: Any, resolver: Any) -> bool:
    """Whether ``instance`` is valid against ``schema`` read with ``resolver``, below ``validator``.

    ``validator.evolve(schema=schema, _resolver=resolver).is_valid(instance)``, which names a
    private argument of jsonschema, through its public ``descend``.
    """
    return next(iter(validator.descend(instance, schema, resolver=resolver)), None) is None


def _make(parent: Any, schema: Any, resolver: Any, own: Any, registry: Any, dynamic: bool) -> Any:
    """The validator of ``schema`` read with ``resolver`` (``parent`` reads with ``own``), or _CANNOT."""
    if isinstance(schema, dict) and "$dynamicRef" in schema:
        return _CANNOT  # jsonschema's walk passes the dynamic scope along with the resolver
    if resolver is own:
        return parent.evolve(schema=schema)
    if dynamic:
        return _CANNOT  # a constructed validator's own resolver would not carry the dynamic scope
    from jsonschema.validators import validator_for

    id_of = parent.ID_OF
    if id_of(schema) is not None:  # a resource of its own: jsonschema roots the resolver at its $id
        root = schema
    else:
        try:
            root = resolver.lookup("#").contents  # the resource the resolver's base URI names
        except Exception:  # noqa: BLE001 - nothing there: jsonschema's own walk says what it says
            return _CANNOT
        if not isinstance(root, dict) or id_of(root) is None:
            return _CANNOT  # its base URI cannot be given back to jsonschema
    made = validator_for(root, default=type(parent))(root, registry=registry, format_checker=parent.format_checker)
    return made if root is schema else made.evolve(schema=schema)


def _evolved(parent: Any, schema: Any, resolver: Any, own: Any, registry: Any, dynamic: bool) -> tuple[Any, Any]:
    checker = parent.format_checker
    key = (id(parent.__class__), id(schema), id(resolver), id(registry), id(checker))
    found = _EVOLVED.get(key)
    if found is not None:
        return found[0]
    evolved: Any = _make(parent, schema, resolver, own, registry, dynamic)
    keywords = None
    if evolved is not _CANNOT:
        _remember(evolved, resolver, registry, dynamic)
        if evolved.__class__ in _CLASSES and isinstance(schema, dict):  # 2020-12: each member that is a keyword
            known: dict[str, Any] = cast(Any, evolved).VALIDATORS  # the sentinel test narrows it to object
            keywords = [(known[k], k, v) for k, v in schema.items() if k in known]
    if len(_EVOLVED) >= _MAX_EVOLVED:
        _EVOLVED.clear()
    _EVOLVED[key] = ((evolved, keywords), (parent.__class__, schema, resolver, registry, checker))
    return evolved, keywords


def _child(parent: Any, schema: Any, resolver: Any) -> tuple[Any, Any]:
    """The kept validator of ``schema`` below ``parent`` and its keywords (read with ``resolver``, or
    as jsonschema reads a subschema: the parent's resolver, moved into the subschema when it has an
    ``$id``)."""
    known = _known(parent) if schema is not True and schema is not False else None
    if known is None:
        return _CANNOT, None
    own, registry, dynamic = known[1], known[2], known[3]
    moved = own.in_subresource(_CLASSES[parent.__class__][1](schema)) if resolver is None else resolver
    kept = _evolved(parent, schema, moved, own, registry, dynamic)
    if len(_CHILD) >= _MAX_EVOLVED:
        _CHILD.clear()
    # all three kept alive: their ids stay their own
    _CHILD[(id(parent), id(schema), id(resolver))] = (parent, schema, resolver, kept)
    return kept


def descend(
    self: Any, instance: Any, schema: Any, path: Any = None, schema_path: Any = None, resolver: Any = None,
) -> Any:
    """``Validator.descend`` as jsonschema (4.23 to 4.26) writes it, with the validator kept.

    The keywords run as jsonschema's ``iter_errors`` runs them, but only the errors made at this
    level get their details filled in: one that comes from a level below has them all already.
    """
    child = _CHILD.get((id(self), id(schema), id(resolver)))
    if child is not None and child[0] is self and child[1] is schema and child[2] is resolver:
        evolved, keywords = child[3]
    else:
        evolved, keywords = _child(self, schema, resolver)
    if evolved is _CANNOT:  # a boolean schema, a validator made elsewhere: jsonschema's own walk
        stock = _CLASSES[self.__class__][0]
        for error in stock(self, instance, schema, path, schema_path, resolver):
            # jsonschema's own level above would give a False schema's error its type checker
            yield _filled(error, None, None, None, None, self.TYPE_CHECKER) if schema is False else error
        return
    if keywords is None:  # a validator of another class (a subschema's $schema): its own iter_errors
        for error in evolved.iter_errors(instance):
            if path is not None:
                error.path.appendleft(path)
            if schema_path is not None:
                error.schema_path.appendleft(schema_path)
            yield error
        return
    for function, keyword, value in keywords:
        errors = function(evolved, value, instance, schema)
        if errors is None:
            continue
        for error in errors:
            if (
                error.validator is _UNSET or error.validator_value is _UNSET or error.instance is _UNSET
                or error.schema is _UNSET
            ):
                error = _filled(error, keyword, value, instance, schema, evolved.TYPE_CHECKER)
            if keyword not in _NO_SCOPE:
                error.schema_path.appendleft(keyword)
            if path is not None:
                error.path.appendleft(path)
            if schema_path is not None:
                error.schema_path.appendleft(schema_path)
            yield error


def _filled(error: Any, keyword: Any, value: Any, instance: Any, schema: Any, checker: Any) -> Any:
    """The error with its unset details filled in, as jsonschema's private ``ValidationError._set`` does.

    Its type checker can only be given through the public constructor, so this is a copy: the
    same message, paths, cause and context (whose errors then name the copy as their parent).
    """
    unset = _UNSET
    return type(error)(
        error.message, validator=keyword if error.validator is unset else error.validator,
        path=error.relative_path, cause=error.cause, context=error.context,
        validator_value=value if error.validator_value is unset else error.validator_value,
        instance=instance if error.instance is unset else error.instance,
        schema=schema if error.schema is unset else error.schema,
        schema_path=error.relative_schema_path, parent=error.parent, type_checker=checker,
    )


def _create_resource_of(cls: Any) -> Any:
    """The ``create_resource`` of ``cls``'s dialect, as jsonschema's ``create()`` finds it."""
    import referencing
    import referencing.jsonschema

    return referencing.jsonschema.specification_with(
        dialect_id=cls.ID_OF(cls.META_SCHEMA) or "urn:unknown-dialect", default=referencing.Specification.OPAQUE,
    ).create_resource


def install(cls: Any) -> Any:
    """Give ``cls`` (a class from ``jsonschema.validators.extend``) this :func:`descend`; returns it."""
    global _UNSET
    from jsonschema import ValidationError

    _UNSET = ValidationError("a detail left unset").validator
    if cls not in _CLASSES:
        _CLASSES[cls] = (cls.descend, _create_resource_of(cls))
        cls.descend = descend
    return cls
