"""Blueprints: deferred registration, endpoint names and URL prefixes, hooks and error handlers
scoped to the blueprint, app-wide variants, nesting, registering twice, relative ``url_for``,
static routes, and setup refused after registration."""

from __future__ import annotations

import asyncio

import pytest

from flagon import (
    Blueprint,
    Flagon,
    abort,
    g,
    render_template,
    render_template_string,
    request,
    url_for,
)
from flagon.blueprints import BlueprintSetupState
from flagon.exceptions import NotFound


def sibling_app(app: Flagon, **options) -> Flagon:
    """An app of the fixture's class (plain, or overriding a stage) with other constructor options."""
    new = type(app)("flagon_test_app", root_path="/tmp", **options)
    new.testing = True
    return new


# -- endpoints and URLs ----------------------------------------------------------------------------


def test_routes_are_named_after_the_blueprint(app, client):
    bp = Blueprint("shop", __name__)

    @bp.route("/items")
    def items():
        return f"{request.endpoint} {url_for('shop.items')}"

    @bp.get("/cart")
    def cart():
        return "cart"

    @bp.post("/cart")
    def add_to_cart():
        return "added"

    bp.add_url_rule("/about", "about", lambda: "about page")
    app.register_blueprint(bp)

    assert client.get("/items").text == "shop.items /items"
    assert client.get("/cart").text == "cart"
    assert client.post("/cart").text == "added"
    assert client.get("/about").text == "about page"
    assert sorted(name for name in app.view_functions if name != "static") == [
        "shop.about",
        "shop.add_to_cart",
        "shop.cart",
        "shop.items",
    ]


def test_url_for_uses_the_name_given_to_the_blueprint_not_the_variable(app, client):
    main = Blueprint("a", __name__)

    @main.route("/xxx")
    def xxx():
        return url_for("a.xxx")

    app.register_blueprint(main)
    assert client.get("/xxx").text == "/xxx"


def test_url_prefix_on_the_blueprint_and_overridden_at_registration(app, client):
    bp = Blueprint("admin", __name__, url_prefix="/admin")

    @bp.route("/")
    def index():
        return "admin index"

    @bp.route("/users")
    def users():
        return "users"

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="staff", url_prefix="/staff/")

    assert client.get("/admin/").text == "admin index"
    assert client.get("/admin/users").text == "users"
    assert client.get("/staff/users").text == "users"
    with app.test_request_context():
        assert url_for("admin.users") == "/admin/users"
        assert url_for("staff.index") == "/staff/"


def test_an_empty_rule_is_the_url_prefix_itself(app, client):
    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.add_url_rule("", "root", lambda: "api root")
    app.register_blueprint(bp)
    assert client.get("/api").text == "api root"


def test_url_prefix_can_hold_variables(app, client):
    bp = Blueprint("user", __name__, url_prefix="/<int:user_id>")

    @bp.route("/posts")
    def posts(user_id):
        return f"posts of {user_id!r}"

    app.register_blueprint(bp)
    assert client.get("/7/posts").text == "posts of 7"


def test_url_defaults_reach_the_view_and_rule_defaults_win(app, client):
    bp = Blueprint("pages", __name__, url_defaults={"size": 10})

    @bp.route("/list/<int:page>")
    def listing(page, size):
        return f"{page} {size}"

    @bp.route("/big", defaults={"size": 100})
    def big(size):
        return f"{size}"

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="wide", url_prefix="/wide", url_defaults={"size": 50})

    assert client.get("/list/3").text == "3 10"
    assert client.get("/big").text == "100"
    assert client.get("/wide/list/3").text == "3 50"
    assert client.get("/wide/big").text == "100"


def test_blueprint_rules_have_a_defaults_dict_as_in_flask(app, client):
    # Extensions (flask-smorest) iterate rule.defaults of blueprint rules without a None check.
    bp = Blueprint("api", __name__)

    @bp.route("/plain")
    def plain():
        return "plain"

    @bp.route("/paged", defaults={"page": 1})
    @bp.route("/paged/<int:page>")
    def paged(page):
        return str(page)

    @app.route("/app-rule")
    def app_rule():
        return "app"

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="v2", url_prefix="/v2", url_defaults={"version": 2})
    defaults = {rule.rule: rule.defaults for rule in app.url_map.iter_rules()}
    assert defaults["/plain"] == {}
    assert defaults["/paged"] == {"page": 1}
    assert defaults["/paged/<int:page>"] == {}
    assert defaults["/v2/plain"] == {"version": 2}
    assert defaults["/v2/paged"] == {"version": 2, "page": 1}
    assert defaults["/app-rule"] is None  # app rules keep None, as in Flask
    plain_rule = next(r for r in app.url_map.iter_rules() if r.rule == "/plain")
    assert plain_rule.empty().defaults == {}  # a copy keeps it too (Werkzeug's empty())
    assert client.get("/plain").text == "plain"
    assert client.get("/paged").text == "1"
    assert client.get("/paged/3").text == "3"


def test_endpoint_given_explicitly_and_view_function_attached_later(app, client):
    bp = Blueprint("docs", __name__)
    bp.add_url_rule("/page", endpoint="page")

    @bp.endpoint(".page")
    def page():
        return "page body"

    app.register_blueprint(bp)
    assert client.get("/page").text == "page body"
    assert "docs.page" in app.view_functions


def test_endpoint_without_a_dot_names_an_app_wide_endpoint(app, client):
    bp = Blueprint("misc", __name__)

    @bp.endpoint("health")
    def health():
        return "fine"

    app.add_url_rule("/health", endpoint="health")
    app.register_blueprint(bp)
    assert client.get("/health").text == "fine"


def test_methods_and_automatic_options(app, client):
    bp = Blueprint("forms", __name__, url_prefix="/f")

    @bp.route("/", methods=["GET", "POST"])
    def form():
        return request.method

    app.register_blueprint(bp)
    assert client.post("/f/").text == "POST"
    assert client.put("/f/").status_code == 405
    assert set(client.options("/f/").headers["Allow"].split(", ")) == {
        "GET",
        "HEAD",
        "OPTIONS",
        "POST",
    }


def test_class_based_views_in_a_blueprint(app, client):
    from flagon.views import MethodView

    class ItemAPI(MethodView):
        def get(self, item_id):
            return f"get {item_id} at {url_for('.item', item_id=item_id)}"

        def delete(self, item_id):
            return "", 204

    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.add_url_rule("/items/<int:item_id>", view_func=ItemAPI.as_view("item"))
    app.register_blueprint(bp)
    assert client.get("/api/items/4").text == "get 4 at /api/items/4"
    assert client.delete("/api/items/4").status_code == 204
    assert client.post("/api/items/4").status_code == 405


def test_request_blueprint_and_blueprints(app, client):
    bp = Blueprint("bp", __name__)

    @bp.route("/in")
    def inside():
        return f"{request.blueprint} {request.blueprints}"

    @app.route("/out")
    def outside():
        return f"{request.blueprint} {request.blueprints}"

    app.register_blueprint(bp)
    assert client.get("/in").text == "bp ['bp']"
    assert client.get("/out").text == "None []"


def test_relative_url_for_names_a_view_of_the_current_blueprint(app, client):
    bp = Blueprint("blog", __name__, url_prefix="/blog")

    @bp.route("/")
    def index():
        return url_for(".post", slug="hello")

    @bp.route("/<slug>")
    def post(slug):
        return slug

    @app.route("/")
    def home():
        return url_for(".home")

    app.register_blueprint(bp)
    assert client.get("/blog/").text == "/blog/hello"
    assert client.get("/").text == "/"


def test_async_views_and_hooks_in_a_blueprint(app, client):
    bp = Blueprint("aio", __name__)

    @bp.before_request
    async def load():
        await asyncio.sleep(0)
        g.loaded = "yes"

    @bp.route("/")
    async def index():
        return f"loaded {g.loaded}"

    app.register_blueprint(bp)
    assert client.get("/").text == "loaded yes"


# -- hooks scoped to the blueprint -----------------------------------------------------------------


def test_request_hooks_run_only_for_the_blueprints_routes(app, client):
    calls = []
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.before_request
    def before():
        calls.append("before")

    @bp.after_request
    def after(response):
        calls.append("after")
        response.headers["X-Blueprint"] = "bp"
        return response

    @bp.teardown_request
    def teardown(exc):
        calls.append("teardown")

    @bp.route("/")
    def index():
        calls.append("view")
        return "bp"

    @app.route("/")
    def home():
        return "home"

    app.register_blueprint(bp)

    response = client.get("/")
    assert response.text == "home" and "X-Blueprint" not in response.headers
    assert calls == []

    response = client.get("/bp/")
    assert response.headers["X-Blueprint"] == "bp"
    assert calls == ["before", "view", "after", "teardown"]


def test_app_hooks_wrap_blueprint_hooks(app, client):
    calls = []
    bp = Blueprint("bp", __name__)
    app.before_request(lambda: calls.append("app before"))
    bp.before_request(lambda: calls.append("bp before"))

    @app.after_request
    def app_after(response):
        calls.append("app after")
        return response

    @bp.after_request
    def bp_after(response):
        calls.append("bp after")
        return response

    app.teardown_request(lambda exc: calls.append("app teardown"))
    bp.teardown_request(lambda exc: calls.append("bp teardown"))
    bp.add_url_rule("/", "index", lambda: "ok")
    app.register_blueprint(bp)

    client.get("/")
    assert calls == [
        "app before",
        "bp before",
        "bp after",
        "app after",
        "bp teardown",
        "app teardown",
    ]


def test_a_blueprint_before_request_can_answer_instead_of_the_view(app, client):
    bp = Blueprint("private", __name__, url_prefix="/private")

    @bp.before_request
    def require_token():
        if request.args.get("token") != "secret":
            return "go away", 403

    @bp.route("/")
    def index():
        return "secret stuff"

    app.register_blueprint(bp)
    assert client.get("/private/").status_code == 403
    assert client.get("/private/?token=secret").text == "secret stuff"


def test_teardown_receives_the_error_of_a_blueprint_view(app, monkeypatch):
    app.testing = False
    seen = []
    bp = Blueprint("bp", __name__)
    bp.teardown_request(seen.append)

    @bp.route("/boom")
    def boom():
        raise RuntimeError("boom")

    app.register_blueprint(bp)
    # The 500 is logged: kept out of the test output (and the logger, shared by name, as it was).
    monkeypatch.setattr(app.logger, "disabled", True)
    assert app.test_client().get("/boom").status_code == 500
    assert [type(e) for e in seen] == [RuntimeError]


def test_app_wide_hooks_registered_by_a_blueprint_run_for_every_request(app, client):
    calls = []
    bp = Blueprint("auth", __name__)

    @bp.before_app_request
    def load_user():
        g.user = "ann"

    @bp.after_app_request
    def stamp(response):
        response.headers["X-User"] = g.user
        return response

    @bp.teardown_app_request
    def done(exc):
        calls.append("teardown")

    @app.route("/")
    def home():
        return "home"

    app.register_blueprint(bp)
    response = client.get("/")
    assert response.headers["X-User"] == "ann"
    assert calls == ["teardown"]
    assert app.before_request_funcs[None] == [load_user]


def test_url_value_preprocessor_and_url_defaults_scoped_to_the_blueprint(app, client):
    bp = Blueprint("lang", __name__, url_prefix="/<lang_code>")

    @bp.url_defaults
    def add_language(endpoint, values):
        values.setdefault("lang_code", g.lang_code)

    @bp.url_value_preprocessor
    def pull_language(endpoint, values):
        g.lang_code = values.pop("lang_code")

    @bp.route("/")
    def index():
        return f"{g.lang_code} {url_for('.about')}"

    @bp.route("/about")
    def about():
        return "about"

    @app.route("/plain/<lang_code>")
    def plain(lang_code):
        return lang_code

    app.register_blueprint(bp)
    assert client.get("/de/").text == "de /de/about"
    # The app's own route keeps its value: the blueprint's preprocessor did not run.
    assert client.get("/plain/fr").text == "fr"


def test_app_url_value_preprocessor_and_app_url_defaults(app, client):
    bp = Blueprint("i18n", __name__)

    @bp.app_url_value_preprocessor
    def pull(endpoint, values):
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @bp.app_url_defaults
    def push(endpoint, values):
        if endpoint == "page":
            values.setdefault("lang", g.lang)

    @app.route("/<lang>/page")
    def page():
        return f"{g.lang} {url_for('page')}"

    app.register_blueprint(bp)
    assert client.get("/en/page").text == "en /en/page"


def test_context_processor_of_a_blueprint_feeds_only_its_templates(app, client):
    bp = Blueprint("bp", __name__)

    @bp.context_processor
    def scoped():
        return {"where": "in bp"}

    @bp.app_context_processor
    def everywhere():
        return {"site": "Forum"}

    @bp.route("/")
    def inside():
        return render_template_string("{{ site }} {{ where }}")

    @app.route("/app")
    def outside():
        return render_template_string("{{ site }} {{ where is defined }}")

    app.register_blueprint(bp, url_prefix="/bp")
    assert client.get("/bp/").text == "Forum in bp"
    assert client.get("/app").text == "Forum False"


def test_app_template_filters_tests_and_globals(app, client):
    bp = Blueprint("text", __name__)

    @bp.app_template_filter()
    def shout(s):
        return s.upper()

    @bp.app_template_filter("reverse_it")
    def reverse(s):
        return s[::-1]

    @bp.app_template_test()
    def short(s):
        return len(s) < 3

    @bp.app_template_global()
    def answer():
        return 42

    bp.add_app_template_filter(str.title, "titled")
    bp.add_app_template_test(str.isdigit, "digits")
    bp.add_app_template_global(len, "size")

    @app.route("/")
    def index():
        return render_template_string(
            "{{ 'hi'|shout }} {{ 'ab'|reverse_it }} {{ 'ab' is short }} {{ answer() }}"
            " {{ 'a b'|titled }} {{ '12' is digits }} {{ size('abc') }}"
        )

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="again")
    assert client.get("/").text == "HI ba True 42 A B True 3"


def test_blueprint_template_folders_come_after_the_apps(app, client, tmp_path):
    app_templates = tmp_path / "templates"
    bp_templates = tmp_path / "bp" / "templates"
    bp_templates.mkdir(parents=True)
    app_templates.mkdir()
    (bp_templates / "shared.html").write_text("from bp")
    (bp_templates / "own.html").write_text("only in bp: {{ request.blueprint }}")
    (app_templates / "shared.html").write_text("from app")
    app.root_path = str(tmp_path)
    bp = Blueprint("bp", __name__, template_folder="templates", root_path=str(tmp_path / "bp"))

    @bp.route("/<name>")
    def page(name):
        return render_template(name)

    app.register_blueprint(bp)
    assert client.get("/own.html").text == "only in bp: bp"
    assert client.get("/shared.html").text == "from app"


# -- error handlers --------------------------------------------------------------------------------


def test_error_handlers_are_scoped_to_the_blueprint(app, client):
    bp = Blueprint("api", __name__, url_prefix="/api")

    @bp.errorhandler(404)
    def api_not_found(e):
        return {"error": "not found"}, 404

    @bp.route("/thing/<int:n>")
    def thing(n):
        abort(404)

    @app.route("/thing")
    def app_thing():
        abort(404)

    app.register_blueprint(bp)
    assert client.get("/api/thing/1").json == {"error": "not found"}
    assert client.get("/thing").mimetype == "text/html"
    # An unmatched URL belongs to no blueprint, as in Flask.
    assert client.get("/api/nothing").mimetype == "text/html"


def test_blueprint_handler_for_an_exception_class_and_the_app_fallback(app, client):
    class PaymentError(Exception):
        pass

    class CardDeclined(PaymentError):
        pass

    bp = Blueprint("pay", __name__)

    @bp.errorhandler(PaymentError)
    def payment_failed(e):
        return f"bp: {type(e).__name__}", 402

    @app.errorhandler(PaymentError)
    def app_payment_failed(e):
        return "app", 402

    @bp.route("/pay")
    def pay():
        raise CardDeclined()

    @app.route("/pay")
    def app_pay():
        raise CardDeclined()

    app.register_blueprint(bp, url_prefix="/bp")
    assert client.get("/bp/pay").text == "bp: CardDeclined"
    assert client.get("/pay").text == "app"


def test_blueprint_error_handler_catches_errors_of_its_before_request(app, client):
    bp = Blueprint("bp", __name__)

    @bp.before_request
    def check():
        raise KeyError("missing")

    @bp.errorhandler(KeyError)
    def handle(e):
        return "handled in bp", 400

    bp.add_url_rule("/", "index", lambda: "never")
    app.register_blueprint(bp)
    response = client.get("/")
    assert (response.status_code, response.text) == (400, "handled in bp")


def test_app_errorhandler_registered_by_a_blueprint_applies_everywhere(app, client):
    bp = Blueprint("errors", __name__)

    @bp.app_errorhandler(404)
    def not_found(e):
        return "custom 404", 404

    app.register_blueprint(bp)
    response = client.get("/nowhere")
    assert (response.status_code, response.text) == (404, "custom 404")


def test_register_error_handler_on_a_blueprint(app, client):
    bp = Blueprint("bp", __name__)
    bp.register_error_handler(NotFound, lambda e: ("bp 404", 404))

    @bp.route("/missing")
    def missing():
        abort(404)

    app.register_blueprint(bp)
    assert client.get("/missing").text == "bp 404"


# -- deferred registration -------------------------------------------------------------------------


def test_record_is_called_at_each_registration_with_the_state(app):
    states: list[BlueprintSetupState] = []
    bp = Blueprint("bp", __name__, url_prefix="/bp", subdomain="www")
    bp.record(states.append)
    once: list[str] = []
    bp.record_once(lambda state: once.append(state.name))

    app.register_blueprint(bp, color="blue")
    app.register_blueprint(bp, name="other", url_prefix="/other")

    first, second = states
    assert (first.app, first.blueprint, first.first_registration) == (app, bp, True)
    assert first.options == {"color": "blue"}
    assert (first.url_prefix, first.subdomain, first.name) == ("/bp", "www", "bp")
    assert (second.url_prefix, second.name, second.first_registration) == ("/other", "other", False)
    assert once == ["bp"]


def test_record_runs_again_for_another_app(app):
    other = sibling_app(app)
    firsts = []
    bp = Blueprint("bp", __name__)
    bp.record(lambda state: firsts.append((state.app, state.first_registration)))
    bp.add_url_rule("/", "index", lambda: "shared")
    app.register_blueprint(bp)
    other.register_blueprint(bp)
    assert firsts == [(app, True), (other, True)]
    assert app.test_client().get("/").text == other.test_client().get("/").text == "shared"


def test_record_callbacks_can_add_rules_through_the_state(app, client):
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.record
    def add_rule(state):
        state.add_url_rule("/extra", "extra", lambda: f"extra for {state.options.get('who')}")

    app.register_blueprint(bp, who="ann")
    assert client.get("/bp/extra").text == "extra for ann"
    with app.test_request_context():
        assert url_for("bp.extra") == "/bp/extra"


def test_make_setup_state_can_return_a_subclass(app):
    class State(BlueprintSetupState):
        pass

    class MyBlueprint(Blueprint):
        def make_setup_state(self, app, options, first_registration=False):
            return State(self, app, options, first_registration)

    seen = []
    bp = MyBlueprint("bp", __name__)
    bp.record(lambda state: seen.append(type(state)))
    app.register_blueprint(bp)
    assert seen == [State]


def test_iter_blueprints_in_registration_order(app):
    first, second = Blueprint("first", __name__), Blueprint("second", __name__)
    app.register_blueprint(second)
    app.register_blueprint(first)
    app.register_blueprint(first, name="again")
    assert list(app.iter_blueprints()) == [second, first, first]
    assert list(app.blueprints) == ["second", "first", "again"]


def test_nothing_reaches_the_app_before_registration(app):
    rules = list(app.url_map.iter_rules())
    bp = Blueprint("bp", __name__)
    bp.before_request(lambda: None)
    bp.add_url_rule("/", "index", lambda: "x")
    assert not app.before_request_funcs
    assert list(app.url_map.iter_rules()) == rules


def test_a_blueprint_without_hooks_adds_no_empty_hook_lists(app):
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/", "index", lambda: "x")
    app.register_blueprint(bp)
    hook_dicts = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.url_value_preprocessors,
        app.url_default_functions,
    )
    assert not any(hook_dicts)


# -- nesting ---------------------------------------------------------------------------------------


def test_nested_blueprints_have_dotted_names_and_joined_prefixes(app, client):
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = Blueprint("child", __name__, url_prefix="/child")
    grandchild = Blueprint("grandchild", __name__, url_prefix="/grandchild")

    @grandchild.route("/")
    def index():
        return f"{request.blueprint} {request.blueprints} {url_for('.index')}"

    @child.route("/")
    def child_index():
        return url_for(".child_index")

    child.register_blueprint(grandchild)
    parent.register_blueprint(child)
    app.register_blueprint(parent)

    assert client.get("/parent/child/grandchild/").text == (
        "parent.child.grandchild ['parent.child.grandchild', 'parent.child', 'parent']"
        " /parent/child/grandchild/"
    )
    assert client.get("/parent/child/").text == "/parent/child/"
    assert set(app.blueprints) == {"parent", "parent.child", "parent.child.grandchild"}
    with app.test_request_context():
        assert url_for("parent.child.grandchild.index") == "/parent/child/grandchild/"


def test_nested_prefix_given_at_nested_registration(app, client):
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)
    child.add_url_rule("/", "index", lambda: "child")
    parent.register_blueprint(child, url_prefix="/kid")
    app.register_blueprint(parent, url_prefix="/p/")
    assert client.get("/p/kid/").text == "child"


def test_a_child_without_a_prefix_takes_the_parents(app, client):
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__)
    child.add_url_rule("/c", "c", lambda: "child")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/p/c").text == "child"


def test_the_same_child_nested_in_two_parents(app, client):
    shared = Blueprint("comments", __name__, url_prefix="/comments")

    @shared.route("/")
    def index():
        return url_for(".index")

    posts, photos = (
        Blueprint("posts", __name__, url_prefix="/posts"),
        Blueprint("photos", __name__, url_prefix="/photos"),
    )
    posts.register_blueprint(shared)
    photos.register_blueprint(shared)
    app.register_blueprint(posts)
    app.register_blueprint(photos)
    assert client.get("/posts/comments/").text == "/posts/comments/"
    assert client.get("/photos/comments/").text == "/photos/comments/"


def test_nested_hooks_run_outer_to_inner_and_back(app, client):
    calls = []
    parent, child = Blueprint("parent", __name__), Blueprint("child", __name__)
    for name, bp in (("parent", parent), ("child", child)):
        bp.before_request(lambda name=name: calls.append(f"{name} before"))

        def after(response, name=name):
            calls.append(f"{name} after")
            return response

        bp.after_request(after)
        bp.teardown_request(lambda exc, name=name: calls.append(f"{name} teardown"))

    child.add_url_rule("/", "index", lambda: "ok")
    parent.add_url_rule("/parent-only", "own", lambda: "ok")
    parent.register_blueprint(child)
    app.register_blueprint(parent)

    client.get("/")
    assert calls == [
        "parent before",
        "child before",
        "child after",
        "parent after",
        "child teardown",
        "parent teardown",
    ]
    calls.clear()
    client.get("/parent-only")
    assert calls == ["parent before", "parent after", "parent teardown"]


def test_nested_error_handlers_inner_first_then_outer(app, client):
    parent, child = Blueprint("parent", __name__), Blueprint("child", __name__)

    @parent.errorhandler(ValueError)
    def parent_handler(e):
        return "parent handled", 400

    @child.errorhandler(KeyError)
    def child_handler(e):
        return "child handled", 400

    @child.route("/value")
    def value():
        raise ValueError()

    @child.route("/key")
    def key():
        raise KeyError()

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/value").text == "parent handled"
    assert client.get("/key").text == "child handled"


def test_nested_subdomains_combine(app):
    app = sibling_app(app, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    parent = Blueprint("parent", __name__, subdomain="api")
    child = Blueprint("child", __name__, subdomain="v1")
    other = Blueprint("other", __name__)

    child.add_url_rule("/", "index", lambda: "v1 api")
    other.add_url_rule("/other", "index", lambda: "inherits api")
    parent.register_blueprint(child)
    parent.register_blueprint(other)
    app.register_blueprint(parent)

    client = app.test_client()
    assert client.get("/", subdomain="v1.api").text == "v1 api"
    assert client.get("/other", subdomain="api").text == "inherits api"
    assert client.get("/other").status_code == 404
    with app.app_context():
        assert url_for("parent.child.index") == "http://v1.api.example.com/"


def test_subdomain_given_at_registration(app):
    app = sibling_app(app, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/", "index", lambda: "admin site")
    app.register_blueprint(bp, subdomain="admin")
    client = app.test_client()
    assert client.get("/", subdomain="admin").text == "admin site"
    assert client.get("/").status_code == 404


def test_a_blueprint_cannot_be_registered_on_itself():
    bp = Blueprint("bp", __name__)
    with pytest.raises(ValueError, match="on itself"):
        bp.register_blueprint(bp)


# -- registering twice -----------------------------------------------------------------------------


def test_one_blueprint_registered_twice_under_different_names(app, client):
    calls = []
    bp = Blueprint("files", __name__)
    bp.before_request(lambda: calls.append(request.blueprint))
    bp.before_app_request(lambda: calls.append("app-wide"))

    @bp.route("/")
    def index():
        return url_for(".index")

    app.register_blueprint(bp, url_prefix="/public")
    app.register_blueprint(bp, url_prefix="/private", name="private_files")

    assert client.get("/public/").text == "/public/"
    assert client.get("/private/").text == "/private/"
    # The app-wide hook was added once, the scoped hook under both names.
    assert calls == ["app-wide", "files", "app-wide", "private_files"]


def test_registering_the_same_name_twice_is_an_error(app):
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)
    with pytest.raises(ValueError, match="'bp' is already registered for this blueprint"):
        app.register_blueprint(bp)
    with pytest.raises(ValueError, match="already registered for a different blueprint"):
        app.register_blueprint(Blueprint("bp", __name__))


def test_nested_name_clash_names_the_dotted_name(app):
    parent = Blueprint("parent", __name__)
    parent.register_blueprint(Blueprint("child", __name__))
    parent.register_blueprint(Blueprint("child", __name__), url_prefix="/again")
    with pytest.raises(
        ValueError, match=r"'child' is already registered for a different blueprint 'parent\.child'"
    ):
        app.register_blueprint(parent)


def test_the_registration_name_may_not_contain_a_dot(app):
    with pytest.raises(ValueError, match="dot"):
        app.register_blueprint(Blueprint("bp", __name__), name="a.b")


# -- setup refused ---------------------------------------------------------------------------------


def test_setup_methods_refuse_after_the_blueprint_was_registered(app):
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)
    with pytest.raises(AssertionError, match="'route' can no longer be called on the blueprint"):
        bp.route("/late")
    with pytest.raises(AssertionError, match="'before_request'"):
        bp.before_request(lambda: None)
    with pytest.raises(AssertionError, match="'register_blueprint'"):
        bp.register_blueprint(Blueprint("child", __name__))
    # Registering the finished blueprint again is still allowed.
    app.register_blueprint(bp, name="again")


def test_register_blueprint_refuses_after_the_first_request(app, client):
    app.add_url_rule("/", "index", lambda: "ok")
    client.get("/")
    with pytest.raises(AssertionError, match="'register_blueprint' can no longer be called"):
        app.register_blueprint(Blueprint("late", __name__))


@pytest.mark.parametrize("name", ["", "a.b"])
def test_blueprint_names_are_checked(name):
    with pytest.raises(ValueError, match="'name' may not"):
        Blueprint(name, __name__)


def test_endpoints_and_view_names_may_not_contain_dots():
    bp = Blueprint("bp", __name__)
    with pytest.raises(ValueError, match="'endpoint' may not contain a dot"):
        bp.add_url_rule("/", "a.b", lambda: "x")

    def view():
        return "x"

    view.__name__ = "a.b"
    with pytest.raises(ValueError, match="'view_func' name may not contain a dot"):
        bp.add_url_rule("/", view_func=view)


# -- static files, templates, resources, CLI -------------------------------------------------------


def test_static_folder_adds_a_static_route_under_the_prefix(app, tmp_path):
    (tmp_path / "assets").mkdir()
    bp = Blueprint(
        "admin", __name__, url_prefix="/admin", static_folder="assets", root_path=str(tmp_path)
    )
    app.register_blueprint(bp)
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    assert rules["admin.static"] == "/admin/assets/<path:filename>"
    assert bp.static_folder == str(tmp_path / "assets")
    with app.test_request_context():
        assert url_for("admin.static", filename="css/site.css") == "/admin/assets/css/site.css"


def test_static_files_are_served_from_the_blueprint_folder(app, client, tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "site.css").write_text("body { color: red }")
    bp = Blueprint(
        "admin", __name__, url_prefix="/admin", static_folder="assets", root_path=str(tmp_path)
    )
    app.register_blueprint(bp)
    response = client.get("/admin/assets/site.css")
    assert (response.status_code, response.mimetype) == (200, "text/css")
    assert response.text == "body { color: red }"
    response.close()
    assert client.get("/admin/assets/missing.css").status_code == 404
    assert client.get("/admin/assets/../secret").status_code == 404


def test_static_url_path_chooses_the_url(app, tmp_path):
    bp = Blueprint(
        "ui",
        __name__,
        static_folder="static",
        static_url_path="/ui-static",
        root_path=str(tmp_path),
    )
    app.register_blueprint(bp)
    with app.test_request_context():
        assert url_for("ui.static", filename="app.js") == "/ui-static/app.js"


def test_no_static_route_without_a_static_folder(app):
    app.register_blueprint(Blueprint("bp", __name__))
    assert not [rule for rule in app.url_map.iter_rules() if rule.endpoint == "bp.static"]


def test_template_folder_and_cli_group_are_kept(app, tmp_path):
    bp = Blueprint(
        "bp", __name__, template_folder="templates", root_path=str(tmp_path), cli_group="things"
    )
    assert bp.template_folder == "templates"
    assert bp.root_path == str(tmp_path)
    assert bp.cli_group == "things"


def test_root_path_comes_from_the_import_name():
    import os

    bp = Blueprint("bp", __name__)
    assert bp.root_path == os.path.dirname(os.path.abspath(__file__))


def test_open_resource_reads_relative_to_the_blueprint(tmp_path):
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (x);\n")
    bp = Blueprint("bp", __name__, root_path=str(tmp_path))
    with bp.open_resource("schema.sql") as f:
        assert f.read() == b"CREATE TABLE t (x);\n"
    with bp.open_resource("schema.sql", "r") as f:
        assert f.read().startswith("CREATE")
    with pytest.raises(ValueError, match="only be opened for reading"):
        bp.open_resource("schema.sql", "w")


def test_repr():
    assert repr(Blueprint("shop", __name__)) == "<Blueprint 'shop'>"
