"""Contracts loaded and checked: folders of YAML documents and manifests, an offline registry, and the
schema walks every other part reads them with."""
