"""The request and response objects.

``Request`` is a lazy view over the WSGI environ; ``Response`` holds a body, a status and headers,
and is itself a WSGI application.
"""

from .request import Request, UserAgent
from .response import Response, get_content_type, send_text

__all__ = ["Request", "Response", "UserAgent", "get_content_type", "send_text"]
