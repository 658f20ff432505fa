"""Flask-Compress on flagon: ``Compress(app)`` compresses what the client accepts, as a Flask app
sets it up; streamed bodies are compressed chunk by chunk."""

from __future__ import annotations

import gzip
import zlib

import brotli  # Flask-Compress itself needs it (or brotlicffi)
import pytest
from flask import Flask, Response, make_response, request, stream_with_context
from flask_compress import Compress

import flagon

PAGE = "<html><body>" + "".join(f"<p>paragraph {n}</p>" for n in range(400)) + "</body></html>"


def create_app(**config):
    app = Flask(__name__)
    app.config.update(config)
    Compress(app)

    @app.route("/page")
    def page():
        return PAGE

    @app.route("/small")
    def small():
        return "<p>hi</p>"

    @app.route("/tagged")
    def tagged():
        response = make_response(PAGE)
        response.set_etag("page-v1")
        return response

    @app.route("/image")
    def image():
        return Response(b"\x89PNG" + b"\0" * 2000, mimetype="image/png")

    @app.route("/stream")
    def stream():
        def lines():
            yield f"<h1>{request.args['title']}</h1>\n"  # the request is still there
            for n in range(300):
                yield f"<li>item {n}</li>\n"

        return Response(stream_with_context(lines()), mimetype="text/html")

    return app


def streamed_text(title):
    return f"<h1>{title}</h1>\n" + "".join(f"<li>item {n}</li>\n" for n in range(300))


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def client(app):
    return app.test_client()


def test_the_app_is_a_flagon_app(app):
    assert isinstance(app, flagon.Flagon)


def test_large_html_is_gzipped_when_accepted(client):
    response = client.get("/page", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.mimetype == "text/html"
    assert int(response.headers["Content-Length"]) == len(response.data) < len(PAGE) // 4
    assert gzip.decompress(response.data).decode() == PAGE


def test_without_accept_encoding_the_body_is_sent_as_is(client):
    for headers in ({}, {"Accept-Encoding": "identity"}):
        response = client.get("/page", headers=headers)
        assert "Content-Encoding" not in response.headers
        assert response.headers["Vary"] == "Accept-Encoding"
        assert response.data.decode() == PAGE


def test_small_responses_and_other_mimetypes_are_left_alone(client):
    response = client.get("/small", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
    assert response.data == b"<p>hi</p>"
    response = client.get("/image", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
    assert response.data == b"\x89PNG" + b"\0" * 2000


def test_quality_values_choose_the_algorithm(client):
    response = client.get("/page", headers={"Accept-Encoding": "gzip;q=0.4, deflate;q=0.9"})
    assert response.headers["Content-Encoding"] == "deflate"
    assert zlib.decompress(response.data).decode() == PAGE


def test_strong_etag_is_suffixed_and_revalidates(client):
    response = client.get("/tagged", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    etag = response.headers["ETag"]
    assert etag == '"page-v1:gzip"'

    response = client.get("/tagged", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert "Content-Encoding" not in response.headers


def test_head_gets_the_compressed_headers_without_a_body(client):
    get = client.get("/page", headers={"Accept-Encoding": "gzip"})
    head = client.head("/page", headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Encoding"] == "gzip"
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


def test_streamed_response_is_compressed_as_a_stream(client):
    # COMPRESS_STREAMS is on by default; streams use COMPRESS_ALGORITHM_STREAMING (no gzip).
    response = client.get("/stream?title=Items", headers={"Accept-Encoding": "deflate"})
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Encoding"] == "deflate"
    assert "Content-Length" not in response.headers
    assert zlib.decompress(response.data).decode() == streamed_text("Items")


def test_streamed_response_with_gzip_configured_for_streams():
    client = create_app(COMPRESS_ALGORITHM_STREAMING=["gzip"]).test_client()
    response = client.get("/stream?title=Gzipped", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data).decode() == streamed_text("Gzipped")

    # Without gzip in the streaming algorithms, a gzip-only client gets the plain stream.
    plain = (
        create_app().test_client().get("/stream?title=Plain", headers={"Accept-Encoding": "gzip"})
    )
    assert "Content-Encoding" not in plain.headers
    assert plain.data.decode() == streamed_text("Plain")


def test_streams_are_sent_plain_with_compress_streams_off():
    client = create_app(COMPRESS_STREAMS=False).test_client()
    response = client.get("/stream?title=Off", headers={"Accept-Encoding": "deflate"})
    assert "Content-Encoding" not in response.headers
    assert response.data.decode() == streamed_text("Off")


def test_brotli_when_preferred(client):
    response = client.get("/page", headers={"Accept-Encoding": "gzip;q=0.5, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.data).decode() == PAGE

    response = client.get("/stream?title=Brotli", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.data).decode() == streamed_text("Brotli")


def test_compressed_decorator_without_registering():
    app = Flask(__name__)
    app.config["COMPRESS_REGISTER"] = False
    compress = Compress(app)

    @app.route("/compressed")
    @compress.compressed()
    def compressed():
        return PAGE

    @app.route("/plain")
    def plain():
        return PAGE

    client = app.test_client()
    response = client.get("/compressed", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data).decode() == PAGE
    response = client.get("/plain", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
    assert response.data.decode() == PAGE


def test_static_files_are_compressed_and_revalidated(tmp_path):
    css = "body { color: #333; }\n" * 300
    (tmp_path / "site.css").write_text(css)
    app = Flask(__name__, static_folder=str(tmp_path), static_url_path="/static")
    Compress(app)
    client = app.test_client()

    response = client.get("/static/site.css", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert response.mimetype == "text/css"
    assert brotli.decompress(response.data).decode() == css
    etag = response.headers["ETag"]
    assert etag.endswith(':br"')

    response = client.get(
        "/static/site.css", headers={"Accept-Encoding": "br", "If-None-Match": etag}
    )
    assert (response.status_code, response.data) == (304, b"")
    # Another encoding is another representation, with its own tag.
    response = client.get(
        "/static/site.css", headers={"Accept-Encoding": "deflate", "If-None-Match": etag}
    )
    assert response.status_code == 200
    assert zlib.decompress(response.data).decode() == css
