"""HTTP errors as exceptions: raise one anywhere in a view and it becomes the response.

Every class knows its status code and a default description; ``get_response()`` renders a
small HTML page, and an exception raised with ``response=`` carries that response instead.
"""

from __future__ import annotations

import typing as t
from html import escape

from .http import HTTP_STATUS_CODES

if t.TYPE_CHECKING:
    from .wrappers import Response


class HTTPException(Exception):
    """Base class for every HTTP error; the class attribute ``code`` is the status."""

    code: int | None = None
    description: str | None = None

    def __init__(self, description: str | None = None, response: Response | None = None) -> None:
        super().__init__()
        if description is not None:
            self.description = description
        self.response = response

    @property
    def name(self) -> str:
        """The status phrase, e.g. ``"Not Found"``."""
        return HTTP_STATUS_CODES.get(self.code or 0, "Unknown Error")

    def get_description(self, environ: dict | None = None, scope: dict | None = None) -> str:
        """The description as escaped HTML paragraphs."""
        text = escape(self.description or "").replace("\n", "<br>")
        return f"<p>{text}</p>"

    def get_body(self, environ: dict | None = None, scope: dict | None = None) -> str:
        """The HTML page sent to the client."""
        return (
            "<!doctype html>\n<html lang=en>\n"
            f"<title>{self.code} {escape(self.name)}</title>\n"
            f"<h1>{escape(self.name)}</h1>\n"
            f"{self.get_description(environ)}\n"
        )

    def get_headers(
        self, environ: dict | None = None, scope: dict | None = None
    ) -> list[tuple[str, str]]:
        """Headers for the response; subclasses add ``Allow``, ``Retry-After``…"""
        return [("Content-Type", "text/html; charset=utf-8")]

    def get_response(self, environ: dict | None = None, scope: dict | None = None) -> Response:
        """The response for this error: the one given at construction, or an HTML page."""
        if self.response is not None:
            return self.response
        from .wrappers import Response

        return Response(self.get_body(environ), self.code, self.get_headers(environ))

    def __call__(self, environ: dict, start_response: t.Callable) -> t.Iterable[bytes]:
        """An HTTP exception is itself a WSGI application serving its response."""
        return self.get_response(environ)(environ, start_response)

    def __str__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"{code} {self.name}: {self.description}"

    def __repr__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"<{type(self).__name__} '{code}: {self.name}'>"


class BadRequest(HTTPException):
    code = 400
    description = "The browser (or proxy) sent a request that this server could not understand."


class BadRequestKeyError(BadRequest, KeyError):
    """A missing key in ``request.form`` / ``request.args``: a 400 that is also a KeyError."""

    show_exception = False

    def __init__(self, arg: str | None = None, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.args = () if arg is None else (arg,)

    @property  # type: ignore[override]
    def description(self) -> str:
        if self.show_exception and self.args:
            return f"{self._description}\nKeyError: {self.args[0]!r}"
        return self._description

    @description.setter
    def description(self, value: str) -> None:
        self._description = value

    _description = BadRequest.description  # type: ignore[assignment]


class ClientDisconnected(BadRequest):
    """The client went away before sending the whole body."""


class SecurityError(BadRequest):
    """Something in the request looked like an attack (e.g. a path escaping its folder)."""


class BadHost(BadRequest):
    """The ``Host`` header is not one the application serves."""


class Unauthorized(HTTPException):
    code = 401
    description = (
        "The server could not verify that you are authorized to access the URL requested. You"
        " either supplied the wrong credentials (e.g. a bad password), or your browser doesn't"
        " understand how to supply the credentials required."
    )

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        www_authenticate: str | list[str] | None = None,
    ) -> None:
        super().__init__(description, response)
        if isinstance(www_authenticate, str):
            www_authenticate = [www_authenticate]
        self.www_authenticate = www_authenticate or []

    def get_headers(self, environ=None, scope=None):
        headers = super().get_headers(environ)
        headers.extend(("WWW-Authenticate", value) for value in self.www_authenticate)
        return headers


class Forbidden(HTTPException):
    code = 403
    description = (
        "You don't have the permission to access the requested resource. It is either"
        " read-protected or not readable by the server."
    )


class NotFound(HTTPException):
    code = 404
    description = (
        "The requested URL was not found on the server. If you entered the URL manually please"
        " check your spelling and try again."
    )


class MethodNotAllowed(HTTPException):
    code = 405
    description = "The method is not allowed for the requested URL."

    def __init__(
        self,
        valid_methods: t.Iterable[str] | None = None,
        description: str | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(description, response)
        self.valid_methods = sorted(valid_methods) if valid_methods else None

    def get_headers(self, environ=None, scope=None):
        headers = super().get_headers(environ)
        if self.valid_methods:
            headers.append(("Allow", ", ".join(self.valid_methods)))
        return headers


class NotAcceptable(HTTPException):
    code = 406
    description = (
        "The resource identified by the request is only capable of generating response entities"
        " which have content characteristics not acceptable according to the accept headers sent"
        " in the request."
    )


class RequestTimeout(HTTPException):
    code = 408
    description = (
        "The server closed the network connection because the browser didn't finish the request"
        " within the specified time."
    )


class Conflict(HTTPException):
    code = 409
    description = (
        "A conflict happened while processing the request. The resource might have been modified"
        " while the request was being processed."
    )


class Gone(HTTPException):
    code = 410
    description = (
        "The requested URL is no longer available on this server and there is no forwarding"
        " address. If you followed a link from a foreign page, please contact the author of this"
        " page."
    )


class LengthRequired(HTTPException):
    code = 411
    description = "A request with this method requires a valid <code>Content-Length</code> header."


class PreconditionFailed(HTTPException):
    code = 412
    description = "The precondition on the request for the URL failed positive evaluation."


class RequestEntityTooLarge(HTTPException):
    code = 413
    description = "The data value transmitted exceeds the capacity limit."


class RequestURITooLarge(HTTPException):
    code = 414
    description = (
        "The length of the requested URL exceeds the capacity limit for this server. The request"
        " cannot be processed."
    )


class UnsupportedMediaType(HTTPException):
    code = 415
    description = (
        "The server does not support the media type transmitted in the request."
    )


class RequestedRangeNotSatisfiable(HTTPException):
    code = 416
    description = "The server cannot provide the requested range."

    def __init__(
        self,
        length: int | None = None,
        units: str = "bytes",
        description: str | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(description, response)
        self.length = length
        self.units = units

    def get_headers(self, environ=None, scope=None):
        headers = super().get_headers(environ)
        if self.length is not None:
            headers.append(("Content-Range", f"{self.units} */{self.length}"))
        return headers


class ExpectationFailed(HTTPException):
    code = 417
    description = "The server could not meet the requirements of the Expect header"


class ImATeapot(HTTPException):
    code = 418
    description = "This server is a teapot, not a coffee machine"


class MisdirectedRequest(HTTPException):
    code = 421
    description = "The server is not able to produce a response for this request."


class UnprocessableEntity(HTTPException):
    code = 422
    description = (
        "The request was well-formed but was unable to be followed due to semantic errors."
    )


class Locked(HTTPException):
    code = 423
    description = "The resource that is being accessed is locked."


class FailedDependency(HTTPException):
    code = 424
    description = (
        "The method could not be performed on the resource because the requested action depended"
        " on another action and that action failed."
    )


class PreconditionRequired(HTTPException):
    code = 428
    description = (
        "This request is required to be conditional; try using \"If-Match\" or"
        " \"If-Unmodified-Since\"."
    )


class _RetryAfter(HTTPException):
    """Adds a ``Retry-After`` header when ``retry_after`` (seconds or a datetime) is given."""

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        retry_after: t.Any = None,
    ) -> None:
        super().__init__(description, response)
        self.retry_after = retry_after

    def get_headers(self, environ=None, scope=None):
        headers = super().get_headers(environ)
        if self.retry_after is not None:
            value = self.retry_after
            if hasattr(value, "utctimetuple"):
                from email.utils import format_datetime

                value = format_datetime(value, usegmt=True)
            headers.append(("Retry-After", str(value)))
        return headers


class TooManyRequests(_RetryAfter):
    code = 429
    description = "This user has exceeded an allotted request count. Try again later."


class RequestHeaderFieldsTooLarge(HTTPException):
    code = 431
    description = "One or more header fields exceeds the maximum size."


class UnavailableForLegalReasons(HTTPException):
    code = 451
    description = "Unavailable for legal reasons."


class InternalServerError(HTTPException):
    """An unhandled error; ``original_exception`` holds what was raised, if anything."""

    code = 500
    description = (
        "The server encountered an internal error and was unable to complete your request."
        " Either the server is overloaded or there is an error in the application."
    )

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        original_exception: BaseException | None = None,
    ) -> None:
        super().__init__(description, response)
        self.original_exception = original_exception


class NotImplemented(HTTPException):  # noqa: A001 - the status's own name
    code = 501
    description = "The server does not support the action requested by the browser."


class BadGateway(HTTPException):
    code = 502
    description = (
        "The proxy server received an invalid response from an upstream server."
    )


class ServiceUnavailable(_RetryAfter):
    code = 503
    description = (
        "The server is temporarily unable to service your request due to maintenance downtime or"
        " capacity problems. Please try again later."
    )


class GatewayTimeout(HTTPException):
    code = 504
    description = "The connection to an upstream server timed out."


class HTTPVersionNotSupported(HTTPException):
    code = 505
    description = "The server does not support the HTTP protocol version used in the request."


def _collect_default_exceptions() -> dict[int, type[HTTPException]]:
    found: dict[int, type[HTTPException]] = {}
    pending = [HTTPException]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.code is None or cls.__name__.startswith("_"):
            continue
        # The first class defined for a code wins (BadRequest over BadRequestKeyError).
        if cls.code not in found or issubclass(found[cls.code], cls):
            found[cls.code] = cls
    return found


default_exceptions: dict[int, type[HTTPException]] = _collect_default_exceptions()


class Aborter:
    """Raises the HTTP exception registered for a status code; ``mapping`` can add codes."""

    def __init__(self, mapping: dict[int, type[HTTPException]] | None = None,
                 extra: dict[int, type[HTTPException]] | None = None) -> None:
        self.mapping = dict(default_exceptions if mapping is None else mapping)
        if extra:
            self.mapping.update(extra)

    def __call__(self, code: int | Response, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        if not isinstance(code, int):
            raise HTTPException(response=code)
        if code not in self.mapping:
            raise LookupError(f"no exception for {code!r}")
        raise self.mapping[code](*args, **kwargs)


_aborter = Aborter()


def abort(status: int | Response, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTP exception for ``status``, or an exception carrying a ready response."""
    _aborter(status, *args, **kwargs)
