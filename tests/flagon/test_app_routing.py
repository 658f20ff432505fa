"""Registering views on a Flagon app: route and its method shortcuts, add_url_rule options,
the endpoint decorator, automatic HEAD/OPTIONS, 405 with Allow, and setup methods that refuse
to run once the app has served a request."""

from __future__ import annotations

import pytest

import flagon
from flagon import request


def test_route_registers_view_under_its_function_name(app, client):
    @app.route("/hello")
    def hello():
        return "hi"

    assert app.view_functions["hello"] is hello
    assert [r.rule for r in app.url_map.iter_rules() if r.endpoint == "hello"] == ["/hello"]
    response = client.get("/hello")
    assert response.status_code == 200
    assert response.data == b"hi"


def test_route_returns_the_undecorated_function(app):
    def view():
        return "x"

    assert app.route("/")(view) is view


def test_route_with_variable_passes_it_to_the_view(app, client):
    @app.route("/user/<name>")
    def user(name):
        return f"user {name}"

    assert client.get("/user/ann").text == "user ann"


def test_route_with_int_converter_passes_an_int(app, client):
    @app.route("/post/<int:post_id>")
    def post(post_id):
        return f"{type(post_id).__name__}:{post_id + 1}"

    assert client.get("/post/41").text == "int:42"
    assert client.get("/post/abc").status_code == 404


def test_route_defaults_to_get_only(app, client):
    @app.route("/only-get")
    def only_get():
        return "ok"

    assert client.get("/only-get").status_code == 200
    assert client.post("/only-get").status_code == 405


def test_route_with_methods_accepts_each_listed_method(app, client):
    @app.route("/form", methods=["GET", "post"])
    def form():
        return request.method

    assert client.get("/form").text == "GET"
    assert client.post("/form").text == "POST"
    assert client.put("/form").status_code == 405


def test_methods_given_as_a_string_are_refused(app):
    with pytest.raises(TypeError, match="list of strings"):
        app.route("/x", methods="POST")(lambda: "x")


@pytest.mark.parametrize("shortcut", ["get", "post", "put", "delete", "patch"])
def test_method_shortcut_routes_only_that_method(app, client, shortcut):
    @getattr(app, shortcut)("/thing")
    def thing():
        return f"did {request.method}"

    method = shortcut.upper()
    response = client.open("/thing", method=method)
    assert response.status_code == 200
    assert response.text == f"did {method}"
    other = "POST" if method == "GET" else "GET"
    assert client.open("/thing", method=other).status_code == 405


def test_method_shortcut_refuses_a_methods_argument(app):
    with pytest.raises(TypeError, match="route"):
        app.post("/x", methods=["GET"])


def test_method_shortcuts_for_one_url_share_it(app, client):
    @app.get("/item")
    def read_item():
        return "read"

    @app.post("/item")
    def create_item():
        return "created", 201

    assert client.get("/item").text == "read"
    response = client.post("/item")
    assert (response.status_code, response.text) == (201, "created")


# -- add_url_rule ---------------------------------------------------------------------------


def test_add_url_rule_with_explicit_endpoint(app, client):
    def index():
        return "index"

    app.add_url_rule("/", "home", index)
    assert app.view_functions["home"] is index
    assert client.get("/").text == "index"
    with app.test_request_context():
        assert flagon.url_for("home") == "/"


def test_add_url_rule_endpoint_defaults_to_view_name(app, client):
    def listing():
        return "list"

    app.add_url_rule("/list", view_func=listing)
    assert "listing" in app.view_functions
    assert client.get("/list").text == "list"


def test_add_url_rule_without_endpoint_or_view_is_refused(app):
    with pytest.raises(TypeError):
        app.add_url_rule("/nothing")


def test_add_url_rule_without_view_then_endpoint_decorator(app, client):
    app.add_url_rule("/later", "later")

    @app.endpoint("later")
    def later_view():
        return "bound later"

    assert app.view_functions["later"] is later_view
    assert client.get("/later").text == "bound later"


def test_endpoint_decorator_returns_the_function(app):
    def f():
        return ""

    assert app.endpoint("e")(f) is f


def test_two_rules_can_share_one_endpoint(app, client):
    @app.route("/a")
    @app.route("/b")
    def shared():
        return request.path

    assert client.get("/a").text == "/a"
    assert client.get("/b").text == "/b"


def test_overwriting_an_endpoint_with_another_function_is_refused(app):
    @app.route("/one", endpoint="same")
    def one():
        return "1"

    with pytest.raises(AssertionError, match="overwriting an existing endpoint function: same"):

        @app.route("/two", endpoint="same")
        def two():
            return "2"


def test_same_function_may_be_registered_twice_for_one_endpoint(app, client):
    def view():
        return request.path

    app.add_url_rule("/x", "v", view)
    app.add_url_rule("/y", "v", view)
    assert client.get("/y").text == "/y"


def test_view_methods_attribute_is_used_when_route_gives_none(app, client):
    def submit():
        return request.method

    submit.methods = ["POST", "PUT"]
    app.add_url_rule("/submit", view_func=submit)
    assert client.post("/submit").text == "POST"
    assert client.put("/submit").text == "PUT"
    assert client.get("/submit").status_code == 405


def test_required_methods_attribute_is_always_added(app, client):
    def view():
        return request.method

    view.required_methods = ["PATCH"]
    app.add_url_rule("/r", view_func=view, methods=["GET"])
    assert client.patch("/r").text == "PATCH"
    assert client.get("/r").text == "GET"


def test_defaults_fill_view_arguments_the_url_lacks(app, client):
    @app.route("/page/", defaults={"number": 1})
    @app.route("/page/<int:number>")
    def page(number):
        return f"page {number}"

    assert client.get("/page/").text == "page 1"
    assert client.get("/page/7").text == "page 7"


def test_defaults_are_passed_for_a_static_rule(app, client):
    @app.route("/lang", defaults={"code": "en"})
    def lang(code):
        return code

    assert client.get("/lang").text == "en"


def test_branch_url_without_slash_redirects_with_308(app, client):
    @app.route("/folder/")
    def folder():
        return "folder"

    response = client.get("/folder")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/folder/")
    assert client.get("/folder", follow_redirects=True).text == "folder"


def test_slash_redirect_keeps_the_query_string(app, client):
    @app.route("/folder/")
    def folder():
        return request.args["q"]

    response = client.get("/folder?q=1")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/folder/?q=1")


def test_strict_slashes_false_matches_with_and_without_slash(app, client):
    @app.route("/loose/", strict_slashes=False)
    def loose():
        return "loose"

    assert client.get("/loose/").text == "loose"
    response = client.get("/loose")
    assert response.status_code == 200
    assert response.text == "loose"


def test_leaf_url_requested_with_a_slash_is_not_found(app, client):
    @app.route("/leaf")
    def leaf():
        return "leaf"

    assert client.get("/leaf/").status_code == 404


def test_unknown_url_is_404_with_html_body(app, client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"Not Found" in response.data


# -- automatic HEAD and OPTIONS, 405 ------------------------------------------------------------


def test_head_is_answered_by_the_get_view_without_a_body(app, client):
    seen = []

    @app.route("/doc")
    def doc():
        seen.append(request.method)
        return "document body"

    response = client.head("/doc")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == str(len("document body"))
    assert seen == ["HEAD"]


def test_options_lists_the_allowed_methods(app, client):
    @app.route("/res", methods=["GET", "POST"])
    def res():
        return "never for OPTIONS"

    response = client.options("/res")
    assert response.status_code == 200
    assert response.data == b""
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed == {"GET", "HEAD", "POST", "OPTIONS"}


def test_options_collects_methods_of_every_rule_for_the_url(app, client):
    @app.get("/multi")
    def multi_get():
        return ""

    @app.delete("/multi")
    def multi_delete():
        return ""

    response = client.options("/multi")
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed == {"GET", "HEAD", "DELETE", "OPTIONS"}


def test_provide_automatic_options_false_leaves_options_unanswered(app, client):
    @app.route("/no-options", provide_automatic_options=False)
    def no_options():
        return "x"

    response = client.options("/no-options")
    assert response.status_code == 405
    assert "OPTIONS" not in response.headers["Allow"]


def test_view_attribute_can_disable_automatic_options(app, client):
    def view():
        return "x"

    view.provide_automatic_options = False
    app.add_url_rule("/v", view_func=view)
    assert client.options("/v").status_code == 405


def test_provide_automatic_options_config_false(app, client):
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False

    @app.route("/cfg")
    def cfg():
        return "x"

    assert client.options("/cfg").status_code == 405


def test_view_listing_options_handles_it_itself(app, client):
    @app.route("/own", methods=["GET", "OPTIONS"])
    def own():
        if request.method == "OPTIONS":
            return "my options", 200, {"Allow": "GET"}
        return "get"

    response = client.options("/own")
    assert response.text == "my options"
    assert response.headers["Allow"] == "GET"


def test_wrong_method_is_405_with_allow_header(app, client):
    @app.route("/submit", methods=["POST", "PUT"])
    def submit():
        return "ok"

    response = client.get("/submit")
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed == {"POST", "PUT", "OPTIONS"}
    assert b"Method Not Allowed" in response.data


def test_request_attributes_describe_the_matched_rule(app, client):
    @app.route("/item/<int:item_id>", endpoint="item")
    def item_view(item_id):
        return {
            "endpoint": request.endpoint,
            "rule": request.url_rule.rule,
            "view_args": request.view_args,
            "blueprint": request.blueprint,
        }

    assert client.get("/item/3").json == {
        "endpoint": "item",
        "rule": "/item/<int:item_id>",
        "view_args": {"item_id": 3},
        "blueprint": None,
    }


def test_custom_converter_registered_on_url_map(app, client):
    from flagon.routing import BaseConverter

    class ListConverter(BaseConverter):
        def to_python(self, value):
            return value.split("+")

        def to_url(self, value):
            return "+".join(value)

    app.url_map.converters["list"] = ListConverter

    @app.route("/tags/<list:tags>")
    def tags(tags):
        return ",".join(tags)

    assert client.get("/tags/a+b+c").text == "a,b,c"
    with app.test_request_context():
        assert flagon.url_for("tags", tags=["x", "y"]) == "/tags/x+y"


# -- setup methods after the first request ------------------------------------------------------


@pytest.mark.parametrize(
    "setup",
    [
        lambda app: app.route("/late")(lambda: "x"),
        lambda app: app.get("/late"),
        lambda app: app.add_url_rule("/late", "late", lambda: "x"),
        lambda app: app.endpoint("late"),
        lambda app: app.before_request(lambda: None),
        lambda app: app.after_request(lambda r: r),
        lambda app: app.teardown_request(lambda e: None),
        lambda app: app.teardown_appcontext(lambda e: None),
        lambda app: app.errorhandler(404),
        lambda app: app.register_error_handler(500, lambda e: "x"),
        lambda app: app.url_defaults(lambda e, v: None),
        lambda app: app.url_value_preprocessor(lambda e, v: None),
    ],
)
def test_setup_methods_refuse_after_the_first_request(app, client, setup):
    @app.route("/")
    def index():
        return "x"

    client.get("/")
    with pytest.raises(AssertionError, match="can no longer be called on the application"):
        setup(app)


def test_setup_methods_work_until_the_first_request(app, client):
    with app.test_request_context():  # a test context is not a served request
        pass

    @app.route("/")
    def index():
        return "x"

    assert client.get("/").status_code == 200


def test_error_message_names_the_setup_method(app, client):
    @app.route("/")
    def index():
        return "x"

    client.get("/")
    with pytest.raises(AssertionError, match="'add_url_rule'"):
        app.add_url_rule("/late", "late", index)
