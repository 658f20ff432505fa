"""Request hooks: before_request (and its short-circuit), after_request in reverse order,
after_this_request, teardown_request / teardown_appcontext receiving the exception, and every
teardown function running even when one of them fails."""

from __future__ import annotations

import gc
import logging
import weakref

import pytest

from flagon import abort, after_this_request, g, request


def test_hooks_run_in_pipeline_order(app, client):
    calls = []

    @app.before_request
    def before():
        calls.append("before")

    @app.route("/")
    def index():
        calls.append("view")

        @after_this_request
        def just_this_once(response):
            calls.append("after_this_request")
            return response

        return "ok"

    @app.after_request
    def after(response):
        calls.append("after")
        return response

    @app.teardown_request
    def teardown_req(exc):
        calls.append("teardown_request")

    @app.teardown_appcontext
    def teardown_app(exc):
        calls.append("teardown_appcontext")

    assert client.get("/").text == "ok"
    assert calls == [
        "before",
        "view",
        "after_this_request",
        "after",
        "teardown_request",
        "teardown_appcontext",
    ]


def test_before_request_functions_run_in_registration_order(app, client):
    calls = []
    app.before_request(lambda: calls.append(1))
    app.before_request(lambda: calls.append(2))
    app.add_url_rule("/", "index", lambda: "x")
    client.get("/")
    assert calls == [1, 2]


def test_before_request_result_short_circuits_the_view(app, client):
    calls = []

    @app.before_request
    def gate():
        calls.append("gate")
        return "blocked", 403

    @app.before_request
    def later():
        calls.append("later")

    @app.route("/")
    def index():
        calls.append("view")
        return "view"

    @app.after_request
    def after(response):
        calls.append("after")
        response.headers["X-After"] = "yes"
        return response

    response = client.get("/")
    assert (response.status_code, response.text) == (403, "blocked")
    assert response.headers["X-After"] == "yes"
    assert calls == ["gate", "after"]


def test_before_request_runs_even_for_unknown_urls(app, client):
    seen = []
    app.before_request(lambda: seen.append(request.path))
    assert client.get("/missing").status_code == 404
    assert seen == ["/missing"]


def test_before_request_can_abort(app, client):
    @app.before_request
    def require_token():
        if "token" not in request.args:
            abort(401)

    app.add_url_rule("/", "index", lambda: "secret")
    assert client.get("/").status_code == 401
    assert client.get("/?token=1").text == "secret"


def test_before_request_can_set_g_for_the_view(app, client):
    @app.before_request
    def load_user():
        g.user = request.args.get("user", "anonymous")

    app.add_url_rule("/", "index", lambda: f"hello {g.user}")
    assert client.get("/?user=ann").text == "hello ann"
    assert client.get("/").text == "hello anonymous"


def test_after_request_functions_run_in_reverse_registration_order(app, client):
    calls = []

    @app.after_request
    def first(response):
        calls.append("first")
        return response

    @app.after_request
    def second(response):
        calls.append("second")
        return response

    app.add_url_rule("/", "index", lambda: "x")
    client.get("/")
    assert calls == ["second", "first"]


def test_after_request_may_replace_the_response(app, client):
    app.add_url_rule("/", "index", lambda: "original")
    app.after_request(lambda response: app.response_class("replaced", 202))
    response = client.get("/")
    assert (response.status_code, response.text) == (202, "replaced")


def test_after_request_sees_the_error_response(app, client):
    statuses = []

    @app.after_request
    def record(response):
        statuses.append(response.status_code)
        return response

    client.get("/missing")
    assert statuses == [404]


def test_after_request_sees_the_500_response_when_not_propagating(app):
    app.testing = False
    statuses = []
    app.after_request(lambda r: statuses.append(r.status_code) or r)

    @app.route("/")
    def index():
        raise ValueError("boom")

    assert app.test_client().get("/").status_code == 500
    assert statuses == [500]


def test_after_this_request_functions_run_in_order_and_before_after_request(app, client):
    calls = []

    @app.after_request
    def app_after(response):
        calls.append("app")
        return response

    @app.route("/")
    def index():
        after_this_request(lambda r: calls.append("one") or r)
        after_this_request(lambda r: calls.append("two") or r)
        return "x"

    client.get("/")
    assert calls == ["one", "two", "app"]


def test_after_this_request_can_change_the_response(app, client):
    @app.route("/")
    def index():
        @after_this_request
        def add_header(response):
            response.headers["X-Foo"] = "bar"
            return response

        return "x"

    assert client.get("/").headers["X-Foo"] == "bar"


def test_after_this_request_applies_only_to_the_current_request(app, client):
    @app.route("/")
    def index():
        if request.args.get("mark"):
            after_this_request(lambda r: r.headers.set("X-Mark", "1") or r)
        return "x"

    assert client.get("/?mark=1").headers.get("X-Mark") == "1"
    assert client.get("/").headers.get("X-Mark") is None


def test_after_this_request_outside_a_request_says_what_is_missing():
    with pytest.raises(RuntimeError, match="request context"):
        after_this_request(lambda r: r)


# -- teardown ---------------------------------------------------------------------------------


def test_teardown_functions_get_none_after_a_successful_request(app, client):
    seen = []
    app.teardown_request(lambda exc: seen.append(("request", exc)))
    app.teardown_appcontext(lambda exc: seen.append(("app", exc)))
    app.add_url_rule("/", "index", lambda: "x")
    client.get("/")
    assert seen == [("request", None), ("app", None)]


def test_teardown_functions_get_none_after_a_handled_http_error(app, client):
    seen = []
    app.teardown_request(lambda exc: seen.append(exc))
    app.add_url_rule("/", "index", lambda: abort(404))
    assert client.get("/").status_code == 404
    assert seen == [None]


def test_teardown_functions_receive_an_unhandled_exception_when_propagating(app, client):
    seen = []
    app.teardown_request(lambda exc: seen.append(("request", exc)))
    app.teardown_appcontext(lambda exc: seen.append(("app", exc)))
    error = ValueError("boom")

    @app.route("/")
    def index():
        raise error

    with pytest.raises(ValueError, match="boom"):
        client.get("/")
    assert seen == [("request", error), ("app", error)]


def test_teardown_functions_receive_the_exception_behind_a_500(app):
    app.testing = False
    seen = []
    app.teardown_request(lambda exc: seen.append(("request", exc)))
    app.teardown_appcontext(lambda exc: seen.append(("app", exc)))
    error = KeyError("k")

    @app.route("/")
    def index():
        raise error

    assert app.test_client().get("/").status_code == 500
    assert seen == [("request", error), ("app", error)]


def test_teardown_functions_run_in_reverse_registration_order(app, client):
    calls = []
    app.teardown_request(lambda exc: calls.append("req1"))
    app.teardown_request(lambda exc: calls.append("req2"))
    app.teardown_appcontext(lambda exc: calls.append("app1"))
    app.teardown_appcontext(lambda exc: calls.append("app2"))
    app.add_url_rule("/", "index", lambda: "x")
    client.get("/")
    assert calls == ["req2", "req1", "app2", "app1"]


def test_teardown_request_sees_the_request_and_g(app, client):
    seen = []

    @app.teardown_request
    def teardown(exc):
        seen.append((request.path, g.get("value")))

    @app.route("/page")
    def page():
        g.value = 42
        return "x"

    client.get("/page")
    assert seen == [("/page", 42)]


def test_every_teardown_function_runs_when_one_fails_and_the_error_propagates(app, client):
    calls = []

    @app.teardown_request
    def last(exc):
        calls.append("last")

    @app.teardown_request
    def failing(exc):
        calls.append("failing")
        raise RuntimeError("teardown failed")

    @app.teardown_request
    def first(exc):
        calls.append("first")

    @app.teardown_appcontext
    def app_teardown(exc):
        calls.append("app")

    app.add_url_rule("/", "index", lambda: "x")
    with pytest.raises(RuntimeError, match="teardown failed"):
        client.get("/")
    assert calls == ["first", "failing", "last", "app"]


def test_failing_teardown_is_logged_when_not_propagating(app, caplog):
    app.testing = False
    calls = []

    @app.teardown_appcontext
    def second(exc):
        calls.append("second")

    @app.teardown_appcontext
    def broken(exc):
        raise RuntimeError("cleanup failed")

    app.add_url_rule("/", "index", lambda: "x")
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = app.test_client().get("/")
    assert response.status_code == 200
    assert calls == ["second"]
    assert any("cleanup failed" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_teardown_runs_for_test_request_context(app):
    seen = []
    app.teardown_request(lambda exc: seen.append("request"))
    app.teardown_appcontext(lambda exc: seen.append("app"))
    with app.test_request_context():
        assert seen == []
    assert seen == ["request", "app"]


def test_teardown_appcontext_runs_for_a_plain_app_context(app):
    seen = []
    app.teardown_appcontext(lambda exc: seen.append(exc))
    with app.app_context():
        pass
    assert seen == [None]


def test_teardown_appcontext_receives_the_exception_of_the_with_block(app):
    seen = []
    app.teardown_appcontext(lambda exc: seen.append(exc))
    with pytest.raises(ZeroDivisionError):
        with app.app_context():
            1 / 0
    assert len(seen) == 1
    assert isinstance(seen[0], ZeroDivisionError)


# -- url value preprocessors ------------------------------------------------------------------


def test_url_value_preprocessor_runs_before_before_request(app, client):
    calls = []

    @app.url_value_preprocessor
    def pull_lang(endpoint, values):
        calls.append("preprocessor")
        g.lang = values.pop("lang")

    app.before_request(lambda: calls.append("before"))

    @app.route("/<lang>/about")
    def about():
        return f"about in {g.lang}"

    assert client.get("/fr/about").text == "about in fr"
    assert calls == ["preprocessor", "before"]


def test_after_this_request_callbacks_are_freed_after_the_request(app, client):
    refs = []

    @app.route("/")
    def index():
        def callback(response):
            return response

        refs.append(weakref.ref(callback))
        after_this_request(callback)
        return "x"

    client.get("/")
    gc.collect()
    assert refs[0]() is None


def test_a_custom_ensure_sync_is_asked_for_every_hook_call():
    from flagon import Flagon

    asked = []

    class Tracking(Flagon):
        def ensure_sync(self, func):
            asked.append(func.__name__)
            return super().ensure_sync(func)

    app = Tracking("tracking")

    @app.before_request
    def before():
        return None

    @app.after_request
    def after(response):
        return response

    @app.route("/")
    def index():
        return "ok"

    client = app.test_client()
    client.get("/")
    client.get("/")
    assert asked.count("before") == 2 and asked.count("after") == 2


def test_hooks_edited_directly_after_the_first_request_apply_to_the_next(app, client):
    # Setup methods refuse after the first request, but code may edit the hook lists and
    # dicts themselves, as Flask reads them at each request (Flask-Caching appends an
    # after_request function to after_request_funcs[None] from inside a view).
    calls = []

    @app.before_request
    def first():
        calls.append("first")

    @app.route("/")
    def index():
        return "ok"

    def tag(response):
        response.headers["X-Tag"] = "yes"
        return response

    def second():
        calls.append("second")

    def preprocess(endpoint, values):
        calls.append(f"preprocess {endpoint}")

    assert "X-Tag" not in client.get("/").headers
    app.after_request_funcs[None].append(tag)
    assert client.get("/").headers["X-Tag"] == "yes"
    app.after_request_funcs[None].remove(tag)
    assert "X-Tag" not in client.get("/").headers

    calls.clear()
    app.before_request_funcs.setdefault(None, []).insert(0, second)
    client.get("/")
    assert calls == ["second", "first"]

    calls.clear()
    app.before_request_funcs[None] = [first]
    app.url_value_preprocessors[None] += [preprocess]
    client.get("/")
    assert calls == ["preprocess index", "first"]

    calls.clear()
    del app.before_request_funcs[None]
    app.url_value_preprocessors.clear()
    client.get("/")
    assert calls == []


def test_hooks_edited_directly_for_a_blueprint_after_the_first_request(app, client):
    from flagon import Blueprint

    bp = Blueprint("shop", __name__)

    @bp.route("/item")
    def item():
        return "item"

    app.register_blueprint(bp)

    def tag(response):
        response.headers["X-Shop"] = "yes"
        return response

    assert "X-Shop" not in client.get("/item").headers
    app.after_request_funcs.update({"shop": [tag]})
    assert client.get("/item").headers["X-Shop"] == "yes"
    app.after_request_funcs.pop("shop")
    assert "X-Shop" not in client.get("/item").headers


def test_hook_dicts_are_defaultdicts_of_lists_and_copy_as_such(app):
    import copy
    import pickle
    from collections import defaultdict

    def before():
        return None

    app.before_request(before)
    for hooks in (app.before_request_funcs, app.after_request_funcs, app.url_value_preprocessors):
        assert isinstance(hooks, defaultdict)
        assert isinstance(hooks["anything"], list)
    copied = copy.deepcopy(app.before_request_funcs)
    assert type(copied) is defaultdict and type(copied[None]) is list
    assert copied[None] == [before]
    assert pickle.loads(pickle.dumps(app.after_request_funcs)) == {"anything": []}
    for shallow in (app.before_request_funcs.copy(), copy.copy(app.before_request_funcs)):
        assert isinstance(shallow, defaultdict) and shallow == app.before_request_funcs
        assert shallow[None] is app.before_request_funcs[None]
    merged = app.before_request_funcs | {"bp": [before]}
    assert merged["bp"] == [before] and "bp" not in app.before_request_funcs
