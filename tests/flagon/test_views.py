"""Class-based views: ``View`` and ``MethodView`` turned into view functions by ``as_view``."""

from __future__ import annotations

import asyncio
import functools

import pytest

from flagon import Blueprint, g, request, url_for
from flagon.views import MethodView, View

# -- View ------------------------------------------------------------------------------------------


def test_view_dispatches_with_the_url_variables(app, client):
    class Hello(View):
        def dispatch_request(self, name):
            return f"Hello, {name}!"

    app.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))
    assert client.get("/hello/ann").text == "Hello, ann!"


def test_as_view_names_the_endpoint_and_describes_the_class(app):
    class Index(View):
        """The index page."""

        def dispatch_request(self):
            return "index"

    view = Index.as_view("home")
    app.add_url_rule("/", view_func=view)
    assert view.__name__ == "home"
    assert view.__doc__ == "The index page."
    assert view.__module__ == __name__
    assert view.view_class is Index
    assert app.view_functions["home"] is view
    with app.test_request_context():
        assert url_for("home") == "/"


def test_view_accepts_only_get_by_default(app, client):
    class Page(View):
        def dispatch_request(self):
            return request.method

    app.add_url_rule("/", view_func=Page.as_view("page"))
    assert client.get("/").text == "GET"
    assert client.head("/").status_code == 200
    response = client.post("/")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_view_methods_attribute_sets_the_route_methods(app, client):
    class Form(View):
        methods = ["GET", "POST"]

        def dispatch_request(self):
            return request.method

    view = Form.as_view("form")
    app.add_url_rule("/", view_func=view)
    assert view.methods == ["GET", "POST"]
    assert client.post("/").text == "POST"
    assert client.put("/").status_code == 405


def test_methods_given_to_add_url_rule_win(app, client):
    class Form(View):
        methods = ["GET", "POST"]

        def dispatch_request(self):
            return request.method

    app.add_url_rule("/", view_func=Form.as_view("form"), methods=["PUT"])
    assert client.put("/").text == "PUT"
    assert client.post("/").status_code == 405


def test_automatic_options_can_be_turned_off(app, client):
    class NoOptions(View):
        provide_automatic_options = False

        def dispatch_request(self):
            return "x"

    class Options(View):
        def dispatch_request(self):
            return "x"

    app.add_url_rule("/off", view_func=NoOptions.as_view("off"))
    app.add_url_rule("/on", view_func=Options.as_view("on"))
    assert client.options("/off").status_code == 405
    response = client.options("/on")
    assert response.status_code == 200
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_a_new_instance_per_request_with_the_constructor_arguments(app, client):
    instances = []

    class Greeting(View):
        def __init__(self, greeting, punctuation="."):
            self.greeting = greeting
            self.punctuation = punctuation
            instances.append(self)

        def dispatch_request(self):
            return self.greeting + self.punctuation

    app.add_url_rule("/", view_func=Greeting.as_view("greet", "Hi", punctuation="!"))
    assert client.get("/").text == "Hi!"
    assert client.get("/").text == "Hi!"
    assert len(instances) == 2
    assert instances[0] is not instances[1]


def test_one_instance_when_init_every_request_is_off(app, client):
    instances = []

    class Counter(View):
        init_every_request = False

        def __init__(self, start):
            self.count = start
            instances.append(self)

        def dispatch_request(self):
            self.count += 1
            return str(self.count)

    view = Counter.as_view("count", 10)
    assert len(instances) == 1  # made by as_view, before any request
    app.add_url_rule("/", view_func=view)
    assert [client.get("/").text for _ in range(3)] == ["11", "12", "13"]
    assert len(instances) == 1


def test_each_as_view_call_is_a_separate_view(app, client):
    class Say(View):
        def __init__(self, word):
            self.word = word

        def dispatch_request(self):
            return self.word

    app.add_url_rule("/a", view_func=Say.as_view("a", "alpha"))
    app.add_url_rule("/b", view_func=Say.as_view("b", "beta"))
    assert (client.get("/a").text, client.get("/b").text) == ("alpha", "beta")


def test_decorators_wrap_the_view_function_first_innermost(app, client):
    def tag(label):
        def decorator(f):
            @functools.wraps(f)
            def wrapper(**kwargs):
                return f"{label}({f.__name__}:{f(**kwargs)})"

            return wrapper

        return decorator

    class Page(View):
        decorators = [tag("inner"), tag("outer")]

        def dispatch_request(self):
            return "page"

    view = Page.as_view("page")
    app.add_url_rule("/", view_func=view)
    # Decorators see the view's final name, and keep the attributes add_url_rule reads.
    assert client.get("/").text == "outer(page:inner(page:page))"
    assert view.view_class is Page


def test_decorators_can_refuse_the_request(app, client):
    def login_required(f):
        @functools.wraps(f)
        def wrapper(**kwargs):
            if "user" not in request.args:
                return "log in first", 401
            return f(**kwargs)

        return wrapper

    class Secret(View):
        decorators = [login_required]

        def dispatch_request(self):
            return "secret"

    app.add_url_rule("/", view_func=Secret.as_view("secret"))
    assert client.get("/").status_code == 401
    assert client.get("/?user=ann").text == "secret"


def test_decorators_on_the_class_are_not_applied_to_the_view(app, client):
    calls = []

    def record(cls):
        calls.append(cls)
        return cls

    @record
    class Page(View):
        def dispatch_request(self):
            return "page"

    app.add_url_rule("/", view_func=Page.as_view("page"))
    assert client.get("/").text == "page"
    assert calls == [Page]  # once, at class creation


def test_view_without_dispatch_request_fails(app, client):
    app.add_url_rule("/", view_func=View.as_view("bare"))
    with pytest.raises(NotImplementedError):
        client.get("/")


def test_async_dispatch_request(app, client):
    class Slow(View):
        async def dispatch_request(self, n):
            await asyncio.sleep(0)
            return f"{request.path} {n}"

    app.add_url_rule("/slow/<int:n>", view_func=Slow.as_view("slow"))
    assert client.get("/slow/3").text == "/slow/3 3"


def test_view_registered_on_a_blueprint(app, client):
    class Item(View):
        def dispatch_request(self, id):
            return url_for(".item", id=id)

    bp = Blueprint("shop", __name__, url_prefix="/shop")
    bp.add_url_rule("/items/<int:id>", view_func=Item.as_view("item"))
    app.register_blueprint(bp)
    assert client.get("/shop/items/5").text == "/shop/items/5"


# -- MethodView ------------------------------------------------------------------------------------


class CounterAPI(MethodView):
    def get(self):
        return f"count {g.get('count', 0)}"

    def post(self):
        return f"posted {request.form['n']}", 201


def test_method_view_dispatches_by_method(app, client):
    app.add_url_rule("/counter", view_func=CounterAPI.as_view("counter"))
    assert client.get("/counter").text == "count 0"
    response = client.post("/counter", data={"n": "4"})
    assert (response.status_code, response.text) == (201, "posted 4")


def test_method_view_methods_come_from_the_handlers(app, client):
    assert CounterAPI.methods == {"GET", "POST"}
    app.add_url_rule("/counter", view_func=CounterAPI.as_view("counter"))
    response = client.delete("/counter")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_head_falls_back_to_get(app, client):
    seen = []

    class Page(MethodView):
        def get(self):
            seen.append(request.method)
            return "body"

    app.add_url_rule("/", view_func=Page.as_view("page"))
    response = client.head("/")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == "4"
    assert seen == ["HEAD"]


def test_an_explicit_head_handler_is_used(app, client):
    class Page(MethodView):
        def get(self):
            return "body"

        def head(self):
            return "", 204

    assert Page.methods == {"GET", "HEAD"}
    app.add_url_rule("/", view_func=Page.as_view("page"))
    assert client.head("/").status_code == 204


def test_url_variables_reach_the_handler(app, client):
    class UserAPI(MethodView):
        def get(self, user_id):
            return f"user {user_id}"

        def delete(self, user_id):
            return f"deleted {user_id}"

    app.add_url_rule("/users/<int:user_id>", view_func=UserAPI.as_view("user"))
    assert client.get("/users/7").text == "user 7"
    assert client.delete("/users/7").text == "deleted 7"


def test_subclass_adds_handlers_to_inherited_ones(app, client):
    class ReadOnly(MethodView):
        def get(self):
            return "read"

    class ReadWrite(ReadOnly):
        def put(self):
            return "written"

    assert ReadOnly.methods == {"GET"}
    assert ReadWrite.methods == {"GET", "PUT"}
    app.add_url_rule("/ro", view_func=ReadOnly.as_view("ro"))
    app.add_url_rule("/rw", view_func=ReadWrite.as_view("rw"))
    assert client.put("/ro").status_code == 405
    assert (client.get("/rw").text, client.put("/rw").text) == ("read", "written")


def test_subclass_overrides_a_handler(app, client):
    class Base(MethodView):
        def get(self):
            return "base"

    class Child(Base):
        def get(self):
            return "child " + super().get()

    app.add_url_rule("/", view_func=Child.as_view("child"))
    assert client.get("/").text == "child base"


def test_methods_of_a_mixin_base_are_kept(app, client):
    class Deletable:
        methods = ["DELETE"]

        def delete(self):
            return "gone"

    class Resource(Deletable, MethodView):
        def get(self):
            return "here"

    assert Resource.methods == {"GET", "DELETE"}
    app.add_url_rule("/", view_func=Resource.as_view("resource"))
    assert client.delete("/").text == "gone"


def test_explicit_methods_are_not_recomputed(app, client):
    class Limited(MethodView):
        methods = ["GET"]

        def get(self):
            return "get"

        def post(self):
            return "post"

    assert Limited.methods == ["GET"]
    app.add_url_rule("/", view_func=Limited.as_view("limited"))
    assert client.post("/").status_code == 405


def test_a_listed_method_without_a_handler_is_a_405_not_a_crash(app, client):
    class Partial(MethodView):
        methods = ["GET", "PATCH"]

        def get(self):
            return "get"

    app.add_url_rule("/", view_func=Partial.as_view("partial"))
    response = client.patch("/")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"


def test_async_handlers(app, client):
    class AsyncAPI(MethodView):
        async def get(self):
            await asyncio.sleep(0)
            return f"async get {request.args['q']}"

        def post(self):
            return "sync post"

    app.add_url_rule("/", view_func=AsyncAPI.as_view("api"))
    assert client.get("/?q=1").text == "async get 1"
    assert client.post("/").text == "sync post"


def test_async_handler_errors_reach_error_handlers(app, client):
    class Broken(MethodView):
        async def get(self):
            raise KeyError("missing")

    app.register_error_handler(KeyError, lambda e: ("handled", 418))
    app.add_url_rule("/", view_func=Broken.as_view("broken"))
    response = client.get("/")
    assert (response.status_code, response.text) == (418, "handled")


def test_method_view_with_init_every_request_off_and_hooks(app, client):
    class Shared(MethodView):
        init_every_request = False

        def get(self):
            return g.user

    @app.before_request
    def load_user():
        g.user = request.args.get("user", "nobody")

    app.add_url_rule("/", view_func=Shared.as_view("shared"))
    assert client.get("/?user=ann").text == "ann"
    assert client.get("/").text == "nobody"
