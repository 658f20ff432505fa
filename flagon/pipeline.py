"""The request pipeline with the default stage bodies inlined.

``Flagon.wsgi_app`` runs a request through named stages (``request_context``, ``push``,
``full_dispatch_request``, ``finalize_request``, ``auto_pop``…), each a method to override.
Most applications override none of them, and for those this module runs the same stages as
one function: the same order, the same checks, the same calls to hooks, handlers and signals,
without a method call per stage. Request hooks run from the chains ``Flagon._request_hooks``
gathers, as ``preprocess_request`` and ``process_response`` run them. Anything more unusual on
a request — ``after_this_request`` functions, signals with receivers, an error, a preserved
context, a nested push — is handed to the stage methods themselves, so behaviour never
differs; only the cost does.

An application takes this path only when it overrides none of :data:`STAGES` (decided at its
first request), so an application customising a stage always runs through the methods.
"""

from __future__ import annotations

import sys
import typing as t

from .ctx import AppContext, RequestContext, _app_get, _app_set, _req_get, _req_set
from .sessions import headers_for_unchanged_session
from .signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    request_finished,
    request_started,
    request_tearing_down,
)
from .wrappers import Request, Response, send_text

if t.TYPE_CHECKING:
    from .app import Flagon

#: Methods whose default bodies are inlined; overriding one sends requests through the methods.
STAGES = {
    "Flagon": (
        "wsgi_app",
        "request_context",
        "create_url_adapter",
        "app_context",
        "full_dispatch_request",
        "preprocess_request",
        "dispatch_request",
        "finalize_request",
        "make_response",
        "process_response",
        "do_teardown_request",
        "do_teardown_appcontext",
        "ensure_sync",
    ),
    "RequestContext": ("__init__", "match_request", "push", "pop", "auto_pop"),
    "AppContext": ("__init__", "push", "pop"),
}


def can_inline(app: Flagon) -> bool:
    """Whether ``app`` (its class and instance) keeps every stage of :data:`STAGES` as is."""
    from .app import Flagon

    app_class = type(app)
    return (
        all(getattr(app_class, name) is getattr(Flagon, name) for name in STAGES["Flagon"])
        and not any(name in app.__dict__ for name in STAGES["Flagon"])
        and all(
            cls.__dict__[name] is _ORIGINALS[cls][name]
            for cls in (RequestContext, AppContext)
            for name in STAGES[cls.__name__]
        )
    )


# The context methods as defined, to notice if someone replaces them on the classes.
_ORIGINALS = {
    cls: {name: cls.__dict__[name] for name in STAGES[cls.__name__]}
    for cls in (RequestContext, AppContext)
}

# Contexts are built field by field below, as their __init__ would.
_new_context = object.__new__


def wsgi_app(app: Flagon, environ: dict, start_response: t.Callable) -> t.Iterable[bytes]:
    """``Flagon.wsgi_app`` for applications whose stages are all the defaults."""
    # RequestContext(app, environ), with match_request inlined for the common URL binding.
    ctx = _new_context(RequestContext)
    ctx.app = app
    ctx.request = request = app.request_class(environ)
    ctx._implicit_app_ctx_stack = implicit = []
    url_map = app.url_map
    # Host or subdomain routing and the TRUSTED_HOSTS check need the full match_request.
    if url_map.host_matching or app.subdomain_matching or app.config["TRUSTED_HOSTS"] is not None:
        ctx.match_request()
    else:
        try:
            rule, view_args = url_map.match_environ(
                environ, None, url_map.default_subdomain or "", request.method
            )
        except Exception as e:
            request.routing_exception = e.with_traceback(None)
        else:
            request.url_rule = rule
            request.view_args = view_args
    error: BaseException | None = None
    try:
        try:
            # RequestContext.push, with the implicit AppContext.push inlined.
            node = _req_get(None)
            if node is not None and node[0].preserved:
                node[0].pop(node[0]._preserved_exc)
            node = _app_get(None)
            if node is None or node[0].app is not app:
                app_ctx: AppContext | None = _new_context(AppContext)
                app_ctx.app = app  # type: ignore[union-attr]
                app_ctx._refcnt = 1  # type: ignore[union-attr]
                _app_set((app_ctx, node))
                if appcontext_pushed.receivers:
                    appcontext_pushed.send(app, _async_wrapper=app.ensure_sync)
            else:
                app_ctx = None
            implicit.append(app_ctx)
            _req_set((ctx, _req_get(None)))

            # full_dispatch_request: hooks, the view, then finalize_request.
            app._got_first_request = True
            try:
                rv = None
                if (
                    request_started.receivers
                    or app.before_request_funcs
                    or app.url_value_preprocessors
                ):
                    if request_started.receivers:
                        request_started.send(app, _async_wrapper=app.ensure_sync)
                    # preprocess_request
                    preprocessors, before, _after = app._request_hooks(request._scopes)
                    for func in preprocessors:
                        func(request.endpoint, request.view_args)
                    for func in before:
                        rv = func()
                        if rv is not None:
                            break
                if rv is None:
                    if request.routing_exception is not None:
                        app.raise_routing_exception(request)
                    rule = request.url_rule
                    if request.method == "OPTIONS" and getattr(
                        rule, "provide_automatic_options", False
                    ):
                        rv = app.make_default_options_response()
                    else:
                        view = app.view_functions[rule.endpoint]
                        view = app._sync_cache.get(view) or app.ensure_sync(view)
                        rv = view(**request.view_args)  # type: ignore[arg-type]
            except Exception as e:
                rv = app.handle_user_exception(e)
            text = extra_headers = None
            if (
                type(rv) is str
                and app.response_class is Response
                and not (
                    ctx._after_request_functions
                    or app.after_request_funcs
                    or request_finished.receivers
                )
            ):
                # No hook or signal will see a response object: send the text as Response(rv)
                # would, without making one, unless saving the session needs it (a session
                # that was only read just adds its Vary header).
                session = ctx._session
                if session is None:
                    text = rv
                else:
                    extra_headers = headers_for_unchanged_session(app, session)
                    if extra_headers is not None:
                        text = rv
            if text is None:
                response = app.response_class(rv) if type(rv) is str else app.make_response(rv)
                if ctx._after_request_functions:
                    response = app.process_response(response)
                else:
                    # process_response, without after_this_request functions.
                    if app.after_request_funcs:
                        for func in app._request_hooks(request._scopes)[2]:
                            response = func(response)
                    session = ctx._session
                    if session is not None:
                        interface = app.session_interface
                        if not interface.is_null_session(session):
                            interface.save_session(app, session, response)
                if request_finished.receivers:
                    request_finished.send(app, _async_wrapper=app.ensure_sync, response=response)
        except Exception as e:
            error = e
            text = None
            response = app.handle_exception(e)
        except BaseException:
            error = sys.exc_info()[1]
            raise
        if text is not None:
            return send_text(text, environ, start_response, extra_headers)
        return response(environ, start_response)
    finally:
        if error is not None and app.should_ignore_error(error):
            error = None
        _pop(app, ctx, request, app_ctx, error)


def _pop(
    app: Flagon,
    ctx: RequestContext,
    request: Request,
    app_ctx: AppContext | None,
    error: BaseException | None,
) -> None:
    """RequestContext.auto_pop: the plain case inline, anything else through the methods."""
    node = _req_get(None)
    if (
        node is None
        or node[0] is not ctx
        or len(ctx._implicit_app_ctx_stack) != 1
        or error is not None
        or app.teardown_request_funcs
        or request_tearing_down.receivers
        or request._form_loaded
        or type(request).close is not Request.close
        or request.environ.get("flagon._preserve_context")
        or (app_ctx is not None and (app_ctx._refcnt != 1 or _app_get(None)[0] is not app_ctx))
    ):
        ctx.auto_pop(error)
        return
    _req_set(node[1])
    request.environ["flagon.request"] = None
    ctx._implicit_app_ctx_stack.pop()
    if app_ctx is None:
        return
    # AppContext.pop for the context pushed above.
    app_ctx._refcnt = 0
    if app.teardown_appcontext_funcs or appcontext_tearing_down.receivers:
        try:
            app.do_teardown_appcontext(None)
        finally:
            _app_set(_app_get(None)[1])  # type: ignore[index]
    else:
        _app_set(_app_get(None)[1])  # type: ignore[index]
    if appcontext_popped.receivers:
        appcontext_popped.send(app, _async_wrapper=app.ensure_sync)
