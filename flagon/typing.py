"""Type aliases for annotating views and hooks: what a view may return, and the signatures of
the functions the app and blueprints register (Flask's ``flask.typing`` names)."""

from __future__ import annotations

import typing as t
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

    from .datastructures import Headers
    from .wrappers import Response

#: A response body, or a complete response: what a view's value may be before status and headers.
ResponseValue = t.Union[
    "Response",
    str,
    bytes,
    list[t.Any],
    Mapping[str, t.Any],
    Iterator[str],
    Iterator[bytes],
    AsyncIterator[str],
    AsyncIterator[bytes],
]

#: One header's value: a string, or several.
HeaderValue = str | list[str] | tuple[str, ...]

#: Headers given with a view's value.
HeadersValue = t.Union[
    "Headers",
    Mapping[str, HeaderValue],
    Sequence[tuple[str, HeaderValue]],
]

#: Everything a view may return: a value, optionally with a status and/or headers, or a WSGI app.
ResponseReturnValue = t.Union[
    ResponseValue,
    tuple[ResponseValue, HeadersValue],
    tuple[ResponseValue, int],
    tuple[ResponseValue, int, HeadersValue],
    "WSGIApplication",
]

#: A response class, for functions returning the class they were given.
ResponseClass = t.TypeVar("ResponseClass", bound="Response")

#: The key of the app (``None``) or of a blueprint (its dotted name) in the hook registries.
AppOrBlueprintKey = str | None

AfterRequestCallable = (
    Callable[[ResponseClass], ResponseClass] | Callable[[ResponseClass], Awaitable[ResponseClass]]
)
BeforeFirstRequestCallable = Callable[[], None] | Callable[[], Awaitable[None]]
BeforeRequestCallable = (
    Callable[[], ResponseReturnValue | None] | Callable[[], Awaitable[ResponseReturnValue | None]]
)
ShellContextProcessorCallable = Callable[[], dict[str, t.Any]]
TeardownCallable = (
    Callable[[BaseException | None], None] | Callable[[BaseException | None], Awaitable[None]]
)
TemplateContextProcessorCallable = (
    Callable[[], dict[str, t.Any]] | Callable[[], Awaitable[dict[str, t.Any]]]
)
TemplateFilterCallable = Callable[..., t.Any]
TemplateGlobalCallable = Callable[..., t.Any]
TemplateTestCallable = Callable[..., bool]
URLDefaultCallable = Callable[[str, dict[str, t.Any]], None]
URLValuePreprocessorCallable = Callable[[str | None, dict[str, t.Any] | None], None]
ErrorHandlerCallable = (
    Callable[[t.Any], ResponseReturnValue] | Callable[[t.Any], Awaitable[ResponseReturnValue]]
)
RouteCallable = Callable[..., ResponseReturnValue] | Callable[..., Awaitable[ResponseReturnValue]]
