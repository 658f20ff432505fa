"""A small flagon application: ``python examples/hello.py`` serves it on http://127.0.0.1:5000."""

from __future__ import annotations

import argparse
from html import escape

from flagon import Flagon, abort, g, jsonify, redirect, request, url_for

app = Flagon(__name__)


@app.before_request
def remember_visitor() -> None:
    g.visitor = request.args.get("name", "stranger")


@app.route("/")
def index() -> str:
    links = "".join(
        f'<li><a href="{url}">{url}</a></li>'
        for url in (
            url_for("hello", name="flagon"),
            url_for("add", a=2, b=3),
            url_for("about"),
            url_for("info", x="1"),
        )
    )
    return f"<h1>Hello, {escape(g.visitor)}!</h1><ul>{links}</ul>"


@app.route("/hello/<name>")
def hello(name: str) -> str:
    return f"Hello, {escape(name)}!"


@app.route("/add/<int:a>/<int:b>")
def add(a: int, b: int) -> dict:
    return {"a": a, "b": b, "sum": a + b}


@app.route("/about/")
def about() -> str:
    return "flagon: Flask's programming model, on context locals, made fast."


@app.route("/info")
def info():
    return jsonify(path=request.path, args=request.args.to_dict(), method=request.method)


@app.route("/old")
def old():
    return redirect(url_for("index"))


@app.route("/secret")
def secret():
    abort(403)


@app.errorhandler(404)
def not_found(error):
    return f"<h1>Nothing at {escape(request.path)}</h1>", 404


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    app.run(host=args.host, port=args.port)
