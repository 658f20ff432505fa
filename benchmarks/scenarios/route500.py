"""route500: 500 dynamic routes ``/r{i}/<int:item_id>``; the request matches the last one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.scenario import Reply, Scenario, environ_factory, expect

ROUTE_COUNT = 500
LAST = ROUTE_COUNT - 1


def _numbered_view(number: int) -> Callable[..., str]:
    def view(item_id: int) -> str:
        return f"route {number} id {item_id}"

    return view


def _flask_style(app_class: type) -> Any:
    app = app_class(__name__)
    for i in range(ROUTE_COUNT):
        app.add_url_rule(f"/r{i}/<int:item_id>", f"r{i}", _numbered_view(i))
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
    for i in range(ROUTE_COUNT):
        app.route(f"/r{i}/<item_id:int>", callback=_numbered_view(i))
    return app


def falcon_app() -> Any:
    import falcon

    class Numbered:
        def __init__(self, number: int) -> None:
            self.number = number

        def on_get(self, req: Any, resp: Any, item_id: int) -> None:
            resp.text = f"route {self.number} id {item_id}"
            resp.content_type = falcon.MEDIA_TEXT

    app = falcon.App()
    for i in range(ROUTE_COUNT):
        app.add_route(f"/r{i}/{{item_id:int}}", Numbered(i))
    return app


def _check(reply: Reply) -> None:
    expect(reply, 200, body=f"route {LAST} id 42".encode())


SCENARIO = Scenario(
    name="route500",
    description=f"GET /r{LAST}/42 among {ROUTE_COUNT} dynamic routes",
    make_environ=environ_factory("GET", f"/r{LAST}/42"),
    check=_check,
    builders={"flagon": flagon_app, "flask": flask_app, "bottle": bottle_app, "falcon": falcon_app},
)
