"""Contracts turned into test data: valid payloads, single faults, and what the pytest plugin builds on."""
