"""static304: a conditional ``GET /static/app.css`` answered ``304 Not Modified``.

At setup each app serves the file once; the timed requests send its ``ETag`` back in
``If-None-Match``, as a browser revalidating its cache does. flagon and Flask use their
built-in static route, Bottle ``static_file`` behind a ``/static/<filename:path>`` route,
Falcon ``add_static_route``; each computes the file's validators from ``os.stat`` and
compares them with the request.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import call
from benchmarks.scenario import Reply, Scenario, WSGIApp, environ_factory, expect
from benchmarks.scenarios.routes import (
    add_filler_routes_bottle,
    add_filler_routes_falcon,
    add_filler_routes_flask_style,
)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
FILE = "app.css"
PATH = f"/static/{FILE}"


def _flask_style(app_class: type) -> Any:
    app = app_class(__name__, static_folder=str(STATIC_DIR))
    add_filler_routes_flask_style(app)
    return app


def flagon_app() -> Any:
    from flagon import Flagon

    return _flask_style(Flagon)


def flask_app() -> Any:
    from flask import Flask

    return _flask_style(Flask)


def bottle_app() -> Any:
    import bottle

    app = bottle.Bottle()
    add_filler_routes_bottle(app)

    @app.route("/static/<filename:path>")
    def static(filename: str) -> Any:
        return bottle.static_file(filename, root=str(STATIC_DIR))

    return app


def falcon_app() -> Any:
    import falcon

    app = falcon.App()
    add_filler_routes_falcon(app)
    app.add_static_route("/static", str(STATIC_DIR))
    return app


def _revalidating(app: WSGIApp) -> Callable[[], dict]:
    """Download the file once; the timed requests ask whether that copy is still fresh."""
    reply = call(app, environ_factory("GET", PATH)())
    expect(reply, 200, body=(STATIC_DIR / FILE).read_bytes())
    etag = reply.header("ETag")
    if not etag:
        raise RuntimeError(f"GET {PATH} sent no ETag")
    return environ_factory("GET", PATH, headers={"If-None-Match": etag})


def _check(reply: Reply) -> None:
    expect(reply, 304, body=b"")


SCENARIO = Scenario(
    name="static304",
    description=f"GET {PATH} with If-None-Match: <its ETag> -> 304",
    make_environ=environ_factory("GET", PATH),
    check=_check,
    builders={"flagon": flagon_app, "flask": flask_app, "bottle": bottle_app, "falcon": falcon_app},
    setup=_revalidating,
)
