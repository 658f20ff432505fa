"""Building URLs: choosing the rule, escaping, query strings, external URLs, script roots,
and the messages of ``BuildError``."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from flagon.datastructures import MultiDict
from flagon.routing import BaseConverter, BuildError, Map, RequestRedirect, Rule, ValidationError


@pytest.fixture
def url_map():
    return Map(
        [
            Rule("/", endpoint="index"),
            Rule("/user/<name>", endpoint="user"),
            Rule("/post/<int:post_id>", endpoint="post", methods=["GET"]),
            Rule("/post/<int:post_id>/edit", endpoint="post_edit", methods=["GET", "POST"]),
            Rule("/files/<path:path>", endpoint="files"),
            Rule("/all/", defaults={"page": 1}, endpoint="all"),
            Rule("/all/page/<int:page>", endpoint="all"),
            Rule("/items", methods=["GET"], endpoint="items"),
            Rule("/items/new", methods=["POST"], endpoint="items"),
        ]
    )


@pytest.fixture
def adapter(url_map):
    return url_map.bind("example.com")


def test_build_fills_the_variables(adapter):
    assert adapter.build("index") == "/"
    assert adapter.build("user", {"name": "ann"}) == "/user/ann"
    assert adapter.build("post", {"post_id": 7}) == "/post/7"
    assert adapter.build("files", {"path": "a/b.txt"}) == "/files/a/b.txt"


def test_values_are_escaped(adapter):
    assert adapter.build("user", {"name": "ann lee"}) == "/user/ann%20lee"
    assert adapter.build("user", {"name": "a/b"}) == "/user/a%2Fb"
    assert adapter.build("user", {"name": "李"}) == "/user/%E6%9D%8E"
    assert adapter.build("user", {"name": "50%?#"}) == "/user/50%25%3F%23"


def test_static_text_of_a_rule_is_escaped():
    adapter = Map([Rule("/ça va/<x>", endpoint="e")]).bind("h")
    assert adapter.build("e", {"x": "1"}) == "/%C3%A7a%20va/1"


def test_unknown_values_go_to_the_query_string(adapter):
    assert adapter.build("user", {"name": "ann", "page": 2}) == "/user/ann?page=2"
    assert adapter.build("index", {"q": "a b&c=d/e?ü+"}) == "/?q=a+b%26c%3Dd/e?%C3%BC%2B"
    assert adapter.build("index", {"b": 1, "a": 2}) == "/?b=1&a=2"


def test_none_values_are_left_out(adapter):
    assert adapter.build("index", {"q": None, "r": 1}) == "/?r=1"
    with pytest.raises(BuildError):
        adapter.build("user", {"name": None})


def test_list_and_multidict_values_repeat_the_key(adapter):
    assert adapter.build("index", {"tag": ["a", "b"], "x": (1, 2)}) == "/?tag=a&tag=b&x=1&x=2"
    values = MultiDict([("name", "ann"), ("tag", "a"), ("tag", "b")])
    assert adapter.build("user", values) == "/user/ann?tag=a&tag=b"


def test_append_unknown_false_drops_them(adapter):
    assert adapter.build("user", {"name": "ann", "page": 2}, append_unknown=False) == "/user/ann"


def test_sorted_query_parameters():
    url_map = Map([Rule("/", endpoint="i")], sort_parameters=True)
    assert url_map.bind("h").build("i", {"b": 1, "a": 2, "c": 0}) == "/?a=2&b=1&c=0"
    url_map = Map([Rule("/", endpoint="i")], sort_parameters=True, sort_key=lambda item: item[1])
    assert url_map.bind("h").build("i", {"b": 1, "a": 2, "c": 0}) == "/?c=0&b=1&a=2"


def test_defaults_pick_the_canonical_rule(adapter):
    assert adapter.build("all") == "/all/"
    assert adapter.build("all", {"page": 1}) == "/all/"
    assert adapter.build("all", {"page": 3}) == "/all/page/3"


def test_method_picks_the_rule(adapter):
    assert adapter.build("items") == "/items"
    assert adapter.build("items", method="POST") == "/items/new"
    assert adapter.build("post_edit", {"post_id": 1}, method="POST") == "/post/1/edit"


def test_without_a_method_a_rule_for_another_method_still_builds(adapter):
    post_only = Map([Rule("/submit", methods=["POST"], endpoint="submit")]).bind("h")
    assert post_only.build("submit") == "/submit"


def test_external_urls(adapter):
    url = adapter.build("user", {"name": "ann"}, force_external=True)
    assert url == "http://example.com/user/ann"
    assert adapter.build("index", force_external=True, url_scheme="https") == "https://example.com/"


def test_protocol_relative_url_without_a_scheme(url_map):
    adapter = url_map.bind("example.com", url_scheme="")
    assert adapter.build("index", force_external=True) == "//example.com/"


def test_script_name_prefixes_the_url(url_map):
    adapter = url_map.bind("example.com", "/app")
    assert adapter.script_name == "/app/"
    assert adapter.build("user", {"name": "ann"}) == "/app/user/ann"
    assert adapter.build("index", force_external=True) == "http://example.com/app/"
    assert url_map.bind("example.com", "/my app/").build("index") == "/my%20app/"


def test_build_and_match_agree(adapter):
    for endpoint, values in [
        ("user", {"name": "a b?c#é"}),
        ("files", {"path": "x y/z"}),
        ("post", {"post_id": 12}),
    ]:
        url = adapter.build(endpoint, values)
        assert adapter.match(unquote(url)) == (endpoint, values)


def test_build_only_needs_the_adapter_values_it_uses(url_map):
    adapter = url_map.bind_to_environ(
        {"PATH_INFO": "/", "REQUEST_METHOD": "GET", "wsgi.url_scheme": "https", "HTTP_HOST": "h.io"}
    )
    assert adapter.build("user", {"name": "x"}) == "/user/x"
    assert adapter.build("user", {"name": "x"}, force_external=True) == "https://h.io/user/x"


def test_a_converter_refusing_a_value_tries_the_next_rule():
    class Short(BaseConverter):
        def to_url(self, value):
            if len(value) > 3:
                raise ValidationError()
            return value

    url_map = Map(
        [Rule("/s/<short:v>", endpoint="e"), Rule("/l/<v>", endpoint="e")],
        converters={"short": Short},
    )
    adapter = url_map.bind("h")
    assert adapter.build("e", {"v": "abc"}) == "/s/abc"
    assert adapter.build("e", {"v": "abcdef"}) == "/l/abcdef"


# -- BuildError ------------------------------------------------------------------------------


def test_missing_values_name_the_endpoint_and_the_values(adapter):
    with pytest.raises(BuildError) as caught:
        adapter.build("post", {"page": 2})
    error = caught.value
    assert isinstance(error, LookupError)
    assert error.endpoint == "post"
    assert error.values == {"page": 2}
    message = str(error)
    assert "Could not build url for endpoint 'post' with values ['page']." in message
    assert "Did you forget to specify values ['post_id']?" in message


def test_unknown_endpoint_suggests_a_close_name(adapter):
    with pytest.raises(BuildError) as caught:
        adapter.build("usr", {"name": "x"})
    assert str(caught.value) == (
        "Could not build url for endpoint 'usr' with values ['name']. Did you mean 'user' instead?"
    )
    assert caught.value.suggested.endpoint == "user"


def test_unknown_endpoint_far_from_every_name_suggests_nothing(adapter):
    with pytest.raises(BuildError) as caught:
        adapter.build("zzzzzzzz")
    assert str(caught.value) == "Could not build url for endpoint 'zzzzzzzz'."


def test_wrong_method_is_named(adapter):
    with pytest.raises(BuildError) as caught:
        adapter.build("post", {"post_id": 1}, method="DELETE")
    assert "('DELETE')" in str(caught.value)
    assert "Did you mean to use methods ['GET', 'HEAD']?" in str(caught.value)


def test_build_error_without_an_adapter():
    error = BuildError("x", {}, None)
    assert error.suggested is None
    assert str(error) == "Could not build url for endpoint 'x'."


# -- the redirect exception ------------------------------------------------------------------


def test_request_redirect_is_a_308_response():
    redirect = RequestRedirect("http://example.com/a/?q=1")
    assert redirect.code == 308
    assert redirect.new_url == "http://example.com/a/?q=1"
    response = redirect.get_response()
    assert response.status_code == 308
    assert response.headers["Location"] == "http://example.com/a/?q=1"
    assert b"http://example.com/a/?q=1" in response.get_data()
