"""Contracts compiled into validators: the full (jsonschema) path that reports, and the fast (jsonschema-rs)
path that decides."""
