"""The response attributes Werkzeug's ``Response`` offers beyond caching: CORS, ``Age``,
``Retry-After``, content headers, Content-Security-Policy, cross-origin policies and
``WWW-Authenticate``; and the body helpers ``freeze``, ``stream`` and
``implicit_sequence_conversion``."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

import pytest

from flagon import Response
from flagon.datastructures import ContentSecurityPolicy, WWWAuthenticate
from flagon.http import COEP, COOP


def test_content_headers_as_text():
    response = Response("x")
    response.content_encoding = "gzip"
    response.content_location = "/doc.json"
    response.content_md5 = "abc"
    assert response.headers["Content-Encoding"] == "gzip"
    assert (response.content_encoding, response.content_location) == ("gzip", "/doc.json")
    del response.content_encoding  # as on Werkzeug's Response: del removes the header
    assert "Content-Encoding" not in response.headers
    assert Response().content_md5 is None


@pytest.mark.parametrize(
    ("attribute", "header", "value"),
    [
        ("location", "Location", "/next"),
        ("content_type", "Content-Type", "text/plain"),
        ("content_length", "Content-Length", 12),
        ("accept_ranges", "Accept-Ranges", "bytes"),
        ("last_modified", "Last-Modified", datetime(2024, 1, 2, tzinfo=UTC)),
        ("expires", "Expires", datetime(2024, 1, 2, tzinfo=UTC)),
        ("date", "Date", datetime(2024, 1, 2, tzinfo=UTC)),
    ],
)
def test_del_removes_a_header_attribute(attribute, header, value):
    # Werkzeug's header properties support del (Flask-DebugToolbar does ``del
    # response.location`` to turn a redirect into a page): flagon's own ones do too.
    response = Response("x")
    setattr(response, attribute, value)
    assert header in response.headers
    delattr(response, attribute)
    assert header not in response.headers
    assert getattr(response, attribute) is None
    delattr(response, attribute)  # already absent: nothing to remove, no error
    assert header not in response.headers


def test_age_is_a_timedelta():
    response = Response()
    assert response.age is None
    response.age = timedelta(minutes=2)
    assert response.headers["Age"] == "120" and response.age == timedelta(seconds=120)
    response.age = 5
    assert response.age == timedelta(seconds=5)
    with pytest.raises(ValueError):
        response.age = -1
    response.headers["Age"] = "soon"
    assert response.age is None


def test_retry_after_from_seconds_or_a_date():
    response = Response(status=503)
    response.retry_after = 120
    assert response.headers["Retry-After"] == "120"
    delay = response.retry_after - datetime.now(UTC)
    assert timedelta(seconds=110) < delay <= timedelta(seconds=120)
    when = datetime(2030, 1, 1, tzinfo=UTC)
    response.retry_after = when
    assert response.headers["Retry-After"] == "Tue, 01 Jan 2030 00:00:00 GMT"
    assert response.retry_after == when
    response.retry_after = None
    assert "Retry-After" not in response.headers


def test_cors_headers():
    response = Response()
    assert response.access_control_allow_methods is None
    assert response.access_control_allow_credentials is False
    response.access_control_allow_origin = "https://example.com"
    response.access_control_allow_methods = ["GET", "POST"]
    response.access_control_allow_headers = ["X-A", "X-B"]
    response.access_control_expose_headers = ["X-Total"]
    response.access_control_max_age = 600
    response.access_control_allow_credentials = True
    headers = response.headers
    assert headers["Access-Control-Allow-Origin"] == "https://example.com"
    assert headers["Access-Control-Allow-Methods"] == "GET, POST"
    assert headers["Access-Control-Allow-Headers"] == "X-A, X-B"
    assert headers["Access-Control-Expose-Headers"] == "X-Total"
    assert headers["Access-Control-Max-Age"] == "600"
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert "post" in response.access_control_allow_methods
    assert response.access_control_max_age == 600
    response.access_control_allow_credentials = False
    assert "Access-Control-Allow-Credentials" not in headers


def test_cross_origin_policies():
    response = Response()
    assert response.cross_origin_opener_policy is COOP.UNSAFE_NONE
    assert response.cross_origin_embedder_policy is COEP.UNSAFE_NONE
    response.cross_origin_opener_policy = COOP.SAME_ORIGIN
    response.cross_origin_embedder_policy = COEP.REQUIRE_CORP
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert response.cross_origin_opener_policy is COOP.SAME_ORIGIN


def test_content_security_policy_edits_the_header():
    response = Response()
    assert not response.content_security_policy
    response.content_security_policy.default_src = "'self'"
    assert response.headers["Content-Security-Policy"] == "default-src 'self'"
    csp = response.content_security_policy
    csp.img_src = "*"
    assert response.headers["Content-Security-Policy"] == "default-src 'self'; img-src *"
    assert (csp.default_src, csp.script_src) == ("'self'", None)
    response.content_security_policy = "script-src 'none'"
    assert response.content_security_policy.script_src == "'none'"
    response.content_security_policy_report_only = ContentSecurityPolicy({"report-uri": "/csp"})
    assert response.headers["Content-Security-Policy-Report-Only"] == "report-uri /csp"
    response.content_security_policy = None
    assert "Content-Security-Policy" not in response.headers


def test_www_authenticate_edits_the_header():
    response = Response(status=401)
    response.www_authenticate.realm = "Login required"
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Login required"'
    response.www_authenticate = WWWAuthenticate(
        "bearer", {"realm": "api", "error": "invalid_token"}
    )
    assert response.headers["WWW-Authenticate"] == "Bearer realm=api, error=invalid_token"
    challenge = response.www_authenticate
    assert (challenge.type, challenge.realm, challenge["error"]) == (
        "bearer",
        "api",
        "invalid_token",
    )
    response.www_authenticate = [
        WWWAuthenticate("basic", {"realm": "a"}),
        WWWAuthenticate("bearer"),
    ]
    assert response.headers.getlist("WWW-Authenticate") == ["Basic realm=a", "Bearer"]
    del response.www_authenticate
    assert "WWW-Authenticate" not in response.headers


def test_www_authenticate_parses_tokens_and_digest():
    assert WWWAuthenticate.from_header("Negotiate abc123==").token == "abc123=="
    digest = WWWAuthenticate("digest", {"realm": "r", "nonce": "n", "algorithm": "MD5"})
    assert digest.to_header() == 'Digest realm="r", nonce="n", algorithm=MD5'
    assert WWWAuthenticate.from_header("") is None


# -- body helpers ----------------------------------------------------------------------------------


def test_freeze_buffers_a_stream_so_it_can_be_pickled():
    closed = []

    def body():
        try:
            yield "a"
            yield b"bc"
        finally:
            closed.append(True)

    response = Response(body())
    response.freeze()
    assert response.response == [b"a", b"bc"] and closed == [True]
    assert response.headers["Content-Length"] == "3"
    assert pickle.loads(pickle.dumps(response)).data == b"abc"


def test_stream_appends_to_the_body():
    response = Response("start ")
    written = response.stream.write(b"more")
    response.stream.writelines(["!", "!"])
    assert written == 4
    assert response.data == b"start more!!"
    assert "Content-Length" not in response.headers  # computed when sent
    assert response.stream.tell() == 12 and response.stream.encoding == "utf-8"


def test_implicit_sequence_conversion_off_refuses_to_buffer():
    class Strict(Response):
        implicit_sequence_conversion = False

    response = Strict(iter([b"a"]))
    with pytest.raises(RuntimeError, match="implicit_sequence_conversion"):
        response.get_data()
    response.make_sequence()
    assert response.get_data() == b"a"
