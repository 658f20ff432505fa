"""hello for the ASGI targets: flagon with ``async def`` views or sync views kept on the loop,
Quart, Starlette and FastAPI, each written as its users would, with async views.

Same request, routes and check as ``hello`` (30 filler routes plus ``/hello/<name>``, which
ends the greeting with ``!`` only when the query argument ``a`` is ``"1"``).
"""

# No postponed annotations: FastAPI reads the views' annotations (``request: Request``) at
# decoration time, and its Request is imported inside the builder.

from typing import Any

from benchmarks.scenarios import hello
from benchmarks.scenarios.routes import (
    add_filler_routes_fastapi,
    add_filler_routes_flask_style,
    starlette_filler_routes,
)


def _mark(a: str | None) -> str:
    return "!" if a == "1" else "?"


def flagon_async_app() -> Any:
    from flagon import Flagon, request

    app = Flagon(__name__)
    add_filler_routes_flask_style(app)

    @app.route("/hello/<name>")
    async def greet(name: str) -> str:
        return f"Hello, {name}{_mark(request.args.get('a'))}"

    return app


def flagon_on_loop_app() -> Any:
    """The plain ``def`` app, its views run on the event loop instead of the thread pool."""
    app = hello.flagon_app()
    app.config["ASGI_SYNC_VIEWS_IN_THREADS"] = False
    return app


def quart_app() -> Any:
    from quart import Quart, request

    app = Quart(__name__)
    add_filler_routes_flask_style(app)

    @app.route("/hello/<name>")
    async def greet(name: str) -> str:
        return f"Hello, {name}{_mark(request.args.get('a'))}"

    return app


def starlette_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def greet(request: Request) -> PlainTextResponse:
        name = request.path_params["name"]
        return PlainTextResponse(f"Hello, {name}{_mark(request.query_params.get('a'))}")

    return Starlette(routes=[*starlette_filler_routes(), Route("/hello/{name}", greet)])


def fastapi_app() -> Any:
    from fastapi import FastAPI
    from fastapi.responses import PlainTextResponse

    app = FastAPI()
    add_filler_routes_fastapi(app)

    @app.get("/hello/{name}", response_class=PlainTextResponse)
    async def greet(name: str, a: str | None = None) -> str:
        return f"Hello, {name}{_mark(a)}"

    return app


BUILDERS = {
    "flagon_async": flagon_async_app,
    "flagon_on_loop": flagon_on_loop_app,
    "quart": quart_app,
    "starlette": starlette_app,
    "fastapi": fastapi_app,
}
