"""The two context stacks and the proxies that read their tops.

``current_app`` and ``g`` follow the application context; ``request`` and ``session`` follow the
request context. Each proxy looks the current context up again at every use, so one module-level
name serves every thread, greenlet and asyncio task.
"""

from __future__ import annotations

import typing as t

from .local import LocalProxy, LocalStack

if t.TYPE_CHECKING:
    from .app import Flagon
    from .asgi.websocket import WebSocket
    from .ctx import AppContext, RequestContext, _AppCtxGlobals
    from .sessions import SessionMixin
    from .wrappers import Request

_no_app_msg = """\
Working outside of application context.

This typically means that you attempted to use functionality that needed
the current application. To solve this, set up an application context
with app.app_context(). See the documentation for more information.\
"""
_no_req_msg = """\
Working outside of request context.

This typically means that you attempted to use functionality that needed
an active HTTP request. Consult the documentation on testing for
information about how to avoid this problem (app.test_request_context()).\
"""

_app_ctx_stack: LocalStack[AppContext] = LocalStack()
_request_ctx_stack: LocalStack[RequestContext] = LocalStack()


app_ctx: AppContext = LocalProxy(  # type: ignore[assignment]
    _app_ctx_stack, unbound_message=_no_app_msg
)
request_ctx: RequestContext = LocalProxy(  # type: ignore[assignment]
    _request_ctx_stack, unbound_message=_no_req_msg
)
current_app: Flagon = LocalProxy(  # type: ignore[assignment]
    _app_ctx_stack, "app", unbound_message=_no_app_msg
)
g: _AppCtxGlobals = LocalProxy(  # type: ignore[assignment]
    _app_ctx_stack, "g", unbound_message=_no_app_msg
)
request: Request = LocalProxy(  # type: ignore[assignment]
    _request_ctx_stack, "request", unbound_message=_no_req_msg
)
#: The current WebSocket connection (under ASGI, in a ``websocket`` handler): ``receive()``,
#: ``send()``, ``accept()``, ``close()``; None in an HTTP request.
websocket: WebSocket = LocalProxy(  # type: ignore[assignment]
    _request_ctx_stack, "websocket", unbound_message=_no_req_msg
)
session: SessionMixin = LocalProxy(  # type: ignore[assignment]
    _request_ctx_stack, "session", unbound_message=_no_req_msg
)
