"""httpx transports that hold every call to the contract: :class:`ValidatingTransport` and
:class:`AsyncValidatingTransport`.

    import httpx
    from invoicespec.httpx import ValidatingTransport

    client = httpx.Client(base_url="https://sandbox.getbill.io", transport=ValidatingTransport())
    client.post("/external-api/v1/debts", json=debt, headers={"Authorization": f"Bearer {token}"})

A request whose method and URL path match an operation (the operation's path template
at the end of the URL's path, so any server prefix or sandbox host matches) is checked
before it is sent: path parameters, headers and body. An invalid one raises
:class:`~invoicespec.InvalidPayload` (``.part`` says which part failed, ``.errors``
what is wrong) and nothing is sent. The answer is checked against
``response.<status>``, or its class part (``response.4XX``); an answer that breaks it
raises ``InvalidPayload`` with ``.part`` such as ``"response.201"``. A request that
matches no operation passes through untouched.

What happens on a violation is a policy, set apart for requests and answers:
``"raise"`` (the default), ``"warn"`` (a :class:`ContractWarning`, and the call goes
on) or ``"record"`` (the call goes on, and the violation is kept in ``.violations``
for the test to inspect). Install with ``pip install 'invoicespec[http]'``.
"""

from __future__ import annotations

try:
    import httpx
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError("invoicespec.httpx needs httpx: pip install 'invoicespec[http]'") from error

from invoicespec.catalog.load import Catalog
from invoicespec._errors import InvalidPayload
from invoicespec.live.contract import CallChecker, ContractWarning, Policy

__all__ = ["AsyncValidatingTransport", "ContractWarning", "ValidatingTransport"]


class ValidatingTransport(httpx.BaseTransport):
    """An httpx transport that checks each request before sending it and each answer after.

    ``wrapped`` is the transport that sends (``httpx.HTTPTransport()`` by default); ``catalog`` the
    operations to check against (the shipped ones by default); ``check_responses=False`` checks requests only.
    ``on_request`` and ``on_response`` are the policies: ``"raise"``, ``"warn"`` or ``"record"``.
    """

    def __init__(
        self, wrapped: httpx.BaseTransport | None = None, *, catalog: Catalog | None = None,
        check_responses: bool = True, on_request: Policy = "raise", on_response: Policy = "raise",
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.HTTPTransport()
        self.checker = CallChecker(catalog, check_responses=check_responses,
                                   on_request=on_request, on_response=on_response)

    @property
    def violations(self) -> list[InvalidPayload]:
        """Under the ``"record"`` policy: every violation seen, one ``InvalidPayload`` per part, in order."""
        return self.checker.violations

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        matched = self.checker.check_request(request.method, request.url.path, request.headers.multi_items(),
                                             request.read())
        response = self.wrapped.handle_request(request)
        if matched is not None and self.checker.check_responses:
            self.checker.check_response(matched, response.status_code, response.read())
        return response

    def close(self) -> None:
        self.wrapped.close()


class AsyncValidatingTransport(httpx.AsyncBaseTransport):
    """The same as :class:`ValidatingTransport`, for ``httpx.AsyncClient``."""

    def __init__(
        self, wrapped: httpx.AsyncBaseTransport | None = None, *, catalog: Catalog | None = None,
        check_responses: bool = True, on_request: Policy = "raise", on_response: Policy = "raise",
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.AsyncHTTPTransport()
        self.checker = CallChecker(catalog, check_responses=check_responses,
                                   on_request=on_request, on_response=on_response)

    @property
    def violations(self) -> list[InvalidPayload]:
        """Under the ``"record"`` policy: every violation seen, one ``InvalidPayload`` per part, in order."""
        return self.checker.violations

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        matched = self.checker.check_request(
            request.method, request.url.path, request.headers.multi_items(), await request.aread())
        response = await self.wrapped.handle_async_request(request)
        if matched is not None and self.checker.check_responses:
            self.checker.check_response(matched, response.status_code, await response.aread())
        return response

    async def aclose(self) -> None:
        await self.wrapped.aclose()
