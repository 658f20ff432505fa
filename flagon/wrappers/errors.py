"""How an HTTP exception becomes a response of the application's response class.

An exception that carries a response (``abort(response)``, ``HTTPException(response=…)``) or
whose class renders its own ``get_response`` answers with that. Otherwise the response is built
straight from ``get_body`` and ``get_headers``, so a subclass that only changes those (a JSON
error body, an extra header) is honoured without a detour through Werkzeug's Response.
"""

from __future__ import annotations

import typing as t

from ..exceptions import HTTPException

if t.TYPE_CHECKING:
    from .response import HTTPResponse

R = t.TypeVar("R", bound="HTTPResponse")

_base = HTTPException
# The page of an exception that renders nothing itself depends only on its class, code and
# description: those already made are kept (a bounded few, as descriptions may vary).
_pages: dict[tuple[type, int | None, str | None], str] = {}


def http_exception_response(response_class: type[R], error: HTTPException, environ: dict) -> R:
    """The response answering ``error``, as an instance of ``response_class``."""
    cls = type(error)
    if error.response is not None or cls.get_response is not _base.get_response:
        return response_class.force_type(error.get_response(environ), environ)
    description = error.description
    if (
        cls.get_body is _base.get_body
        and cls.get_description is _base.get_description
        and cls.name is _base.name
        and (description is None or type(description) is str)
    ):
        key = (cls, error.code, description)
        body = _pages.get(key)
        if body is None:
            body = error.get_body(environ)
            if len(_pages) < 256:
                _pages[key] = body
    else:
        body = error.get_body(environ)
    return response_class(body, error.code, error.get_headers(environ))
