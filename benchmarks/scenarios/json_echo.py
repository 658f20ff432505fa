"""json: POST a 50-item JSON list to ``/json``; the view parses it and echoes it with a count."""

from __future__ import annotations

import json
from typing import Any

from benchmarks.scenario import Reply, Scenario, environ_factory, expect

ITEMS = [
    {
        "id": i,
        "name": f"item {i}",
        "price": round(i * 1.25, 2),
        "tags": ["red", "new"],
        "active": i % 2 == 0,
    }
    for i in range(50)
]
PAYLOAD = json.dumps(ITEMS).encode()


def _flask_style(app_class: type, request: Any) -> Any:
    app = app_class(__name__)

    @app.route("/json", methods=["POST"])
    def echo() -> dict:
        items = request.get_json()
        return {"count": len(items), "items": items}

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

    @app.post("/json")
    def echo() -> dict:
        items = bottle.request.json
        return {"count": len(items), "items": items}

    return app


def falcon_app() -> Any:
    import falcon

    class Echo:
        def on_post(self, req: Any, resp: Any) -> None:
            items = req.get_media()
            resp.media = {"count": len(items), "items": items}

    app = falcon.App()
    app.add_route("/json", Echo())
    return app


def _check(reply: Reply) -> None:
    expect(
        reply, 200, content_type="application/json", json_body={"count": len(ITEMS), "items": ITEMS}
    )


SCENARIO = Scenario(
    name="json",
    description=f"POST /json with a 50-item list ({len(PAYLOAD)} bytes) -> JSON echo",
    make_environ=environ_factory("POST", "/json", body=PAYLOAD, content_type="application/json"),
    check=_check,
    builders={"flagon": flagon_app, "flask": flask_app, "bottle": bottle_app, "falcon": falcon_app},
)
