"""Charset names a client sends: every spelling of a charset means the same one, and only a
few may decode the client's text."""

from __future__ import annotations

import io

import pytest

from flagon.charsets import charset_name, safe_charset
from flagon.datastructures import CharsetAccept
from flagon.http import parse_dict_header, parse_options_header
from flagon.wrappers import Request


@pytest.mark.parametrize("name", ["latin-1", "Latin1", "ISO-8859-1", "iso_8859_1", "l1"])
def test_spellings_of_latin_1_decode_a_form(name):
    body = b"a=%E9"
    request = Request(
        {
            "REQUEST_METHOD": "POST",
            "CONTENT_TYPE": f"application/x-www-form-urlencoded; charset={name}",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
    )
    assert request.form["a"] == "\u00e9"


@pytest.mark.parametrize("name", ["utf-7", "UTF-16", "cp500", "rot13", "klingon", ""])
def test_other_charsets_never_decode(name):
    assert safe_charset(name) is None


def test_rfc2231_parameters_accept_any_spelling_of_a_safe_charset():
    assert parse_options_header("attachment; filename*=UTF8''caf%C3%A9.txt")[1] == {
        "filename": "caf\u00e9.txt"
    }
    assert parse_options_header("attachment; filename*=latin-1''caf%E9.txt")[1] == {
        "filename": "caf\u00e9.txt"
    }
    assert parse_dict_header("title*=Latin1''caf%E9")["title"] == "caf\u00e9"
    # UTF-7 is not decoded: the value stays as sent.
    assert parse_options_header("x; filename*=utf-7''a+AGE-")[1] == {"filename": "a+AGE-"}


def test_accept_charset_matches_aliases():
    accept = CharsetAccept([("UTF8", 1), ("latin1", 0.5)])
    assert accept["utf-8"] == 1
    assert accept.best_match(["iso-8859-1"]) == "iso-8859-1"
    assert charset_name("US-ASCII") == charset_name("ascii") == "ascii"
