"""HTTP errors as exceptions: raise one anywhere in a view and it becomes the response.

These are Werkzeug's own classes, the vocabulary that Flask and its extensions share: an
extension's ``werkzeug.exceptions.NotFound``, Flask-Limiter's ``TooManyRequests`` or
Flask-WTF's ``CSRFError`` is the same kind of object as ``flagon.abort(404)`` raises, so error
handlers registered by status code or by either module's class match them alike.

Every class knows its status code and a default description. The application answers an
error with the response given as ``response=``, or with a page built from ``get_body()`` and
``get_headers()`` (``Allow``, ``Retry-After``, ``WWW-Authenticate``…), which subclasses may
override.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import (
    Aborter,
    BadGateway,
    BadHost,
    BadRequest,
    BadRequestKeyError,
    ClientDisconnected,
    Conflict,
    ExpectationFailed,
    FailedDependency,
    Forbidden,
    GatewayTimeout,
    Gone,
    HTTPException,
    HTTPVersionNotSupported,
    ImATeapot,
    InternalServerError,
    LengthRequired,
    Locked,
    MethodNotAllowed,
    MisdirectedRequest,
    NotAcceptable,
    NotFound,
    NotImplemented,  # the status's own name, shadowing the builtin
    PreconditionFailed,
    PreconditionRequired,
    RequestedRangeNotSatisfiable,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestTimeout,
    RequestURITooLarge,
    SecurityError,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    UnavailableForLegalReasons,
    UnprocessableEntity,
    UnsupportedMediaType,
    default_exceptions,
)

__all__ = [
    "Aborter",
    "BadGateway",
    "BadHost",
    "BadRequest",
    "BadRequestKeyError",
    "ClientDisconnected",
    "Conflict",
    "ExpectationFailed",
    "FailedDependency",
    "Forbidden",
    "GatewayTimeout",
    "Gone",
    "HTTPException",
    "HTTPVersionNotSupported",
    "ImATeapot",
    "InternalServerError",
    "LengthRequired",
    "Locked",
    "MethodNotAllowed",
    "MisdirectedRequest",
    "NotAcceptable",
    "NotFound",
    "NotImplemented",
    "PreconditionFailed",
    "PreconditionRequired",
    "RequestEntityTooLarge",
    "RequestHeaderFieldsTooLarge",
    "RequestTimeout",
    "RequestURITooLarge",
    "RequestedRangeNotSatisfiable",
    "SecurityError",
    "ServiceUnavailable",
    "TooManyRequests",
    "Unauthorized",
    "UnavailableForLegalReasons",
    "UnprocessableEntity",
    "UnsupportedMediaType",
    "abort",
    "default_exceptions",
]

_aborter = Aborter()


def abort(status: t.Any, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTP exception for ``status``, or an exception carrying a ready response."""
    _aborter(status, *args, **kwargs)


# Not an HTTP error, so not in ``__all__`` (Werkzeug's vocabulary): ``flagon`` exports it.
class WebSocketDisconnected(Exception):
    """The client closed the WebSocket (``code`` and ``reason``: what its close frame said).

    Raised by ``websocket.receive()`` and ``send()``; a handler ending with it has simply
    ended, so it reaches no error handler and is not logged."""

    def __init__(self, code: int = 1000, reason: str = "") -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason
