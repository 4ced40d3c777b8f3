"""Contracts turned into outputs: the human reference (Markdown and HTML) and the OpenAPI export."""
