"""hello: ``GET /hello/<name>?a=1`` answering ``Hello, <name>!`` among 30 other routes.

The view reads the query argument ``a`` and ends the greeting with ``!`` only when
it equals ``"1"``, so the correctness check proves the query string was parsed.
"""

from __future__ import annotations

from typing import Any

from benchmarks.scenario import Reply, Scenario, environ_factory, expect
from benchmarks.scenarios.routes import (
    add_filler_routes_bottle,
    add_filler_routes_falcon,
    add_filler_routes_flask_style,
)


def _flask_style(app_class: type, request: Any) -> Any:
    app = app_class(__name__)
    add_filler_routes_flask_style(app)

    @app.route("/hello/<name>")
    def hello(name: str) -> str:
        mark = "!" if request.args.get("a") == "1" else "?"
        return f"Hello, {name}{mark}"

    return app


def flagon_app() -> Any:
    from flagon import Flagon, request

    return _flask_style(Flagon, request)


def flask_app() -> Any:
    from flask import Flask, request

    return _flask_style(Flask, request)


def bottle_app() -> Any:
    import bottle

    app = bottle.Bottle()
    add_filler_routes_bottle(app)

    @app.route("/hello/<name>")
    def hello(name: str) -> str:
        mark = "!" if bottle.request.query.get("a") == "1" else "?"
        return f"Hello, {name}{mark}"

    return app


def falcon_app() -> Any:
    import falcon

    class Hello:
        def on_get(self, req: Any, resp: Any, name: str) -> None:
            mark = "!" if req.get_param("a") == "1" else "?"
            resp.text = f"Hello, {name}{mark}"
            resp.content_type = falcon.MEDIA_TEXT

    app = falcon.App()
    add_filler_routes_falcon(app)
    app.add_route("/hello/{name}", Hello())
    return app


BUILDERS = {"flagon": flagon_app, "flask": flask_app, "bottle": bottle_app, "falcon": falcon_app}


def _check(reply: Reply) -> None:
    expect(reply, 200, body=b"Hello, world!")


SCENARIO = Scenario(
    name="hello",
    description="GET /hello/world?a=1 -> text, 31 routes registered",
    make_environ=environ_factory("GET", "/hello/world", query="a=1"),
    check=_check,
    builders=BUILDERS,
)
