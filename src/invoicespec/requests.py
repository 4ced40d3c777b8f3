"""A requests transport adapter that holds every call to the contract: :class:`ValidatingAdapter`.

    import requests
    from invoicespec.requests import ValidatingAdapter

    session = requests.Session()
    session.mount("https://", ValidatingAdapter())
    session.post("https://sandbox.getbill.io/external-api/v1/debts", json=debt, headers=credentials)

It checks what :mod:`invoicespec.httpx`'s transports check, the same way: a request
matching an operation (its path template at the end of the URL's path) is checked
whole before it is sent and raises :class:`~invoicespec.InvalidPayload` when invalid
(nothing is sent); the answer is checked against ``response.<status>``; the policies
``"raise"``, ``"warn"`` and ``"record"`` apply to requests and answers apart. A body
sent as a stream (a generator or a file) cannot be read before it is sent, so it is
checked as an empty body: send bytes, text or ``json=``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError("invoicespec.requests needs requests: pip install requests") from error

from invoicespec.catalog.load import Catalog
from invoicespec._errors import InvalidPayload
from invoicespec.live.contract import CallChecker, ContractWarning, Policy

__all__ = ["ContractWarning", "ValidatingAdapter"]


class ValidatingAdapter(HTTPAdapter):
    """A ``requests`` adapter that checks each request before sending it and each answer after.

    ``catalog``, ``check_responses``, ``on_request`` and ``on_response`` are those of
    :class:`invoicespec.httpx.ValidatingTransport`; other keyword arguments go to ``HTTPAdapter``.
    """

    def __init__(
        self, *, catalog: Catalog | None = None, check_responses: bool = True, on_request: Policy = "raise",
        on_response: Policy = "raise", **adapter_options: Any,
    ) -> None:
        self.checker = CallChecker(catalog, check_responses=check_responses,
                                   on_request=on_request, on_response=on_response)
        super().__init__(**adapter_options)

    @property
    def violations(self) -> list[InvalidPayload]:
        """Under the ``"record"`` policy: every violation seen, one ``InvalidPayload`` per part, in order."""
        return self.checker.violations

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        body = request.body
        raw = body.encode("utf-8") if isinstance(body, str) else body if isinstance(body, bytes) else b""
        path = urlsplit(request.url or "").path
        operation = self.checker.check_request(request.method or "GET", path, request.headers.items(), raw)
        response = super().send(request, *args, **kwargs)
        if operation is not None and self.checker.check_responses:
            self.checker.check_response(operation, response.status_code, response.content)
        return response
