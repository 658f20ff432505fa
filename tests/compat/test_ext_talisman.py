"""Flask-Talisman on flagon, following its quick-start: the security headers of each response,
HTTPS forced by redirect, HSTS on secure requests, CSP nonces in templates, per-view options and
the session cookie's flags."""

from __future__ import annotations

import re

import pytest
from flask import Flask, render_template_string, request, session
from flask_talisman import ALLOW_FROM, DENY, Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

HTTPS = "https://localhost"

PAGE = """<!doctype html>
<script nonce="{{ csp_nonce() }}">console.log("hi")</script>
<style nonce="{{ csp_nonce() }}">p { color: red }</style>"""


@pytest.fixture
def app():
    app = Flask(__name__)
    app.secret_key = "a secret"
    talisman = Talisman(app)

    @app.route("/")
    def index():
        return "hello"

    @app.route("/login", methods=["GET", "POST"])
    def login():
        session["user"] = "ada"
        return "logged in"

    @app.route("/embeddable")
    @talisman(frame_options=ALLOW_FROM, frame_options_allow_from="https://partner.example")
    def embeddable():
        return "embed me"

    @app.route("/no-frame-header")
    @talisman(frame_options=None)
    def no_frame_header():
        return "anything goes"

    @app.route("/healthz")
    @talisman(force_https=False)
    def healthz():
        return "ok"

    @app.route("/scripts")
    @talisman(content_security_policy={"default-src": "'self'", "img-src": "*"})
    def scripts():
        return "custom csp"

    return app


def test_plain_http_is_redirected_to_https(app):
    client = app.test_client()
    response = client.get("/?page=2")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://localhost/?page=2"
    # The redirect carries the headers too, but no HSTS over plain HTTP.
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Strict-Transport-Security" not in response.headers
    followed = client.get("/?page=2", follow_redirects=True)
    assert followed.status_code == 200
    assert followed.get_data() == b"hello"
    assert followed.request.url == "https://localhost/?page=2"


def test_https_response_has_the_security_headers(app):
    response = app.test_client().get("/", base_url=HTTPS)
    assert response.status_code == 200
    assert response.get_data() == b"hello"
    headers = response.headers
    assert headers["Content-Security-Policy"] == "default-src 'self'; object-src 'none'"
    assert headers["Strict-Transport-Security"] == "max-age=31556926; includeSubDomains"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Permissions-Policy"] == "browsing-topics=()"
    assert "X-XSS-Protection" not in headers


def test_x_forwarded_proto_https_counts_as_secure(app):
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_error_pages_get_the_headers(app):
    response = app.test_client().get("/missing", base_url=HTTPS)
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"] == "default-src 'self'; object-src 'none'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_frame_options_per_view(app):
    client = app.test_client()
    response = client.get("/embeddable", base_url=HTTPS)
    assert response.headers["X-Frame-Options"] == "ALLOW-FROM https://partner.example"
    response = client.get("/no-frame-header", base_url=HTTPS)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    # The other views keep the app's setting.
    assert client.get("/", base_url=HTTPS).headers["X-Frame-Options"] == "SAMEORIGIN"


def test_force_https_and_csp_per_view(app):
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data() == b"ok"
    response = client.get("/scripts", base_url=HTTPS)
    assert response.headers["Content-Security-Policy"] == "default-src 'self'; img-src *"


def test_session_cookie_is_secure_httponly_and_samesite(app):
    response = app.test_client().post("/login", base_url=HTTPS)
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie


def test_debug_mode_does_not_force_https():
    app = Flask(__name__)
    app.debug = True
    Talisman(app)

    @app.route("/")
    def index():
        return "dev"

    response = app.test_client().get("/")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_nonce_in_templates_matches_the_header_and_changes_per_request():
    app = Flask(__name__)
    Talisman(
        app,
        force_https_permanent=True,
        frame_options=DENY,
        strict_transport_security_preload=True,
        content_security_policy={
            "default-src": "'self'",
            "script-src": "'self'",
            "style-src": "'self'",
        },
        content_security_policy_nonce_in=["script-src", "style-src"],
    )

    @app.route("/")
    def index():
        return render_template_string(PAGE)

    client = app.test_client()
    assert client.get("/").status_code == 301
    nonces = []
    for _ in range(2):
        response = client.get("/", base_url=HTTPS)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        script_nonce, style_nonce = re.findall(r'nonce="([^"]*)"', body)
        assert len(script_nonce) == 32
        assert script_nonce == style_nonce
        assert response.headers["Content-Security-Policy"] == (
            f"default-src 'self'; script-src 'self' 'nonce-{script_nonce}'; "
            f"style-src 'self' 'nonce-{script_nonce}'"
        )
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31556926; includeSubDomains; preload"
        )
        nonces.append(script_nonce)
    assert nonces[0] != nonces[1]


def test_report_only_csp_and_other_headers():
    app = Flask(__name__)
    Talisman(
        app,
        force_https=False,
        strict_transport_security=False,
        content_security_policy="default-src 'self'; img-src https://*",
        content_security_policy_report_uri="/csp-report",
        content_security_policy_report_only=True,
        permissions_policy={"geolocation": "()", "camera": "(self)"},
        document_policy={"oversized-images": "?0"},
        referrer_policy="no-referrer",
        force_file_save=True,
        x_xss_protection=True,
    )

    @app.route("/")
    def index():
        return "ok"

    response = app.test_client().get("/", base_url=HTTPS)
    headers = response.headers
    assert headers["Content-Security-Policy-Report-Only"] == (
        "default-src 'self'; img-src https://*; report-uri /csp-report"
    )
    assert "Content-Security-Policy" not in headers
    assert "Strict-Transport-Security" not in headers
    assert headers["Permissions-Policy"] == "geolocation=(), camera=(self)"
    assert headers["Document-Policy"] == "oversized-images=?0"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Download-Options"] == "noopen"
    assert headers["X-XSS-Protection"] == "1; mode=block"


def test_behind_a_proxy_with_werkzeugs_proxyfix():
    app = Flask(__name__)
    Talisman(app)
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)

    @app.route("/<path:page>")
    def page(page):
        return f"{page} {request.url}"

    client = app.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "shop.example"}
    response = client.get("/a/b?x=1", headers=forwarded)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "a/b https://shop.example/a/b?x=1"
    assert "Strict-Transport-Security" in response.headers
    response = client.get("/a/b?x=1", headers={**forwarded, "X-Forwarded-Proto": "http"})
    assert response.status_code == 302
    assert response.headers["Location"] == "https://shop.example/a/b?x=1"
