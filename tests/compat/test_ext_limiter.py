"""Flask-Limiter on flagon, with in-memory storage, following its quick-start: decorated limits,
default limits, exemptions, the 429 answer with its headers, and what an ``errorhandler(429)``
receives."""

from __future__ import annotations

import time

import pytest
from flask import Blueprint, Flask, jsonify, make_response, request
from flask.views import MethodView
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import TooManyRequests


@pytest.fixture
def app():
    app = Flask(__name__)
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=["3 per day"],
        storage_uri="memory://",
    )
    app.extensions["test_limiter"] = limiter

    @app.route("/slow")
    @limiter.limit("2 per minute")
    def slow():
        return ":("

    @app.route("/medium")
    @limiter.limit("1/second", override_defaults=False)
    def medium():
        return ":|"

    @app.route("/fast")
    def fast():
        return ":)"

    @app.route("/ping")
    @limiter.exempt
    def ping():
        return "PONG"

    @app.route("/current")
    @limiter.limit("5 per minute")
    def current():
        limit = limiter.current_limit
        return jsonify(amount=limit.limit.amount, remaining=limit.remaining)

    return app


def test_third_request_is_a_429_with_retry_after_and_rate_limit_headers(app):
    client = app.test_client()
    first = client.get("/slow")
    assert first.status_code == 200
    assert first.get_data() == b":("
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert first.headers["X-RateLimit-Remaining"] == "1"
    reset = int(first.headers["X-RateLimit-Reset"])
    assert time.time() < reset <= time.time() + 61
    assert 0 < int(first.headers["Retry-After"]) <= 60
    assert client.get("/slow").headers["X-RateLimit-Remaining"] == "0"

    third = client.get("/slow")
    assert third.status_code == 429
    assert "<title>429 Too Many Requests</title>" in third.get_data(as_text=True)
    assert "2 per 1 minute" in third.get_data(as_text=True)
    assert third.headers["X-RateLimit-Limit"] == "2"
    assert third.headers["X-RateLimit-Remaining"] == "0"
    assert int(third.headers["X-RateLimit-Reset"]) == reset
    assert 0 < int(third.headers["Retry-After"]) <= 60


def test_limits_are_per_remote_address(app):
    client = app.test_client()
    for _ in range(2):
        assert client.get("/slow").status_code == 200
    assert client.get("/slow").status_code == 429
    other = {"REMOTE_ADDR": "10.0.0.2"}
    assert client.get("/slow", environ_base=other).status_code == 200


def test_default_limits_apply_to_undecorated_routes(app):
    client = app.test_client()
    for remaining in ("2", "1", "0"):
        response = client.get("/fast")
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "3"
        assert response.headers["X-RateLimit-Remaining"] == remaining
    response = client.get("/fast")
    assert response.status_code == 429
    assert "3 per 1 day" in response.get_data(as_text=True)


def test_decorated_limit_with_override_defaults_false_adds_to_the_defaults(app):
    client = app.test_client()
    assert client.get("/medium").status_code == 200
    # 1/second is hit at once (the default 3/day is still counted).
    response = client.get("/medium")
    assert response.status_code == 429
    assert "1 per 1 second" in response.get_data(as_text=True)


def test_exempt_routes_are_never_limited(app):
    client = app.test_client()
    for _ in range(10):
        response = client.get("/ping")
        assert response.status_code == 200
        assert "X-RateLimit-Limit" not in response.headers
    # 404s have no endpoint: not limited either.
    for _ in range(5):
        assert client.get("/nowhere").status_code == 404


def test_current_limit_in_the_view(app):
    client = app.test_client()
    assert client.get("/current").get_json() == {"amount": 5, "remaining": 4}
    assert client.get("/current").get_json() == {"amount": 5, "remaining": 3}


def test_errorhandler_429_sees_the_rate_limit_exceeded(app):
    seen = []

    @app.errorhandler(429)
    def ratelimit_handler(e):
        seen.append(e)
        return make_response(jsonify(error=f"ratelimit exceeded {e.description}"), 429)

    client = app.test_client()
    client.get("/slow")
    client.get("/slow")
    response = client.get("/slow")
    assert response.status_code == 429
    assert response.get_json() == {"error": "ratelimit exceeded 2 per 1 minute"}
    # The headers are added to the handler's response too.
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert "Retry-After" in response.headers
    [error] = seen
    assert isinstance(error, RateLimitExceeded)
    assert isinstance(error, TooManyRequests)
    assert str(error.limit.limit) == "2 per 1 minute"


def test_reset_clears_the_counters(app):
    client = app.test_client()
    for _ in range(3):
        client.get("/slow")
    assert client.get("/slow").status_code == 429
    app.extensions["test_limiter"].reset()
    assert client.get("/slow").status_code == 200


def test_headers_are_off_by_default_and_limits_can_be_disabled():
    app = Flask(__name__)
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")

    @app.route("/")
    @limiter.limit("1 per minute")
    def index():
        return "ok"

    client = app.test_client()
    response = client.get("/")
    assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response.headers
    response = client.get("/")
    assert response.status_code == 429
    assert "Retry-After" not in response.headers

    app2 = Flask(__name__)
    app2.config["RATELIMIT_ENABLED"] = False
    limiter2 = Limiter(get_remote_address, app=app2, storage_uri="memory://")

    @app2.route("/")
    @limiter2.limit("1 per minute")
    def index2():
        return "ok"

    client2 = app2.test_client()
    assert [client2.get("/").status_code for _ in range(3)] == [200, 200, 200]


def test_blueprints_shared_limits_deduct_when_and_on_breach():
    app = Flask(__name__)
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    breaches = []
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri="memory://",
        default_limits=["100 per hour"],
        on_breach=lambda limit: breaches.append(str(limit.limit)),
    )
    api = Blueprint("api", __name__, url_prefix="/api")
    limiter.limit("2 per minute")(api)
    docs = Blueprint("docs", __name__, url_prefix="/docs")
    limiter.exempt(docs)
    shared = limiter.shared_limit("2 per minute", scope="search")

    @api.route("/a")
    def a():
        return "a"

    @api.route("/b")
    def b():
        return "b"

    @docs.route("/")
    def docs_index():
        return "docs"

    @app.route("/search/1")
    @shared
    def search1():
        return "1"

    @app.route("/search/2")
    @shared
    def search2():
        return "2"

    @app.route("/login", methods=["POST"])
    @limiter.limit("2 per minute", deduct_when=lambda response: response.status_code == 401)
    def login():
        if request.form.get("password") == "right":
            return "welcome"
        return "no", 401

    class Things(MethodView):
        decorators = [limiter.limit("1 per minute")]

        def get(self):
            return "things"

    app.add_url_rule("/things", view_func=Things.as_view("things"))

    @api.errorhandler(429)
    def api_too_many(e):
        return f"api: {e.description}", 429

    app.register_blueprint(api)
    app.register_blueprint(docs)
    client = app.test_client()

    # The blueprint's limit applies to each of its routes.
    assert [client.get("/api/a").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/b").status_code == 200
    assert all(client.get("/docs/").status_code == 200 for _ in range(5))
    # A shared limit is one budget for both routes.
    assert [client.get(p).status_code for p in ("/search/1", "/search/2", "/search/1")] == [
        200,
        200,
        429,
    ]
    # Only failed logins count.
    for _ in range(3):
        assert client.post("/login", data={"password": "right"}).status_code == 200
    assert client.post("/login", data={"password": "wrong"}).status_code == 401
    assert client.post("/login", data={"password": "wrong"}).status_code == 401
    assert client.post("/login", data={"password": "right"}).status_code == 429
    # The blueprint's own 429 handler answers for its routes.
    assert client.get("/api/a").get_data() == b"api: 2 per 1 minute"
    # Decorators of a class-based view.
    assert [client.get("/things").status_code for _ in range(2)] == [200, 429]
    assert breaches == ["2 per 1 minute"] * 4 + ["1 per 1 minute"]


def test_on_breach_response_is_sent():
    app = Flask(__name__)
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")

    @app.route("/")
    @limiter.limit(
        "1 per minute",
        on_breach=lambda limit: make_response(f"slow down ({limit.limit})", 429),
    )
    def index():
        return "ok"

    client = app.test_client()
    client.get("/")
    response = client.get("/")
    assert response.status_code == 429
    assert response.get_data(as_text=True) == "slow down (1 per 1 minute)"
