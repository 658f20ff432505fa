"""Class-based views: :class:`View` for one ``dispatch_request`` method, :class:`MethodView` for
one method per HTTP verb (``get``, ``post``…).

``as_view`` turns a class into the plain view function the router calls, so class-based views
cost one extra call per request and nothing else.
"""

from __future__ import annotations

import inspect
import typing as t

from .exceptions import MethodNotAllowed
from .globals import current_app, request

#: The instance methods :class:`MethodView` dispatches to (lowercase HTTP methods).
http_method_funcs = frozenset(("get", "post", "head", "options", "delete", "put", "trace", "patch"))


class View:
    """Subclass and override :meth:`dispatch_request`; register ``YourView.as_view("name")``.

    Class attributes configure the generated view function: :attr:`methods`,
    :attr:`provide_automatic_options`, :attr:`decorators` (applied to the function, not the class)
    and :attr:`init_every_request`.
    """

    #: The methods the route accepts; ``None`` lets ``add_url_rule`` default to ``GET``.
    methods: t.ClassVar[t.Collection[str] | None] = None
    #: Whether ``OPTIONS`` is answered automatically; ``None`` follows the app's setting.
    provide_automatic_options: t.ClassVar[bool | None] = None
    #: Decorators applied to the generated view function, first in the list innermost.
    decorators: t.ClassVar[list[t.Callable[..., t.Any]]] = []
    #: Make a new instance for every request (``True``) or one per ``as_view`` call. Set it to
    #: ``False`` for speed when the view keeps no per-request state on ``self``.
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self, **kwargs: t.Any) -> t.Any:
        """Handle the request; receives the URL's variables as keyword arguments."""
        raise NotImplementedError()

    @classmethod
    def as_view(
        cls, name: str, *class_args: t.Any, **class_kwargs: t.Any
    ) -> t.Callable[..., t.Any]:
        """A view function named ``name`` that runs :meth:`dispatch_request`.

        ``class_args`` and ``class_kwargs`` go to the constructor, for every request or once,
        depending on :attr:`init_every_request`. The function carries ``view_class``,
        ``methods`` and ``provide_automatic_options`` for ``add_url_rule``.
        """
        # Decided once: a sync dispatch_request is called directly, an async one through the
        # app's ensure_sync.
        is_async = inspect.iscoroutinefunction(cls.dispatch_request)
        if cls.init_every_request:

            def view(**kwargs: t.Any) -> t.Any:
                self = view.view_class(*class_args, **class_kwargs)  # type: ignore[attr-defined]
                if is_async:
                    return current_app.ensure_sync(self.dispatch_request)(**kwargs)
                return self.dispatch_request(**kwargs)

        else:
            instance = cls(*class_args, **class_kwargs)

            def view(**kwargs: t.Any) -> t.Any:
                if is_async:
                    return current_app.ensure_sync(instance.dispatch_request)(**kwargs)
                return instance.dispatch_request(**kwargs)

        if cls.decorators:
            # Decorators may read these (functools.wraps copies them).
            view.__name__ = name
            view.__module__ = cls.__module__
            for decorator in cls.decorators:
                view = decorator(view)

        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
        return view


class MethodView(View):
    """Dispatches each request to the method named after its HTTP method (``get``, ``post``…).

    :attr:`methods` is derived from the handlers a class defines or inherits (plus the base
    classes' ``methods``); ``HEAD`` falls back to ``get``. Handlers may be ``async def``.
    """

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" not in cls.__dict__:
            methods: set[str] = set()
            for base in cls.__bases__:
                methods.update(getattr(base, "methods", None) or ())
            methods.update(name.upper() for name in http_method_funcs if hasattr(cls, name))
            if methods:
                cls.methods = methods

    def dispatch_request(self, **kwargs: t.Any) -> t.Any:
        method = request.method
        handler = getattr(self, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(self, "get", None)
        if handler is None:
            # Only reachable when ``methods`` lists a method without a handler: answer 405
            # with what the class does handle, rather than failing with a 500.
            allowed = {name.upper() for name in http_method_funcs if hasattr(self, name)}
            if "GET" in allowed:
                allowed.add("HEAD")
            raise MethodNotAllowed(valid_methods=sorted(allowed))
        if inspect.iscoroutinefunction(handler):
            handler = current_app.ensure_sync(handler)
        return handler(**kwargs)
