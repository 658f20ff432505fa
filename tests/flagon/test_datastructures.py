from __future__ import annotations

import copy
import io
import pickle

import pytest

from flagon.datastructures import (
    Accept,
    Authorization,
    CallbackDict,
    CharsetAccept,
    CombinedMultiDict,
    ContentRange,
    EnvironHeaders,
    ETags,
    FileStorage,
    Headers,
    ImmutableDict,
    ImmutableMultiDict,
    LanguageAccept,
    MIMEAccept,
    MultiDict,
    Range,
)
from flagon.exceptions import BadRequest, BadRequestKeyError

# -- MultiDict ------------------------------------------------------------------------------


def test_multidict_getitem_returns_first_value_and_getlist_all():
    d = MultiDict([("a", "1"), ("b", "2"), ("a", "3")])
    assert d["a"] == "1"
    assert d.getlist("a") == ["1", "3"]
    assert d.getlist("missing") == []
    assert list(d) == ["a", "b"]
    assert len(d) == 2


def test_multidict_missing_key_is_a_400_and_a_key_error():
    d = MultiDict()
    with pytest.raises(BadRequestKeyError) as info:
        d["nope"]
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, BadRequest)
    assert info.value.code == 400
    assert info.value.args == ("nope",)


def test_multidict_accepts_mapping_with_list_values_and_another_multidict():
    d = MultiDict({"a": ["1", "2"], "b": "x", "empty": []})
    assert d.getlist("a") == ["1", "2"]
    assert d["b"] == "x"
    assert "empty" not in d
    copied = MultiDict(d)
    copied.add("a", "3")
    assert d.getlist("a") == ["1", "2"]  # the copy owns its lists


def test_multidict_get_with_type_falls_back_to_default_on_conversion_error():
    d = MultiDict([("n", "42"), ("bad", "x"), ("none", None)])
    assert d.get("n", type=int) == 42
    assert d.get("bad", -1, type=int) == -1
    assert d.get("none", -2, type=int) == -2  # TypeError counts too
    assert d.get("missing", "dflt") == "dflt"
    assert d.getlist("n", type=int) == [42]
    d.add("n", "nope")
    assert d.getlist("n", type=int) == [42]


def test_multidict_setitem_replaces_and_add_appends():
    d = MultiDict()
    d["a"] = "1"
    d.add("a", "2")
    assert d.getlist("a") == ["1", "2"]
    d["a"] = "3"
    assert d.getlist("a") == ["3"]
    d.setlist("b", ["x", "y"])
    assert d.getlist("b") == ["x", "y"]


def test_multidict_setdefault_and_setlistdefault():
    d = MultiDict([("a", "1")])
    assert d.setdefault("a", "z") == "1"
    assert d.setdefault("b", "2") == "2"
    values = d.setlistdefault("c", ["x"])
    values.append("y")
    assert d.getlist("c") == ["x", "y"]


def test_multidict_items_values_lists_and_to_dict():
    d = MultiDict([("a", "1"), ("b", "2"), ("a", "3")])
    assert list(d.items()) == [("a", "1"), ("b", "2")]
    assert list(d.items(multi=True)) == [("a", "1"), ("a", "3"), ("b", "2")]
    assert list(d.values()) == ["1", "2"]
    assert list(d.listvalues()) == [["1", "3"], ["2"]]
    assert list(d.lists()) == [("a", ["1", "3"]), ("b", ["2"])]
    assert d.to_dict() == {"a": "1", "b": "2"}
    assert d.to_dict(flat=False) == {"a": ["1", "3"], "b": ["2"]}


def test_multidict_update_adds_instead_of_replacing():
    d = MultiDict([("a", "1")])
    d.update({"a": "2", "b": ["x", "y"]}, c="3")
    assert d.getlist("a") == ["1", "2"]
    assert d.getlist("b") == ["x", "y"]
    assert d["c"] == "3"


def test_multidict_pop_variants():
    d = MultiDict([("a", "1"), ("a", "2"), ("b", "3"), ("c", "4")])
    assert d.pop("a") == "1"
    assert "a" not in d
    assert d.pop("missing", "dflt") == "dflt"
    with pytest.raises(BadRequestKeyError):
        d.pop("missing")
    assert d.poplist("b") == ["3"]
    assert d.poplist("missing") == []
    assert d.popitemlist() == ("c", ["4"])
    with pytest.raises(KeyError):
        d.popitem()


def test_multidict_copy_and_deepcopy_are_independent():
    inner = ["mutable"]
    d = MultiDict([("a", inner)])
    shallow = d.copy()
    shallow.add("a", "more")
    assert d.getlist("a") == [inner]
    deep = d.deepcopy()
    deep["a"].append("changed")
    assert inner == ["mutable"]
    assert copy.deepcopy(d) == d
    assert copy.copy(d) == d


def test_multidict_repr_and_equality():
    d = MultiDict([("a", "b"), ("a", "c")])
    assert repr(d) == "MultiDict([('a', 'b'), ('a', 'c')])"
    assert d == MultiDict([("a", "b"), ("a", "c")])
    assert d != MultiDict([("a", "b")])


def test_multidict_converts_to_plain_dict_and_json_with_first_values():
    import json

    d = ImmutableMultiDict([("a", "1"), ("a", "2"), ("b", "3")])
    assert dict(d) == {"a": "1", "b": "3"}
    assert {**d} == {"a": "1", "b": "3"}
    assert json.loads(json.dumps(d)) == {"a": "1", "b": "3"}


def test_multidict_pickles_with_every_value():
    d = MultiDict([("a", "1"), ("a", "2")])
    assert pickle.loads(pickle.dumps(d)).getlist("a") == ["1", "2"]
    frozen = ImmutableMultiDict([("a", "1"), ("a", "2")])
    restored = pickle.loads(pickle.dumps(frozen))
    assert type(restored) is ImmutableMultiDict
    assert restored.getlist("a") == ["1", "2"]


def test_immutable_multidict_refuses_every_mutation():
    d = ImmutableMultiDict([("a", "1")])
    mutations = [
        lambda: d.__setitem__("a", "2"),
        lambda: d.__delitem__("a"),
        lambda: d.add("a", "2"),
        lambda: d.setlist("a", []),
        lambda: d.setdefault("b", "1"),
        lambda: d.setlistdefault("b"),
        lambda: d.update({"b": "1"}),
        lambda: d.pop("a"),
        lambda: d.popitem(),
        lambda: d.poplist("a"),
        lambda: d.popitemlist(),
        lambda: d.clear(),
    ]
    for mutate in mutations:
        with pytest.raises(TypeError):
            mutate()
    assert d.getlist("a") == ["1"]


def test_immutable_multidict_is_hashable_and_copies_to_mutable():
    d = ImmutableMultiDict([("a", "1"), ("b", "2")])
    assert hash(d) == hash(ImmutableMultiDict([("b", "2"), ("a", "1")]))
    mutable = d.copy()
    assert type(mutable) is MultiDict
    mutable.add("a", "x")
    assert d.getlist("a") == ["1"]
    assert copy.copy(d) is d


def test_combined_multidict_reads_through_in_order():
    args = ImmutableMultiDict([("a", "from-args"), ("x", "1")])
    form = ImmutableMultiDict([("a", "from-form"), ("y", "2")])
    combined = CombinedMultiDict([args, form])
    assert combined["a"] == "from-args"
    assert combined["y"] == "2"
    assert combined.getlist("a") == ["from-args", "from-form"]
    assert combined.get("x", type=int) == 1
    assert combined.get("missing", "d") == "d"
    assert sorted(combined) == ["a", "x", "y"]
    assert len(combined) == 3
    assert "y" in combined and "z" not in combined
    assert combined.to_dict() == {"a": "from-args", "x": "1", "y": "2"}
    assert combined.to_dict(flat=False)["a"] == ["from-args", "from-form"]
    with pytest.raises(BadRequestKeyError):
        combined["z"]
    with pytest.raises(TypeError):
        combined["a"] = "b"
    assert combined.copy().getlist("a") == ["from-args", "from-form"]


def test_immutable_dict_refuses_mutation_and_hashes():
    d = ImmutableDict(a=1)
    with pytest.raises(TypeError):
        d["b"] = 2
    with pytest.raises(TypeError):
        d.update(b=2)
    assert hash(d) == hash(ImmutableDict(a=1))
    assert d.copy() == {"a": 1} and type(d.copy()) is dict


def test_callback_dict_calls_on_update_after_each_change():
    seen = []
    d = CallbackDict({"a": 1}, on_update=lambda obj: seen.append(dict(obj)))
    d["b"] = 2
    del d["a"]
    d.setdefault("b", 99)  # present: no change, no call
    d.setdefault("c", 3)
    d.pop("c")
    d.pop("missing", None)  # absent: no change, no call
    d.update(x=1)
    d.clear()
    assert seen == [{"a": 1, "b": 2}, {"b": 2}, {"b": 2, "c": 3}, {"b": 2}, {"b": 2, "x": 1}, {}]


# -- Headers --------------------------------------------------------------------------------


def test_headers_are_case_insensitive_ordered_and_keep_duplicates():
    h = Headers([("Content-Type", "text/html"), ("Set-Cookie", "a=1")])
    h.add("Set-Cookie", "b=2")
    assert h["content-type"] == "text/html"
    assert h.getlist("SET-COOKIE") == ["a=1", "b=2"]
    assert list(h) == [("Content-Type", "text/html"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]
    assert len(h) == 3
    assert "set-cookie" in h and "X-Missing" not in h


def test_headers_missing_key_raises_bad_request_key_error_and_get_defaults():
    h = Headers()
    with pytest.raises(BadRequestKeyError):
        h["X-Nope"]
    assert h.get("X-Nope") is None
    assert h.get("X-Nope", "d") == "d"


def test_headers_values_are_stringified():
    h = Headers({"Content-Length": 42})
    h.add("X-Float", 1.5)
    h.set("X-Int", 7)
    assert h["Content-Length"] == "42"
    assert h.get("content-length", type=int) == 42
    assert h["X-Float"] == "1.5"
    assert h.to_wsgi_list() == [("Content-Length", "42"), ("X-Float", "1.5"), ("X-Int", "7")]


@pytest.mark.parametrize("bad", ["a\r\nSet-Cookie: evil=1", "a\nb", "a\rb", "a\0b"])
def test_headers_refuse_injection_in_values(bad):
    with pytest.raises(ValueError):
        Headers([("X-Test", bad)])
    h = Headers()
    for operation in (h.add, h.set, h.setdefault, h.__setitem__):
        with pytest.raises(ValueError):
            operation("X-Test", bad)
    with pytest.raises(ValueError):
        h.extend({"X-Test": bad})
    with pytest.raises(ValueError):
        h.update({"X-Test": bad})
    with pytest.raises(ValueError):
        h.add("Content-Disposition", "attachment", filename=bad)
    assert len(h) == 0


@pytest.mark.parametrize("bad", ["X-A\r\nX-B", "X\nA", "X\0"])
def test_headers_refuse_injection_in_names(bad):
    with pytest.raises(ValueError):
        Headers([(bad, "v")])
    with pytest.raises(ValueError):
        Headers().add(bad, "v")


def test_headers_refuse_non_string_names():
    with pytest.raises(TypeError):
        Headers([(1, "v")])


def test_headers_constructor_accepts_list_dict_headers_and_lists_of_lists():
    from_list = Headers([("A", "1"), ("B", "2")])
    from_dict = Headers({"A": "1", "B": ["2", "3"]})
    from_headers = Headers(from_list)
    from_lists = Headers([["A", "1"]])
    assert from_dict.getlist("B") == ["2", "3"]
    assert from_headers == from_list
    from_headers.add("C", "3")
    assert "C" not in from_list
    assert from_lists.to_wsgi_list() == [("A", "1")]
    assert type(from_lists.to_wsgi_list()[0]) is tuple


def test_headers_add_formats_parameters_and_encodes_non_ascii_filenames():
    h = Headers()
    h.add("Content-Disposition", "attachment", filename="report.pdf")
    h.add("Content-Disposition", "attachment", filename="ä.txt")
    h.add("Content-Type", "text/plain", charset="utf-8", some_thing="a b")
    assert h.getlist("Content-Disposition") == [
        "attachment; filename=report.pdf",
        "attachment; filename*=UTF-8''%C3%A4.txt",
    ]
    assert h["Content-Type"] == 'text/plain; charset=utf-8; some-thing="a b"'


def test_headers_set_replaces_first_occurrence_and_drops_the_rest():
    h = Headers([("A", "1"), ("X", "old1"), ("B", "2"), ("x", "old2")])
    h.set("X", "new")
    assert list(h) == [("A", "1"), ("X", "new"), ("B", "2")]
    h.set("C", "3")
    assert h.keys() == ["A", "X", "B", "C"]


def test_headers_remove_pop_delete_and_setdefault():
    h = Headers([("A", "1"), ("a", "2"), ("B", "3")])
    assert h.pop("A") == "1"
    assert "a" not in h
    assert h.pop("missing", None) is None
    with pytest.raises(KeyError):
        h.pop("missing")
    h.add("C", "4")
    del h["c"]
    assert h.keys() == ["B"]
    assert h.setdefault("B", "x") == "3"
    assert h.setdefault("D", "5") == "5"
    assert h.pop() == ("D", "5")
    assert h.pop(0) == ("B", "3")
    h.remove("nothing-there")


def test_headers_index_and_slice_access():
    h = Headers([("A", "1"), ("B", "2"), ("C", "3")])
    assert h[0] == ("A", "1")
    assert isinstance(h[1:], Headers) and h[1:].keys() == ["B", "C"]
    h[0] = ("A", 10)
    assert h["A"] == "10"
    with pytest.raises(ValueError):
        h[1] = ("B", "x\ny")


def test_headers_update_replaces_and_extend_keeps():
    h = Headers([("A", "1"), ("B", "2")])
    h.extend({"A": "extra"})
    assert h.getlist("A") == ["1", "extra"]
    h.update({"A": "only", "C": ["x", "y"]})
    assert h.getlist("A") == ["only"]
    assert h.getlist("C") == ["x", "y"]
    h.update(Headers([("B", "new")]))
    assert h["B"] == "new"


def test_headers_items_keys_values_lower():
    h = Headers([("Content-Type", "x"), ("X-A", "y")])
    assert h.items(lower=True) == [("content-type", "x"), ("x-a", "y")]
    assert h.keys(lower=True) == ["content-type", "x-a"]
    assert h.values() == ["x", "y"]


def test_headers_copy_str_repr_and_equality():
    h = Headers([("A", "1"), ("B", "2")])
    c = h.copy()
    c.add("C", "3")
    assert "C" not in h
    assert str(h) == "A: 1\r\nB: 2\r\n\r\n"
    assert repr(h) == "Headers([('A', '1'), ('B', '2')])"
    assert h == Headers([("b", "2"), ("a", "1")])
    assert h != Headers([("A", "1")])
    assert Headers([("A", "1"), ("A", "2")]) != Headers([("A", "2"), ("A", "1")])


def test_headers_to_wsgi_list_is_a_copy():
    h = Headers([("A", "1")])
    wsgi = h.to_wsgi_list()
    wsgi.append(("B", "2"))
    assert len(h) == 1


def test_headers_internal_list_is_the_storage():
    h = Headers([("A", "1")])
    h._list.append(("B", "2"))
    assert h["B"] == "2"


# -- EnvironHeaders -------------------------------------------------------------------------


def _environ(**extra):
    environ = {
        "REQUEST_METHOD": "GET",
        "CONTENT_TYPE": "text/plain",
        "CONTENT_LENGTH": "",
        "HTTP_HOST": "example.com",
        "HTTP_X_FORWARDED_FOR": "1.2.3.4",
        "wsgi.input": io.BytesIO(),
    }
    environ.update(extra)
    return environ


def test_environ_headers_read_the_environ_lazily():
    environ = _environ()
    h = EnvironHeaders(environ)
    assert h.get("Content-Type") == "text/plain"
    assert h["host"] == "example.com"
    assert h["X-Forwarded-For"] == "1.2.3.4"
    assert h.get("Content-Length") is None  # empty means absent
    assert "content-length" not in h
    environ["HTTP_X_LATE"] = "added later"
    assert h["X-Late"] == "added later"
    with pytest.raises(BadRequestKeyError):
        h["X-Missing"]


def test_environ_headers_iterate_with_title_cased_names():
    h = EnvironHeaders(_environ(HTTP_CONTENT_TYPE="ignored duplicate"))
    assert sorted(h) == [
        ("Content-Type", "text/plain"),
        ("Host", "example.com"),
        ("X-Forwarded-For", "1.2.3.4"),
    ]
    assert len(h) == 3
    assert dict(h.items(lower=True))["host"] == "example.com"


def test_environ_headers_are_read_only():
    h = EnvironHeaders(_environ())
    for mutate in (
        lambda: h.add("X", "1"),
        lambda: h.set("X", "1"),
        lambda: h.__setitem__("X", "1"),
        lambda: h.__delitem__("Host"),
        lambda: h.remove("Host"),
        lambda: h.pop("Host"),
        lambda: h.extend({"X": "1"}),
        lambda: h.update({"X": "1"}),
        lambda: h.setdefault("X", "1"),
        lambda: h.clear(),
    ):
        with pytest.raises(TypeError):
            mutate()
    copied = h.copy()
    copied.add("X", "1")
    assert type(copied) is Headers and "X" not in h
    assert Headers(h)["Host"] == "example.com"


# -- FileStorage ----------------------------------------------------------------------------


def test_file_storage_attributes_and_forwarding(tmp_path):
    stream = io.BytesIO(b"line1\nline2\n")
    fs = FileStorage(stream, "a.txt", "upload", "text/plain; charset=utf-8", 12)
    assert fs.filename == "a.txt" and fs.name == "upload"
    assert fs.content_type == "text/plain; charset=utf-8"
    assert fs.mimetype == "text/plain"
    assert fs.mimetype_params == {"charset": "utf-8"}
    assert fs.content_length == 12
    assert fs.readline() == b"line1\n"
    fs.seek(0)
    assert list(fs) == [b"line1\n", b"line2\n"]
    assert repr(fs) == "<FileStorage: 'a.txt' ('text/plain; charset=utf-8')>"
    assert bool(fs)
    assert not FileStorage(io.BytesIO(), filename="")


def test_file_storage_save_to_path_and_file(tmp_path):
    fs = FileStorage(io.BytesIO(b"x" * 40000), "big.bin")
    target = tmp_path / "out.bin"
    fs.save(target, buffer_size=1024)
    assert target.read_bytes() == b"x" * 40000
    fs.stream.seek(0)
    buffer = io.BytesIO()
    fs.save(buffer)
    assert buffer.getvalue() == b"x" * 40000
    assert not buffer.closed


def test_file_storage_takes_filename_from_an_open_file(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    with open(path, "rb") as f:
        assert FileStorage(f).filename == str(path)
    assert FileStorage(io.BytesIO()).filename is None
    fs = FileStorage()
    assert fs.read() == b"" and fs.content_length == 0 and fs.mimetype == ""


def test_file_storage_close_closes_the_stream():
    stream = io.BytesIO(b"x")
    FileStorage(stream).close()
    assert stream.closed


# -- Accept ---------------------------------------------------------------------------------


def test_accept_orders_by_quality_then_specificity():
    accept = MIMEAccept([("*/*", 1), ("text/html", 1), ("text/*", 1), ("application/json", 0.5)])
    assert [value for value, _q in accept] == ["text/html", "text/*", "*/*", "application/json"]
    assert accept.best == "text/html"
    assert next(iter(accept.values())) == "text/html"
    assert accept[0] == ("text/html", 1)


def test_accept_quality_uses_the_most_specific_matching_entry():
    accept = MIMEAccept([("text/*", 0.9), ("text/html", 0.2), ("*/*", 0.1)])
    assert accept["text/html"] == 0.2
    assert accept.quality("text/plain") == 0.9
    assert accept["image/png"] == 0.1
    refused = MIMEAccept([("*/*", 1), ("text/html", 0)])
    assert "text/html" not in refused
    assert "text/plain" in refused


def test_accept_best_match():
    accept = MIMEAccept([("text/html", 1), ("application/json", 0.8), ("*/*", 0.1)])
    assert accept.best_match(["application/json", "text/html"]) == "text/html"
    assert accept.best_match(["application/json", "image/png"]) == "application/json"
    assert accept.best_match(["image/png"]) == "image/png"
    assert MIMEAccept([("text/html", 1)]).best_match(["image/png"], default="x") == "x"
    assert MIMEAccept([("text/html", 0)]).best_match(["text/html"]) is None
    # Equal quality: the more specific client entry wins.
    assert (
        MIMEAccept([("text/*", 1), ("application/json", 1)]).best_match(
            ["text/plain", "application/json"]
        )
        == "application/json"
    )


def test_mime_accept_wildcards_and_flags():
    accept = MIMEAccept([("text/*", 1)])
    assert "text/html" in accept and "text/plain" in accept
    assert "application/json" not in accept
    assert accept.accept_html and not accept.accept_json
    everything = MIMEAccept([("*/*", 1)])
    assert everything.accept_json and everything.accept_html
    with pytest.raises(ValueError):
        everything.quality("not-a-mimetype")
    assert "text/html" not in MIMEAccept([("garbage", 1)])


def test_accept_plain_and_empty():
    accept = Accept([("gzip", 1), ("br", 0.5), ("*", 0.1)])
    assert accept["GZIP"] == 1
    assert accept["deflate"] == 0.1
    assert accept.find("br") == 1 and accept.find("zstd") == 2
    assert accept.to_header() == "gzip,br;q=0.5,*;q=0.1"
    empty = Accept(None)
    assert not empty.provided and empty.best is None
    assert empty.best_match(["x"], default="d") == "d"
    with pytest.raises(TypeError):
        accept.append(("x", 1))


def test_language_and_charset_accept_normalise():
    languages = LanguageAccept([("en-US", 1), ("fr", 0.5)])
    assert "en_us" in languages
    assert languages.best_match(["fr", "en-us"]) == "en-us"
    assert languages.best_match(["en", "de"]) == "en"  # primary-tag fallback
    assert LanguageAccept([("de", 1)]).best_match(["de-AT", "fr"]) == "de-AT"
    charsets = CharsetAccept([("UTF8", 1)])
    assert "utf-8" in charsets


# -- Authorization, ETags, ranges -----------------------------------------------------------


def test_authorization_attributes_and_header():
    basic = Authorization("Basic", {"username": "ann", "password": "s3cret"})
    assert basic.type == "basic" and basic.username == "ann" and basic.password == "s3cret"
    assert basic.get("username") == "ann" and basic["password"] == "s3cret"
    assert basic.to_header() == "Basic YW5uOnMzY3JldA=="
    bearer = Authorization("bearer", token="abc.def")
    assert bearer.token == "abc.def" and bearer.username is None
    assert bearer.to_header() == "Bearer abc.def"
    assert Authorization("basic", {"username": "a"}) == Authorization("Basic", {"username": "a"})


def test_etags_membership():
    tags = ETags(["strong"], ["weak"])
    assert "strong" in tags and "weak" not in tags
    assert tags.contains_weak("weak") and tags.is_weak("weak") and tags.is_strong("strong")
    assert tags.contains_raw('W/"weak"') and not tags.contains_raw('"weak"')
    assert tags.to_header() == '"strong", W/"weak"'
    assert ETags(star_tag=True).contains("anything")
    assert not ETags()
    assert tags(data=None, etag="strong")


def test_range_for_length():
    assert Range("bytes", [(0, 500)]).range_for_length(1000) == (0, 500)
    assert Range("bytes", [(0, 5000)]).range_for_length(1000) == (0, 1000)
    assert Range("bytes", [(500, None)]).range_for_length(1000) == (500, 1000)
    assert Range("bytes", [(-100, None)]).range_for_length(1000) == (900, 1000)
    assert Range("bytes", [(-5000, None)]).range_for_length(1000) == (0, 1000)
    assert Range("bytes", [(1000, None)]).range_for_length(1000) is None
    assert Range("bytes", [(0, 1), (5, 6)]).range_for_length(1000) is None
    assert Range("items", [(0, 1)]).range_for_length(1000) is None
    assert Range("bytes", [(0, 1)]).range_for_length(None) is None
    with pytest.raises(ValueError):
        Range("bytes", [(5, 2)])


def test_range_headers():
    r = Range("bytes", [(0, 500), (-100, None), (900, None)])
    assert r.to_header() == "bytes=0-499,-100,900-"
    single = Range("bytes", [(10, 20)])
    assert single.to_content_range_header(100) == "bytes 10-19/100"
    content_range = single.make_content_range(100)
    assert isinstance(content_range, ContentRange)
    assert content_range.to_header() == "bytes 10-19/100"


def test_content_range_validation_and_unset():
    seen = []
    cr = ContentRange("bytes", 0, 10, 100, on_update=seen.append)
    assert str(cr) == "bytes 0-9/100" and seen == [cr]
    assert str(ContentRange("bytes", None, None, 100)) == "bytes */100"
    with pytest.raises(ValueError):
        ContentRange("bytes", 10, 5, 100)
    cr.unset()
    assert not cr and cr.to_header() == ""
