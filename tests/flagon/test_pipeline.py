"""The inlined pipeline is taken exactly when no stage is customised, and answers alike."""

from __future__ import annotations

import pytest

from flagon import Flagon, Response
from flagon.ctx import RequestContext
from flagon.testing import create_environ
from flagon.wrappers import send_text


def _served(app):
    app.add_url_rule("/", "index", lambda: "hi")
    assert app.test_client().get("/").text == "hi"
    return app._inline_pipeline


def test_a_plain_app_takes_the_inlined_pipeline():
    assert _served(Flagon("plain")) is True


@pytest.mark.parametrize(
    "stage", ["full_dispatch_request", "make_response", "process_response", "create_url_adapter"]
)
def test_a_subclass_overriding_a_stage_runs_the_stage_methods(stage):
    calls = []

    def override(self, *args, **kwargs):
        calls.append(stage)
        return getattr(Flagon, stage)(self, *args, **kwargs)

    cls = type("Custom", (Flagon,), {stage: override})
    assert _served(cls("custom")) is False
    assert stage in calls


def test_an_instance_attribute_override_runs_the_stage_methods():
    app = Flagon("patched")
    seen = []
    original = app.process_response

    def process_response(response):
        seen.append(response.status_code)
        return original(response)

    app.process_response = process_response
    assert _served(app) is False
    assert seen == [200]


def test_a_replaced_context_method_runs_the_stage_methods(monkeypatch):
    seen = []
    original = RequestContext.push

    def push(self):
        seen.append(self.request.path)
        original(self)

    monkeypatch.setattr(RequestContext, "push", push)
    assert _served(Flagon("ctx")) is False
    assert seen == ["/"]


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
