"""blueprint: ``GET /shop/items/42`` served by a route in a section of the app with its own hooks.

The section's before-request hook reads the ``X-Customer`` request header into
per-request state, the view answers ``item 42 for alice``, the section's after-request
hook adds ``X-Section: shop``, and an app-wide after-request hook adds
``X-Frame-Options: DENY``; the 30 filler routes are registered too.

flagon and Flask use a ``Blueprint`` (``url_prefix="/shop"``) with ``before_request`` /
``after_request`` and ``g``, plus ``app.after_request``. Bottle mounts a sub-application
at ``/shop/``: Bottle 0.13 merges a mounted app's routes into the parent, where only the
parent's hooks fire, so the section's hooks are a plugin installed on the sub-app (applied
to its routes only), and the app-wide one is ``@app.hook("after_request")``. Falcon
decorates the resource class with ``@falcon.before`` / ``@falcon.after`` hooks and sets
the app-wide header in a middleware's ``process_response``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.scenario import Reply, Scenario, environ_factory, expect
from benchmarks.scenarios.routes import (
    add_filler_routes_bottle,
    add_filler_routes_falcon,
    add_filler_routes_flask_style,
)

CUSTOMER = "alice"
EXPECTED_HEADERS = {"X-Section": "shop", "X-Frame-Options": "DENY"}


def _flask_style(app_class: type, blueprint_class: type, request: Any, g: Any) -> Any:
    app = app_class(__name__)
    add_filler_routes_flask_style(app)
    shop = blueprint_class("shop", __name__, url_prefix="/shop")

    @shop.before_request
    def load_customer() -> None:
        g.customer = request.headers.get("X-Customer", "guest")

    @shop.after_request
    def mark_section(response: Any) -> Any:
        response.headers["X-Section"] = "shop"
        return response

    @shop.route("/items/<int:item_id>")
    def item(item_id: int) -> str:
        return f"item {item_id} for {g.customer}"

    @app.after_request
    def deny_framing(response: Any) -> Any:
        response.headers["X-Frame-Options"] = "DENY"
        return response

    app.register_blueprint(shop)
    return app


def flagon_app() -> Any:
    from flagon import Blueprint, Flagon, g, request

    return _flask_style(Flagon, Blueprint, request, g)


def flask_app() -> Any:
    from flask import Blueprint, Flask, g, request

    return _flask_style(Flask, Blueprint, request, g)


def bottle_app() -> Any:
    import bottle

    def shop_hooks(callback: Callable[..., Any]) -> Callable[..., Any]:
        def with_hooks(*args: Any, **kwargs: Any) -> Any:
            bottle.request.customer = bottle.request.get_header("X-Customer", "guest")
            body = callback(*args, **kwargs)
            bottle.response.set_header("X-Section", "shop")
            return body

        return with_hooks

    shop = bottle.Bottle()
    shop.install(shop_hooks)

    @shop.route("/items/<item_id:int>")
    def item(item_id: int) -> str:
        return f"item {item_id} for {bottle.request.customer}"

    app = bottle.Bottle()
    add_filler_routes_bottle(app)

    @app.hook("after_request")
    def deny_framing() -> None:
        bottle.response.set_header("X-Frame-Options", "DENY")

    app.mount("/shop/", shop)
    return app


def falcon_app() -> Any:
    import falcon

    def load_customer(req: Any, resp: Any, resource: Any, params: dict) -> None:
        req.context.customer = req.get_header("X-Customer", default="guest")

    def mark_section(req: Any, resp: Any, resource: Any) -> None:
        resp.set_header("X-Section", "shop")

    @falcon.before(load_customer)
    @falcon.after(mark_section)
    class Item:
        def on_get(self, req: Any, resp: Any, item_id: int) -> None:
            resp.text = f"item {item_id} for {req.context.customer}"
            resp.content_type = falcon.MEDIA_TEXT

    class DenyFraming:
        def process_response(self, req: Any, resp: Any, resource: Any, req_succeeded: bool) -> None:
            resp.set_header("X-Frame-Options", "DENY")

    app = falcon.App(middleware=[DenyFraming()])
    add_filler_routes_falcon(app)
    app.add_route("/shop/items/{item_id:int}", Item())
    return app


def _check(reply: Reply) -> None:
    expect(reply, 200, body=f"item 42 for {CUSTOMER}".encode(), headers=EXPECTED_HEADERS)


SCENARIO = Scenario(
    name="blueprint",
    description="GET /shop/items/42 -> blueprint before/after hooks plus an app after hook",
    make_environ=environ_factory("GET", "/shop/items/42", headers={"X-Customer": CUSTOMER}),
    check=_check,
    builders={"flagon": flagon_app, "flask": flask_app, "bottle": bottle_app, "falcon": falcon_app},
)
