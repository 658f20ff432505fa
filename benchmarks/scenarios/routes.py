"""The 30 ordinary routes every "realistic app" scenario registers, in each framework's syntax.

Patterns are written once in Falcon's ``{name}`` / ``{name:int}`` notation and
translated, so every framework routes exactly the same URL set.
"""

from __future__ import annotations

import re
from typing import Any

FILLER_PATTERNS = (
    "/",
    "/about",
    "/contact",
    "/login",
    "/logout",
    "/register",
    "/search",
    "/feed.xml",
    "/robots.txt",
    "/users",
    "/posts",
    "/tags",
    "/admin",
    "/admin/settings",
    "/api/status",
    "/users/{username}",
    "/users/{username}/posts",
    "/users/{username}/followers",
    "/posts/{post_id:int}",
    "/posts/{post_id:int}/edit",
    "/posts/{post_id:int}/comments",
    "/posts/{post_id:int}/comments/{comment_id:int}",
    "/tags/{tag}",
    "/tags/{tag}/feed.xml",
    "/api/users/{user_id:int}",
    "/api/posts/{post_id:int}",
    "/archive/{year:int}",
    "/archive/{year:int}/{month:int}",
    "/files/{filename}",
    "/admin/users/{user_id:int}",
)

_FIELD = re.compile(r"\{(\w+)(?::(\w+))?\}")


def flask_rule(pattern: str) -> str:
    """``/posts/{post_id:int}`` -> ``/posts/<int:post_id>`` (Flask and flagon)."""
    return _FIELD.sub(lambda m: f"<{m[2]}:{m[1]}>" if m[2] else f"<{m[1]}>", pattern)


def bottle_rule(pattern: str) -> str:
    """``/posts/{post_id:int}`` -> ``/posts/<post_id:int>``."""
    return _FIELD.sub(lambda m: f"<{m[1]}:{m[2]}>" if m[2] else f"<{m[1]}>", pattern)


def _filler_view(**params: Any) -> str:
    return "filler"


def add_filler_routes_flask_style(app: Any) -> None:
    """Register the filler routes on a Flask or flagon app."""
    for number, pattern in enumerate(FILLER_PATTERNS):
        app.add_url_rule(flask_rule(pattern), f"filler{number}", _filler_view)


def add_filler_routes_bottle(app: Any) -> None:
    for pattern in FILLER_PATTERNS:
        app.route(bottle_rule(pattern), callback=_filler_view)


class _FalconFiller:
    def on_get(self, req: Any, resp: Any, **params: Any) -> None:
        resp.text = "filler"


def add_filler_routes_falcon(app: Any) -> None:
    filler = _FalconFiller()
    for pattern in FILLER_PATTERNS:
        app.add_route(pattern, filler)


async def _async_filler_view(request: Any) -> Any:
    from starlette.responses import PlainTextResponse

    return PlainTextResponse("filler")


def starlette_filler_routes() -> list[Any]:
    """The filler routes as Starlette ``Route`` objects (its ``{name:int}`` is Falcon's)."""
    from starlette.routing import Route

    return [Route(pattern, _async_filler_view) for pattern in FILLER_PATTERNS]


async def _fastapi_filler_view() -> str:
    return "filler"


def add_filler_routes_fastapi(app: Any) -> None:
    """FastAPI declares path parameters by name (``{post_id}``); their types would come from
    the view's annotations, which the filler view, never called, does without."""
    for pattern in FILLER_PATTERNS:
        app.add_api_route(_FIELD.sub(r"{\1}", pattern), _fastapi_filler_view)
