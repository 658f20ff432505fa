"""Templates: the app's and blueprints' folders, autoescaping, the template context (config,
request, session, g, url_for, context processors), filters/tests/globals, tojson, streaming,
signals, auto reload and the lazily made environment."""

from __future__ import annotations

import datetime
import logging
import os
import uuid

import jinja2
import pytest
from markupsafe import Markup

from flagon import (
    Blueprint,
    Flagon,
    Response,
    g,
    render_template,
    render_template_string,
    request,
    session,
    stream_template,
    stream_template_string,
)
from flagon.signals import before_render_template, template_rendered
from flagon.templating import DispatchingJinjaLoader, Environment, htmlsafe_json_dumps


def write_templates(folder, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def app(app, tmp_path):
    """The shared app fixture, rooted in a temporary folder whose ``templates/`` tests fill."""
    app.root_path = str(tmp_path)
    return app


@pytest.fixture
def templates(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    return folder


# -- loading and autoescaping ---------------------------------------------------------------------


def test_render_template_from_the_app_folder(app, templates):
    write_templates(templates, {"hello.html": "Hello {{ name }}!"})
    with app.app_context():
        assert render_template("hello.html", name="Ann") == "Hello Ann!"


@pytest.mark.parametrize("extension", ["html", "htm", "xml", "xhtml", "svg"])
def test_markup_files_are_autoescaped(app, templates, extension):
    write_templates(templates, {f"page.{extension}": "{{ value }}"})
    with app.app_context():
        assert render_template(f"page.{extension}", value="<b>&") == "&lt;b&gt;&amp;"


@pytest.mark.parametrize("name", ["mail.txt", "script.js", "page.html.j2", "noext"])
def test_other_files_are_not_autoescaped(app, templates, name):
    write_templates(templates, {name: "{{ value }}"})
    with app.app_context():
        assert render_template(name, value="<b>") == "<b>"


def test_render_template_string_autoescapes(app):
    with app.app_context():
        assert render_template_string("{{ v }}", v="<i>") == "&lt;i&gt;"
        assert render_template_string("{{ v }}", v=Markup("<i>")) == "<i>"
        assert (
            render_template_string("{% autoescape false %}{{ v }}{% endautoescape %}", v="<i>")
            == "<i>"
        )


def test_select_jinja_autoescape_can_be_overridden(tmp_path):
    class TextEscapingApp(Flagon):
        def select_jinja_autoescape(self, filename):
            return filename is None or filename.endswith(".txt")

    app = TextEscapingApp(__name__, root_path=str(tmp_path))
    write_templates(tmp_path / "templates", {"a.txt": "{{ v }}", "a.html": "{{ v }}"})
    with app.app_context():
        assert render_template("a.txt", v="<") == "&lt;"
        assert render_template("a.html", v="<") == "<"


def test_first_existing_template_of_a_list_is_rendered(app, templates):
    write_templates(templates, {"fallback.html": "fallback"})
    with app.app_context():
        assert render_template(["special.html", "fallback.html"]) == "fallback"
        with pytest.raises(jinja2.TemplatesNotFound):
            render_template(["a.html", "b.html"])


def test_a_template_object_renders_with_the_app_context(app):
    with app.app_context():
        template = app.jinja_env.from_string("{{ config.NAME }}")
        app.config["NAME"] = "site"
        assert render_template(template) == "site"


def test_templates_extend_and_include_each_other(app, templates):
    write_templates(
        templates,
        {
            "base.html": "<main>{% block body %}{% endblock %}</main>",
            "part.html": "[{{ name }}]",
            "page.html": '{% extends "base.html" %}{% block body %}{% include "part.html" %}{% endblock %}',
        },
    )
    with app.app_context():
        assert render_template("page.html", name="<x>") == "<main>[&lt;x&gt;]</main>"


def test_missing_template_names_the_searched_folder(app, templates):
    with app.app_context():
        with pytest.raises(jinja2.TemplateNotFound) as info:
            render_template("nope.html")
    assert info.value.name == "nope.html"
    assert str(templates) in str(info.value)


def test_missing_template_is_a_500_in_production(app, client, templates):
    app.testing = False

    @app.route("/")
    def index():
        return render_template("nope.html")

    response = client.get("/")
    assert response.status_code == 500


def test_missing_template_propagates_when_testing(app, client):
    @app.route("/")
    def index():
        return render_template("nope.html")

    with pytest.raises(jinja2.TemplateNotFound):
        client.get("/")


def test_custom_template_folder(tmp_path):
    write_templates(tmp_path / "views", {"x.html": "from views"})
    app = Flagon(__name__, root_path=str(tmp_path), template_folder="views")
    with app.app_context():
        assert render_template("x.html") == "from views"


def test_app_without_template_folder_finds_only_blueprint_templates(tmp_path):
    write_templates(tmp_path / "templates", {"app.html": "app"})
    write_templates(tmp_path / "bp_templates", {"bp.html": "bp"})
    app = Flagon(__name__, root_path=str(tmp_path), template_folder=None)
    app.register_blueprint(
        Blueprint("bp", __name__, root_path=str(tmp_path), template_folder="bp_templates")
    )
    with app.app_context():
        assert app.jinja_loader is None
        assert render_template("bp.html") == "bp"
        with pytest.raises(jinja2.TemplateNotFound):
            render_template("app.html")


def test_outside_an_app_context_rendering_fails_clearly():
    with pytest.raises(RuntimeError, match="application context"):
        render_template_string("x")


# -- blueprint folders ----------------------------------------------------------------------------


@pytest.fixture
def blueprint_app(tmp_path):
    """An app with ``templates/`` and two blueprints, each with its own folder."""
    write_templates(tmp_path / "templates", {"shared.html": "app's", "index.html": "app index"})
    write_templates(
        tmp_path / "admin" / "templates",
        {
            "shared.html": "admin's",
            "admin/index.html": "admin index",
        },
    )
    write_templates(
        tmp_path / "shop" / "templates",
        {
            "shared.html": "shop's",
            "only_in_shop.html": "shop only",
            "admin/index.html": "shop's admin index",
        },
    )
    app = Flagon(__name__, root_path=str(tmp_path))
    admin = Blueprint(
        "admin", __name__, root_path=str(tmp_path / "admin"), template_folder="templates"
    )
    shop = Blueprint(
        "shop", __name__, root_path=str(tmp_path / "shop"), template_folder="templates"
    )

    @shop.route("/")
    def index():
        return render_template("only_in_shop.html")

    app.register_blueprint(admin, url_prefix="/admin")
    app.register_blueprint(shop, url_prefix="/shop")
    return app


def test_app_templates_come_before_blueprint_templates(blueprint_app):
    with blueprint_app.app_context():
        assert render_template("shared.html") == "app's"


def test_blueprints_are_searched_in_registration_order(blueprint_app):
    with blueprint_app.app_context():
        assert render_template("admin/index.html") == "admin index"
        assert render_template("only_in_shop.html") == "shop only"


def test_blueprint_view_renders_its_own_templates(blueprint_app):
    blueprint_app.register_blueprint(
        blueprint_app.blueprints["shop"], name="shop2", url_prefix="/shop2"
    )
    client = blueprint_app.test_client()
    assert client.get("/shop/").text == "shop only"
    assert client.get("/shop2/").text == "shop only"


def test_loader_lists_every_template(blueprint_app):
    names = blueprint_app.jinja_env.list_templates()
    assert names == ["admin/index.html", "index.html", "only_in_shop.html", "shared.html"]
    assert isinstance(blueprint_app.jinja_env.loader, DispatchingJinjaLoader)


def test_explain_template_loading_logs_every_attempt(blueprint_app, caplog):
    blueprint_app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    with caplog.at_level(logging.INFO, logger=blueprint_app.logger.name):
        with blueprint_app.app_context():
            assert render_template("shared.html") == "app's"
    log = caplog.text
    assert "Locating template 'shared.html'" in log
    assert f"application {blueprint_app.name!r}" in log
    assert "blueprint 'admin'" in log and "blueprint 'shop'" in log
    assert "multiple loaders returned a match" in log


def test_explain_template_loading_reports_a_miss(blueprint_app, caplog):
    blueprint_app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    with caplog.at_level(logging.INFO, logger=blueprint_app.logger.name):
        with blueprint_app.app_context(), pytest.raises(jinja2.TemplateNotFound):
            render_template("nope.html")
    assert "could not be found" in caplog.text


# -- the template context -------------------------------------------------------------------------


def test_request_g_config_and_url_for_are_in_every_template(app, client):
    app.config["SITE"] = "Example"

    @app.route("/page/<int:n>")
    def page(n):
        g.user = "ann"
        return render_template_string(
            "{{ config.SITE }} {{ request.path }} {{ g.user }} {{ url_for('page', n=n + 1) }}", n=n
        )

    assert client.get("/page/1").text == "Example /page/1 ann /page/2"


def test_session_is_available_and_opened_only_when_used(app):
    with app.test_request_context("/") as ctx:
        ctx.session = {"user": "ann"}
        assert render_template_string("{{ session.user }}") == "ann"
    with app.test_request_context("/") as ctx:
        render_template_string("{{ request.path }}")
        assert ctx._session is None


def test_get_flashed_messages_is_a_template_global(app):
    from flagon.helpers import get_flashed_messages

    assert app.jinja_env.globals["get_flashed_messages"] is get_flashed_messages
    assert app.jinja_env.globals["url_for"] == app.url_for
    assert app.jinja_env.globals["config"] is app.config


def test_rendering_without_a_request_leaves_request_and_session_unbound(app):
    with app.app_context():
        g.name = "job"
        rendered = render_template_string(
            "{{ 'r' if request else '-' }}{{ 's' if session else '-' }} {{ g.name }}"
        )
    assert rendered == "-- job"


def test_values_passed_to_render_win_over_context_processors(app):
    @app.context_processor
    def inject():
        return {"user": "from processor", "site": "Example"}

    with app.app_context():
        assert render_template_string("{{ user }} {{ site }}", user="given") == "given Example"
        assert render_template_string("{{ user }}") == "from processor"


def test_context_processors_can_replace_g_and_request(app):
    app.context_processor(lambda: {"request": "replaced"})
    with app.test_request_context("/"):
        assert render_template_string("{{ request }}") == "replaced"


def test_async_context_processor(app):
    @app.context_processor
    async def inject():
        return {"value": 42}

    with app.app_context():
        assert render_template_string("{{ value }}") == "42"


def test_blueprint_context_processors_apply_to_their_requests_only(app, client):
    outer = Blueprint("outer", __name__)
    inner = Blueprint("inner", __name__)
    calls = []

    @outer.context_processor
    def outer_values():
        calls.append("outer")
        return {"scope": "outer", "outer": True}

    @inner.context_processor
    def inner_values():
        calls.append("inner")
        return {"scope": "inner"}

    @app.context_processor
    def app_values():
        calls.append("app")
        return {"scope": "app"}

    template = "{{ scope }} {{ outer|default(false) }}"

    @inner.route("/")
    def inner_view():
        return render_template_string(template)

    @outer.route("/")
    def outer_view():
        return render_template_string(template)

    @app.route("/")
    def app_view():
        return render_template_string(template)

    outer.register_blueprint(inner, url_prefix="/inner")
    app.register_blueprint(outer, url_prefix="/outer")

    assert client.get("/outer/inner/").text == "inner True"
    assert calls == ["app", "outer", "inner"]
    assert client.get("/outer/").text == "outer True"
    assert client.get("/").text == "app False"


def test_imported_macros_see_the_request(app, templates, client):
    write_templates(
        templates,
        {
            "macros.html": "{% macro here() %}{{ request.path }}{% endmacro %}",
            "page.html": '{% import "macros.html" as m %}at {{ m.here() }}',
        },
    )

    @app.route("/where")
    def where():
        return render_template("page.html")

    assert client.get("/where").text == "at /where"


# -- filters, tests and globals -------------------------------------------------------------------


def test_template_filter_decorator_forms(app):
    @app.template_filter()
    def reverse(s):
        return s[::-1]

    @app.template_filter("shout")
    def make_loud(s):
        return s.upper()

    @app.template_filter
    def double(s):
        return s * 2

    app.add_template_filter(str.title, "titled")
    with app.app_context():
        rendered = render_template_string(
            "{{ 'ab'|reverse }} {{ 'x'|shout }} {{ 'y'|double }} {{ 'a b'|titled }}"
        )
    assert rendered == "ba X yy A B"
    assert app.jinja_env.filters["reverse"] is reverse


def test_template_test_and_global(app):
    @app.template_test()
    def boolean(value):
        return isinstance(value, bool)

    @app.template_test("even_number")
    def is_even(n):
        return n % 2 == 0

    @app.template_global
    def answer():
        return 42

    app.add_template_global(lambda: "hi", name="greeting")
    with app.app_context():
        rendered = render_template_string(
            "{{ true is boolean }} {{ 3 is even_number }} {{ answer() }} {{ greeting() }}"
        )
    assert rendered == "True False 42 hi"


def test_filters_added_after_the_environment_exists_are_used(app):
    with app.app_context():
        render_template_string("warm up")
        app.add_template_filter(lambda s: f"<{s}>", "angle")
        assert render_template_string("{{ 'x'|angle }}") == "&lt;x&gt;"


def test_blueprint_registers_app_wide_filters_tests_and_globals(app):
    bp = Blueprint("bp", __name__)
    bp.add_app_template_filter(str.upper, "up")
    bp.add_app_template_test(str.isdigit, "digits")
    bp.add_app_template_global(lambda: "g", "gee")
    app.register_blueprint(bp)
    with app.app_context():
        assert render_template_string("{{ 'a'|up }} {{ '12' is digits }} {{ gee() }}") == "A True g"


def test_jinja_options_set_after_registering_filters_still_apply(app):
    app.add_template_filter(str.upper, "up")
    app.jinja_options = {"trim_blocks": True}
    with app.app_context():
        assert render_template_string("{% if true %}\n{{ 'a'|up }}{% endif %}") == "A"
        assert app.jinja_env.trim_blocks is True


def test_template_setup_refused_after_the_first_request(app, client):
    app.route("/")(lambda: "ok")
    client.get("/")
    with pytest.raises(AssertionError, match="already handled its first request"):
        app.add_template_filter(str.upper, "up")


# -- tojson ---------------------------------------------------------------------------------------


def test_tojson_escapes_html_specials(app):
    with app.app_context():
        rendered = render_template_string(
            "<script>var v = {{ v|tojson }};</script>", v="</script><&'"
        )
    assert rendered == ('<script>var v = "\\u003c/script\\u003e\\u003c\\u0026\\u0027";</script>')


def test_tojson_uses_the_app_json_provider(app):
    value = {
        "b": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "a": datetime.date(2024, 1, 2),
        "m": Markup("<em>"),
    }
    with app.app_context():
        rendered = render_template_string("{{ v|tojson }}", v=value)
    assert rendered == (
        '{"a": "Tue, 02 Jan 2024 00:00:00 GMT", "b": "12345678-1234-5678-1234-567812345678",'
        ' "m": "\\u003cem\\u003e"}'
    )


def test_tojson_indent_and_attribute_use(app):
    with app.app_context():
        assert render_template_string("{{ [1]|tojson(indent=2) }}") == "[\n  1\n]"
        rendered = render_template_string("<a data-x='{{ v|tojson }}'>", v={"q": "it's"})
    assert rendered == '<a data-x=\'{"q": "it\\u0027s"}\'>'


def test_tojson_follows_a_replaced_provider(app):
    from flagon.json.provider import DefaultJSONProvider

    class Shouting(DefaultJSONProvider):
        def dumps(self, obj, **kwargs):
            return super().dumps(obj, **kwargs).upper()

    with app.app_context():
        render_template_string("warm up")
        app.json = Shouting(app)
        assert render_template_string("{{ 'abc'|tojson }}") == '"ABC"'


def test_htmlsafe_json_dumps_without_an_app():
    rendered = htmlsafe_json_dumps({"x": "<a href='/'>&</a>"})
    assert isinstance(rendered, Markup)
    assert "<" not in rendered and "'" not in rendered and "&" not in rendered


# -- streaming ------------------------------------------------------------------------------------


def test_stream_template_keeps_the_request_context(app, client, templates):
    write_templates(
        templates, {"stream.html": "{% for i in items %}{{ request.path }}{{ i }};{% endfor %}"}
    )
    teardowns = []
    app.teardown_request(lambda exc: teardowns.append(exc))

    @app.route("/stream")
    def stream():
        return Response(stream_template("stream.html", items=[1, 2, 3]))

    response = client.get("/stream")
    assert response.text == "/stream1;/stream2;/stream3;"
    assert teardowns == [None]


def test_stream_template_string_is_lazy_and_escapes(app, client):
    @app.route("/s")
    def s():
        stream = stream_template_string("{{ a }}|{{ request.args.b }}", a="<x>")
        assert not isinstance(stream, str)
        return Response(stream, mimetype="text/html")

    assert client.get("/s?b=<y>").text == "&lt;x&gt;|&lt;y&gt;"


def test_stream_template_in_an_app_context(app):
    with app.app_context():
        assert "".join(stream_template_string("{{ 1 + 1 }}")) == "2"


# -- signals --------------------------------------------------------------------------------------


def test_render_signals_carry_template_and_context(app, templates):
    write_templates(templates, {"signal.html": "{{ x }}"})
    seen = []

    def before(sender, template, context):
        seen.append(("before", sender, template.name, context["x"]))
        context["x"] = "changed"

    def rendered(sender, template, context):
        seen.append(("rendered", sender, template.name, context["x"]))

    with (
        before_render_template.connected_to(before, app),
        template_rendered.connected_to(rendered, app),
    ):
        with app.app_context():
            assert render_template("signal.html", x="given") == "changed"
    assert seen == [
        ("before", app, "signal.html", "given"),
        ("rendered", app, "signal.html", "changed"),
    ]


def test_template_rendered_is_sent_when_a_stream_ends(app):
    seen = []

    def rendered(sender, template, context):
        seen.append(context["x"])

    with template_rendered.connected_to(rendered, app), app.app_context():
        stream = stream_template_string("{{ x }}", x=1)
        assert seen == []
        assert list(stream) == ["1"]
    assert seen == [1]


# -- auto reload and the environment --------------------------------------------------------------


def _rewrite(path, text):
    """Write ``text`` to ``path`` and move its mtime forward so a reload check notices."""
    stat = path.stat()
    path.write_text(text)
    os.utime(path, (stat.st_atime + 10, stat.st_mtime + 10))


@pytest.mark.parametrize(
    ("setting", "debug", "reloads"),
    [(True, False, True), (False, True, False), (None, True, True), (None, False, False)],
)
def test_templates_auto_reload(app, templates, setting, debug, reloads):
    write_templates(templates, {"r.html": "old"})
    app.config["TEMPLATES_AUTO_RELOAD"] = setting
    app.debug = debug
    assert app.templates_auto_reload is reloads
    with app.app_context():
        assert render_template("r.html") == "old"
        _rewrite(templates / "r.html", "new")
        assert render_template("r.html") == ("new" if reloads else "old")


def test_auto_reload_follows_debug_changed_after_first_render(app, templates):
    write_templates(templates, {"r.html": "old"})
    with app.app_context():
        assert render_template("r.html") == "old"
        app.debug = True
        _rewrite(templates / "r.html", "new")
        assert render_template("r.html") == "new"


def test_auto_reload_in_jinja_options_is_fixed(app, templates):
    write_templates(templates, {"r.html": "old"})
    app.jinja_options = {"auto_reload": False}
    app.templates_auto_reload = True
    with app.app_context():
        assert render_template("r.html") == "old"
        _rewrite(templates / "r.html", "new")
        assert render_template("r.html") == "old"


def test_environment_is_made_on_first_use_only(app, client):
    app.route("/")(lambda: "plain")
    assert client.get("/").text == "plain"
    assert "jinja_env" not in app.__dict__
    env = app.jinja_env
    assert isinstance(env, Environment) and env.app is app
    assert app.jinja_env is env


def test_custom_environment_class_and_options(tmp_path):
    class MyEnvironment(Environment):
        pass

    class MyApp(Flagon):
        jinja_environment = MyEnvironment
        jinja_options = {"line_statement_prefix": "%"}

    app = MyApp(__name__, root_path=str(tmp_path))
    with app.app_context():
        assert type(app.jinja_env) is MyEnvironment
        assert render_template_string("% for i in [1, 2]\n{{ i }}\n% endfor\n") == "1\n2\n"


def test_jinja_env_globals_include_the_proxies(app):
    env_globals = app.jinja_env.globals
    assert env_globals["request"] is request
    assert env_globals["session"] is session
    assert env_globals["g"] is g


# -- lookups and globals behave as in Jinja -------------------------------------------------------


def test_dict_attribute_lookup_matches_jinja(app):
    class Row(dict):
        label = "attribute"

    row = {"name": "tea", "items": "an item"}
    with app.app_context():
        rendered = render_template_string(
            "{{ row.name }}|{{ row.missing }}|{{ row.missing is defined }}|{{ row['items'] }}|"
            "{{ row.items is callable }}|{{ sub.label }}|{{ sub.other }}",
            row=row,
            sub=Row(label="item", other="other item"),
        )
    assert rendered == "tea||False|an item|True|attribute|other item"


def test_missing_dict_key_with_strict_undefined(app):
    app.jinja_options = {"undefined": jinja2.StrictUndefined}
    with app.app_context(), pytest.raises(jinja2.UndefinedError, match="missing"):
        render_template_string("{{ row.missing }}", row={})


def test_template_globals_stay_per_template(app, templates):
    write_templates(templates, {"glob.html": "{{ site }} {{ extra|default('-') }}"})
    with app.app_context():
        app.jinja_env.globals["site"] = "one"
        assert render_template("glob.html") == "one -"
        app.jinja_env.globals["site"] = "two"  # later changes to the environment are seen
        special = app.jinja_env.get_template("glob.html", globals={"extra": "x"})
        assert render_template(special) == "two x"
        assert "extra" not in app.jinja_env.globals
        assert render_template_string("{{ extra|default('-') }}") == "-"


def test_signed_session_in_templates(app, client):
    app.secret_key = "test secret"

    @app.route("/login/<name>")
    def login(name):
        session["user"] = name
        return "ok"

    @app.route("/me")
    def me():
        return render_template_string("user: {{ session.user }}")

    @app.route("/plain")
    def plain():
        return render_template_string("{{ request.path }}")

    client.get("/login/ann")
    response = client.get("/me")
    assert response.text == "user: ann"
    assert "Cookie" in response.headers.get("Vary", "")
    response = client.get("/plain")
    assert response.text == "/plain"
    assert "Vary" not in response.headers


def test_flashed_messages_in_templates(app, client):
    from flagon import flash

    app.secret_key = "test secret"

    @app.route("/act")
    def act():
        flash("Saved <all>", "info")
        return "done"

    @app.route("/show")
    def show():
        return render_template_string(
            "{% for category, message in get_flashed_messages(with_categories=true) %}"
            "{{ category }}: {{ message }}{% endfor %}"
        )

    client.get("/act")
    assert client.get("/show").text == "info: Saved &lt;all&gt;"
    assert client.get("/show").text == ""


def test_get_template_attribute_calls_a_macro_from_python(app, tmp_path):
    from flagon import get_template_attribute

    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "_macros.html").write_text(
        "{% macro hello(name) %}Hello, {{ name }}!{% endmacro %}"
    )
    app.root_path = str(tmp_path)
    with app.app_context():
        hello = get_template_attribute("_macros.html", "hello")
        assert str(hello("<ada>")) == "Hello, &lt;ada&gt;!"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "item number 15",
        "hELLO wORLD",
        "tom's <b>dinner</b>",
        "o'clock 2nd 3RD x1y",
        "foo-bar (baz) {qux} [quux] <corge>",
        "tabs\tand\nlines\x1cand\x1fseparators",
        "  leading and trailing  ",
        "ǆemal ŉ straße İstanbul ΣΑΣ",
        Markup("<em>safe</em> text"),
        42,
        None,
    ],
)
def test_the_title_filter_gives_what_jinjas_gives(value):
    from jinja2.filters import do_title as jinja_title

    from flagon.templating import do_title

    result = do_title(value)
    assert result == jinja_title(value)
    assert type(result) is str


def test_the_title_filter_in_templates_and_a_user_filter_replaces_it():
    app = Flagon(__name__)
    with app.app_context():
        assert render_template_string("{{ 'item number 5'|title }}") == "Item Number 5"
        assert render_template_string("{{ x|title }}", x="a <b>") == "A &lt;B&gt;"

    other = Flagon(__name__)
    other.add_template_filter(str.upper, "title")
    with other.app_context():
        assert render_template_string("{{ 'shout'|title }}") == "SHOUT"


class _HTMLWidget:
    def __html__(self):
        return "<b>widget</b>"

    def __str__(self):
        return "<widget>"


_ESCAPING_VALUES = [
    "plain",
    'Tom & Jerry\'s <favourite> "quote"',
    "",
    Markup("<em>safe</em> & sound"),
    0,
    -7,
    2**70,
    1.5,
    float("inf"),
    float("nan"),
    True,
    None,
    _HTMLWidget(),
    ["<a>", 1],
    {"k": "<v>"},
    b"<bytes>",
]

_ESCAPING_TEMPLATES = [
    "{{ value }}",
    "<p title='{{ value }}'>{{ value }}{{ value|e }}{{ value|safe }}</p>",
    "{% macro show(v) %}[{{ v }}]{% endmacro %}{{ show(value) }}{{ show(value)|upper }}",
    "{% set block %}<i>{{ value }}</i>{% endset %}{{ block }}{{ block|length }}",
    "{% filter upper %}{{ value }}{% endfilter %}",
    "{% macro wrap() %}<div>{{ caller() }}</div>{% endmacro %}"
    "{% call wrap() %}{{ value }}{% endcall %}",
    "{% autoescape false %}{{ value }}{% endautoescape %}{{ value }}",
    "{{ value ~ '<tail>' }}{{ [value, '<x>']|join(', ') }}{{ value|string }}",
    "{% for x in [value, value] %}{{ loop.index }}:{{ x }}{{ loop.cycle('<a>', 'b') }}{% endfor %}",
]


@pytest.mark.parametrize("source", _ESCAPING_TEMPLATES)
def test_autoescaped_output_is_the_text_jinja_renders(source):
    """The faster output escaping writes what Jinja's own environment writes, in every place
    output goes (plain output, attributes, macros, blocks, filters, calls, concatenation)."""
    import jinja2

    from flagon.templating import escape_output

    app = Flagon(__name__)
    reference = jinja2.Environment(autoescape=True)
    # The comparison is only worth something if flagon's escaping is the one rendering.
    assert app.jinja_env.from_string(source).root_render_func.__globals__["escape"] is escape_output
    with app.app_context():
        for value in _ESCAPING_VALUES:
            expected = reference.from_string(source).render(value=value)
            assert render_template_string(source, value=value) == expected, value
            streamed = "".join(app.jinja_env.from_string(source).generate(value=value))
            assert streamed == expected, value


@pytest.mark.parametrize("value", _ESCAPING_VALUES)
def test_escape_output_gives_markupsafes_text(value):
    from markupsafe import escape

    from flagon.templating import escape_output

    assert str(escape_output(value)) == str(escape(value))
