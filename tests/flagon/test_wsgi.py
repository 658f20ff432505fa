from __future__ import annotations

import io

import pytest

from flagon.exceptions import BadRequest, ClientDisconnected, RequestEntityTooLarge, SecurityError
from flagon.wsgi import (
    ClosingIterator,
    FileWrapper,
    LimitedStream,
    get_content_length,
    get_current_url,
    get_host,
    get_input_stream,
    read_body,
    wrap_file,
)


class CountingStream(io.BytesIO):
    """A body stream that remembers how many bytes were asked of it."""

    def __init__(self, data: bytes = b"") -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


class TrickleStream(io.BytesIO):
    """A server stream that hands out at most 3 bytes per read, as sockets may."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(3 if size is None or size < 0 else min(size, 3))


class BrokenStream(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise OSError("connection reset")

    readline = read


# -- LimitedStream -----------------------------------------------------------------------------


def test_limited_stream_never_reads_past_the_limit():
    source = CountingStream(b"hello world, and the next request")
    stream = LimitedStream(source, 11)
    assert stream.read(5) == b"hello"
    assert stream.tell() == 5
    assert stream.read() == b" world"
    assert stream.is_exhausted
    assert stream.read() == b""
    assert stream.read(10) == b""
    assert source.bytes_read == 11


def test_limited_stream_read_with_size_larger_than_what_is_left():
    stream = LimitedStream(io.BytesIO(b"abcdef"), 4)
    assert stream.read(100) == b"abcd"
    assert stream.read(None) == b""


def test_limited_stream_read_zero_bytes():
    stream = LimitedStream(io.BytesIO(b"abc"), 3)
    assert stream.read(0) == b""
    assert stream.readline(0) == b""
    assert stream.read() == b"abc"
    assert stream.read(0) == b""


def test_limited_stream_collects_short_reads_into_the_size_asked():
    stream = LimitedStream(TrickleStream(b"0123456789NEXT"), 10)
    assert stream.read(8) == b"01234567"
    assert stream.read(8) == b"89"
    assert LimitedStream(TrickleStream(b"0123456789"), 10).read() == b"0123456789"
    with pytest.raises(ClientDisconnected):
        LimitedStream(TrickleStream(b"0123"), 10).read(8)
    assert LimitedStream(TrickleStream(b"0123"), 10, is_max=True).read(8) == b"0123"


def test_limited_stream_raises_client_disconnected_when_the_body_ends_early():
    stream = LimitedStream(io.BytesIO(b"short"), 100)
    with pytest.raises(ClientDisconnected) as info:
        stream.read()
    assert info.value.code == 400
    stream = LimitedStream(io.BytesIO(b"short"), 100)
    assert stream.read(5) == b"short"
    with pytest.raises(ClientDisconnected):
        stream.read(5)
    with pytest.raises(ClientDisconnected):
        LimitedStream(io.BytesIO(b""), 3).readline()


def test_limited_stream_turns_read_errors_into_client_disconnected():
    with pytest.raises(ClientDisconnected):
        LimitedStream(BrokenStream(), 10).read(5)


def test_limited_stream_lines_and_iteration():
    data = b"one\ntwo\nthree\nNEXT-REQUEST"
    stream = LimitedStream(io.BytesIO(data), 14)
    assert stream.readline() == b"one\n"
    assert stream.readline(2) == b"tw"
    assert stream.readline() == b"o\n"
    assert list(stream) == [b"three\n"]
    stream = LimitedStream(io.BytesIO(data), 14)
    assert stream.readlines() == [b"one\n", b"two\n", b"three\n"]
    stream = LimitedStream(io.BytesIO(data), 14)
    assert stream.readlines(5) == [b"one\n", b"two\n"]
    stream = LimitedStream(io.BytesIO(b"no newline at all, long"), 6)
    assert stream.readline() == b"no new"


def test_limited_stream_readinto_and_exhaust():
    source = io.BytesIO(b"0123456789rest")
    stream = LimitedStream(source, 10)
    buffer = bytearray(4)
    assert stream.readinto(buffer) == 4 and buffer == b"0123"
    assert not stream.is_exhausted
    stream.exhaust()
    assert stream.is_exhausted
    assert source.read() == b"rest"
    assert io.BufferedReader(LimitedStream(io.BytesIO(b"abc\ndef"), 5)).read() == b"abc\nd"


def test_limited_stream_as_maximum_allows_shorter_bodies():
    stream = LimitedStream(io.BytesIO(b"short"), 100, is_max=True)
    assert stream.read() == b"short"
    assert stream.read() == b""
    exact = LimitedStream(io.BytesIO(b"12345"), 5, is_max=True)
    assert exact.read() == b"12345"
    assert exact.read(1) == b""


def test_limited_stream_as_maximum_raises_413_past_the_limit():
    stream = LimitedStream(io.BytesIO(b"0123456789"), 5, is_max=True)
    with pytest.raises(RequestEntityTooLarge):
        stream.read()
    chunked = LimitedStream(io.BytesIO(b"0123456789"), 5, is_max=True)
    assert chunked.read(5) == b"01234"
    with pytest.raises(RequestEntityTooLarge):
        chunked.read(1)


# -- Content-Length and the input stream ----------------------------------------------------------


def test_get_content_length():
    assert get_content_length({}) is None
    assert get_content_length({"CONTENT_LENGTH": ""}) is None
    assert get_content_length({"CONTENT_LENGTH": " 42 "}) == 42
    assert get_content_length({"CONTENT_LENGTH": "0"}) == 0
    assert get_content_length({"CONTENT_LENGTH": "5", "HTTP_TRANSFER_ENCODING": "chunked"}) is None


@pytest.mark.parametrize("value", ["abc", "-1", "1e3", "+5", "4.0", "١٢", "0x10", "5 5"])
def test_invalid_content_length_is_a_bad_request(value):
    with pytest.raises(BadRequest):
        get_content_length({"CONTENT_LENGTH": value})
    with pytest.raises(BadRequest):
        get_input_stream({"CONTENT_LENGTH": value, "wsgi.input": io.BytesIO(b"x")})


def test_input_stream_is_limited_to_content_length():
    source = io.BytesIO(b"bodyNEXT")
    stream = get_input_stream({"CONTENT_LENGTH": "4", "wsgi.input": source})
    assert stream.read() == b"body"
    assert source.read() == b"NEXT"


def test_input_stream_with_short_body_raises_client_disconnected():
    stream = get_input_stream({"CONTENT_LENGTH": "10", "wsgi.input": io.BytesIO(b"abc")})
    with pytest.raises(ClientDisconnected):
        stream.read()


def test_declared_length_over_maximum_is_413_without_reading():
    source = CountingStream(b"x" * 1000)
    with pytest.raises(RequestEntityTooLarge):
        get_input_stream({"CONTENT_LENGTH": "1000", "wsgi.input": source}, max_content_length=10)
    assert source.bytes_read == 0
    assert source.tell() == 0


def test_no_content_length_gives_an_empty_stream_without_touching_the_input():
    source = CountingStream(b"unframed data")
    stream = get_input_stream({"wsgi.input": source})
    assert stream.read() == b""
    assert source.bytes_read == 0


def test_terminated_input_is_read_to_its_end_or_capped():
    source = io.BytesIO(b"chunked body")
    assert (
        get_input_stream({"wsgi.input": source, "wsgi.input_terminated": True}).read()
        == b"chunked body"
    )
    capped = get_input_stream(
        {"wsgi.input": io.BytesIO(b"chunked body"), "wsgi.input_terminated": True},
        max_content_length=100,
    )
    assert capped.read() == b"chunked body"
    too_big = get_input_stream(
        {"wsgi.input": io.BytesIO(b"x" * 50), "wsgi.input_terminated": True}, max_content_length=10
    )
    with pytest.raises(RequestEntityTooLarge):
        too_big.read()


# -- host and URL --------------------------------------------------------------------------------


def _environ(**extra):
    environ = {
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "server.local",
        "SERVER_PORT": "8080",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
    }
    environ.update(extra)
    return environ


@pytest.mark.parametrize(
    ("extra", "host"),
    [
        ({"HTTP_HOST": "example.com"}, "example.com"),
        ({"HTTP_HOST": "example.com:80"}, "example.com"),
        ({"HTTP_HOST": "example.com:443"}, "example.com:443"),
        ({"HTTP_HOST": "example.com:443", "wsgi.url_scheme": "https"}, "example.com"),
        ({"HTTP_HOST": "example.com:80", "wsgi.url_scheme": "https"}, "example.com:80"),
        ({"HTTP_HOST": "[::1]:5000"}, "[::1]:5000"),
        ({}, "server.local:8080"),
        ({"SERVER_PORT": "80"}, "server.local"),
        ({"SERVER_NAME": "::1", "SERVER_PORT": "8000"}, "[::1]:8000"),
        ({"SERVER_PORT": None}, ""),
        ({"HTTP_HOST": "evil.com/path"}, ""),
        ({"HTTP_HOST": "a b"}, ""),
    ],
)
def test_get_host(extra, host):
    environ = _environ(**extra)
    if environ["SERVER_PORT"] is None:
        del environ["SERVER_PORT"]
    assert get_host(environ) == host


def test_get_host_with_trusted_hosts():
    assert get_host(_environ(HTTP_HOST="example.com:8000"), ["example.com"]) == "example.com:8000"
    assert get_host(_environ(HTTP_HOST="api.example.com"), [".example.com"]) == "api.example.com"
    assert get_host(_environ(HTTP_HOST="example.com"), [".example.com"]) == "example.com"
    with pytest.raises(SecurityError):
        get_host(_environ(HTTP_HOST="evil.com"), ["example.com"])
    with pytest.raises(SecurityError):
        get_host(_environ(HTTP_HOST="notexample.com"), [".example.com"])


def test_get_current_url_parts():
    environ = _environ(
        HTTP_HOST="example.com", SCRIPT_NAME="/app", PATH_INFO="/page", QUERY_STRING="a=1&b=2"
    )
    assert get_current_url(environ) == "http://example.com/app/page?a=1&b=2"
    assert get_current_url(environ, strip_querystring=True) == "http://example.com/app/page"
    assert get_current_url(environ, root_only=True) == "http://example.com/app/"
    assert get_current_url(environ, host_only=True) == "http://example.com/"


def test_get_current_url_is_an_iri_with_unsafe_bytes_quoted():
    path = "/caf\u00e9/a b/100%/why?".encode().decode("latin-1")
    query = "q=caf\u00e9&x=%C3%A9&y=a b".encode().decode("latin-1")
    environ = _environ(HTTP_HOST="example.com", PATH_INFO=path, QUERY_STRING=query)
    assert (
        get_current_url(environ)
        == "http://example.com/caf\u00e9/a%20b/100%25/why%3F?q=caf\u00e9&x=%C3%A9&y=a%20b"
    )


def test_get_current_url_percent_encodes_invalid_utf8():
    environ = _environ(HTTP_HOST="example.com", PATH_INFO="/\xff\xfe", QUERY_STRING="a=\xff")
    assert get_current_url(environ) == "http://example.com/%FF%FE?a=%FF"


def test_get_current_url_decodes_punycode_hosts():
    environ = _environ(HTTP_HOST="xn--bcher-kva.example")
    assert get_current_url(environ) == "http://b\u00fccher.example/"


# -- response iterables ----------------------------------------------------------------------------


def test_closing_iterator_runs_callbacks_after_the_iterable_close():
    calls = []

    class Body:
        def __iter__(self):
            return iter([b"a", b"b"])

        def close(self):
            calls.append("body")

    iterator = ClosingIterator(Body(), [lambda: calls.append("one"), lambda: calls.append("two")])
    assert list(iterator) == [b"a", b"b"]
    iterator.close()
    assert calls == ["body", "one", "two"]


def test_closing_iterator_closes_once_and_runs_every_callback():
    calls = []

    def failing():
        calls.append("failing")
        raise OSError("disk gone")

    iterator = ClosingIterator(iter([b"a"]), [failing, lambda: calls.append("cleanup")])
    assert next(iterator) == b"a"
    with pytest.raises(OSError, match="disk gone"):
        iterator.close()
    iterator.close()
    assert calls == ["failing", "cleanup"]


def test_file_wrapper_and_wrap_file():
    f = io.BytesIO(b"x" * 10)
    wrapper = FileWrapper(f, buffer_size=4)
    assert list(wrapper) == [b"xxxx", b"xxxx", b"xx"]
    wrapper.close()
    assert f.closed
    marker = object()
    assert wrap_file({"wsgi.file_wrapper": lambda file, size: marker}, io.BytesIO()) is marker
    assert isinstance(wrap_file({}, io.BytesIO()), FileWrapper)


class ServerParseError(Exception):
    """What a server's own body parser raises (Gunicorn's InvalidChunkSize is no OSError)."""


class RefusingStream(io.RawIOBase):
    def readable(self):
        return True

    def read(self, size=-1):
        raise ServerParseError("Invalid chunk size: 'zz'")

    readline = read


@pytest.mark.parametrize("terminated", [True, False])
def test_any_error_from_the_servers_stream_is_a_400(terminated):
    environ = {"wsgi.input": RefusingStream(), "CONTENT_LENGTH": "10"}
    if terminated:
        environ = {
            "wsgi.input": RefusingStream(),
            "HTTP_TRANSFER_ENCODING": "chunked",
            "wsgi.input_terminated": True,
        }
    with pytest.raises(BadRequest) as stream_error:
        get_input_stream(environ).read()
    assert stream_error.value.code == 400
    assert "could not be read" in stream_error.value.description
    with pytest.raises(BadRequest):
        read_body(environ)


def test_a_body_shorter_than_its_length_is_refused_even_on_a_terminated_stream():
    # Gunicorn terminates every stream and ends it early when the client goes away.
    environ = {
        "wsgi.input": io.BytesIO(b"title=half"),
        "CONTENT_LENGTH": "100",
        "wsgi.input_terminated": True,
    }
    with pytest.raises(ClientDisconnected):
        read_body(environ)
    environ["wsgi.input"] = io.BytesIO(b"title=half")
    with pytest.raises(ClientDisconnected):
        get_input_stream(environ).read()


def test_a_content_length_of_thousands_of_digits_is_a_413():
    with pytest.raises(RequestEntityTooLarge):
        get_content_length({"CONTENT_LENGTH": "9" * 5000})
