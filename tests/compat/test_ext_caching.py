"""Flask-Caching on flagon, with the quick-start's ``SimpleCache``: ``@cache.cached`` views served
from the cache on the next request (strings, responses with headers, 404s), query-string keys,
``unless``, the hit header, ``memoize`` and ``delete_memoized``, ``cache.delete`` and
``delete_cached``, ``CachedResponse`` timeouts and the ``{% cache %}`` template tag."""

from __future__ import annotations

import collections

import pytest
from flask import Flask, abort, jsonify, make_response, render_template_string, request
from flask_caching import Cache, CachedResponse


@pytest.fixture
def app():
    config = {
        "DEBUG": True,  # cache errors are raised rather than logged
        "CACHE_TYPE": "SimpleCache",
        "CACHE_DEFAULT_TIMEOUT": 300,
    }
    app = Flask(__name__)
    app.config.from_mapping(config)
    cache = Cache(app)
    calls = collections.Counter()

    @app.after_request
    def served_by(response):
        response.headers["X-Served-By"] = "test"
        return response

    @app.route("/")
    @cache.cached(timeout=50)
    def index():
        calls["index"] += 1
        return f"index #{calls['index']}"

    @app.route("/user/<name>")
    @cache.cached()
    def user(name):
        calls[name] += 1
        return f"{name} #{calls[name]}"

    @app.route("/response")
    @cache.cached()
    def response():
        calls["response"] += 1
        rv = make_response(jsonify(n=calls["response"]), 201)
        rv.headers["X-Computed"] = str(calls["response"])
        rv.set_cookie("flavour", "oat")
        return rv

    @app.route("/search")
    @cache.cached(query_string=True)
    def search():
        calls["search"] += 1
        return jsonify(n=calls["search"], args=sorted(request.args.items(multi=True)))

    @app.route("/hit")
    @cache.cached(response_hit_indication=True)
    def hit():
        calls["hit"] += 1
        return "hit"

    @app.route("/unless")
    @cache.cached(unless=lambda: request.args.get("fresh") == "1")
    def unless():
        calls["unless"] += 1
        return str(calls["unless"])

    @app.route("/missing")
    @cache.cached()
    def missing():
        calls["missing"] += 1
        abort(404)

    @app.route("/short")
    @cache.cached(timeout=300)
    def short():
        calls["short"] += 1
        return CachedResponse(make_response(str(calls["short"])), timeout=1)

    @app.route("/async")
    @cache.cached()
    async def async_view():
        calls["async"] += 1
        return f"async #{calls['async']}"

    @cache.memoize(50)
    def big_foo(a, b):
        calls["big_foo"] += 1
        return a + b + calls["big_foo"] * 1000

    @app.route("/foo/<int:a>/<int:b>")
    def foo(a, b):
        return str(big_foo(a, b))

    @app.route("/fragment/<who>")
    def fragment(who):
        calls["fragment"] += 1
        return render_template_string(
            "{% cache 60, 'greeting', who %}hello {{ who }} {{ n }}{% endcache %}|{{ n }}",
            who=who,
            n=calls["fragment"],
        )

    app.cache, app.calls, app.big_foo = cache, calls, big_foo
    app.views = {"index": index, "search": search}
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def test_cached_view_is_served_from_the_cache(app, client):
    assert client.get("/").text == "index #1"
    response = client.get("/")
    assert response.status_code == 200
    assert response.text == "index #1"
    assert response.content_type == "text/html; charset=utf-8"
    assert app.calls["index"] == 1
    # The key is "view/" + the request's path.
    assert app.cache.get("view//") == "index #1"


def test_keys_are_per_path(app, client):
    assert client.get("/user/ann").text == "ann #1"
    assert client.get("/user/bob").text == "bob #1"
    assert client.get("/user/ann").text == "ann #1"
    assert app.calls == {"ann": 1, "bob": 1}


def test_a_cached_response_keeps_status_headers_and_cookies(app, client):
    first = client.get("/response")
    second = client.get("/response")
    assert app.calls["response"] == 1
    for response in (first, second):
        assert response.status_code == 201
        assert response.get_json() == {"n": 1}
        assert response.headers["X-Computed"] == "1"
        assert response.mimetype == "application/json"
        assert "flavour=oat" in response.headers["Set-Cookie"]


def test_delete_and_delete_cached(app, client):
    client.get("/")
    assert app.cache.delete("view//") is True
    assert client.get("/").text == "index #2"
    assert client.get("/").text == "index #2"

    with app.test_request_context():
        assert app.cache.delete_cached(app.views["index"], "/") is True
    assert client.get("/").text == "index #3"

    app.cache.clear()
    assert client.get("/").text == "index #4"


def test_query_string_keys(app, client):
    first = client.get("/search?limit=10&offset=20").get_json()
    assert first == {"n": 1, "args": [["limit", "10"], ["offset", "20"]]}
    # Same arguments in another order: the same key.
    assert client.get("/search?offset=20&limit=10").get_json() == first
    # Other arguments: another key.
    assert client.get("/search?limit=10&offset=30").get_json()["n"] == 2
    assert client.get("/search").get_json() == {"n": 3, "args": []}
    assert client.get("/search?limit=10&offset=30").get_json()["n"] == 2

    with app.test_request_context():
        app.cache.delete_cached(app.views["search"], "/search", {"offset": "20", "limit": "10"})
    assert client.get("/search?limit=10&offset=20").get_json()["n"] == 4


def test_hit_header(client):
    # The app has served other requests (and run its after_request function) first.
    assert client.get("/").headers["X-Served-By"] == "test"
    assert "hit_cache" not in client.get("/hit").headers
    assert client.get("/hit").headers["hit_cache"] == "True"
    assert client.get("/hit").headers["hit_cache"] == "True"


def test_unless_bypasses_the_cache(app, client):
    assert client.get("/unless").text == "1"
    assert client.get("/unless?fresh=1").text == "2"
    assert client.get("/unless?fresh=1").text == "3"
    assert client.get("/unless").text == "1"


def test_an_aborted_view_is_cached_too(app, client):
    assert client.get("/missing").status_code == 404
    assert client.get("/missing").status_code == 404
    assert app.calls["missing"] == 1


def test_cached_response_timeout(app, client, monkeypatch):
    assert client.get("/short").text == "1"
    assert client.get("/short").text == "1"
    # SimpleCache stores the expiry time: the response's own timeout (1 s) applies.
    import cachelib.simple

    clock = cachelib.simple.time()
    monkeypatch.setattr(cachelib.simple, "time", lambda: clock + 2)
    assert client.get("/short").text == "2"


def test_async_view_is_cached(app, client):
    assert client.get("/async").text == "async #1"
    assert client.get("/async").text == "async #1"
    assert app.calls["async"] == 1


def test_memoize_and_delete_memoized(app, client):
    assert client.get("/foo/5/2").text == "1007"
    assert client.get("/foo/5/2").text == "1007"
    assert client.get("/foo/1/1").text == "2002"
    assert app.calls["big_foo"] == 2

    with app.app_context():
        app.cache.delete_memoized(app.big_foo, 5, 2)
    assert client.get("/foo/5/2").text == "3007"
    assert client.get("/foo/1/1").text == "2002"

    with app.app_context():
        app.cache.delete_memoized(app.big_foo)
    assert client.get("/foo/1/1").text == "4002"


def test_template_fragment_cache(app, client):
    assert client.get("/fragment/ann").text == "hello ann 1|1"
    assert client.get("/fragment/ann").text == "hello ann 1|2"
    assert client.get("/fragment/bob").text == "hello bob 3|3"
    from flask_caching import make_template_fragment_key

    with app.app_context():
        app.cache.delete(make_template_fragment_key("greeting", vary_on=["ann"]))
    assert client.get("/fragment/ann").text == "hello ann 4|4"
