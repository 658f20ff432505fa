"""Static files, send_file and send_from_directory: what is sent, with which headers, and
what is refused."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta

import pytest

from flagon import Blueprint, Flagon, send_file, send_from_directory, sending, url_for
from flagon.exceptions import NotFound
from flagon.http import parse_date
from flagon.sending import content_disposition, safe_join

DATA = bytes(range(256)) * 4  # 1024 bytes, each offset recognisable


@pytest.fixture
def root(tmp_path):
    static = tmp_path / "static"
    (static / "sub").mkdir(parents=True)
    (static / "hello.txt").write_text("hello world\n")
    (static / "data.bin").write_bytes(DATA)
    (static / "sub" / "page.html").write_text("<p>page</p>")
    (static / "style.css").write_text("body{}")
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    (tmp_path / "report.csv").write_text("a,b\n1,2\n")
    return tmp_path


@pytest.fixture
def static_app(app, root):
    app.root_path = str(root)
    return app


@pytest.fixture
def client(static_app):
    return static_app.test_client()


@pytest.fixture
def opened(monkeypatch):
    """The paths sending opens."""
    paths = []

    def tracking_open(path, *args, **kwargs):
        paths.append(path)
        return open(path, *args, **kwargs)

    monkeypatch.setattr(sending, "open", tracking_open, raising=False)
    return paths


# -- the static route ----------------------------------------------------------------------------


def test_static_file_is_served_with_its_headers(client, root):
    response = client.get("/static/hello.txt")
    assert response.status_code == 200
    assert response.data == b"hello world\n"
    headers = response.headers
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Content-Length"] == "12"
    assert headers["Content-Disposition"] == "inline; filename=hello.txt"
    assert headers["Cache-Control"] == "no-cache"
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["ETag"].startswith('"') and headers["ETag"].endswith('"')
    mtime = int(os.stat(root / "static" / "hello.txt").st_mtime)
    assert parse_date(headers["Last-Modified"]).timestamp() == mtime
    assert "Expires" not in headers


def test_static_files_in_subfolders_and_their_types(client):
    response = client.get("/static/sub/page.html")
    assert response.data == b"<p>page</p>"
    assert response.mimetype == "text/html"
    assert client.get("/static/style.css").mimetype == "text/css"
    assert client.get("/static/data.bin").mimetype == "application/octet-stream"


def test_url_for_static(static_app):
    with static_app.test_request_context():
        assert url_for("static", filename="sub/page.html") == "/static/sub/page.html"
        assert url_for("static", filename="a b.css") == "/static/a%20b.css"


def test_static_url_path_and_folder_can_be_chosen(root):
    (root / "assets").mkdir()
    (root / "assets" / "app.js").write_text("go()")
    app = Flagon("x", root_path=str(root), static_folder="assets")
    assert app.static_url_path == "/assets"
    assert app.test_client().get("/assets/app.js").data == b"go()"
    app = Flagon("x", root_path=str(root), static_url_path="/s")
    client = app.test_client()
    assert client.get("/s/hello.txt").data == b"hello world\n"
    assert client.get("/static/hello.txt").status_code == 404
    app = Flagon("x", root_path=str(root), static_url_path="")
    assert app.test_client().get("/hello.txt").data == b"hello world\n"


def test_an_absolute_static_folder(root, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "x.txt").write_text("x")
    app = Flagon("x", root_path=str(root), static_folder=str(elsewhere))
    assert app.test_client().get(f"/{elsewhere.name}/x.txt").data == b"x"


def test_without_static_folder_there_is_no_static_route(root):
    app = Flagon("x", root_path=str(root), static_folder=None)
    assert "static" not in app.view_functions
    assert app.test_client().get("/static/hello.txt").status_code == 404
    with app.test_request_context(), pytest.raises(RuntimeError, match="static_folder"):
        app.send_static_file("hello.txt")


def test_static_host(root):
    app = Flagon("x", root_path=str(root), host_matching=True, static_host="cdn.example.com")
    client = app.test_client()
    assert client.get("/static/hello.txt", base_url="http://cdn.example.com").status_code == 200
    assert client.get("/static/hello.txt", base_url="http://example.com").status_code == 404
    with app.test_request_context(base_url="http://example.com"):
        assert url_for("static", filename="a.css") == "http://cdn.example.com/static/a.css"


def test_head_sends_the_headers_without_opening_the_file(client, opened):
    response = client.head("/static/hello.txt")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == "12"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert opened == []
    client.get("/static/hello.txt")
    assert len(opened) == 1


def test_the_file_is_closed_after_the_response(static_app, root, monkeypatch):
    files = []

    def tracking_open(path, *args, **kwargs):
        files.append(open(path, *args, **kwargs))
        return files[-1]

    monkeypatch.setattr(sending, "open", tracking_open, raising=False)
    client = static_app.test_client()
    # Each body is read to the end, as a server sends it, or closed unread.
    assert client.get("/static/data.bin").data
    assert client.get("/static/data.bin", headers={"Range": "bytes=0-1"}).data
    client.get("/static/data.bin", headers={"Range": "bytes=0-1,5-6"}).close()
    assert len(files) == 3 and all(file.closed for file in files)


def test_max_age_from_the_config(static_app, client):
    static_app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    response = client.get("/static/hello.txt")
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    expires = parse_date(response.headers["Expires"])
    date = parse_date(response.headers["Date"])
    assert timedelta(seconds=3599) <= expires - date <= timedelta(seconds=3601)
    static_app.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(minutes=2)
    assert client.get("/static/hello.txt").headers["Cache-Control"] == "public, max-age=120"


def test_get_send_file_max_age_can_vary_by_file(root):
    class App(Flagon):
        def get_send_file_max_age(self, filename):
            return 31536000 if filename and filename.endswith(".css") else None

    client = App("x", root_path=str(root)).test_client()
    assert client.get("/static/style.css").headers["Cache-Control"] == "public, max-age=31536000"
    assert client.get("/static/hello.txt").headers["Cache-Control"] == "no-cache"


def test_send_static_file_can_be_overridden(root):
    class App(Flagon):
        def send_static_file(self, filename):
            response = super().send_static_file(filename)
            response.headers["X-Static"] = filename
            return response

    response = App("x", root_path=str(root)).test_client().get("/static/sub/page.html")
    assert response.headers["X-Static"] == "sub/page.html"


def test_blueprint_static_folder(root):
    bp_root = root / "shop"
    (bp_root / "files").mkdir(parents=True)
    (bp_root / "files" / "logo.svg").write_text("<svg/>")

    class Shop(Blueprint):
        def get_send_file_max_age(self, filename):
            return 60

    bp = Shop(
        "shop", __name__, static_folder="files", static_url_path="/assets", root_path=str(bp_root)
    )
    app = Flagon("x", root_path=str(root))
    app.register_blueprint(bp, url_prefix="/shop")
    client = app.test_client()
    response = client.get("/shop/assets/logo.svg")
    assert response.data == b"<svg/>"
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert client.get("/shop/assets/../../secret.txt").status_code == 404
    assert client.get("/static/hello.txt").status_code == 200
    with app.test_request_context():
        assert url_for("shop.static", filename="logo.svg") == "/shop/assets/logo.svg"


# -- nothing outside the folder ------------------------------------------------------------------

TRAVERSALS = [
    "/static/../secret.txt",
    "/static/..%2fsecret.txt",
    "/static/..%2Fsecret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/%2e%2e%2fsecret.txt",
    "/static/.%2e/secret.txt",
    "/static/sub/../../secret.txt",
    "/static/sub/%2e%2e/%2e%2e/secret.txt",
    "/static/sub/..%2f..%2fsecret.txt",
    "/static/..\\secret.txt",
    "/static/..%5csecret.txt",
    "/static/sub%5c..%5c..%5csecret.txt",
    "/static/%2e%2e%5csecret.txt",
    "/static/%00../secret.txt",
    "/static/hello.txt%00",
    "/static/hello.txt%00.png",
    "/static/C:/secret.txt",
    "/static/c:%5csecret.txt",
    "/static/C:secret.txt",
    "/static/%2fetc%2fpasswd",
    "/static/%2Fetc/passwd",
    "/static/..",
    "/static/sub/..%2f..",
    "/static/sub",
    "/static/sub/",
    "/static/missing.txt",
    "/static/hello.txt/x",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_attempts_are_404(client, path):
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 404
    assert b"TOP SECRET" not in response.data


def test_an_absolute_path_to_a_real_file_is_404(client, root):
    secret = str(root / "secret.txt")
    encoded = secret.replace("/", "%2f")
    assert client.get("/static/" + encoded, follow_redirects=True).status_code == 404
    assert client.get("/static/" + secret, follow_redirects=True).status_code == 404


def test_a_symlink_inside_the_folder_is_followed(client, root):
    os.symlink(root / "report.csv", root / "static" / "linked.csv")
    assert client.get("/static/linked.csv").data == b"a,b\n1,2\n"


@pytest.mark.parametrize(
    "name",
    [
        "../secret.txt",
        "sub/../../secret.txt",
        "/etc/passwd",
        str(os.path.abspath(__file__)),
        "..\\secret.txt",
        "C:/x",
        "c:x",
        "hello.txt\0",
        "sub",
        "missing",
        "..",
    ],
)
def test_send_from_directory_refuses(static_app, name):
    with static_app.test_request_context(), pytest.raises(NotFound):
        send_from_directory("static", name)


def test_send_from_directory_is_relative_to_the_root_path(static_app, root):
    with static_app.test_request_context():
        response = send_from_directory("static", "sub/./page.html")
        assert response.get_data() == b"<p>page</p>"
        response.close()
        response = send_from_directory(root, "report.csv", as_attachment=True)
        assert response.headers["Content-Disposition"] == "attachment; filename=report.csv"
        response.close()


def test_safe_join():
    assert safe_join("/base", "a/b.txt") == "/base/a/b.txt"
    assert safe_join("/base/", "a.txt") == "/base/a.txt"
    assert safe_join("/base", "a/./b//c.txt") == "/base/a/b/c.txt"
    assert safe_join("/base", "a/../b.txt") == "/base/b.txt"
    assert safe_join("/base", "a", "b", "c.txt") == "/base/a/b/c.txt"
    assert safe_join("/base", "", "a") == "/base/a"
    assert safe_join("", "a.txt") == "./a.txt"
    assert safe_join("/base", "...") == "/base/..."
    assert safe_join("/base", ".hidden") == "/base/.hidden"
    for bad in (
        "..",
        "../a",
        "a/../..",
        "a/../../b",
        "/a",
        "//a",
        "a\\b",
        "\\a",
        "C:a",
        "z:/a",
        "a\0",
        "./../a",
    ):
        assert safe_join("/base", bad) is None, bad
    assert safe_join("/base", "a", "../..") is None


# -- send_file -----------------------------------------------------------------------------------


def serve(app, view, path="/f", **kwargs):
    app.add_url_rule(path, "f", view, **kwargs)
    return app.test_client()


def test_send_file_path_relative_to_the_root_path(static_app):
    client = serve(static_app, lambda: send_file("report.csv"))
    response = client.get("/f")
    assert response.data == b"a,b\n1,2\n"
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "inline; filename=report.csv"


def test_send_file_missing_path_raises(static_app):
    with static_app.test_request_context(), pytest.raises(FileNotFoundError):
        send_file("nope.txt")


def test_send_file_needs_a_request():
    with pytest.raises(RuntimeError, match="request context"):
        send_file(io.BytesIO(b"x"), mimetype="text/plain")


def test_send_file_mimetype_and_encoding(static_app, root):
    (root / "backup.tar.gz").write_bytes(b"\x1f\x8b")
    with static_app.test_request_context():
        response = send_file("backup.tar.gz")
        assert response.mimetype == "application/x-tar"
        assert response.headers["Content-Encoding"] == "gzip"
        response.close()
        # Saved as is: a browser decoding it would write a corrupt archive.
        response = send_file("backup.tar.gz", as_attachment=True)
        assert "Content-Encoding" not in response.headers
        response.close()
        response = send_file("report.csv", mimetype="application/vnd.ms-excel")
        assert response.headers["Content-Type"] == "application/vnd.ms-excel"
        response.close()


def test_send_file_from_a_file_object(static_app):
    buffer = io.BytesIO(b"generated")
    client = serve(static_app, lambda: send_file(buffer, mimetype="text/plain"))
    response = client.get("/f")
    assert response.data == b"generated"
    assert response.headers["Content-Length"] == "9"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    for absent in ("ETag", "Last-Modified", "Content-Disposition"):
        assert absent not in response.headers
    assert buffer.closed


def test_a_file_object_is_sent_from_its_position(static_app):
    def view():
        buffer = io.BytesIO(b"skip:keep")
        buffer.seek(5)
        return send_file(buffer, mimetype="text/plain")

    response = serve(static_app, view).get("/f", headers={"Range": "bytes=1-"})
    assert response.data == b"eep"
    assert response.headers["Content-Range"] == "bytes 1-3/4"


def test_a_real_file_object_has_a_length_and_ranges(static_app, root):
    handles = []

    def view():
        handles.append(open(root / "static" / "data.bin", "rb"))
        return send_file(handles[-1], download_name="data.bin", etag="v1", last_modified=0)

    client = serve(static_app, view)
    response = client.get("/f")
    assert response.data == DATA
    assert response.headers["Content-Length"] == "1024"
    assert response.headers["ETag"] == '"v1"'
    assert response.headers["Last-Modified"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert client.get("/f", headers={"Range": "bytes=-2"}).data == DATA[-2:]
    assert client.get("/f", headers={"If-None-Match": '"v1"'}).status_code == 304
    assert all(handle.closed for handle in handles)


def test_an_unseekable_file_object_streams_without_length(static_app):
    class Pipe(io.RawIOBase):
        def __init__(self):
            self.chunks = [b"ab", b"cd"]

        def readable(self):
            return True

        def readinto(self, buffer):
            if not self.chunks:
                return 0
            chunk = self.chunks.pop(0)
            buffer[: len(chunk)] = chunk
            return len(chunk)

    client = serve(static_app, lambda: send_file(Pipe(), mimetype="application/octet-stream"))
    response = client.get("/f", headers={"Range": "bytes=0-0"})
    assert response.status_code == 200
    assert response.data == b"abcd"
    assert "Accept-Ranges" not in response.headers


def test_send_file_refuses_what_it_cannot_name(static_app):
    with static_app.test_request_context():
        with pytest.raises(TypeError, match="MIME type"):
            send_file(io.BytesIO(b"x"))
        with pytest.raises(TypeError, match="attachment"):
            send_file(io.BytesIO(b"x"), mimetype="text/plain", as_attachment=True)
        with pytest.raises(ValueError, match="binary"):
            send_file(io.StringIO("x"), mimetype="text/plain")
        response = send_file(io.BytesIO(b"x"), download_name="notes.md")
        assert response.mimetype == "text/markdown"
        assert response.headers["Content-Disposition"] == "inline; filename=notes.md"


def test_etag_options(static_app):
    with static_app.test_request_context():
        response = send_file("report.csv", etag="custom")
        assert response.headers["ETag"] == '"custom"'
        assert "ETag" not in send_file("report.csv", etag=False).headers
        with pytest.raises(ValueError):
            send_file("report.csv", etag='with"quote')
        with pytest.raises(ValueError):
            send_file("report.csv", etag="evil\r\nSet-Cookie: a=b")


def test_the_etag_changes_with_the_file(client, root):
    first = client.get("/static/hello.txt").headers["ETag"]
    assert client.get("/static/hello.txt").headers["ETag"] == first
    os.utime(root / "static" / "hello.txt", (1_000_000, 1_000_000))
    assert client.get("/static/hello.txt").headers["ETag"] != first


def test_last_modified_option(static_app):
    with static_app.test_request_context():
        when = datetime(2020, 5, 17, 12, 30, tzinfo=UTC)
        response = send_file("report.csv", last_modified=when)
        assert response.headers["Last-Modified"] == "Sun, 17 May 2020 12:30:00 GMT"
        assert response.last_modified == when
        naive = send_file("report.csv", last_modified=datetime(2020, 5, 17, 12, 30))
        assert naive.headers["Last-Modified"] == "Sun, 17 May 2020 12:30:00 GMT"
        epoch = send_file("report.csv", last_modified=0)
        assert epoch.headers["Last-Modified"] == "Thu, 01 Jan 1970 00:00:00 GMT"


@pytest.mark.parametrize(
    ("max_age", "cache_control"),
    [
        (None, "no-cache"),
        (0, "no-cache, max-age=0"),
        (60, "public, max-age=60"),
        (timedelta(hours=1), "public, max-age=3600"),
        (lambda path: 5 if path.endswith(".csv") else None, "public, max-age=5"),
    ],
)
def test_max_age_option(static_app, max_age, cache_control):
    with static_app.test_request_context():
        response = send_file("report.csv", max_age=max_age)
        assert response.headers["Cache-Control"] == cache_control
        assert ("Expires" in response.headers) == (cache_control != "no-cache")


def test_use_x_sendfile(static_app, root, opened):
    static_app.config["USE_X_SENDFILE"] = True
    client = static_app.test_client()
    response = client.get("/static/hello.txt", headers={"Range": "bytes=0-1"})
    assert response.status_code == 200
    assert response.headers["X-Sendfile"] == str(root / "static" / "hello.txt")
    assert response.headers["Content-Length"] == "12"
    assert response.data == b""
    assert opened == []
    etag = response.headers["ETag"]
    not_modified = client.get("/static/hello.txt", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert "X-Sendfile" not in not_modified.headers


def test_the_servers_file_wrapper_is_used(static_app, root):
    class ServerWrapper:
        def __init__(self, file, block_size):
            self.file, self.block_size, self.start = file, block_size, file.tell()

        def __iter__(self):
            return iter(lambda: self.file.read(self.block_size), b"")

        def close(self):
            self.file.close()

    def call(headers):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/static/data.bin",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.file_wrapper": ServerWrapper,
            **headers,
        }
        status = []
        body = static_app(environ, lambda s, h, e=None: status.append(s))
        return status[0], body

    status, body = call({})
    assert status == "200 OK" and isinstance(body, ServerWrapper)
    assert b"".join(body) == DATA
    body.close()
    # A range running to the end of the file can be sent by the server's wrapper, from there.
    status, body = call({"HTTP_RANGE": "bytes=1000-"})
    assert status.startswith("206") and isinstance(body, ServerWrapper) and body.start == 1000
    assert b"".join(body) == DATA[1000:]
    body.close()
    status, body = call({"HTTP_RANGE": "bytes=0-9"})
    assert not isinstance(body, ServerWrapper)
    assert b"".join(body) == DATA[:10]
    body.close()


def test_send_file_to_a_post_is_not_conditional(static_app):
    client = serve(static_app, lambda: send_file("report.csv"), methods=["POST"])
    etag = client.post("/f").headers["ETag"]
    response = client.post("/f", headers={"If-None-Match": etag, "Range": "bytes=0-0"})
    assert response.status_code == 200
    assert response.data == b"a,b\n1,2\n"


def test_conditional_false(static_app):
    client = serve(static_app, lambda: send_file("report.csv", conditional=False))
    etag = client.get("/f").headers["ETag"]
    response = client.get("/f", headers={"If-None-Match": etag, "Range": "bytes=0-0"})
    assert response.status_code == 200
    assert response.data == b"a,b\n1,2\n"
    assert "Accept-Ranges" not in response.headers


# -- download names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.csv", "attachment; filename=report.csv"),
        ("my report.csv", 'attachment; filename="my report.csv"'),
        ("a;b.txt", 'attachment; filename="a;b.txt"'),
        ("Ñandú.txt", "attachment; filename=Nandu.txt; filename*=UTF-8''%C3%91and%C3%BA.txt"),
        ("日本.txt", "attachment; filename=.txt; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt"),
        (
            'say "hi".txt',
            "attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt",
        ),
        (
            "back\\slash.txt",
            "attachment; filename=back_slash.txt; filename*=UTF-8''back%5Cslash.txt",
        ),
        (
            "a\r\nSet-Cookie: x=1",
            'attachment; filename="a__Set-Cookie: x=1";'
            " filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x%3D1",
        ),
        ("nul\0.txt", "attachment; filename=nul_.txt; filename*=UTF-8''nul%00.txt"),
    ],
)
def test_content_disposition(name, expected):
    assert content_disposition(name, as_attachment=True) == expected


def test_a_hostile_download_name_cannot_add_headers(static_app):
    name = 'x.txt"\r\nSet-Cookie: session=stolen\r\n\r\n<script>'
    client = serve(
        static_app, lambda: send_file("report.csv", as_attachment=True, download_name=name)
    )
    response = client.get("/f")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    disposition = response.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.startswith("attachment; filename=")
    assert response.data == b"a,b\n1,2\n"


def test_inline_download_name(static_app):
    with static_app.test_request_context():
        response = send_file(io.BytesIO(b"%PDF"), download_name="Übersicht.pdf")
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == (
            "inline; filename=Ubersicht.pdf; filename*=UTF-8''%C3%9Cbersicht.pdf"
        )
