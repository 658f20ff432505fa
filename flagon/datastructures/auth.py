"""The parsed ``Authorization`` request header."""

from __future__ import annotations

import base64

from werkzeug import datastructures as _werkzeug

from .. import http as _http  # a module reference: http imports this package in turn


class Authorization(_werkzeug.Authorization):
    """Credentials from an ``Authorization`` header.

    ``Basic`` credentials appear as :attr:`username` / :attr:`password`; token schemes
    (``Bearer``) set :attr:`token`; schemes with ``key=value`` parameters (``Digest``) fill
    :attr:`parameters`, readable as attributes, items or ``get(name)``.
    """

    def __init__(
        self, type: str, data: dict[str, str | None] | None = None, token: str | None = None
    ) -> None:
        self.type = type.lower()
        self.parameters: dict[str, str | None] = dict(data or {})
        self.token = token

    def __getattr__(self, name: str) -> str | None:
        if name.startswith("__") or name in ("type", "parameters", "token"):
            raise AttributeError(name)
        return self.parameters.get(name)

    def __getitem__(self, name: str) -> str | None:
        return self.parameters.get(name)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.parameters.get(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self.parameters

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Authorization):
            return NotImplemented
        return (self.type, self.token, self.parameters) == (
            other.type,
            other.token,
            other.parameters,
        )

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def from_header(cls, value: str | None) -> Authorization | None:
        """Parse a header value; ``None`` when it is empty or unreadable."""
        return _http.parse_authorization_header(value)

    def to_header(self) -> str:
        """The header value these credentials are sent as."""
        if self.type == "basic":
            raw = f"{self.username or ''}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        if self.token is not None:
            return f"{self.type.title()} {self.token}"
        return f"{self.type.title()} {_http.dump_header(self.parameters)}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"
