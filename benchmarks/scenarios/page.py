"""page: ``GET /page`` with a signed session cookie, rendering a Jinja2 template of 20 items.

Each app sets its own session cookie once at setup (``GET /session/start`` stores the
user ``alice``); every timed request carries that cookie, and the view reads the user
from it and renders ``benchmarks/templates/page.html``: a loop over a list of 20 dicts
with an ``if``, the ``title``, ``format`` and ``length`` filters, ``loop.cycle`` and
autoescaped values (every note holds ``&``, ``'`` and ``<…>``).

flagon and Flask use their sessions and ``render_template``. Bottle signs a JSON string
with ``response.set_cookie(secret=…)`` / ``request.get_cookie(secret=…)`` and renders
through ``bottle.jinja2_template`` with autoescaping on. Falcon, which has neither
sessions nor templates, signs the cookie with itsdangerous (as Flask's sessions do) and
renders a template loaded once from a Jinja2 ``Environment``.
"""

from __future__ import annotations

import json
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

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
SECRET = "benchmark secret, not for production"
USER = "alice"
TITLE = "Shop"
SESSION_LIFETIME = 31 * 24 * 3600  # Flask's default PERMANENT_SESSION_LIFETIME, in seconds
ITEMS = [
    {
        "id": number,
        "name": f"item number {number}",
        "price": 9.5 + number,
        "in_stock": number % 3 != 0,
        "note": f"Tom & Jerry's <favourite> #{number}",
    }
    for number in range(20)
]


def _flask_style(app_class: type, session: Any, render_template: Callable[..., str]) -> Any:
    app = app_class(__name__, template_folder=str(TEMPLATES_DIR))
    app.secret_key = SECRET
    add_filler_routes_flask_style(app)

    @app.route("/session/start")
    def start_session() -> str:
        session["user"] = USER
        return "signed in"

    @app.route("/page")
    def page() -> str:
        return render_template(
            "page.html", title=TITLE, user=session.get("user", "stranger"), items=ITEMS
        )

    return app


def flagon_app() -> Any:
    from flagon import Flagon, render_template, session

    return _flask_style(Flagon, session, render_template)


def flask_app() -> Any:
    from flask import Flask, render_template, session

    return _flask_style(Flask, session, render_template)


def bottle_app() -> Any:
    import bottle

    lookup = [str(TEMPLATES_DIR)]  # one list object: Bottle caches templates by its id
    app = bottle.Bottle()
    add_filler_routes_bottle(app)

    @app.route("/session/start")
    def start_session() -> str:
        bottle.response.set_cookie(
            "session", json.dumps({"user": USER}), secret=SECRET, httponly=True
        )
        return "signed in"

    @app.route("/page")
    def page() -> str:
        cookie = bottle.request.get_cookie("session", secret=SECRET)
        user = json.loads(cookie).get("user", "stranger") if cookie else "stranger"
        return bottle.jinja2_template(
            "page.html",
            template_lookup=lookup,
            template_settings={"autoescape": True},
            title=TITLE,
            user=user,
            items=ITEMS,
        )

    return app


def falcon_app() -> Any:
    import falcon
    import jinja2
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    sessions = URLSafeTimedSerializer(SECRET, salt="cookie-session")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=jinja2.select_autoescape()
    )
    template = environment.get_template("page.html")

    class StartSession:
        def on_get(self, req: Any, resp: Any) -> None:
            resp.set_cookie("session", sessions.dumps({"user": USER}), secure=False, http_only=True)
            resp.text = "signed in"

    class Page:
        def on_get(self, req: Any, resp: Any) -> None:
            try:
                data = sessions.loads(req.cookies.get("session", ""), max_age=SESSION_LIFETIME)
            except BadSignature:
                data = {}
            resp.text = template.render(title=TITLE, user=data.get("user", "stranger"), items=ITEMS)
            resp.content_type = falcon.MEDIA_HTML

    app = falcon.App()
    add_filler_routes_falcon(app)
    app.add_route("/session/start", StartSession())
    app.add_route("/page", Page())
    return app


def _signed_in(app: WSGIApp) -> Callable[[], dict]:
    """Let the app set its session cookie; the timed requests send it back."""
    reply = call(app, environ_factory("GET", "/session/start")())
    expect(reply, 200)
    set_cookie = reply.header("Set-Cookie")
    if not set_cookie:
        raise RuntimeError("signing in set no cookie")
    return environ_factory("GET", "/page", headers={"Cookie": set_cookie.split(";", 1)[0]})


def _expected_body() -> bytes:
    import jinja2

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True)
    return (
        environment.get_template("page.html").render(title=TITLE, user=USER, items=ITEMS).encode()
    )


EXPECTED_BODY = _expected_body()


def _check(reply: Reply) -> None:
    expect(reply, 200, body=EXPECTED_BODY, content_type="text/html")


SCENARIO = Scenario(
    name="page",
    description="GET /page with a signed session cookie -> Jinja2 page of 20 items",
    make_environ=environ_factory("GET", "/page"),
    check=_check,
    builders={"flagon": flagon_app, "flask": flask_app, "bottle": bottle_app, "falcon": falcon_app},
    setup=_signed_in,
)
