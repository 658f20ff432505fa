"""What applications and blueprints share: routes, request hooks and error handlers.

Hooks and handlers are stored per scope: ``None`` for the application, a blueprint's dotted name
for that blueprint. Registration methods are *setup methods*: once the application has handled
its first request they refuse to run, since workers would otherwise disagree about the routes.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
import typing as t
from collections import defaultdict
from datetime import timedelta
from functools import update_wrapper

from .exceptions import HTTPException, default_exceptions
from .globals import current_app
from .lazy import cached_property
from .sending import send_from_directory

if t.TYPE_CHECKING:
    from jinja2 import BaseLoader

    from .wrappers import Response

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

_sentinel = object()


class _HookList(list):
    """One scope's hooks in a :class:`_HookRegistry`: a list that reports each change to it."""

    __slots__ = ("_registry",)

    def __init__(self, registry: _HookRegistry, iterable: t.Iterable[t.Any] = ()) -> None:
        super().__init__(iterable)
        self._registry = registry

    def __reduce__(self) -> t.Any:
        return (list, (list(self),))


def _reporting(name: str) -> t.Callable[..., t.Any]:
    method = getattr(list, name)

    def change(self: _HookList, *args: t.Any, **kwargs: t.Any) -> t.Any:
        rv = method(self, *args, **kwargs)
        self._registry.changed()
        return rv

    change.__name__ = change.__qualname__ = name
    return change


for _name in (
    "append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse",
    "__setitem__", "__delitem__", "__iadd__", "__imul__",
):  # fmt: skip
    setattr(_HookList, _name, _reporting(_name))
del _name


class _HookRegistry(defaultdict):
    """Scope -> list of hooks, as Flask's ``defaultdict(list)``, that calls ``on_change`` after
    any change to it or to one of its lists, however it is made: a setup method, or code
    editing the lists directly (``app.after_request_funcs[None].append(f)``, as extensions do
    during requests). A list assigned to it is stored as a copy of that list.
    """

    #: Called after each change (the app sets it on its own registries).
    on_change: t.Callable[[], None] | None = None

    def __init__(self, default_factory: t.Any = list, *args: t.Any, **kwargs: t.Any) -> None:
        # defaultdict's signature, for its copy(), copy.copy() and |: shallow copies sharing
        # the lists (which report to this registry), as a defaultdict's would.
        super().__init__(default_factory, *args, **kwargs)

    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def __missing__(self, key: str | None) -> list[t.Any]:
        value = _HookList(self)
        dict.__setitem__(self, key, value)  # a new empty list changes no hook
        return value

    def __setitem__(self, key: str | None, value: t.Iterable[t.Any]) -> None:
        if type(value) is not _HookList or value._registry is not self:
            value = _HookList(self, value)
        super().__setitem__(key, value)
        self.changed()

    def __delitem__(self, key: str | None) -> None:
        super().__delitem__(key)
        self.changed()

    def setdefault(self, key: str | None, default: t.Any = None) -> t.Any:
        if key not in self:
            self[key] = () if default is None else default
        return self[key]

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: t.Any) -> t.Self:  # type: ignore[misc]  # merges in place
        self.update(other)
        return self

    def pop(self, *args: t.Any) -> t.Any:
        rv = super().pop(*args)
        self.changed()
        return rv

    def popitem(self) -> t.Any:
        rv = super().popitem()
        self.changed()
        return rv

    def clear(self) -> None:
        super().clear()
        self.changed()

    def __reduce__(self) -> t.Any:
        # Copied or pickled, it is Flask's plain defaultdict of lists.
        return (defaultdict, (list, {key: list(funcs) for key, funcs in self.items()}))


def setupmethod(f: F) -> F:
    """Mark a method that configures the app or blueprint; it refuses after the first request."""
    f_name = f.__name__

    def wrapper_func(self: Scaffold, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._check_setup_finished(f_name)
        return f(self, *args, **kwargs)

    return update_wrapper(wrapper_func, f)  # type: ignore[return-value]


def get_root_path(import_name: str) -> str:
    """The folder of the module or package ``import_name`` (the cwd when it can't be told)."""
    mod = sys.modules.get(import_name)
    filename = getattr(mod, "__file__", None)
    if mod is not None and filename is not None:
        return os.path.dirname(os.path.abspath(filename))
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin in (None, "namespace", "built-in", "frozen"):
        if spec is not None and spec.submodule_search_locations:
            return os.path.abspath(next(iter(spec.submodule_search_locations)))
        return os.getcwd()
    return os.path.dirname(os.path.abspath(spec.origin))


def _import_root(import_name: str) -> str:
    """The ``sys.path`` entry ``import_name``'s top-level package (or module) is imported from;
    the cwd when it can't be found (``__main__`` run as a script, a name that isn't importable)."""
    try:
        spec = importlib.util.find_spec(import_name.partition(".")[0])
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return os.getcwd()
    locations = spec.submodule_search_locations
    if not locations:  # a module: <entry>/module.py
        origin = spec.origin
        return os.path.dirname(origin) if origin and os.path.isabs(origin) else os.getcwd()
    if spec.origin not in (None, "namespace"):  # a regular package: <entry>/pkg/__init__.py
        return os.path.dirname(os.path.dirname(spec.origin))
    # A namespace package may span several entries: take the one holding import_name.
    try:
        inner = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        inner = None
    target = None
    if inner is not None and inner.submodule_search_locations:
        target = os.path.commonpath(list(inner.submodule_search_locations))
    elif inner is not None and inner.origin and os.path.isabs(inner.origin):
        target = inner.origin
    for location in locations:
        if target is not None and _is_inside(target, location):
            return os.path.dirname(location)
    return os.path.dirname(next(iter(locations)))


def _is_inside(path: str, folder: str) -> bool:
    return os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) == os.path.abspath(
        folder
    )


def find_package(import_name: str) -> tuple[str | None, str]:
    """``(prefix, path)``: the installation prefix ``import_name`` lives under (``None`` when it
    is not installed in ``sys.prefix`` or a ``site-packages``) and the ``sys.path`` entry it is
    imported from, as Flask's ``find_package``."""
    path = _import_root(import_name)
    prefix = os.path.abspath(sys.prefix)
    if _is_inside(path, prefix):  # installed to the system (or the running virtualenv)
        return prefix, path
    parent, folder = os.path.split(path)
    if folder.lower() == "site-packages":  # another prefix: <prefix>/lib[/pythonX.Y]/site-packages
        grandparent, lib = os.path.split(parent)
        if lib.lower() == "lib":
            return grandparent, path
        if os.path.basename(grandparent).lower() == "lib":
            return os.path.dirname(grandparent), path
        return parent, path
    return None, path


def _endpoint_from_view_func(view_func: t.Callable[..., t.Any]) -> str:
    if view_func is None:
        raise TypeError("Either an endpoint or a view function must be given.")
    return view_func.__name__


class Scaffold:
    """Routes, hooks and error handlers, recorded per scope for an app or a blueprint."""

    name: str
    _static_folder: str | None = None
    _static_url_path: str | None = None

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ) -> None:
        #: The module or package name; finds the root path and resources.
        self.import_name = import_name
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        #: Templates of this app or blueprint, relative to the root path.
        self.template_folder = template_folder
        if root_path is None:
            root_path = get_root_path(self.import_name)
        self.root_path = root_path

        #: endpoint -> view function.
        self.view_functions: dict[str, t.Callable[..., t.Any]] = {}
        #: scope -> status code (or None) -> exception class -> handler.
        self.error_handler_spec: dict[
            str | None, dict[int | None, dict[type[BaseException], t.Callable[..., t.Any]]]
        ] = defaultdict(lambda: defaultdict(dict))
        # The app keeps the chains it gathers from these three (see _HookRegistry).
        self.before_request_funcs: dict[str | None, list[t.Callable[..., t.Any]]] = _HookRegistry()
        self.after_request_funcs: dict[str | None, list[t.Callable[..., t.Any]]] = _HookRegistry()
        self.teardown_request_funcs: dict[str | None, list[t.Callable[..., t.Any]]] = defaultdict(
            list
        )
        self.template_context_processors: dict[str | None, list[t.Callable[..., t.Any]]] = (
            defaultdict(list)
        )
        self.url_value_preprocessors: dict[str | None, list[t.Callable[..., t.Any]]] = (
            _HookRegistry()
        )
        self.url_default_functions: dict[str | None, list[t.Callable[..., t.Any]]] = defaultdict(
            list
        )
        self.before_websocket_funcs: dict[str | None, list[t.Callable[..., t.Any]]] = defaultdict(
            list
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    # -- static files ------------------------------------------------------------------------------

    @property
    def static_folder(self) -> str | None:
        """The absolute path of the static folder, or ``None``."""
        if self._static_folder is not None:
            return os.path.join(self.root_path, self._static_folder)
        return None

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        if value is not None:
            value = os.fspath(value).rstrip(r"\/")
        self._static_folder = value

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is configured."""
        return self.static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix of static files: ``/static`` unless set."""
        if self._static_url_path is not None:
            return self._static_url_path
        if self.static_folder is not None:
            basename = os.path.basename(self.static_folder)
            return f"/{basename}".rstrip("/")
        return None

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        if value is not None:
            value = value.rstrip("/")
        self._static_url_path = value

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """How long clients may cache a file sent by ``send_file`` or :meth:`send_static_file`:
        the current app's ``SEND_FILE_MAX_AGE_DEFAULT``, in seconds. ``None`` (the default)
        makes clients revalidate each time, which a 304 answers cheaply. Override to vary it
        by file."""
        value = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        return value

    def send_static_file(self, filename: str) -> Response:
        """The view of the ``static`` route: send ``filename`` from :attr:`static_folder`."""
        folder = self.static_folder
        if folder is None:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        # Asked here rather than in send_file, so a blueprint's override applies too.
        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(folder, filename, max_age=max_age)

    # -- templates ---------------------------------------------------------------------------------

    @cached_property
    def jinja_loader(self) -> BaseLoader | None:
        """A loader for :attr:`template_folder` (relative to the root path), or ``None``."""
        if self.template_folder is None:
            return None
        from jinja2 import FileSystemLoader

        return FileSystemLoader(os.path.join(self.root_path, self.template_folder))

    # -- routes ------------------------------------------------------------------------------------

    def _method_route(
        self, method: str, rule: str, options: dict[str, t.Any]
    ) -> t.Callable[[F], F]:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    @setupmethod
    def get(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """``route(rule, methods=["GET"])``."""
        return self._method_route("GET", rule, options)

    @setupmethod
    def post(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """``route(rule, methods=["POST"])``."""
        return self._method_route("POST", rule, options)

    @setupmethod
    def put(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """``route(rule, methods=["PUT"])``."""
        return self._method_route("PUT", rule, options)

    @setupmethod
    def delete(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """``route(rule, methods=["DELETE"])``."""
        return self._method_route("DELETE", rule, options)

    @setupmethod
    def patch(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """``route(rule, methods=["PATCH"])``."""
        return self._method_route("PATCH", rule, options)

    @setupmethod
    def route(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """Register the decorated function for a URL rule (see :meth:`add_url_rule`)."""

        def decorator(f: F) -> F:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    @setupmethod
    def websocket(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """Register the decorated ``async def`` function as the handler of WebSocket
        connections to ``rule`` (served under ASGI). It talks through the ``websocket`` global;
        returning a response (or raising an HTTP error) before accepting refuses the
        connection with it."""

        def decorator(f: F) -> F:
            if not inspect.iscoroutinefunction(f):
                raise TypeError(f"WebSocket handlers are 'async def' functions: {f!r} isn't.")
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(
                rule,
                endpoint,
                f,
                websocket=True,
                methods=["GET"],
                provide_automatic_options=False,
                **options,
            )
            return f

        return decorator

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        raise NotImplementedError

    @setupmethod
    def endpoint(self, endpoint: str) -> t.Callable[[F], F]:
        """Register the decorated function as the view for ``endpoint`` (rule added elsewhere)."""

        def decorator(f: F) -> F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    # -- hooks -------------------------------------------------------------------------------------

    @setupmethod
    def before_request(self, f: F) -> F:
        """Run ``f()`` before each request; a non-``None`` return value becomes the response."""
        self.before_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def before_websocket(self, f: F) -> F:
        """Run ``f()`` before each WebSocket handler, in its request context; a non-``None``
        return value is a response refusing the connection."""
        self.before_websocket_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def after_request(self, f: F) -> F:
        """Run ``f(response)`` after each request; it returns the response to send."""
        self.after_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def teardown_request(self, f: F) -> F:
        """Run ``f(exc)`` when the request context pops, even after an unhandled error."""
        self.teardown_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def context_processor(self, f: F) -> F:
        """Add the dict ``f()`` returns to every template context."""
        self.template_context_processors[None].append(f)
        return f

    @setupmethod
    def url_value_preprocessor(self, f: F) -> F:
        """Run ``f(endpoint, values)`` before the view, to pull values out of the URL."""
        self.url_value_preprocessors[None].append(f)
        return f

    @setupmethod
    def url_defaults(self, f: F) -> F:
        """Run ``f(endpoint, values)`` when building a URL, to fill in values."""
        self.url_default_functions[None].append(f)
        return f

    # -- errors ------------------------------------------------------------------------------------

    @setupmethod
    def errorhandler(self, code_or_exception: type[Exception] | int) -> t.Callable[[F], F]:
        """Register the decorated function for a status code or an exception class."""

        def decorator(f: F) -> F:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    @setupmethod
    def register_error_handler(
        self, code_or_exception: type[Exception] | int, f: t.Callable[..., t.Any]
    ) -> None:
        """The non-decorator form of :meth:`errorhandler`."""
        exc_class, code = self._get_exc_class_and_code(code_or_exception)
        self.error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: type[Exception] | int,
    ) -> tuple[type[Exception], int | None]:
        """The exception class and status code (``None`` for non-HTTP exceptions) to key on."""
        if isinstance(exc_class_or_code, int):
            try:
                exc_class: type[Exception] = default_exceptions[exc_class_or_code]
            except KeyError:
                raise ValueError(
                    f"'{exc_class_or_code}' is not a recognized HTTP error code. Use a subclass of"
                    " HTTPException with that code instead."
                ) from None
        else:
            exc_class = exc_class_or_code
        if isinstance(exc_class, Exception):
            raise TypeError(
                f"{exc_class!r} is an instance, not a class. Handlers can only be registered for"
                " Exception classes or HTTP error codes."
            )
        if not isinstance(exc_class, type) or not issubclass(exc_class, Exception):
            raise ValueError(
                f"'{getattr(exc_class, '__name__', exc_class)}' is not a subclass of Exception."
                " Handlers can only be registered for Exception classes or HTTP error codes."
            )
        if issubclass(exc_class, HTTPException):
            return exc_class, exc_class.code
        return exc_class, None
