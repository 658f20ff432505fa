"""Conditional requests (304, 412), byte ranges (206, 416) and the response's caching
headers, through static files and ``Response.make_conditional``."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from flagon import Response
from flagon.conditional import MAX_RANGE_PARTS
from flagon.datastructures import ContentRange
from flagon.exceptions import RequestedRangeNotSatisfiable
from flagon.http import http_date, parse_options_header

DATA = bytes(range(256)) * 4  # 1024 bytes, each offset recognisable
MTIME = 1_600_000_000


@pytest.fixture
def root(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "data.bin").write_bytes(DATA)
    (static / "empty.txt").write_bytes(b"")
    os.utime(static / "data.bin", (MTIME, MTIME))
    return tmp_path


@pytest.fixture
def client(app, root):
    app.root_path = str(root)
    return app.test_client()


def get(client, **headers):
    return client.get("/static/data.bin", headers=headers)


@pytest.fixture
def etag(client):
    return get(client).headers["ETag"]


def multipart_parts(response):
    """``[(Content-Range, data)]`` of a multipart/byteranges body."""
    mimetype, options = parse_options_header(response.headers["Content-Type"])
    assert mimetype == "multipart/byteranges"
    delimiter = b"--" + options["boundary"].encode()
    body = response.data
    assert body.startswith(delimiter + b"\r\n")
    assert body.endswith(b"\r\n" + delimiter + b"--\r\n")
    parts = []
    inner = body[len(delimiter) + 2 : -len(delimiter) - 6]
    for chunk in inner.split(b"\r\n" + delimiter + b"\r\n"):
        head, _, data = chunk.partition(b"\r\n\r\n")
        fields = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        assert fields["Content-Type"] == "application/octet-stream"
        parts.append((fields["Content-Range"], data))
    return parts


# -- 304 and 412 ---------------------------------------------------------------------------------


def test_if_none_match_gives_304_without_a_body(client, etag):
    response = get(client, **{"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    headers = response.headers
    assert headers["ETag"] == etag
    assert headers["Cache-Control"] == "no-cache"
    assert "Date" in headers
    for absent in ("Content-Type", "Content-Length", "Last-Modified", "Content-Disposition"):
        assert absent not in headers


@pytest.mark.parametrize("form", ["{}", "W/{}", '"other", {}', "*", '  {} , "x"'])
def test_if_none_match_forms(client, etag, form):
    assert get(client, **{"If-None-Match": form.format(etag)}).status_code == 304


def test_a_different_etag_gets_the_file(client):
    response = get(client, **{"If-None-Match": '"stale"'})
    assert response.status_code == 200
    assert response.data == DATA


def test_if_none_match_outranks_if_modified_since(client):
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": http_date(MTIME + 100)}
    assert get(client, **headers).status_code == 200


@pytest.mark.parametrize(
    ("since", "status"),
    [(MTIME, 304), (MTIME + 3600, 304), (MTIME - 1, 200), ("yesterday", 200)],
)
def test_if_modified_since(client, since, status):
    value = http_date(since) if isinstance(since, int) else since
    assert get(client, **{"If-Modified-Since": value}).status_code == status


def test_if_match(client, etag):
    assert get(client, **{"If-Match": etag}).status_code == 200
    assert get(client, **{"If-Match": "*"}).status_code == 200
    failed = get(client, **{"If-Match": '"other"'})
    assert failed.status_code == 412
    assert failed.data == b""
    # If-Match compares strongly: a weak tag never matches.
    assert get(client, **{"If-Match": "W/" + etag}).status_code == 412


def test_if_unmodified_since(client):
    assert get(client, **{"If-Unmodified-Since": http_date(MTIME)}).status_code == 200
    assert get(client, **{"If-Unmodified-Since": http_date(MTIME - 10)}).status_code == 412


def test_revalidation_flow(client, root):
    first = get(client)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert get(client, **{"If-None-Match": etag}).status_code == 304
    assert get(client, **{"If-Modified-Since": last_modified}).status_code == 304
    (root / "static" / "data.bin").write_bytes(b"new content")
    changed = get(client, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.data == b"new content"
    assert changed.headers["ETag"] != etag
    assert get(client, **{"If-None-Match": changed.headers["ETag"]}).status_code == 304


def test_304_and_416_do_not_open_the_file(client, etag, monkeypatch):
    from flagon import sending

    monkeypatch.setattr(sending, "open", lambda *a, **k: pytest.fail("opened"), raising=False)
    assert get(client, **{"If-None-Match": etag}).status_code == 304
    assert get(client, Range="bytes=5000-").status_code == 416


def test_304_keeps_the_cache_lifetime(app, client, etag):
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60
    response = get(client, **{"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Expires" in response.headers


def test_head_is_conditional_too(client, etag):
    response = client.head("/static/data.bin", headers={"If-None-Match": etag})
    assert response.status_code == 304


# -- ranges --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "start", "stop"),
    [
        ("bytes=0-99", 0, 100),
        ("bytes=0-0", 0, 1),
        ("bytes=1000-", 1000, 1024),
        ("bytes=-100", 924, 1024),
        ("bytes=-1", 1023, 1024),
        ("bytes=-5000", 0, 1024),
        ("bytes=1000-5000", 1000, 1024),
        ("bytes=0-", 0, 1024),
        ("BYTES = 10-19", 10, 20),
        ("bytes=0-50, 40-99", 0, 100),  # overlapping ranges are merged
        ("bytes=0-9,10-19", 0, 20),  # so are adjacent ones
        ("bytes=0-9,5000-6000", 0, 10),  # and unsatisfiable ones dropped
    ],
)
def test_single_range(client, spec, start, stop):
    response = get(client, Range=spec)
    assert response.status_code == 206
    assert response.data == DATA[start:stop]
    assert response.headers["Content-Range"] == f"bytes {start}-{stop - 1}/1024"
    assert response.headers["Content-Length"] == str(stop - start)
    assert response.headers["Content-Type"] == "application/octet-stream"


def test_multiple_ranges(client):
    response = get(client, Range="bytes=0-9, 100-104, -3")
    assert response.status_code == 206
    assert "Content-Range" not in response.headers
    assert response.headers["Content-Length"] == str(len(response.data))
    assert multipart_parts(response) == [
        ("bytes 0-9/1024", DATA[:10]),
        ("bytes 100-104/1024", DATA[100:105]),
        ("bytes 1021-1023/1024", DATA[1021:]),
    ]


def test_multiple_ranges_are_sent_in_order(client):
    response = get(client, Range="bytes=500-509,0-9,250-251")
    assert [part[0] for part in multipart_parts(response)] == [
        "bytes 0-9/1024",
        "bytes 250-251/1024",
        "bytes 500-509/1024",
    ]


def test_too_many_ranges_get_the_whole_file(client):
    spec = "bytes=" + ",".join(f"{i * 4}-{i * 4}" for i in range(MAX_RANGE_PARTS + 1))
    response = get(client, Range=spec)
    assert response.status_code == 200
    assert response.data == DATA
    spec = "bytes=" + ",".join(f"{i * 4}-{i * 4}" for i in range(MAX_RANGE_PARTS))
    assert get(client, Range=spec).status_code == 206


@pytest.mark.parametrize(
    "spec",
    [
        "bytes=1024-",
        "bytes=5000-6000",
        "bytes=1024-2000,3000-",
        "bytes=-0",
        "bytes=5-2",
        "bytes=abc",
        "bytes=",
        "bytes=1-2-3",
        "bytes=--5",
        "bytes=0-1,",
    ],
)
def test_unsatisfiable_or_malformed_ranges_get_416(client, spec):
    response = get(client, Range=spec)
    assert response.status_code == 416
    assert response.headers["Content-Range"] == "bytes */1024"


@pytest.mark.parametrize("spec", ["items=0-5", "0-5", "lines=1-2"])
def test_other_range_units_are_ignored(client, spec):
    response = get(client, Range=spec)
    assert response.status_code == 200
    assert response.data == DATA


def test_an_empty_file_ignores_ranges(client):
    response = client.get("/static/empty.txt", headers={"Range": "bytes=0-10"})
    assert response.status_code == 200
    assert response.data == b""


def test_head_ignores_ranges(client):
    response = client.head("/static/data.bin", headers={"Range": "bytes=0-9"})
    assert response.status_code == 200
    assert response.headers["Content-Length"] == "1024"


def test_if_range(client, etag):
    last_modified = http_date(MTIME)
    assert get(client, Range="bytes=0-9", **{"If-Range": etag}).status_code == 206
    assert get(client, Range="bytes=0-9", **{"If-Range": last_modified}).status_code == 206
    for stale in ('"stale"', "W/" + etag, http_date(MTIME - 60), http_date(MTIME + 60), "garbage"):
        response = get(client, Range="bytes=0-9", **{"If-Range": stale})
        assert response.status_code == 200, stale
        assert response.data == DATA
    # Without a Range, If-Range changes nothing.
    assert get(client, **{"If-Range": '"stale"'}).status_code == 200


def test_preconditions_come_before_ranges(client, etag):
    assert get(client, Range="bytes=0-9", **{"If-None-Match": etag}).status_code == 304
    assert get(client, Range="bytes=5000-", **{"If-None-Match": etag}).status_code == 304
    assert get(client, Range="bytes=0-9", **{"If-Match": '"other"'}).status_code == 412


def test_416_can_be_handled(app, client):
    @app.errorhandler(416)
    def out_of_range(error):
        return f"only {error.length} bytes", 416

    assert get(client, Range="bytes=9999-").text == "only 1024 bytes"


# -- Response.make_conditional -------------------------------------------------------------------


def test_make_conditional_with_an_etag(app):
    with app.test_request_context("/") as ctx:
        response = Response("hello world")
        response.add_etag()
        etag = response.headers["ETag"]
        response.make_conditional(ctx.request)
        assert response.status_code == 200
        assert "Date" in response.headers
    with app.test_request_context("/", headers={"If-None-Match": etag}) as ctx:
        response = Response("hello world")
        response.add_etag()
        assert response.make_conditional(ctx.request.environ) is response
        assert response.status_code == 304
        assert "Content-Length" not in response.headers
        assert "Content-Type" not in response.headers


def test_make_conditional_with_last_modified(app):
    with app.test_request_context("/", headers={"If-Modified-Since": http_date(MTIME)}) as ctx:
        response = Response("x")
        response.last_modified = MTIME
        assert response.make_conditional(ctx.request).status_code == 304
        response = Response("x")
        response.last_modified = MTIME + 1
        assert response.make_conditional(ctx.request).status_code == 200


def test_make_conditional_412_drops_the_body_but_closes_it(app):
    closed = []

    def body():
        try:
            yield b"data"
        finally:
            closed.append(True)

    with app.test_request_context("/", headers={"If-Match": '"other"'}) as ctx:
        generator = body()
        next(generator)
        response = Response(generator)
        response.set_etag("mine")
        response.make_conditional(ctx.request)
        assert response.status_code == 412
        assert response.get_data() == b""
        response.close()
        assert closed == [True]


def test_make_conditional_ignores_other_methods_and_errors(app):
    with app.test_request_context("/", method="POST", headers={"If-None-Match": "*"}) as ctx:
        response = Response("x")
        response.make_conditional(ctx.request)
        assert response.status_code == 200
        assert "Date" not in response.headers
    with app.test_request_context("/", headers={"If-None-Match": "*"}) as ctx:
        response = Response("missing", 404)
        response.set_etag("e")
        assert response.make_conditional(ctx.request).status_code == 404


def test_make_conditional_ranges_over_a_list_body(app):
    with app.test_request_context("/", headers={"Range": "bytes=6-"}) as ctx:
        response = Response("hello world", mimetype="text/plain")
        response.make_conditional(ctx.request, accept_ranges=True, complete_length=11)
        assert response.status_code == 206
        assert response.get_data() == b"world"
        assert response.headers["Content-Range"] == "bytes 6-10/11"
        assert response.headers["Content-Length"] == "5"
        assert response.accept_ranges == "bytes"


def test_make_conditional_ranges_over_a_stream_read_once(app):
    chunks = [b"hel", b"lo w", b"", b"orld", b"!"]
    with app.test_request_context("/", headers={"Range": "bytes=1-2,4-8,11-"}) as ctx:
        response = Response(iter(chunks), mimetype="text/plain")
        response.make_conditional(ctx.request, accept_ranges=True, complete_length=12)
        assert response.status_code == 206
        parts = response.get_data().split(b"\r\n\r\n")
        assert parts[1].startswith(b"el\r\n")
        assert parts[2].startswith(b"o wor\r\n")
        assert parts[3].startswith(b"!\r\n")
        assert response.headers["Content-Length"] == str(len(response.get_data()))


def test_make_conditional_ranges_need_a_length_and_bytes(app):
    with app.test_request_context("/", headers={"Range": "bytes=0-1"}) as ctx:
        response = Response("hello").make_conditional(ctx.request, accept_ranges=True)
        assert response.status_code == 200
        response = Response("hello").make_conditional(ctx.request, complete_length=5)
        assert response.status_code == 200
        response = Response("hello").make_conditional(
            ctx.request, accept_ranges="none", complete_length=5
        )
        assert response.status_code == 200
        assert response.headers["Accept-Ranges"] == "none"
        with pytest.raises(RequestedRangeNotSatisfiable):
            environ = {**ctx.request.environ, "HTTP_RANGE": "bytes=10-"}
            Response("hello").make_conditional(environ, accept_ranges=True, complete_length=5)


# -- caching headers on the response --------------------------------------------------------------


def test_cache_control():
    response = Response("x")
    assert response.cache_control.max_age is None
    response.cache_control.public = True
    response.cache_control.max_age = 60
    assert response.headers["Cache-Control"] == "public, max-age=60"
    response.cache_control.max_age = None
    response.cache_control.no_cache = True
    assert response.headers["Cache-Control"] == "public, no-cache"
    response.cache_control.public = False
    response.cache_control.no_cache = None
    assert "Cache-Control" not in response.headers
    response.headers["Cache-Control"] = 'private="Set-Cookie", max-age=30, immutable, s-maxage=bad'
    cache_control = response.cache_control
    assert cache_control.private == "Set-Cookie"
    assert cache_control.max_age == 30
    assert cache_control.immutable is True
    assert cache_control.s_maxage is None
    assert cache_control.no_store is False
    assert str(cache_control) == "private=Set-Cookie, max-age=30, immutable, s-maxage=bad"


def test_date_headers():
    response = Response("x")
    assert response.last_modified is None and response.expires is None
    when = datetime(2024, 2, 29, 8, 0, tzinfo=UTC)
    response.last_modified = when
    response.expires = when.timestamp() + 60
    response.date = "Thu, 29 Feb 2024 08:00:00 GMT"
    assert response.headers["Last-Modified"] == "Thu, 29 Feb 2024 08:00:00 GMT"
    assert response.headers["Expires"] == "Thu, 29 Feb 2024 08:01:00 GMT"
    assert response.last_modified == when == response.date
    response.expires = None
    assert "Expires" not in response.headers


def test_etag_helpers():
    response = Response("x")
    assert response.get_etag() == (None, None)
    response.set_etag("abc")
    assert response.headers["ETag"] == '"abc"'
    response.set_etag("abc", weak=True)
    assert response.get_etag() == ("abc", True)
    response.add_etag()
    assert response.get_etag() == ("abc", True)
    response.add_etag(overwrite=True)
    assert response.get_etag() == ("11f6ad8ec52a2984abaafd7c3b516503785c2072", False)


def test_content_range_property():
    response = Response("x")
    assert not response.content_range
    response.content_range = "bytes 0-4/10"
    assert (response.content_range.start, response.content_range.stop) == (0, 5)
    response.content_range.set(5, 10, 10)
    assert response.headers["Content-Range"] == "bytes 5-9/10"
    response.content_range = ContentRange("bytes", None, None, 10)
    assert response.headers["Content-Range"] == "bytes */10"
    response.content_range = None
    assert "Content-Range" not in response.headers


def test_ranges_cut_from_any_chunking():
    import random

    from flagon.conditional import iterable_pieces

    rng = random.Random(7)
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, len(DATA)), rng.randint(0, 20)))
        chunks = [DATA[a:b] for a, b in zip([0, *cuts], [*cuts, len(DATA)], strict=True)]
        points = sorted(rng.sample(range(len(DATA) + 1), 2 * rng.randint(1, 5)))
        spans = [(a, b) for a, b in zip(points[::2], points[1::2], strict=True) if a < b]
        got: dict[int, bytes] = {}
        for index, data in iterable_pieces(iter(chunks), spans):
            got[index] = got.get(index, b"") + data
        assert [got.get(i, b"") for i in range(len(spans))] == [DATA[a:b] for a, b in spans]
