"""The library driven from outside: payload files, the YAML loader, batches and JSON Lines."""
