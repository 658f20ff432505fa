"""One request pipeline: the stage methods, each called unless the app keeps it as defined and
its call can be skipped; every customised point is called, as Flask calls it."""

from __future__ import annotations

import pytest

from flagon import Flagon, Request, Response
from flagon.app import _PLANNED_METHODS
from flagon.ctx import AppContext, RequestContext
from flagon.middleware import ProxyFix
from flagon.routing import Map, MapAdapter
from flagon.testing import create_environ
from flagon.wrappers import send_text


def _served(app):
    app.add_url_rule("/", "index", lambda: "hi")
    assert app.test_client().get("/").text == "hi"
    return app._plan


def _customised(plan):
    return {name for name in (*_PLANNED_METHODS, "match") if getattr(plan, name)}


def test_a_plain_app_customises_nothing():
    plan = _served(Flagon("plain"))
    assert _customised(plan) == set()
    assert plan.text is True


@pytest.mark.parametrize(
    "stage",
    [
        "request_context",
        "app_context",
        "create_url_adapter",
        "full_dispatch_request",
        "preprocess_request",
        "dispatch_request",
        "finalize_request",
        "make_response",
        "process_response",
        "do_teardown_request",
        "do_teardown_appcontext",
        "ensure_sync",
    ],
)
def test_a_subclass_overriding_a_stage_has_it_called(stage):
    calls = []

    def override(self, *args, **kwargs):
        calls.append(stage)
        return getattr(Flagon, stage)(self, *args, **kwargs)

    cls = type("Custom", (Flagon,), {stage: override})
    plan = _served(cls("custom"))
    assert stage in _customised(plan)
    assert stage in calls


def test_overridden_stages_get_flasks_arguments():
    """Overrides written for Flask 3.1 take no context argument."""
    seen = []

    class Custom(Flagon):
        def full_dispatch_request(self):
            rv = super().full_dispatch_request()
            seen.append(type(rv))
            return rv

        def preprocess_request(self):
            seen.append("pre")
            return super().preprocess_request()

        def dispatch_request(self):
            seen.append("dispatch")
            return super().dispatch_request()

    app = Custom("custom")
    _served(app)
    # A stage that is overridden sees a response object, never the text shortcut.
    assert seen == ["pre", "dispatch", Response]


def test_an_instance_attribute_override_is_called():
    app = Flagon("patched")
    seen = []
    original = app.process_response

    def process_response(response):
        seen.append(response.status_code)
        return original(response)

    app.process_response = process_response
    assert "process_response" in _customised(_served(app))
    assert seen == [200]


def test_a_replaced_context_method_is_called(monkeypatch):
    seen = []
    original = RequestContext.push

    def push(self):
        seen.append(self.request.path)
        original(self)

    monkeypatch.setattr(RequestContext, "push", push)
    _served(Flagon("ctx"))
    assert seen == ["/"]


def test_a_replaced_auto_pop_is_called(monkeypatch):
    seen = []
    original = RequestContext.auto_pop

    def auto_pop(self, exc):
        seen.append(exc)
        original(self, exc)

    monkeypatch.setattr(RequestContext, "auto_pop", auto_pop)
    assert _served(Flagon("auto_pop")).auto_pop is True
    assert seen == [None]


@pytest.mark.parametrize("method", ["__init__", "push", "pop"])
def test_a_replaced_app_context_method_is_called(monkeypatch, method):
    seen = []
    original = getattr(AppContext, method)

    def replacement(self, *args):
        seen.append(method)
        return original(self, *args)

    monkeypatch.setattr(AppContext, method, replacement)
    plan = _served(Flagon("app_ctx"))
    assert plan.app_context is True
    assert seen == [method]


def test_a_request_class_close_is_called():
    closed = []

    class ClosingRequest(Request):
        def close(self):
            closed.append(self.path)
            super().close()

    app = Flagon("closing")
    app.request_class = ClosingRequest
    _served(app)
    assert closed == ["/"]


def test_a_response_class_turns_the_text_shortcut_off():
    class MyResponse(Response):
        pass

    app = Flagon("response")
    app.response_class = MyResponse
    assert _served(app).text is False


def test_middleware_around_wsgi_app_keeps_the_same_path():
    calls = []

    def middleware(wsgi_app):
        def wrapped(environ, start_response):
            calls.append(environ["PATH_INFO"])
            return wsgi_app(environ, start_response)

        return wrapped

    plain = _served(Flagon("plain"))
    app = Flagon("wrapped")
    app.wsgi_app = ProxyFix(middleware(app.wsgi_app))
    plan = _served(app)
    assert calls == ["/"]
    assert {name: getattr(plan, name) for name in plan.__slots__} == {
        name: getattr(plain, name) for name in plain.__slots__
    }


def test_a_url_map_overriding_bind_to_environ_is_called_when_matching():
    bound = []

    class MyMap(Map):
        def bind_to_environ(self, environ, server_name=None, subdomain=None):
            bound.append(environ["PATH_INFO"])
            return super().bind_to_environ(environ, server_name=server_name, subdomain=subdomain)

    class App(Flagon):
        url_map_class = MyMap

    app = App("mapped")
    app.add_url_rule("/users/<int:user_id>", "user", lambda user_id: f"user {user_id}")
    client = app.test_client()
    assert client.get("/users/7").text == "user 7"
    assert client.get("/nowhere").status_code == 404
    assert bound == ["/users/7", "/nowhere"]
    assert app._plan.match is True


def test_an_overridden_map_adapter_match_is_called_when_matching(monkeypatch):
    matched = []
    original = MapAdapter.match

    def match(self, *args, **kwargs):
        matched.append(self.path_info)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "match", match)
    app = Flagon("adapter")
    app.add_url_rule("/items/<name>", "item", lambda name: name)
    assert app.test_client().get("/items/lamp").text == "lamp"
    assert matched == ["/items/lamp"]


def test_a_map_adapter_subclass_returned_by_bind_to_environ_matches():
    class MyAdapter(MapAdapter):
        __slots__ = ()

        def match(self, *args, **kwargs):
            rule, values = super().match(*args, **kwargs)
            return rule, {**values, "name": values["name"].upper()}

    class MyMap(Map):
        def bind_to_environ(self, environ, server_name=None, subdomain=None):
            adapter = super().bind_to_environ(environ, server_name=server_name, subdomain=subdomain)
            adapter.__class__ = MyAdapter
            return adapter

    class App(Flagon):
        url_map_class = MyMap

    app = App("adapter_subclass")
    app.add_url_rule("/items/<name>", "item", lambda name: name)
    assert app.test_client().get("/items/lamp").text == "LAMP"


def test_full_dispatch_request_takes_the_context_as_flask_3_2_does():
    app = Flagon("ctx_arg")
    app.add_url_rule("/", "index", lambda: "hi")
    with app.test_request_context("/") as ctx:
        response = app.full_dispatch_request(ctx)
    assert isinstance(response, Response)
    assert response.get_data() == b"hi"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_send_text_answers_as_a_response_object_would(method):
    environ = create_environ("/", method=method)
    sent, expected = [], []
    body = send_text("héllo", environ, lambda status, headers: sent.append((status, headers)))
    reference = Response("héllo")(
        environ, lambda status, headers: expected.append((status, headers))
    )
    assert sent == expected
    assert b"".join(body) == b"".join(reference)
