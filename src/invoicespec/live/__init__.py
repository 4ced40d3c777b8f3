"""Live traffic: the contract mock server (:mod:`.app`) and what it shares with the validating transports
(:mod:`invoicespec.httpx`, :mod:`invoicespec.requests`): routing a request to its operation and checking it whole
(:mod:`.contract`), and choosing a documented answer (:mod:`.answers`)."""
