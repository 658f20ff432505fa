from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from flagon.datastructures import Accept, ImmutableMultiDict, MIMEAccept
from flagon.http import (
    HTTP_STATUS_CODES,
    dump_cookie,
    dump_header,
    dump_options_header,
    generate_etag,
    http_date,
    is_resource_modified,
    parse_accept_header,
    parse_authorization_header,
    parse_content_range_header,
    parse_cookie,
    parse_date,
    parse_dict_header,
    parse_etags,
    parse_list_header,
    parse_options_header,
    parse_range_header,
    quote_etag,
    quote_header_value,
    unquote_etag,
)


def test_status_codes_are_kept():
    assert HTTP_STATUS_CODES[404] == "Not Found"
    assert HTTP_STATUS_CODES[418] == "I'm a teapot"


# -- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text/html; charset=UTF-8", ("text/html", {"charset": "UTF-8"})),
        ("text/html", ("text/html", {})),
        ("", ("", {})),
        (None, ("", {})),
        ("a;K=v", ("a", {"k": "v"})),
        (
            'form-data; name="a\\"b"; filename="c%22d"',
            ("form-data", {"name": 'a"b', "filename": 'c"d'}),
        ),
        ('a; k="v;w"; z=1', ("a", {"k": "v;w", "z": "1"})),
        ("a; broken; k=v", ("a", {"k": "v"})),
        ("a; k=", ("a", {})),
        ('a; x="unterminated', ("a", {})),
        (
            "attachment; filename*=UTF-8''%E2%82%AC%20rates.txt",
            ("attachment", {"filename": "€ rates.txt"}),
        ),
        ("attachment; filename*=iso-8859-1''%E4", ("attachment", {"filename": "ä"})),
        ("a; f*0=x; f*1=y", ("a", {"f": "xy"})),
        ("a; f*0*=UTF-8''%C3%A4; f*1*=%C3%B6", ("a", {"f": "äö"})),
        ("multipart/form-data; boundary=----abc", ("multipart/form-data", {"boundary": "----abc"})),
    ],
)
def test_parse_options_header(value, expected):
    assert parse_options_header(value) == expected


def test_dump_options_header_quotes_skips_none_and_encodes_non_ascii():
    assert dump_options_header("text/html", {"charset": "utf-8"}) == "text/html; charset=utf-8"
    assert dump_options_header("a", {"k": "two words", "skip": None}) == 'a; k="two words"'
    assert dump_options_header("a", {"k": 'q"\\'}) == 'a; k="q\\"\\\\"'
    assert dump_options_header("a", {"k": ""}) == 'a; k=""'
    assert dump_options_header("a", {"k*": "UTF-8''x"}) == "a; k*=UTF-8''x"
    encoded = dump_options_header("attachment", {"filename": "naïve résumé.pdf"})
    assert encoded == "attachment; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.pdf"
    assert parse_options_header(encoded)[1]["filename"] == "naïve résumé.pdf"


def test_list_dict_and_dump_header():
    assert parse_list_header('a, "b, c", , d') == ["a", "b, c", "d"]
    assert parse_list_header('a, "unclosed') == []
    assert parse_dict_header('a=b, c="d, e", f') == {"a": "b", "c": "d, e", "f": None}
    assert parse_dict_header("title*=UTF-8''%C3%A4") == {"title": "ä"}
    assert dump_header(["foo", "bar baz"]) == 'foo, "bar baz"'
    assert dump_header({"realm": "my site", "x": None}) == 'realm="my site", x'
    assert quote_header_value("token") == "token"
    assert quote_header_value("a b") == '"a b"'


# -- cookies ----------------------------------------------------------------------------------


def test_parse_cookie_basic_and_repeated_names():
    cookies = parse_cookie("session=abc; theme=dark; session=older")
    assert isinstance(cookies, ImmutableMultiDict)
    assert cookies["session"] == "abc"
    assert cookies.getlist("session") == ["abc", "older"]
    assert cookies["theme"] == "dark"


def test_parse_cookie_is_lenient_with_invalid_segments():
    cookies = parse_cookie(" a = 1 ;; garbage; =novalue; b=x=y;c")
    assert cookies.to_dict() == {"a": "1", "b": "x=y"}


def test_parse_cookie_unquotes_with_escapes():
    cookies = parse_cookie('q="say \\"hi\\""; semi="x\\073y"; u="\\303\\244"; plain="abc"')
    assert cookies["q"] == 'say "hi"'
    assert cookies["semi"] == "x;y"
    assert cookies["u"] == "ä"
    assert cookies["plain"] == "abc"


def test_parse_cookie_decodes_wsgi_latin1_strings_as_utf8():
    raw = "name=ä€".encode().decode("latin-1")  # how a WSGI server passes UTF-8 bytes
    assert parse_cookie(raw)["name"] == "ä€"
    assert parse_cookie("name=ä")["name"] == "ä"  # already text
    invalid = b"name=\xff\xfe".decode("latin-1")
    assert parse_cookie(invalid)["name"] == "\xff\xfe"  # not UTF-8: kept, never an error


def test_parse_cookie_empty_and_environ():
    assert parse_cookie(None) == ImmutableMultiDict()
    assert parse_cookie("") == ImmutableMultiDict()
    assert parse_cookie({"HTTP_COOKIE": "a=1"})["a"] == "1"
    assert parse_cookie({}) == ImmutableMultiDict()


def test_dump_cookie_defaults():
    assert dump_cookie("a", "b") == "a=b; Path=/"
    assert dump_cookie("a") == "a=; Path=/"
    assert dump_cookie("a", "b", path=None) == "a=b"


def test_dump_cookie_all_attributes_in_order():
    header = dump_cookie(
        "sid",
        "xyz",
        max_age=60,
        expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        path="/app",
        domain=".Example.COM",
        secure=True,
        httponly=True,
        samesite="lax",
    )
    assert header == (
        "sid=xyz; Domain=example.com; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=60;"
        " Secure; HttpOnly; Path=/app; SameSite=Lax"
    )


def test_dump_cookie_max_age_sets_expires_and_accepts_timedelta():
    header = dump_cookie("a", "b", max_age=timedelta(hours=1))
    assert "Max-Age=3600" in header
    expires = header.split("Expires=")[1].split(";")[0]
    delta = parse_date(expires) - datetime.now(UTC)
    assert timedelta(minutes=59) < delta <= timedelta(hours=1)
    assert "Expires" not in dump_cookie("a", "b", max_age=10, sync_expires=False)


def test_dump_cookie_expires_forms():
    assert "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in dump_cookie("a", expires=0)
    assert "Expires=Fri, 01 Jan 2021 00:00:00 GMT" in dump_cookie("a", expires=datetime(2021, 1, 1))
    assert "Expires=whenever" in dump_cookie("a", expires="whenever")
    with pytest.raises(ValueError):
        dump_cookie("a", expires="x; Domain=evil.com")


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("plain", "plain"),
        ("two words", '"two words"'),
        ('q"uote', '"q\\"uote"'),
        ("semi;colon", '"semi\\073colon"'),
        ("com,ma", '"com\\054ma"'),
        ("ä", '"\\303\\244"'),
        ("back\\slash", '"back\\\\slash"'),
        ("a=b/c", "a=b/c"),
    ],
)
def test_dump_cookie_quotes_values_and_parse_cookie_reverses_it(value, quoted):
    header = dump_cookie("k", value, path=None)
    assert header == f"k={quoted}"
    assert parse_cookie(header)["k"] == value


@pytest.mark.parametrize("key", ["", "a b", "a;b", "a=b", "ä", "a\r\nSet-Cookie: x", "a,b"])
def test_dump_cookie_refuses_invalid_names(key):
    with pytest.raises(ValueError):
        dump_cookie(key, "v")


def test_dump_cookie_samesite():
    assert dump_cookie("a", samesite="Strict").endswith("SameSite=Strict")
    assert dump_cookie("a", samesite="none").endswith("SameSite=None")
    with pytest.raises(ValueError):
        dump_cookie("a", samesite="sometimes")


def test_dump_cookie_partitioned_implies_secure():
    header = dump_cookie("a", "b", partitioned=True)
    assert header == "a=b; Secure; Path=/; Partitioned"


def test_dump_cookie_domain_and_path_cannot_inject_attributes():
    assert "Domain=xn--bcher-kva.example" in dump_cookie("a", domain="bücher.example")
    assert "Domain=localhost;" in dump_cookie("a", domain="localhost:5000")
    with pytest.raises(ValueError):
        dump_cookie("a", domain="evil.com; Secure")
    assert dump_cookie("a", path="/x; HttpOnly") == "a=; Path=/x%3B%20HttpOnly"


# -- dates --------------------------------------------------------------------------------------


def test_http_date_accepts_timestamps_datetimes_and_dates():
    assert http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert http_date(datetime(1994, 11, 6, 8, 49, 37)) == "Sun, 06 Nov 1994 08:49:37 GMT"
    plus_two = timezone(timedelta(hours=2))
    assert (
        http_date(datetime(1994, 11, 6, 10, 49, 37, tzinfo=plus_two))
        == "Sun, 06 Nov 1994 08:49:37 GMT"
    )
    assert http_date(date(1994, 11, 6)) == "Sun, 06 Nov 1994 00:00:00 GMT"
    assert http_date().endswith(" GMT")


@pytest.mark.parametrize(
    "value",
    ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"],
)
def test_parse_date_reads_the_three_http_formats(value):
    assert parse_date(value) == datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)


def test_parse_date_converts_offsets_to_utc_and_refuses_garbage():
    parsed = parse_date("Sun, 06 Nov 1994 10:49:37 +0200")
    assert parsed == datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(0)
    for bad in (
        None,
        "",
        "yesterday",
        "Sun, 99 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 99999 08:49:37 GMT",
    ):
        assert parse_date(bad) is None


# -- Accept and Authorization --------------------------------------------------------------------


def test_parse_accept_header_orders_and_skips_invalid_q():
    accept = parse_accept_header(
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8,bad/q;q=x,big;q=2",
        MIMEAccept,
    )
    assert isinstance(accept, MIMEAccept)
    assert list(accept.values()) == [
        "text/html",
        "application/xhtml+xml",
        "image/webp",
        "application/xml",
        "*/*",
    ]
    assert accept["application/xml"] == 0.9
    assert accept.best_match(["application/json", "text/html"]) == "text/html"


def test_parse_accept_header_keeps_media_parameters_and_defaults():
    accept = parse_accept_header("text/html;level=1;q=0.5, text/html")
    assert type(accept) is Accept
    assert list(accept) == [("text/html", 1), ("text/html; level=1", 0.5)]
    assert parse_accept_header(None).provided is False
    assert parse_accept_header("").best is None


def _basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


def test_parse_authorization_basic():
    auth = parse_authorization_header(_basic("ann:pä:ss".encode()))
    assert auth.type == "basic"
    assert auth.username == "ann" and auth.password == "pä:ss"
    assert parse_authorization_header(_basic(b"ann:")).password == ""


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "Basic",
        "Basic !!!notbase64",
        _basic(b"no-colon"),
        _basic(b"\xff\xfe:x"),
        "Basic YW5u\u00e4",
    ],
)
def test_parse_authorization_invalid_basic_is_none(value):
    assert parse_authorization_header(value) is None


def test_parse_authorization_bearer_and_parameters():
    bearer = parse_authorization_header("Bearer abc.def-ghi==")
    assert bearer.type == "bearer" and bearer.token == "abc.def-ghi=="
    digest = parse_authorization_header('Digest username="ann", realm="site", nonce=abc')
    assert digest.type == "digest" and digest.token is None
    assert digest.username == "ann" and digest.get("realm") == "site" and digest["nonce"] == "abc"


# -- ETags, ranges ----------------------------------------------------------------------------


def test_quote_and_unquote_etag():
    assert quote_etag("abc") == '"abc"'
    assert quote_etag("abc", weak=True) == 'W/"abc"'
    with pytest.raises(ValueError):
        quote_etag('a"b')
    assert unquote_etag('W/"abc"') == ("abc", True)
    assert unquote_etag('"abc"') == ("abc", False)
    assert unquote_etag("abc") == ("abc", False)
    assert unquote_etag(None) == (None, None)


def test_parse_etags():
    tags = parse_etags('"a", W/"b", "c,d", e')
    assert tags.contains("a") and tags.contains("c,d") and tags.contains("e")
    assert tags.is_weak("b") and not tags.contains("b") and tags.contains_weak("b")
    assert parse_etags("*").star_tag
    assert not parse_etags(None)


def test_generate_etag_is_sha1_hex():
    assert generate_etag(b"hello") == "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"


@pytest.mark.parametrize(
    ("value", "ranges"),
    [
        ("bytes=0-499", [(0, 500)]),
        ("bytes=500-", [(500, None)]),
        ("bytes=-500", [(-500, None)]),
        ("bytes=0-0, 5-9 ,-1", [(0, 1), (5, 10), (-1, None)]),
        ("BYTES = 1-2", [(1, 3)]),
    ],
)
def test_parse_range_header(value, ranges):
    parsed = parse_range_header(value)
    assert parsed.units == "bytes"
    assert parsed.ranges == ranges


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "bytes",
        "bytes=",
        "bytes=5-1",
        "bytes=a-b",
        "bytes=-",
        "bytes=-0",
        "bytes=1",
        "bytes=0-1,",
        "bytes=+1-2",
        "bytes=1--2",
        "=0-1",
    ],
)
def test_parse_range_header_invalid_is_none(value):
    assert parse_range_header(value) is None


def test_parse_content_range_header():
    assert str(parse_content_range_header("bytes 0-499/1234")) == "bytes 0-499/1234"
    assert parse_content_range_header("bytes 0-499/*").length is None
    assert str(parse_content_range_header("bytes */1234")) == "bytes */1234"
    for bad in (None, "bytes", "bytes 5-1/10", "bytes 0-20/10", "bytes x-y/10", "bytes 0-1"):
        assert parse_content_range_header(bad) is None


# -- conditional requests -----------------------------------------------------------------------

LAST_MODIFIED = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def test_if_none_match():
    assert not is_resource_modified({"HTTP_IF_NONE_MATCH": '"abc"'}, etag="abc")
    assert not is_resource_modified({"HTTP_IF_NONE_MATCH": 'W/"abc"'}, etag="abc")
    assert not is_resource_modified({"HTTP_IF_NONE_MATCH": '"x", "abc"'}, etag='"abc"')
    assert not is_resource_modified({"HTTP_IF_NONE_MATCH": "*"}, etag="abc")
    assert is_resource_modified({"HTTP_IF_NONE_MATCH": '"other"'}, etag="abc")
    assert is_resource_modified({}, etag="abc")


def test_etag_from_data():
    etag = generate_etag(b"body")
    assert not is_resource_modified({"HTTP_IF_NONE_MATCH": f'"{etag}"'}, data=b"body")
    with pytest.raises(TypeError):
        is_resource_modified({}, etag="a", data=b"b")


def test_if_modified_since():
    since = http_date(LAST_MODIFIED)
    assert not is_resource_modified({"HTTP_IF_MODIFIED_SINCE": since}, last_modified=LAST_MODIFIED)
    # Microseconds are not part of HTTP dates and must not count as a change.
    assert not is_resource_modified(
        {"HTTP_IF_MODIFIED_SINCE": since}, last_modified=LAST_MODIFIED.replace(microsecond=999)
    )
    assert not is_resource_modified({"HTTP_IF_MODIFIED_SINCE": since}, last_modified=since)
    naive = LAST_MODIFIED.replace(tzinfo=None)
    assert not is_resource_modified({"HTTP_IF_MODIFIED_SINCE": since}, last_modified=naive)
    newer = LAST_MODIFIED + timedelta(seconds=1)
    assert is_resource_modified({"HTTP_IF_MODIFIED_SINCE": since}, last_modified=newer)
    assert is_resource_modified({"HTTP_IF_MODIFIED_SINCE": "garbage"}, last_modified=LAST_MODIFIED)


def test_if_none_match_takes_precedence_over_if_modified_since():
    environ = {"HTTP_IF_NONE_MATCH": '"old"', "HTTP_IF_MODIFIED_SINCE": http_date(LAST_MODIFIED)}
    assert is_resource_modified(environ, etag="new", last_modified=LAST_MODIFIED)


def test_if_range_only_counts_with_a_range_header():
    environ = {"HTTP_RANGE": "bytes=0-10", "HTTP_IF_RANGE": '"abc"'}
    assert not is_resource_modified(environ, etag="abc", ignore_if_range=False)
    assert is_resource_modified(environ, etag="changed", ignore_if_range=False)
    assert is_resource_modified(environ, etag="abc")  # If-Range ignored by default
    no_range = {"HTTP_IF_RANGE": '"abc"'}
    assert is_resource_modified(no_range, etag="abc", ignore_if_range=False)
    dated = {"HTTP_RANGE": "bytes=0-10", "HTTP_IF_RANGE": http_date(LAST_MODIFIED)}
    assert not is_resource_modified(dated, last_modified=LAST_MODIFIED, ignore_if_range=False)
    assert is_resource_modified(
        dated, last_modified=LAST_MODIFIED + timedelta(days=1), ignore_if_range=False
    )


def test_if_match_uses_strong_comparison():
    assert not is_resource_modified({"HTTP_IF_MATCH": '"other"'}, etag="abc")
    assert is_resource_modified({"HTTP_IF_MATCH": '"abc"'}, etag="abc")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "session=abc",
        " session = abc ; theme=dark",
        "theme=dark; session=first; session=second",
        "sessionx=1; xsession=2",
        "session",
        "=orphan; session=",
        'session="quoted \\"value\\" \\073"; other=1',
        'a="x"; session=plain',
        "session=caf\xc3\xa9",  # UTF-8 bytes read as Latin-1, as WSGI hands them over
        "session=caf\xe9",
    ],
)
@pytest.mark.parametrize("name", ["session", "theme", "", "missing"])
def test_cookie_value_is_what_parse_cookie_gives(header, name):
    from flagon.http import cookie_value

    assert cookie_value(header, name) == parse_cookie(header).get(name)
