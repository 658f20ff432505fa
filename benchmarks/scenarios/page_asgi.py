"""page for the ASGI targets: flagon with an ``async def`` view or a sync view kept on the
loop, Quart, Starlette and FastAPI, each written as its users would, with async views.

Same request, template and check as ``page``: ``GET /session/start`` signs the user
``alice`` into the framework's own session cookie once, and every timed ``GET /page`` reads
the user back from that cookie and renders ``benchmarks/templates/page.html``.

| framework | session | template |
| --- | --- | --- |
| flagon, Quart | ``session`` (itsdangerous-signed cookie) | ``render_template`` (awaited in Quart) |
| Starlette, FastAPI | ``SessionMiddleware`` and ``request.session`` | ``Jinja2Templates`` |
"""

# No postponed annotations: FastAPI reads the views' annotations (``request: Request``) at
# decoration time, and its Request is imported inside the builder.

from typing import Any

from benchmarks.scenarios import page
from benchmarks.scenarios.page import ITEMS, SECRET, TEMPLATES_DIR, TITLE, USER
from benchmarks.scenarios.routes import (
    add_filler_routes_fastapi,
    add_filler_routes_flask_style,
    starlette_filler_routes,
)


def flagon_async_app() -> Any:
    from flagon import Flagon, render_template, session

    app = Flagon(__name__, template_folder=str(TEMPLATES_DIR))
    app.secret_key = SECRET
    add_filler_routes_flask_style(app)

    @app.route("/session/start")
    async def start_session() -> str:
        session["user"] = USER
        return "signed in"

    @app.route("/page")
    async def show_page() -> str:
        return render_template(
            "page.html", title=TITLE, user=session.get("user", "stranger"), items=ITEMS
        )

    return app


def flagon_on_loop_app() -> Any:
    """The plain ``def`` app, its views run on the event loop instead of the thread pool."""
    app = page.flagon_app()
    app.config["ASGI_SYNC_VIEWS_IN_THREADS"] = False
    return app


def quart_app() -> Any:
    from quart import Quart, render_template, session

    app = Quart(__name__, template_folder=str(TEMPLATES_DIR))
    app.secret_key = SECRET
    add_filler_routes_flask_style(app)

    @app.route("/session/start")
    async def start_session() -> str:
        session["user"] = USER
        return "signed in"

    @app.route("/page")
    async def show_page() -> str:
        return await render_template(
            "page.html", title=TITLE, user=session.get("user", "stranger"), items=ITEMS
        )

    return app


def _templates() -> Any:
    from starlette.templating import Jinja2Templates

    return Jinja2Templates(directory=TEMPLATES_DIR)


def starlette_app() -> Any:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    templates = _templates()

    async def start_session(request: Request) -> Response:
        request.session["user"] = USER
        return PlainTextResponse("signed in")

    async def show_page(request: Request) -> Response:
        user = request.session.get("user", "stranger")
        return templates.TemplateResponse(
            request, "page.html", {"title": TITLE, "user": user, "items": ITEMS}
        )

    return Starlette(
        routes=[
            *starlette_filler_routes(),
            Route("/session/start", start_session),
            Route("/page", show_page),
        ],
        middleware=[Middleware(SessionMiddleware, secret_key=SECRET)],
    )


def fastapi_app() -> Any:
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse, PlainTextResponse
    from starlette.middleware.sessions import SessionMiddleware

    templates = _templates()
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=SECRET)
    add_filler_routes_fastapi(app)

    @app.get("/session/start", response_class=PlainTextResponse)
    async def start_session(request: Request) -> str:
        request.session["user"] = USER
        return "signed in"

    @app.get("/page", response_class=HTMLResponse)
    async def show_page(request: Request) -> Any:
        user = request.session.get("user", "stranger")
        return templates.TemplateResponse(
            request, "page.html", {"title": TITLE, "user": user, "items": ITEMS}
        )

    return app


BUILDERS = {
    "flagon_async": flagon_async_app,
    "flagon_on_loop": flagon_on_loop_app,
    "quart": quart_app,
    "starlette": starlette_app,
    "fastapi": fastapi_app,
}
