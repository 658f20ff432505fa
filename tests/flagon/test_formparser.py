from __future__ import annotations

import io
import tracemalloc
from urllib.parse import parse_qsl

import pytest

from flagon.datastructures import FileStorage, ImmutableMultiDict
from flagon.exceptions import BadRequest, ClientDisconnected, RequestEntityTooLarge
from flagon.formparser import SPOOL_MAX_SIZE, parse_form_data, url_decode

BOUNDARY = "----flagonBoundary7MA4YWxk"


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes = b"") -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def part(name: str, value: bytes | str, filename: str | None = None, headers: str = "") -> bytes:
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    if isinstance(value, str):
        value = value.encode()
    return (
        f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n{headers}\r\n".encode()
        + value
        + b"\r\n"
    )


def multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def environ_for(body: bytes, content_type: str, stream: io.BytesIO | None = None, **extra):
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": stream if stream is not None else io.BytesIO(body),
    }
    environ.update(extra)
    return environ


def multipart_environ(body: bytes, **extra):
    return environ_for(body, f"multipart/form-data; boundary={BOUNDARY}", **extra)


def urlencoded_environ(body: bytes, **extra):
    return environ_for(body, "application/x-www-form-urlencoded", **extra)


# -- url_decode -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "a=1&b=2",
        "a=1&a=2&b",
        "a=&=b&&c=%20d+e",
        "name=J%C3%BCrgen&city=K%C3%B6ln",
        "x=%zz&y=%4&z=100%",
        "a==b=c",
        "plus+sign=1+2%2B3",
        "&&&",
        "key%3Dwith%26specials=v%3Dx",
    ],
)
def test_url_decode_matches_parse_qsl(query):
    assert list(url_decode(query).items(multi=True)) == list(
        ImmutableMultiDict(parse_qsl(query, keep_blank_values=True)).items(multi=True)
    )


def test_url_decode_results():
    args = url_decode("a=1&a=2&b=&c")
    assert isinstance(args, ImmutableMultiDict)
    assert args.getlist("a") == ["1", "2"]
    assert args["b"] == "" and args["c"] == ""
    assert url_decode("") == ImmutableMultiDict()


def test_url_decode_reads_raw_utf8_bytes_from_the_wsgi_string():
    raw = "q=caf\u00e9&r=\u20ac".encode().decode("latin-1")  # QUERY_STRING as a server passes it
    assert url_decode(raw).to_dict() == {"q": "caf\u00e9", "r": "\u20ac"}


def test_url_decode_replaces_invalid_utf8_instead_of_failing():
    args = url_decode("name=%FF%FEok&raw=\xe9t\xe9&good=%C3%A9")
    assert args["name"] == "\ufffd\ufffdok"
    assert args["raw"] == "\ufffdt\ufffd"
    assert args["good"] == "\u00e9"


# -- urlencoded bodies -----------------------------------------------------------------------------


def test_urlencoded_body():
    stream, form, files = parse_form_data(
        urlencoded_environ(b"name=Ann+Lee&tag=a&tag=b&empty=&pct=%25")
    )
    assert form["name"] == "Ann Lee"
    assert form.getlist("tag") == ["a", "b"]
    assert form["empty"] == "" and form["pct"] == "%"
    assert files == ImmutableMultiDict()
    assert stream.read() == b""


def test_urlencoded_invalid_escapes_are_kept_literally():
    _, form, _ = parse_form_data(urlencoded_environ(b"a=%zz&b=100%"))
    assert form.to_dict() == {"a": "%zz", "b": "100%"}


@pytest.mark.parametrize("body", [b"a=%FF", b"a=\xff\xfe", b"%C3=x"])
def test_urlencoded_invalid_utf8_is_a_bad_request(body):
    with pytest.raises(BadRequest) as info:
        parse_form_data(urlencoded_environ(body))
    assert "Invalid UTF-8 in form data" in info.value.description


def test_urlencoded_charset_parameter():
    environ = environ_for(b"a=%E9", "application/x-www-form-urlencoded; charset=ISO-8859-1")
    assert parse_form_data(environ)[1]["a"] == "\u00e9"
    unknown = environ_for(b"a=%C3%A9", "application/x-www-form-urlencoded; charset=klingon")
    assert parse_form_data(unknown)[1]["a"] == "\u00e9"


def test_urlencoded_over_memory_limit_by_declared_length_is_413_without_reading():
    body = b"a=" + b"x" * 100
    source = CountingStream(body)
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(urlencoded_environ(body, stream=source), max_form_memory_size=50)
    assert source.bytes_read == 0


def test_urlencoded_over_memory_limit_without_length_reads_only_up_to_the_limit():
    body = b"a=" + b"x" * 1000
    source = CountingStream(body)
    environ = urlencoded_environ(body, stream=source, **{"wsgi.input_terminated": True})
    del environ["CONTENT_LENGTH"]
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(environ, max_form_memory_size=50)
    assert source.bytes_read == 51


def test_urlencoded_over_memory_limit_with_short_reads_is_still_413():
    class TrickleStream(io.BytesIO):
        def read(self, size=-1):
            return super().read(3 if size is None or size < 0 else min(size, 3))

    body = b"a=" + b"x" * 100
    environ = urlencoded_environ(
        body, stream=TrickleStream(body), **{"wsgi.input_terminated": True}
    )
    del environ["CONTENT_LENGTH"]
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(environ, max_form_memory_size=50)
    small = b"a=" + b"x" * 40
    environ = urlencoded_environ(
        small, stream=TrickleStream(small), **{"wsgi.input_terminated": True}
    )
    del environ["CONTENT_LENGTH"]
    assert parse_form_data(environ, max_form_memory_size=50)[1]["a"] == "x" * 40


def test_urlencoded_within_memory_limit():
    assert (
        parse_form_data(urlencoded_environ(b"a=12345"), max_form_memory_size=7)[1]["a"] == "12345"
    )


def test_body_over_max_content_length_is_413_without_reading():
    body = b"a=" + b"x" * 1000
    source = CountingStream(body)
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(urlencoded_environ(body, stream=source), max_content_length=100)
    assert source.bytes_read == 0
    multipart_source = CountingStream(multipart(part("a", "x" * 1000)))
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(
            multipart_environ(multipart_source.getvalue(), stream=multipart_source),
            max_content_length=100,
        )
    assert multipart_source.bytes_read == 0


def test_body_shorter_than_content_length_is_client_disconnected():
    environ = urlencoded_environ(b"a=1")
    environ["CONTENT_LENGTH"] = "100"
    with pytest.raises(ClientDisconnected):
        parse_form_data(environ)
    body = multipart(part("a", "1"))
    truncated = multipart_environ(body)
    truncated["CONTENT_LENGTH"] = str(len(body) + 50)
    with pytest.raises(ClientDisconnected):
        parse_form_data(truncated)


@pytest.mark.parametrize("content_length", ["abc", "-5"])
def test_invalid_content_length_is_bad_request(content_length):
    environ = urlencoded_environ(b"a=1")
    environ["CONTENT_LENGTH"] = content_length
    with pytest.raises(BadRequest):
        parse_form_data(environ)


def test_other_content_types_leave_the_stream_unread():
    body = b'{"json": true}'
    stream, form, files = parse_form_data(environ_for(body, "application/json"))
    assert not form and not files
    assert stream.read() == body
    stream, form, files = parse_form_data(environ_for(body, ""))
    assert not form and stream.read() == body


# -- multipart --------------------------------------------------------------------------------------


def test_multipart_fields_and_files():
    body = multipart(
        part("title", "Hello w\u00f6rld"),
        part("tag", "a"),
        part("tag", "b"),
        part(
            "upload",
            b"\x00\x01binary\r\n--not-a-boundary",
            filename="data.bin",
            headers="Content-Type: application/octet-stream\r\n",
        ),
        part("empty_file", b"", filename=""),
    )
    _stream, form, files = parse_form_data(multipart_environ(body))
    assert form["title"] == "Hello w\u00f6rld"
    assert form.getlist("tag") == ["a", "b"]
    upload = files["upload"]
    assert isinstance(upload, FileStorage)
    assert upload.filename == "data.bin" and upload.name == "upload"
    assert upload.content_type == "application/octet-stream"
    assert upload.headers["Content-Disposition"] == 'form-data; name="upload"; filename="data.bin"'
    assert upload.read() == b"\x00\x01binary\r\n--not-a-boundary"
    assert files["empty_file"].filename == "" and not files["empty_file"]
    assert "upload" not in form


def test_multipart_filenames_with_rfc2231_and_utf8_and_latin1_headers():
    body = multipart(
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"a\"; filename*=UTF-8''%E2%82%AC.txt\r\n\r\nx\r\n".encode(),
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="b"; filename="\u00e4\u00f6.txt"\r\n\r\ny\r\n'.encode(),
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="c"; filename="caf\u00e9.txt"\r\n\r\nz\r\n'.encode(
            "latin-1"
        ),
    )
    files = parse_form_data(multipart_environ(body))[2]
    assert files["a"].filename == "\u20ac.txt"
    assert files["b"].filename == "\u00e4\u00f6.txt"
    assert files["c"].filename == "caf\u00e9.txt"


def test_multipart_part_charset():
    body = multipart(
        part(
            "a",
            "\u00e9".encode("latin-1"),
            headers="Content-Type: text/plain; charset=iso-8859-1\r\n",
        )
    )
    assert parse_form_data(multipart_environ(body))[1]["a"] == "\u00e9"


def test_multipart_invalid_utf8_text_field_is_a_bad_request():
    with pytest.raises(BadRequest) as info:
        parse_form_data(multipart_environ(multipart(part("a", b"\xff\xfe"))))
    assert "Invalid UTF-8" in info.value.description


def test_multipart_empty_body_is_an_empty_form():
    _, form, files = parse_form_data(multipart_environ(b""))
    assert not form and not files
    _, form, _ = parse_form_data(multipart_environ(f"--{BOUNDARY}--\r\n".encode()))
    assert not form


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "x" * 300,
    ],
)
def test_multipart_missing_or_invalid_boundary_is_a_bad_request(content_type):
    with pytest.raises(BadRequest) as info:
        parse_form_data(environ_for(multipart(part("a", "1")), content_type))
    assert "boundary" in info.value.description


@pytest.mark.parametrize(
    "body",
    [
        multipart(part("a", "1")).replace(BOUNDARY.encode(), b"other-boundary"),
        multipart(part("a", "1"))[:-12],  # cut before the closing boundary
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nunfinished'.encode(),
        b"this is not multipart at all",
        f"--{BOUNDARY}\r\nBad Header Name: x\r\n\r\nv\r\n--{BOUNDARY}--\r\n".encode(),
    ],
)
def test_malformed_or_truncated_multipart_is_a_bad_request(body):
    with pytest.raises(BadRequest) as info:
        parse_form_data(multipart_environ(body))
    assert "multipart" in info.value.description.lower()


@pytest.mark.parametrize(
    "headers",
    ["", "Content-Disposition: form-data\r\n", 'Content-Disposition: attachment; name="a"\r\n'],
)
def test_multipart_part_without_form_data_name_is_a_bad_request(headers):
    body = f"--{BOUNDARY}\r\n{headers}\r\nvalue\r\n--{BOUNDARY}--\r\n".encode()
    with pytest.raises(BadRequest) as info:
        parse_form_data(multipart_environ(body))
    assert "Content-Disposition" in info.value.description


def test_too_many_parts_is_413():
    body = multipart(*(part(f"f{i}", "x") for i in range(11)))
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(multipart_environ(body), max_form_parts=10)
    _, form, _ = parse_form_data(multipart_environ(body), max_form_parts=11)
    assert len(form) == 11


def test_text_field_over_memory_limit_is_413_but_files_are_not_limited():
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(
            multipart_environ(multipart(part("a", "x" * 101))), max_form_memory_size=100
        )
    body = multipart(part("a", "x" * 100), part("f", b"y" * 5000, filename="f.txt"))
    _, form, files = parse_form_data(multipart_environ(body), max_form_memory_size=100)
    assert len(form["a"]) == 100
    assert len(files["f"].read()) == 5000


def test_custom_stream_factory_receives_part_details():
    calls = []

    def factory(total_content_length, content_type, filename, content_length=None):
        calls.append((total_content_length, content_type, filename))
        return io.BytesIO()

    body = multipart(part("f", b"abc", filename="a.txt", headers="Content-Type: text/plain\r\n"))
    files = parse_form_data(multipart_environ(body), stream_factory=factory)[2]
    assert calls == [(len(body), "text/plain", "a.txt")]
    assert files["f"].read() == b"abc"


def test_multipart_temporary_files_are_closed_when_parsing_fails():
    opened = []

    def factory(total_content_length, content_type, filename, content_length=None):
        opened.append(io.BytesIO())
        return opened[-1]

    body = multipart(part("f", b"abc", filename="a.txt"), part("g", b"d", filename="b.txt"))[:-10]
    with pytest.raises(BadRequest):
        parse_form_data(multipart_environ(body), stream_factory=factory)
    assert opened and all(f.closed for f in opened)


class GeneratedBody(io.RawIOBase):
    """A request body produced on the fly, so the test itself holds no large buffer."""

    def __init__(self, head: bytes, size: int, tail: bytes) -> None:
        self.pieces = [head, tail]
        self.remaining = size
        self.head_sent = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if not self.head_sent:
            self.head_sent = True
            return self.pieces[0]
        if self.remaining:
            count = min(size, self.remaining, 64 * 1024)
            self.remaining -= count
            return b"z" * count
        tail, self.pieces[1] = self.pieces[1], b""
        return tail


def test_large_upload_goes_to_disk_and_stays_out_of_memory():
    size = 10 * 1024 * 1024
    head = part("big", b"", filename="big.bin")[:-2]  # headers and blank line, no data yet
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(len(head) + size + len(tail)),
        "wsgi.input": GeneratedBody(head, size, tail),
    }
    tracemalloc.start()
    try:
        _, _, files = parse_form_data(environ)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    upload = files["big"]
    assert peak < 2 * 1024 * 1024  # the 10 MiB body was never held in memory
    assert upload.stream._rolled  # SpooledTemporaryFile moved to disk past SPOOL_MAX_SIZE
    assert upload.stream.fileno() >= 0
    upload.seek(0, io.SEEK_END)
    assert upload.tell() == size
    upload.seek(0)
    assert upload.read(4) == b"zzzz"
    upload.close()


def test_small_upload_stays_in_memory():
    files = parse_form_data(multipart_environ(multipart(part("f", b"abc", filename="a.txt"))))[2]
    assert SPOOL_MAX_SIZE == 500 * 1024
    assert not files["f"].stream._rolled
