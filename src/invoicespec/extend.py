"""Keywords of your own: define an ``x-`` keyword in Python and hand it to :func:`invoicespec.load_catalog`.

    from invoicespec.extend import Keyword, error

    def validate(validator, argument, instance, schema):
        if isinstance(instance, str) and not instance.startswith(argument["prefix"]):
            yield error(f"does not start with {argument['prefix']!r}")

    PREFIX = Keyword(
        name="x-prefix",
        summary="the text does not start with the required prefix",
        validate=validate,
        argument_schema={"description": "The text starts with `prefix`.", "type": "object",
                         "required": ["prefix"], "additionalProperties": False,
                         "properties": {"prefix": {"type": "string"}}},
    )
    catalog = invoicespec.load_catalog("contracts", keywords=[PREFIX])

A :class:`Keyword` needs a name (``x-`` and lower-case words joined by hyphens), a one-line ``summary`` (what
its errors mean), ``validate`` (jsonschema's keyword function shape: ``(validator, argument, instance, schema)``,
yielding :func:`error`\\ s) and the ``argument_schema`` that every use of it is checked against when the schemas
load. Optional hooks: ``normalize`` ``(argument, value) -> value``; ``instance_type`` and ``generate_value``
``(argument, node, type_name) -> strategy`` to generate valid values by construction (without one, the
strategies draw values of the schema's other keywords and filter them through the validator, which is slower
and may fail a health check for a strict rule); ``fault`` ``(argument, value, site) -> Iterator[Fault]`` to
break a valid value; ``openapi_lower`` ``(schema) -> schema`` for the OpenAPI export; ``docs_constraint``
``(argument) -> text`` for the reference's Constraints column. Module-level functions (not lambdas) keep a
catalog's validators picklable (``--jobs``, Dask).
"""

from __future__ import annotations

from invoicespec.keywords.keyword import Errors, Fault, Keyword, error, replace_with
from invoicespec.keywords.registry import REGISTRY, register, unregister

__all__ = ["REGISTRY", "Errors", "Fault", "Keyword", "error", "register", "replace_with", "unregister"]
