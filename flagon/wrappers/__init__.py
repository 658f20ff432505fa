"""The request and response objects.

``Request`` and ``Response`` are the application's (:mod:`flagon.wrappers.framework`): the
HTTP request, a lazy view over the WSGI environ (:class:`~flagon.wrappers.request.HTTPRequest`),
and the HTTP response, a body, a status and headers that is itself a WSGI application
(:class:`~flagon.wrappers.response.HTTPResponse`), plus what routing and the app's config add.
"""

from .framework import Request, Response, send_text
from .request import HTTPRequest, UserAgent
from .response import HTTPResponse, get_content_type

__all__ = [
    "HTTPRequest",
    "HTTPResponse",
    "Request",
    "Response",
    "UserAgent",
    "get_content_type",
    "send_text",
]
