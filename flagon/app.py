"""``Flagon``: the WSGI application and its request pipeline.

A request flows through named stages::

    __call__ → wsgi_app → RequestContext.push → full_dispatch_request
        → preprocess_request (before_request hooks) → dispatch_request (the view)
        → finalize_request (make_response → process_response: after_request hooks, session)
    → response(environ, start_response) → RequestContext.auto_pop (teardown)

Each stage is a method, so subclasses and extensions can hook into exactly one of them, and the
methods are the only request path there is: what an app keeps as defined lets the path skip
calls whose result is known (see :class:`_Plan`), decided once, at the app's first request.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
import typing as t
import weakref
from datetime import timedelta
from functools import partial
from itertools import chain
from types import FunctionType
from urllib.parse import quote

from . import ctx as _ctx
from .async_support import async_to_sync
from .config import DEFAULT_CONFIG, Config, ConfigAttribute
from .ctx import _APP_CONTEXT_METHODS, _AUTO_POP, AppContext, RequestContext, _AppCtxGlobals
from .exceptions import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
    WebSocketDisconnected,
)
from .globals import _app_ctx_stack, _request_ctx_stack
from .helpers import _environ_setting, get_debug_flag
from .json.provider import DefaultJSONProvider, JSONProvider
from .lazy import cached_property
from .logging import create_logger
from .routing import BuildError, Map, MapAdapter, RoutingException, Rule
from .scaffold import Scaffold, _endpoint_from_view_func, find_package, setupmethod
from .sessions import SecureCookieSessionInterface, SessionInterface, headers_for_unchanged_session
from .signals import (
    appcontext_tearing_down,
    got_request_exception,
    request_finished,
    request_started,
    request_tearing_down,
)
from .templating import DispatchingJinjaLoader, Environment, tojson
from .wrappers import Request, Response, send_text
from .wrappers.errors import http_exception_response
from .wrappers.framework import _scopes_of

if t.TYPE_CHECKING:
    from .blueprints import Blueprint
    from .cli import AppGroup
    from .testing import FlagonClient, FlagonCliRunner

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

# The request pipeline reads the current request context a few times per request; it runs
# with one pushed, so there the top node is never None.
_req_get = t.cast("t.Callable[[None], tuple[RequestContext, t.Any]]", _request_ctx_stack._get)
# flagon.asgi.serve, imported by the first ASGI call (it needs greenlet, an optional extra).
_serve_asgi: t.Callable[..., t.Awaitable[None]] | None = None


def _load_asgi() -> t.Callable[..., t.Awaitable[None]]:
    global _serve_asgi
    from .asgi import serve

    _serve_asgi = serve
    return serve


def _template_decorator(add: t.Callable[..., None], name: t.Any) -> t.Any:
    """Decorate with ``add(f, name=name)``; ``name`` may itself be the function (no parentheses)."""
    if callable(name):
        add(name)
        return name

    def decorator(f: F) -> F:
        add(f, name=name)
        return f

    return decorator


#: ``(url value preprocessors, before-request functions, after-request functions)``.
_RequestHooks = tuple[
    tuple[t.Callable[..., t.Any], ...],
    tuple[t.Callable[..., t.Any], ...],
    tuple[t.Callable[..., t.Any], ...],
]


#: The methods of :class:`Flagon` the request path may take a shortcut around; see :class:`_Plan`.
_PLANNED_METHODS = (
    "request_context",
    "app_context",
    "create_url_adapter",
    "full_dispatch_request",
    "preprocess_request",
    "dispatch_request",
    "finalize_request",
    "make_response",
    "process_response",
    "do_teardown_request",
    "do_teardown_appcontext",
    "ensure_sync",
)


class _Plan:
    """Which points of the request path an app customises, worked out once, at its first request.

    Every stage is a method and the request path calls each one, as Flask's does; an app that
    keeps a method as defined lets the path skip the call when its result is known (no hooks
    registered, nothing to tear down) or pass the request context along instead of looking it
    up. Each attribute is ``True`` when that point is customised: a method of :class:`Flagon`
    overridden by a subclass or replaced on the instance, or, for URL matching, a
    ``url_map_class`` overriding ``bind_to_environ`` or a replaced ``MapAdapter.match``.
    A customised point is always called, with Flask's arguments.

    Middleware around :meth:`Flagon.wsgi_app` changes none of this: the wrapped method runs the
    same path. Customisations made after the first request are not noticed, as setup methods
    refuse to run by then.
    """

    __slots__ = (*_PLANNED_METHODS, "auto_pop", "match", "text", "close_request", "request_class")

    # One flag per name of _PLANNED_METHODS (set in a loop below), then the derived ones.
    request_context: bool
    app_context: bool
    create_url_adapter: bool
    full_dispatch_request: bool
    preprocess_request: bool
    dispatch_request: bool
    finalize_request: bool
    make_response: bool
    process_response: bool
    do_teardown_request: bool
    do_teardown_appcontext: bool
    ensure_sync: bool
    auto_pop: bool
    match: bool
    text: bool
    close_request: bool
    request_class: type[Request] | None

    def __init__(self, app: Flagon | None) -> None:
        for name in _PLANNED_METHODS:
            setattr(
                self,
                name,
                app is None
                or getattr(type(app), name) is not getattr(Flagon, name)
                or name in app.__dict__,
            )
        #: AppContext's own methods count as part of ``app_context``.
        self.app_context = self.app_context or any(
            AppContext.__dict__[name] is not method for name, method in _APP_CONTEXT_METHODS.items()
        )
        #: Whether ``RequestContext.auto_pop`` must run at the end of every request (not only
        #: when a context is to be kept).
        self.auto_pop = self.request_context or RequestContext.__dict__["auto_pop"] is not _AUTO_POP
        #: Whether ``request.close()`` must run even when no form was parsed (for a request of
        #: another class than ``request_class``, it always runs).
        self.request_class = None if app is None else app.request_class
        self.close_request = app is None or app.request_class.close is not Request.close
        #: Match straight from the environ (``Map.match_environ``) rather than through
        #: ``create_url_adapter`` → ``url_map.bind_to_environ(...)`` → ``adapter.match``.
        self.match = (
            app is None
            or self.create_url_adapter
            or type(app.url_map).bind_to_environ is not Map.bind_to_environ
            or MapAdapter.match is not _MAP_ADAPTER_MATCH
        )
        #: Whether a view's text may be sent without a response object (see
        #: :meth:`Flagon.full_dispatch_request`): nothing customised would see that object.
        self.text = not (
            app is None
            or self.full_dispatch_request
            or self.finalize_request
            or self.make_response
            or self.process_response
            or app.response_class is not Response
        )


_MAP_ADAPTER_MATCH = MapAdapter.match

#: The plan of an app that has not served a request yet (contexts pushed by
#: ``test_request_context`` and the like): every point counts as customised, so every stage
#: method is called.
_UNPLANNED = _Plan(None)


class Flagon(Scaffold):
    """The application: a WSGI callable holding routes, hooks, handlers and configuration.

    ``import_name`` is usually ``__name__``; it locates the app's folder for templates, static files
    and the instance folder.
    """

    request_class: type[Request] = Request
    response_class: type[Response] = Response
    aborter_class: type[Aborter] = Aborter
    app_ctx_globals_class: type[_AppCtxGlobals] = _AppCtxGlobals
    config_class: type[Config] = Config
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    url_rule_class: type[Rule] = Rule
    url_map_class: type[Map] = Map
    #: The client ``test_client()`` returns; ``None`` means :class:`flagon.testing.FlagonClient`.
    test_client_class: type[FlagonClient] | None = None
    #: The runner ``test_cli_runner()`` returns; ``None`` means
    #: :class:`flagon.testing.FlagonCliRunner`.
    test_cli_runner_class: type[FlagonCliRunner] | None = None
    #: What this app customises of the request path (see :class:`_Plan`), from its first request.
    _plan: _Plan = _UNPLANNED
    #: Loads and saves ``session``.
    session_interface: SessionInterface = SecureCookieSessionInterface()
    #: The class of :attr:`jinja_env`.
    jinja_environment: type[Environment] = Environment
    #: Options for the Jinja environment; they apply when :attr:`jinja_env` is first used.
    jinja_options: t.ClassVar[dict[str, t.Any]] = {}

    testing = ConfigAttribute("TESTING")
    secret_key = ConfigAttribute("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute(
        "PERMANENT_SESSION_LIFETIME",
        get_converter=lambda value: (
            value if isinstance(value, timedelta) else timedelta(seconds=value)
        ),
    )

    #: The settings every new app starts with (Flask 3.1's, plus ``PRESERVE_CONTEXT_ON_EXCEPTION``).
    default_config: dict[str, t.Any] = DEFAULT_CONFIG

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(
            import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(
                "If an instance path is provided it must be absolute. A relative path was given"
                " instead."
            )
        #: A folder outside version control for configuration and data (``instance/``).
        self.instance_path = instance_path
        self.config = self.make_config(instance_relative_config)
        self.aborter = self.make_aborter()
        #: How this app reads and writes JSON; options are its attributes.
        self.json: JSONProvider = self.json_provider_class(self)
        #: Called with ``(error, endpoint, values)`` when ``url_for`` fails; may return a URL.
        self.url_build_error_handlers: list[t.Callable[[Exception, str, dict], str]] = []
        #: Called with the exception when an app context is torn down.
        self.teardown_appcontext_funcs: list[t.Callable[[BaseException | None], None]] = []
        #: Run when an ASGI server starts and stops serving the app (its lifespan).
        self.before_serving_funcs: list[t.Callable[[], t.Any]] = []
        self.after_serving_funcs: list[t.Callable[[], t.Any]] = []
        #: Extensions keep their per-app state here.
        self.extensions: dict[str, t.Any] = {}
        #: Registered blueprints by dotted name, in registration order.
        self.blueprints: dict[str, Blueprint] = {}
        self.url_map = self.url_map_class(host_matching=host_matching)
        self.subdomain_matching = subdomain_matching
        self.static_host = static_host
        self._got_first_request = False
        #: What this app customises of the request path; worked out at its first request.
        self._plan = _UNPLANNED
        self._sync_cache: dict[t.Callable[..., t.Any], t.Callable[..., t.Any]] = {}
        # Scope chain -> the request hooks that apply under it (see _request_hooks), forgotten
        # whenever the hooks change.
        self._hooks_by_scopes: dict[tuple[str | None, ...], _RequestHooks] = {}
        self._hooks_version = 0
        for registry in (
            self.url_value_preprocessors,
            self.before_request_funcs,
            self.after_request_funcs,
        ):
            registry.on_change = self._forget_request_hooks  # type: ignore[attr-defined]
        #: Functions returning names for ``flagon shell`` (see :meth:`make_shell_context`).
        self.shell_context_processors: list[t.Callable[[], dict[str, t.Any]]] = []
        #: Template filters, tests and globals as ``(kind, name, value)``, for the environment.
        self._jinja_additions: list[tuple[str, str, t.Any]] = []

        if static_host is not None and not host_matching:
            raise ValueError("'static_host' must be set only when 'host_matching' is enabled.")
        if self.has_static_folder:
            # The view reaches the app through a weak reference: the app holding a view that
            # holds the app would keep discarded apps alive until the cycle collector runs.
            app_ref = weakref.ref(self)

            def static(**kwargs: t.Any) -> Response:
                return app_ref().send_static_file(**kwargs)  # type: ignore[union-attr]

            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                host=static_host,
                view_func=static,
            )

    # -- identity and settings ---------------------------------------------------------------------

    @property
    def name(self) -> str:  # type: ignore[override]
        """The import name, or the script's file name when run as ``__main__``."""
        if self.import_name == "__main__":
            fn = getattr(sys.modules["__main__"], "__file__", None)
            if fn is None:
                return "__main__"
            return os.path.splitext(os.path.basename(fn))[0]
        return self.import_name

    @property
    def debug(self) -> bool:
        """Debug mode (``DEBUG``): detailed errors, pretty JSON, context kept after errors."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value

    @property
    def propagate_exceptions(self) -> bool:
        """Whether unhandled errors are re-raised instead of turned into 500 pages."""
        value = self.config["PROPAGATE_EXCEPTIONS"]
        return value if value is not None else bool(self.testing or self.debug)

    @property
    def preserve_context_on_exception(self) -> bool:
        """Whether a request that failed keeps its context on the stack for inspection."""
        value = self.config["PRESERVE_CONTEXT_ON_EXCEPTION"]
        return value if value is not None else self.debug

    @property
    def templates_auto_reload(self) -> bool:
        """Whether changed templates are reloaded (``TEMPLATES_AUTO_RELOAD``; unset: debug)."""
        value = self.config["TEMPLATES_AUTO_RELOAD"]
        return bool(value) if value is not None else self.debug

    @templates_auto_reload.setter
    def templates_auto_reload(self, value: bool) -> None:
        self.config["TEMPLATES_AUTO_RELOAD"] = value

    @property
    def logger(self) -> logging.Logger:
        """The standard logger named after the app."""
        logger = self.__dict__.get("_logger")
        if logger is None:
            logger = self.__dict__["_logger"] = create_logger(self)
        return logger

    def make_config(self, instance_relative: bool = False) -> Config:
        """The config object, filled with :attr:`default_config` (``DEBUG`` from FLAGON_DEBUG,
        else FLASK_DEBUG)."""
        root_path = self.instance_path if instance_relative else self.root_path
        defaults = dict(self.default_config)
        defaults["DEBUG"] = get_debug_flag()
        return self.config_class(root_path, defaults)

    def make_aborter(self) -> Aborter:
        """The object ``flagon.abort`` uses while this app is active."""
        return self.aborter_class()

    def auto_find_instance_path(self) -> str:
        """``instance/`` in the folder the app's top-level package or module is imported from;
        for an installed package ``<prefix>/var/<name>-instance`` (as in Flask)."""
        prefix, path = find_package(self.import_name)
        if prefix is None:
            return os.path.join(path, "instance")
        return os.path.join(prefix, "var", f"{self.name}-instance")

    def open_resource(self, resource: str, mode: str = "rb", encoding: str | None = None) -> t.IO:
        """Open a file relative to the root path, for reading."""
        if mode not in {"r", "rt", "rb"}:
            raise ValueError("Resources can only be opened for reading.")
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO:
        """Open a file relative to the instance folder (writing allowed)."""
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_first_request:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the application. It has"
                " already handled its first request, any changes will not be applied"
                " consistently.\nMake sure all imports, decorators, functions, etc. needed to set"
                " up the application are done before running it."
            )

    # -- routing -----------------------------------------------------------------------------------

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Connect a URL rule to an endpoint and, optionally, a view function.

        ``methods`` defaults to the view's ``methods`` attribute or ``["GET"]``; ``HEAD`` comes
        with ``GET`` and ``OPTIONS`` is answered automatically unless disabled.
        """
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)  # type: ignore[arg-type]
        options["endpoint"] = endpoint
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "Allowed methods must be a list of strings, for example:"
                ' @app.route(..., methods=["POST"])'
            )
        methods = {item.upper() for item in methods}
        required_methods = set(getattr(view_func, "required_methods", ()))
        if provide_automatic_options is None:
            provide_automatic_options = getattr(view_func, "provide_automatic_options", None)
        if provide_automatic_options is None:
            provide_automatic_options = (
                "OPTIONS" not in methods and self.config["PROVIDE_AUTOMATIC_OPTIONS"]
            )
            if provide_automatic_options:
                required_methods.add("OPTIONS")
        methods |= required_methods

        rule_obj = self.url_rule_class(rule, methods=methods, **options)
        rule_obj.provide_automatic_options = provide_automatic_options
        self.url_map.add(rule_obj)
        if view_func is not None:
            old_func = self.view_functions.get(endpoint)
            if old_func is not None and old_func != view_func:
                raise AssertionError(
                    f"View function mapping is overwriting an existing endpoint function: {endpoint}"
                )
            self.view_functions[endpoint] = view_func

    @setupmethod
    def teardown_appcontext(self, f: F) -> F:
        """Run ``f(exc)`` when an application context is popped (after every request too)."""
        self.teardown_appcontext_funcs.append(f)
        return f

    @setupmethod
    def before_serving(self, f: F) -> F:
        """Run ``f()`` (sync or async) in an application context when an ASGI server starts
        serving the app, before the first request; a failure stops the server starting."""
        self.before_serving_funcs.append(f)
        return f

    @setupmethod
    def after_serving(self, f: F) -> F:
        """Run ``f()`` (sync or async) in an application context when an ASGI server shuts
        down, after the last request."""
        self.after_serving_funcs.append(f)
        return f

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Apply a blueprint's routes, hooks and handlers to this app.

        ``url_prefix``, ``subdomain``, ``url_defaults`` and ``cli_group`` override the
        blueprint's own; ``name`` registers it under another name (to register it twice); other
        options reach ``record`` callbacks through ``state.options``.
        """
        blueprint.register(self, options)

    def iter_blueprints(self) -> t.ValuesView[Blueprint]:
        """The registered blueprints, in registration order."""
        return self.blueprints.values()

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Bind the URL map to a request, or (needs ``SERVER_NAME``) to the configured server."""
        if request is not None:
            trusted_hosts = self.config["TRUSTED_HOSTS"]
            if trusted_hosts is not None:
                _ctx._check_host(request, trusted_hosts)
            server_name, subdomain = self._url_binding()
            return self.url_map.bind_to_environ(
                request.environ, server_name=server_name, subdomain=subdomain
            )
        config = self.config
        if config["SERVER_NAME"] is not None:
            return self.url_map.bind(
                config["SERVER_NAME"],
                script_name=config["APPLICATION_ROOT"],
                url_scheme=config["PREFERRED_URL_SCHEME"],
            )
        return None

    def _url_binding(self) -> tuple[str | None, str | None]:
        """``(server_name, subdomain)`` to bind the URL map to a request with."""
        if self.url_map.host_matching:
            return None, None
        if not self.subdomain_matching:
            # Without subdomain matching, the configured server name only builds URLs.
            return None, self.url_map.default_subdomain or ""
        return self.config["SERVER_NAME"], None

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: t.Any,
    ) -> str:
        """Build the URL of an endpoint; unknown keywords become the query string.

        In a request, URLs are relative unless ``_external``; ``".view"`` names a view of the
        current blueprint. Outside a request, the app context needs ``SERVER_NAME``.
        """
        req_ctx = _request_ctx_stack.top
        if req_ctx is not None:
            url_adapter = req_ctx.url_adapter
            if endpoint[:1] == ".":
                blueprint_name = req_ctx.request.blueprint
                endpoint = (
                    f"{blueprint_name}{endpoint}" if blueprint_name is not None else endpoint[1:]
                )
            if _external is None:
                _external = _scheme is not None
        else:
            app_ctx = _app_ctx_stack.top
            url_adapter = (
                app_ctx.url_adapter
                if app_ctx is not None and app_ctx.app is self
                else (self.create_url_adapter(None))
            )
            if url_adapter is None:
                raise RuntimeError(
                    "Unable to build URLs outside an active request without 'SERVER_NAME'"
                    " configured. Also configure 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as"
                    " needed."
                )
            if _external is None:
                _external = True
        if _scheme is not None and not _external:
            raise ValueError("When specifying '_scheme', '_external' must be True.")

        self.inject_url_defaults(endpoint, values)
        try:
            rv = url_adapter.build(  # type: ignore[union-attr]
                endpoint, values, method=_method, url_scheme=_scheme, force_external=_external
            )
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
            return self.handle_url_build_error(error, endpoint, values)
        if _anchor is not None:
            rv = f"{rv}#{quote(_anchor, safe='%!#$&()*+,/:;=?@')}"
        return rv

    def inject_url_defaults(self, endpoint: str, values: dict[str, t.Any]) -> None:
        """Let ``url_defaults`` functions of the app and the endpoint's blueprints fill values."""
        # The app first, then the endpoint's blueprints from the outermost in.
        for name in reversed(_scopes_of(endpoint)[1]):
            for func in self.url_default_functions.get(name, ()):
                func(endpoint, values)

    def handle_url_build_error(self, error: BuildError, endpoint: str, values: dict) -> str:
        """Ask the ``url_build_error_handlers`` for a URL; re-raise when none gives one."""
        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as e:
                error = e
            else:
                if rv is not None:
                    return rv
        if error is sys.exc_info()[1]:
            raise
        raise error

    def redirect(self, location: str, code: int = 302) -> Response:
        """A redirect response (what ``flagon.redirect`` uses in a request)."""
        from .helpers import _make_redirect

        return _make_redirect(location, code, self.response_class)

    # -- templates ---------------------------------------------------------------------------------

    @cached_property
    def jinja_env(self) -> Environment:
        """The Jinja environment, made by :meth:`create_jinja_environment` on first use."""
        return self.create_jinja_environment()

    def create_jinja_environment(self) -> Environment:
        """A :attr:`jinja_environment` built from :attr:`jinja_options`, with ``url_for``,
        ``get_flashed_messages``, ``config``, ``request``, ``session`` and ``g`` as globals, the
        ``tojson`` filter and the registered template filters, tests and globals."""
        from .globals import g, request, session
        from .helpers import get_flashed_messages

        options = dict(self.jinja_options)
        options.setdefault("autoescape", self.select_jinja_autoescape)
        env = self.jinja_environment(self, **options)
        # request, session and g are also in each render's context; as globals they reach
        # templates imported without context too.
        env.globals.update(
            url_for=self.url_for,
            get_flashed_messages=get_flashed_messages,
            config=self.config,
            request=request,
            session=session,
            g=g,
        )
        env.filters["tojson"] = tojson
        env.policies["json.dumps_function"] = self.json.dumps
        for kind, name, value in self._jinja_additions:
            getattr(env, kind)[name] = value
        return env

    def create_global_jinja_loader(self) -> DispatchingJinjaLoader:
        """The loader searching the app's template folder, then each blueprint's."""
        return DispatchingJinjaLoader(self)

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Whether to autoescape a template: yes for templates from strings and for
        ``.html``, ``.htm``, ``.xml``, ``.xhtml`` and ``.svg`` files."""
        if filename is None:
            return True
        return filename.endswith((".html", ".htm", ".xml", ".xhtml", ".svg"))

    def update_template_context(self, context: dict[str, t.Any]) -> None:
        """Add ``g``, ``request`` and what the context processors return (the app's, then the
        current blueprints' from outermost to innermost) to ``context``, in place; values
        already in ``context`` win."""
        app_node = _app_ctx_stack._get(None)
        node = _request_ctx_stack._get(None)
        processors = self.template_context_processors
        if not processors:
            # Nothing to merge: fill in the two defaults directly.
            if app_node is not None and "g" not in context:
                context["g"] = app_node[0].g
            if node is not None and "request" not in context:
                context["request"] = node[0].request
            return
        defaults: dict[str, t.Any] = {}
        if app_node is not None:
            defaults["g"] = app_node[0].g
        if node is not None:
            defaults["request"] = node[0].request
        names: t.Iterable[str | None] = (None,)
        if node is not None:
            names = tuple(reversed(node[0].request._scopes))
        for name in names:
            for func in processors.get(name, ()):
                defaults.update(self.ensure_sync(func)())
        for key, value in defaults.items():
            if key not in context:
                context[key] = value

    def _add_to_jinja(self, kind: str, name: str, value: t.Any) -> None:
        """Record a template filter, test or global; it reaches the environment now if it
        exists, else when it is made (so :attr:`jinja_options` can still change)."""
        self._jinja_additions.append((kind, name, value))
        env = self.__dict__.get("jinja_env")
        if env is not None:
            getattr(env, kind)[name] = value

    @setupmethod
    def add_template_filter(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """Make ``f`` available as a template filter (named ``name`` or after ``f``)."""
        self._add_to_jinja("filters", name or f.__name__, f)

    @setupmethod
    def add_template_test(self, f: t.Callable[..., bool], name: str | None = None) -> None:
        """Make ``f`` available as a template test (``{% if x is name %}``)."""
        self._add_to_jinja("tests", name or f.__name__, f)

    @setupmethod
    def add_template_global(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """Make ``f`` callable from every template."""
        self._add_to_jinja("globals", name or f.__name__, f)

    @setupmethod
    def template_filter(self, name: str | F | None = None) -> t.Any:
        """Register the decorated function as a template filter: ``@app.template_filter()``,
        ``@app.template_filter("name")`` or plain ``@app.template_filter``."""
        return _template_decorator(self.add_template_filter, name)

    @setupmethod
    def template_test(self, name: str | F | None = None) -> t.Any:
        """Register the decorated function as a template test (see :meth:`template_filter`)."""
        return _template_decorator(self.add_template_test, name)

    @setupmethod
    def template_global(self, name: str | F | None = None) -> t.Any:
        """Register the decorated function as a template global (see :meth:`template_filter`)."""
        return _template_decorator(self.add_template_global, name)

    # -- contexts ----------------------------------------------------------------------------------

    def app_context(self) -> AppContext:
        """A new application context; ``with app.app_context():`` makes ``current_app`` this app."""
        return AppContext(self)

    def request_context(self, environ: dict) -> RequestContext:
        """A new request context for a WSGI environ."""
        return RequestContext(self, environ)

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> RequestContext:
        """A request context for a made-up request; takes the test client's arguments
        (``path``, ``method``, ``headers``, ``data``, ``json``, ``query_string``, ``base_url``…)."""
        from .environ_builder import EnvironBuilder

        return self.request_context(EnvironBuilder(self, *args, **kwargs).get_environ())

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> FlagonClient:
        """A client sending requests to this app without a server (see :mod:`flagon.testing`)."""
        cls = self.test_client_class
        if cls is None:
            from .testing import FlagonClient as cls
        return cls(self, self.response_class, use_cookies=use_cookies, **kwargs)  # type: ignore[misc]

    def test_cli_runner(self, **kwargs: t.Any) -> FlagonCliRunner:
        """A click runner invoking this app's commands (``runner.invoke(args=["cmd"])``)."""
        cls = self.test_cli_runner_class
        if cls is None:
            from .testing import FlagonCliRunner as cls
        return cls(self, **kwargs)  # type: ignore[misc]

    # -- the request pipeline ----------------------------------------------------------------------

    def __call__(
        self,
        environ: dict,
        start_response: t.Callable | None = None,
        send: t.Callable | None = None,
    ) -> t.Any:
        """The entry point for WSGI (``environ, start_response``) and ASGI (``scope, receive,
        send``, or ASGI 2's ``scope`` then ``receive, send``) servers alike; wrap
        :meth:`wsgi_app` to add WSGI middleware, which then applies under both."""
        if send is None:
            if start_response is None:  # ASGI 2: the scope, then a callable for the rest
                return partial(self.asgi_app, environ)
            return self.wsgi_app(environ, start_response)
        return self.asgi_app(environ, t.cast(t.Callable, start_response), send)

    async def asgi_app(
        self, scope: dict[str, t.Any], receive: t.Callable, send: t.Callable
    ) -> None:
        """The ASGI entry point: HTTP requests through the same pipeline as :meth:`wsgi_app`,
        and the server's lifespan (:meth:`before_serving`, :meth:`after_serving`)."""
        await (_serve_asgi or _load_asgi())(self, scope, receive, send)

    def wsgi_app(self, environ: dict, start_response: t.Callable) -> t.Iterable[bytes]:
        """Handle one WSGI request: push the contexts, dispatch, respond, tear down."""
        plan = self._plan
        if plan is _UNPLANNED:
            plan = self._plan = _Plan(self)
        ctx = (
            self.request_context(environ) if plan.request_context else RequestContext(self, environ)
        )
        error: BaseException | None = None
        try:
            try:
                ctx.push()
                if plan.full_dispatch_request:
                    response = self.full_dispatch_request()
                else:
                    response = self.full_dispatch_request(ctx, plan.text)
            except Exception as e:
                error = e
                response = self.handle_exception(e)
            except BaseException:
                error = sys.exc_info()[1]
                raise
            if type(response) is tuple:
                # A view's text that no hook, session or signal would see as a response object.
                return send_text(response[0], environ, start_response, response[1])
            return response(environ, start_response)
        finally:
            if error is not None and self.should_ignore_error(error):
                error = None
            if (
                plan.auto_pop
                or environ.get("flagon._preserve_context")
                or (error is not None and self.preserve_context_on_exception)
            ):
                ctx.auto_pop(error)  # which may keep the context for the test client or debugging
            else:
                ctx.pop(error)

    def full_dispatch_request(
        self, ctx: RequestContext | None = None, _text: bool = False
    ) -> Response:
        """Before-request hooks, the view, then :meth:`finalize_request`; errors go to handlers.

        ``ctx`` is the current request context (found on the stack when not given).
        ``wsgi_app`` passes ``_text`` when nothing else of this app sees the result: a view's
        text that no after-request function, session or signal would see as a response
        object then comes back as ``(text, extra headers)``, for ``send_text``.
        """
        if ctx is None:
            ctx = _req_get(None)[0]
        self._got_first_request = True
        plan = self._plan
        try:
            if request_started.receivers:
                request_started.send(self, _async_wrapper=self.ensure_sync)
            if plan.preprocess_request:
                rv = self.preprocess_request()
            elif self.url_value_preprocessors or self.before_request_funcs:
                rv = self.preprocess_request(ctx)
            else:
                rv = None
            if rv is None:
                rv = (
                    self.dispatch_request() if plan.dispatch_request else self.dispatch_request(ctx)
                )
        except Exception as e:
            rv = self.handle_user_exception(e)
        if (
            _text
            and type(rv) is str
            and not (
                ctx._after_request_functions
                or self.after_request_funcs
                or request_finished.receivers
            )
        ):
            # What make_response and process_response would do to the text, without making a
            # response object: nothing, unless saving the session needs one (a session that
            # was only read just adds its Vary header).
            session = ctx._session
            if session is None:
                return rv, None  # type: ignore[return-value]
            extra_headers = headers_for_unchanged_session(self, session)
            if extra_headers is not None:
                return rv, extra_headers  # type: ignore[return-value]
        return self.finalize_request(rv)

    def full_dispatch_websocket(self, ctx: RequestContext) -> Response | None:
        """A WebSocket connection's handshake request: the URL value preprocessors and
        ``before_websocket`` functions, then the handler. None once the handler is done; a
        response (returned, or made from an error) when the connection is to be refused."""
        req = ctx.request
        try:
            rv = None
            preprocessors, _before, _after = self._request_hooks(req._scopes)
            for func in preprocessors:
                func(req.endpoint, req.view_args)
            for name in req._scopes[::-1]:
                for hook in self.before_websocket_funcs.get(name, ()):
                    rv = self.ensure_sync(hook)()
                    if rv is not None:
                        break
                if rv is not None:
                    break
            if rv is None:
                rv = self.dispatch_request(ctx)
        except WebSocketDisconnected:
            raise  # the client left: no error to handle
        except Exception as e:
            rv = self.handle_user_exception(e)
        return None if rv is None else self.make_response(rv)

    def preprocess_request(self, ctx: RequestContext | None = None) -> t.Any:
        """Run ``url_value_preprocessor`` then ``before_request`` functions (app, then
        blueprints outer to inner); the first non-``None`` result is the response."""
        if not (self.url_value_preprocessors or self.before_request_funcs):
            return None
        req = (_req_get(None)[0] if ctx is None else ctx).request
        preprocessors, before, _after = self._request_hooks(req._scopes)
        for func in preprocessors:
            func(req.endpoint, req.view_args)
        for func in before:
            rv = func()
            if rv is not None:
                return rv
        return None

    def _request_hooks(self, scopes: tuple[str | None, ...]) -> _RequestHooks:
        """The URL value preprocessors, before- and after-request functions for a request
        under ``scopes`` (its blueprints innermost first, then ``None``), each in the order
        they run, the hooks already made callable through :meth:`ensure_sync`.

        Kept per scope chain from the first request on, until the hooks change (setup methods
        refuse by then, but extensions may edit ``after_request_funcs`` and the others
        directly); before it (``test_request_context``) they are gathered at each call.
        """
        hooks = self._hooks_by_scopes.get(scopes)
        if hooks is not None:
            return hooks
        version = self._hooks_version
        default_sync = not self._plan.ensure_sync  # before the first request, unknown: not assumed
        # A custom ensure_sync is asked at each call, as it would be without the chains.
        sync = self.ensure_sync if default_sync else self._ensure_sync_on_call
        outer_first = scopes[::-1]
        preprocessors, before, after = (
            self.url_value_preprocessors,
            self.before_request_funcs,
            self.after_request_funcs,
        )
        hooks = (
            tuple(func for name in outer_first for func in preprocessors.get(name, ())),
            tuple(sync(func) for name in outer_first for func in before.get(name, ())),
            tuple(sync(func) for name in scopes for func in reversed(after.get(name, ()))),
        )
        if self._got_first_request and default_sync:
            self._hooks_by_scopes[scopes] = hooks
            if self._hooks_version != version:
                # Changed by another thread while gathered: what was stored may be stale.
                self._hooks_by_scopes.clear()
        return hooks

    def _forget_request_hooks(self) -> None:
        # Count, then clear: a chain gathered meanwhile is either cleared or noticed.
        self._hooks_version += 1
        self._hooks_by_scopes.clear()

    def _ensure_sync_on_call(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        return lambda *args: self.ensure_sync(func)(*args)

    def dispatch_request(self, ctx: RequestContext | None = None) -> t.Any:
        """Call the matched view with the URL's values (or raise the routing error)."""
        req = (_req_get(None)[0] if ctx is None else ctx).request
        if req.routing_exception is not None:
            self.raise_routing_exception(req)
        rule = req.url_rule
        if req.method == "OPTIONS" and getattr(rule, "provide_automatic_options", False):
            return self.make_default_options_response()
        view = self.view_functions[rule.endpoint]  # type: ignore[union-attr]
        if self._plan.ensure_sync:
            call = self.ensure_sync(view)
        else:  # ensure_sync's own cache, read directly
            call = self._sync_cache.get(view) or self.ensure_sync(view)
        if call is view:
            offload = req.environ.get("flagon.offload")  # under ASGI: a sync view to a thread
            if offload is not None:
                return offload(view, req.view_args)
        return call(**req.view_args)  # type: ignore[arg-type]

    def raise_routing_exception(self, request: Request) -> t.NoReturn:
        """Raise the error found while matching the URL (404, 405, a redirect…)."""
        raise request.routing_exception  # type: ignore[misc]

    def make_default_options_response(self) -> Response:
        """The automatic answer to ``OPTIONS``: an empty response with ``Allow``."""
        adapter = _req_get(None)[0].url_adapter
        methods = adapter.allowed_methods()  # type: ignore[union-attr]
        rv = self.response_class()
        rv.headers["Allow"] = ", ".join(sorted(methods))
        return rv

    def finalize_request(self, rv: t.Any, from_error_handler: bool = False) -> Response:
        """Turn a view's return value into the response and run the after-request work."""
        if type(rv) is str and not self._plan.make_response:
            response = self.response_class(rv)  # what make_response does with text
        else:
            response = self.make_response(rv)
        try:
            if self._plan.process_response:
                response = self.process_response(response)
            else:
                ctx = _req_get(None)[0]
                if (
                    ctx._after_request_functions
                    or self.after_request_funcs
                    or ctx._session is not None
                ):
                    response = self.process_response(response)  # else it has nothing to do
            if request_finished.receivers:
                request_finished.send(self, _async_wrapper=self.ensure_sync, response=response)
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("Request finalizing failed with an error while handling an error")
        return response

    def process_response(self, response: Response) -> Response:
        """``after_this_request`` functions, then ``after_request`` functions (blueprints inner
        to outer, then the app; each in reverse registration order), then save the session."""
        ctx = _req_get(None)[0]
        for func in ctx._after_request_functions:
            # Made per request: the ensure_sync cache would keep every one alive.
            if inspect.iscoroutinefunction(func):
                func = self.async_to_sync(func)
            response = func(response)
        if self.after_request_funcs:
            for func in self._request_hooks(ctx.request._scopes)[2]:
                response = func(response)
        session = ctx._session
        if session is not None and not self.session_interface.is_null_session(session):
            self.session_interface.save_session(self, session, response)
        return response

    def make_response(self, rv: t.Any) -> Response:
        """Turn what a view returned into a :attr:`response_class` instance.

        Accepted: a response; ``str``/``bytes``; a ``dict`` or ``list`` (JSON); an iterator or
        generator (streamed); an HTTP exception; any WSGI callable; or a tuple
        ``(body, status)``, ``(body, headers)`` or ``(body, status, headers)``.
        """
        if type(rv) is str:
            return self.response_class(rv)
        status = headers = None
        if type(rv) is tuple:
            len_rv = len(rv)
            if len_rv == 3:
                rv, status, headers = rv
            elif len_rv == 2:
                if isinstance(rv[1], (dict, tuple, list)) or hasattr(rv[1], "to_wsgi_list"):
                    rv, headers = rv
                else:
                    rv, status = rv
            else:
                raise TypeError(
                    "The view function did not return a valid response tuple. The tuple must have"
                    " the form (body, status, headers), (body, status), or (body, headers)."
                )

        if rv is None:
            endpoint = getattr(_req_get(None)[0].request, "endpoint", None)
            raise TypeError(
                f"The view function for {endpoint!r} did not return a valid response. The"
                " function either returned None or ended without a return statement."
            )

        response_class = self.response_class
        if not isinstance(rv, response_class):
            if isinstance(rv, (str, bytes, bytearray)):
                rv = response_class(rv, status=status, headers=headers)
                status = headers = None
            elif isinstance(rv, (dict, list)):
                rv = self.json.response(rv)
            elif isinstance(rv, HTTPException):
                rv = http_exception_response(response_class, rv, _req_get(None)[0].request.environ)
            elif isinstance(rv, Response) or callable(rv):
                try:
                    rv = response_class.force_type(rv, _req_get(None)[0].request.environ)
                except TypeError as e:
                    raise TypeError(
                        f"{e}\nThe view function did not return a valid response. The return type"
                        " must be a string, dict, list, tuple with headers or status, Response"
                        f" instance, or WSGI callable, but it was a {type(rv).__name__}."
                    ).with_traceback(sys.exc_info()[2]) from None
            elif hasattr(rv, "__iter__") and hasattr(rv, "__next__"):
                rv = response_class(rv, status=status, headers=headers)
                status = headers = None
            else:
                raise TypeError(
                    "The view function did not return a valid response. The return type must be"
                    " a string, dict, list, tuple with headers or status, Response instance, or"
                    f" WSGI callable, but it was a {type(rv).__name__}."
                )

        if status is not None:
            if isinstance(status, (str, bytes, bytearray)):
                rv.status = status
            else:
                rv.status_code = status
        if headers:
            rv.headers.update(headers)
        return rv

    # -- errors ------------------------------------------------------------------------------------

    def _find_error_handler(
        self, e: Exception, blueprints: list[str]
    ) -> t.Callable[[Exception], t.Any] | None:
        """The handler for ``e``: by status code before class, blueprint before app, and the
        closest class in the exception's MRO first."""
        exc_class, code = self._get_exc_class_and_code(type(e))
        names = (*blueprints, None)
        spec = self.error_handler_spec
        for c in (code, None) if code is not None else (None,):
            for name in names:
                handler_map = spec.get(name, {}).get(c)
                if not handler_map:
                    continue
                for cls in exc_class.__mro__:
                    handler = handler_map.get(cls)
                    if handler is not None:
                        return handler
        return None

    def trap_http_exception(self, e: Exception) -> bool:
        """Whether an HTTP exception should reach the debugger instead of its handler."""
        if self.config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = self.config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_request is None and self.debug and isinstance(e, BadRequestKeyError):
            return True
        if trap_bad_request:
            return isinstance(e, BadRequest)
        return False

    def handle_http_exception(self, e: HTTPException) -> HTTPException | t.Any:
        """The registered handler's result for an HTTP error, or the error itself."""
        if e.code is None:
            return e
        if isinstance(e, RoutingException):  # redirects are not errors
            return e
        handler = self._find_error_handler(e, _req_get(None)[0].request.blueprints)
        if handler is None:
            return e
        return self.ensure_sync(handler)(e)

    def handle_user_exception(self, e: Exception) -> t.Any:
        """Handle an error raised by a hook or view: HTTP errors as responses, others through
        registered handlers; re-raised when no handler applies."""
        if isinstance(e, BadRequestKeyError) and (
            self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
        ):
            e.show_exception = True
        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            return self.handle_http_exception(e)
        handler = self._find_error_handler(e, _req_get(None)[0].request.blueprints)
        if handler is None:
            raise
        return self.ensure_sync(handler)(e)

    def handle_exception(self, e: Exception) -> Response:
        """The last resort for an unhandled error: re-raise when propagating (testing/debug),
        else log it and answer 500 (through a 500 handler when one is registered)."""
        exc_info = sys.exc_info()
        if got_request_exception.receivers:
            got_request_exception.send(self, _async_wrapper=self.ensure_sync, exception=e)
        if self.propagate_exceptions:
            if exc_info[1] is e:
                raise
            raise e
        self.log_exception(exc_info)
        server_error: t.Any = InternalServerError(original_exception=e)
        ctx = _request_ctx_stack.top
        handler = self._find_error_handler(server_error, ctx.request.blueprints if ctx else [])
        if handler is not None:
            server_error = self.ensure_sync(handler)(server_error)
        return self.finalize_request(server_error, from_error_handler=True)

    def log_exception(self, exc_info: t.Any) -> None:
        """Log an unhandled error with the request's path and method."""
        ctx = _request_ctx_stack.top
        where = f" [{ctx.request.method}]" if ctx is not None else ""
        path = ctx.request.path if ctx is not None else "?"
        self.logger.error(f"Exception on {path}{where}", exc_info=exc_info)

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Return True to hide ``error`` from teardown functions."""
        return False

    # -- teardown ----------------------------------------------------------------------------------

    def _run_all(
        self, funcs: t.Iterable[t.Callable[..., t.Any]], exc: BaseException | None
    ) -> None:
        """Call each teardown function even if an earlier one fails; report failures after."""
        errors: list[Exception] = []
        for func in funcs:
            try:
                self.ensure_sync(func)(exc)
            except Exception as e:
                errors.append(e)
        if not errors:
            return
        if self.propagate_exceptions:
            raise errors[0]
        for error in errors:
            self.logger.error("Error in teardown function", exc_info=error)

    def do_teardown_request(self, exc: BaseException | None = None) -> None:
        """Run ``teardown_request`` functions (blueprints first, then the app; each in reverse)."""
        funcs = self.teardown_request_funcs
        if funcs:
            names = _req_get(None)[0].request._scopes
            self._run_all(chain.from_iterable(reversed(funcs.get(name, ())) for name in names), exc)
        if request_tearing_down.receivers:
            request_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)

    def do_teardown_appcontext(self, exc: BaseException | None = None) -> None:
        """Run ``teardown_appcontext`` functions in reverse registration order."""
        if self.teardown_appcontext_funcs:
            self._run_all(reversed(self.teardown_appcontext_funcs), exc)
        if appcontext_tearing_down.receivers:
            appcontext_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)

    # -- async -------------------------------------------------------------------------------------

    def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """``func`` itself, or for an ``async def`` function a plain wrapper that runs it."""
        sync = self._sync_cache.get(func)
        if sync is None:
            sync = self.async_to_sync(func) if inspect.iscoroutinefunction(func) else func
            if type(func) is FunctionType:  # bound methods are new objects each time
                self._sync_cache[func] = sync
        return sync

    def async_to_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """Wrap a coroutine function to run in this thread's event loop."""
        return async_to_sync(func)

    # -- command line and serving ------------------------------------------------------------------

    @cached_property
    def cli(self) -> AppGroup:
        """The app's click group: ``@app.cli.command()`` adds a ``flagon`` command running in the
        app context. Made on first use, so apps without commands never import click."""
        from .cli import AppGroup

        return AppGroup(self.name)

    @setupmethod
    def shell_context_processor(self, f: F) -> F:
        """Register a function returning a dict of names to define in ``flagon shell``."""
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, t.Any]:
        """The names ``flagon shell`` starts with: ``app``, ``g``, then the processors' names."""
        from .globals import g

        names: dict[str, t.Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            names.update(processor())
        return names

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: t.Any,
    ) -> None:
        """Serve the app with the development server (waitress) on ``host:port``.

        ``host`` defaults to 127.0.0.1 (pass ``"0.0.0.0"`` to be reachable from other machines);
        ``port`` to the one in ``SERVER_NAME``, else 5000. ``.flagonenv`` / ``.env`` are loaded
        first when ``load_dotenv``. Options: ``use_reloader`` (default: debug mode), ``threads``,
        ``threaded``, ``extra_files``, ``exclude_patterns``, and waitress settings. Does nothing
        while the ``flagon`` command is loading the app (call it under ``if __name__ ==
        "__main__":``).
        """
        from . import cli
        from .serving import is_running_from_reloader, run_simple

        if os.environ.get("FLAGON_RUN_FROM_CLI") == "true":
            if not is_running_from_reloader():
                import click

                click.secho(
                    " * Ignoring a call to 'app.run()' that would block the current 'flagon'"
                    " command.\n   Only call 'app.run()' in an"
                    " 'if __name__ == \"__main__\"' guard.",
                    fg="red",
                )
            return
        if cli.get_load_dotenv(load_dotenv):
            cli.load_dotenv()
            if _environ_setting("DEBUG") is not None:
                self.debug = get_debug_flag()
        if debug is not None:
            self.debug = bool(debug)

        server_name = self.config.get("SERVER_NAME")
        server_port = server_name.partition(":")[2] if server_name else ""
        if port or port == 0:
            port = int(port)
        else:
            port = int(server_port or 5000)
        options.setdefault("use_reloader", self.debug)
        cli.show_server_banner(self.debug, self.name)
        run_simple(host or "127.0.0.1", port, self, **options)
