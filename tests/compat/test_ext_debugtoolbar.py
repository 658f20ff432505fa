"""flask-debugtoolbar on flagon: the toolbar injected into HTML pages, its panels (request vars,
config, templates, logging, routes, headers, ``g``, profiler), its static files and views, and
redirect interception, following the extension's quick-start (``app.debug = True``, a
``SECRET_KEY``, ``DebugToolbarExtension(app)``)."""

from __future__ import annotations

import gzip
import html as html_lib
import logging
import re

import pytest
from flask import (
    Blueprint,
    Flask,
    Response,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_debugtoolbar import DebugToolbarExtension

PAGE = """<!doctype html>
<html>
<head><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
{% include "footer.html" %}
</body>
</html>
"""

PANELS = [
    "flDebugVersionPanel",
    "flDebugTimerPanel",
    "flDebugHeaderPanel",
    "flDebugRequestVarsPanel",
    "flDebugConfigVarsPanel",
    "flDebugTemplatePanel",
    "flDebugSQLAlchemyPanel",
    "flDebugLoggingPanel",
    "flDebugRouteListPanel",
    "flDebugProfilerPanel",
    "flDebuggPanel",
]


@pytest.fixture(scope="module", autouse=True)
def _remove_log_handler():
    """The logging panel puts a handler on the root logger for the rest of the process: take
    it away after these tests, so that it doesn't collect every later test's records."""
    yield
    from flask_debugtoolbar.panels import logger as logging_panel

    if logging_panel.handler is not None:
        logging.root.removeHandler(logging_panel.handler)
        logging_panel.handler = None


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("toolbar") / "templates"
    folder.mkdir()
    (folder / "page.html").write_text(PAGE)
    (folder / "footer.html").write_text("<footer>{{ footer }}</footer>")
    return folder


def make_app(templates, **config):
    app = Flask(__name__, template_folder=str(templates))
    app.debug = True
    app.config["SECRET_KEY"] = "toolbar-secret"
    app.config["SITE_GREETING"] = "ahoy"
    app.config.update(config)
    toolbar = DebugToolbarExtension(app)

    @app.route("/", methods=["GET", "POST"])
    def index():
        app.logger.info("rendering the index for %s", request.args.get("who", "nobody"))
        app.logger.warning("disk almost full")
        session["cart"] = 3
        g.current_user = "ada"
        return render_template("page.html", title="Home page", footer="(c) flagon")

    @app.route("/users/<int:user_id>")
    def user(user_id):
        return f"<html><body><p>user {user_id}</p></body></html>"

    @app.route("/go")
    def go():
        return redirect(url_for("user", user_id=7))

    @app.route("/moved")
    def moved():
        return redirect("https://example.org/elsewhere", code=301)

    @app.route("/api/items")
    def items():
        return jsonify(items=[1, 2, 3])

    @app.route("/text")
    def text():
        return Response("plain </body> text", mimetype="text/plain")

    @app.route("/stream")
    def stream():
        def generate():
            yield "<html><body>"
            yield "streamed</body></html>"

        return Response(generate(), mimetype="text/html")

    @app.route("/compressed")
    def compressed():
        response = Response(gzip.compress(b"<html><body>zipped</body></html>"))
        response.headers["Content-Encoding"] = "gzip"
        return response

    @app.route("/fragment")
    def fragment():
        return "<p>no body tag</p>"

    app.add_url_rule("/old-home", "old_home", redirect_to="/")

    shop = Blueprint("shop", __name__, url_prefix="/shop")

    @shop.route("/basket")
    def basket():
        return "<html><body>basket</body></html>"

    app.register_blueprint(shop)
    return app, toolbar


@pytest.fixture
def app(templates):
    return make_app(templates)[0]


@pytest.fixture
def client(app):
    return app.test_client()


def panel_text(page: str, dom_id: str) -> str:
    """The text of one panel's content, tags stripped and whitespace collapsed."""
    start = page.index(f'id="{dom_id}-content"')
    end = page.find('class="flDebugPanelContentParent"', start + len(dom_id) + 20)
    chunk = page[start : end if end != -1 else None]
    chunk = chunk.split(">", 1)[1]
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", chunk))).strip()


def nav_subtitle(page: str, dom_id: str) -> str:
    item = re.search(rf'<li id="{dom_id}">(.*?)</li>', page, re.S).group(1)
    return re.sub(r"\s+", " ", re.search(r"<small>(.*?)</small>", item, re.S).group(1)).strip()


# -- the toolbar in pages ---------------------------------------------------------------------


def test_toolbar_is_injected_before_the_closing_body_tag(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert int(response.headers["Content-Length"]) == len(response.data)
    toolbar_at = page.index('<div id="flDebug"')
    assert page.index("<h1>Home page</h1>") < page.index("<footer>(c) flagon</footer>") < toolbar_at
    assert toolbar_at < page.rindex("</body>")
    assert page.rstrip().endswith("</body>\n</html>")
    assert page.count('<div id="flDebug"') == 1
    assert re.findall(r'<li id="(flDebug\w+Panel)">', page) == PANELS
    # Every panel with content renders it (the profiler has none until activated).
    with_content = [name for name in PANELS if name != "flDebugProfilerPanel"]
    assert re.findall(r'<div id="(flDebug\w+Panel)-content"', page) == with_content


def test_toolbar_static_files_are_served_from_its_blueprint(client):
    page = client.get("/").get_data(as_text=True)
    assert "var DEBUG_TOOLBAR_STATIC_PATH = '/_debug_toolbar/static/'" in page
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert "/_debug_toolbar/static/js/toolbar.js" in scripts
    for src in scripts:
        response = client.get(src)
        assert response.status_code == 200, src
        assert response.mimetype in {"text/javascript", "application/javascript"}
        assert len(response.data) > 100
    css = client.get("/_debug_toolbar/static/css/toolbar.css")
    assert css.status_code == 200
    assert css.mimetype == "text/css"
    assert b"#flDebug" in css.data
    image = client.get("/_debug_toolbar/static/img/close.png")
    assert image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")
    assert client.get("/_debug_toolbar/static/js/missing.js").status_code == 404
    assert client.get("/_debug_toolbar/static/../__init__.py").status_code == 404


def test_toolbar_pages_are_not_themselves_given_a_toolbar(client):
    response = client.get("/_debug_toolbar/static/css/toolbar.css")
    assert b'id="flDebug"' not in response.data


def test_other_html_pages_views_and_blueprints_get_the_toolbar(client):
    response = client.get("/users/42")
    page = response.get_data(as_text=True)
    assert "<p>user 42</p>" in page
    assert 'id="flDebug"' in page
    assert page.endswith("</body></html>")
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert 'id="flDebug"' in client.get("/shop/basket").get_data(as_text=True)


def test_error_pages_keep_their_status(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert b"Not Found" in response.data
    response = client.put("/users/1")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_json_response_is_left_untouched(client):
    response = client.get("/api/items")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"items": [1, 2, 3]}
    assert b"flDebug" not in response.data
    assert int(response.headers["Content-Length"]) == len(response.data)


def test_non_html_and_streamed_responses_are_left_untouched(client):
    assert client.get("/text").data == b"plain </body> text"
    assert client.get("/stream").data == b"<html><body>streamed</body></html>"


def test_html_without_a_body_tag_is_left_untouched(client):
    with pytest.warns(UserWarning, match="Could not insert debug toolbar"):
        response = client.get("/fragment")
    assert response.data == b"<p>no body tag</p>"


def test_gzipped_html_gets_the_toolbar_inside_the_compression(client):
    response = client.get("/compressed")
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) == len(response.data)
    page = gzip.decompress(response.data).decode()
    assert page.startswith("<html><body>zipped")
    assert 'id="flDebug"' in page
    assert page.endswith("</body></html>")


def test_head_request(client):
    response = client.head("/")
    assert response.status_code == 200
    assert response.data == b""
    # The length of the page with its toolbar (whose timings and log lines vary).
    assert int(response.headers["Content-Length"]) > 10_000


# -- redirects ----------------------------------------------------------------------------------


def test_redirect_is_intercepted(client):
    response = client.get("/go")
    assert response.status_code == 200
    assert "Location" not in response.headers
    page = response.get_data(as_text=True)
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert "<title>Redirect intercepted</title>" in page
    assert "<h1>Redirect (302)</h1>" in page
    assert '<a href="/users/7">/users/7</a>' in page
    assert 'id="flDebug"' in page  # the interception page has the toolbar too

    page = client.get("/moved").get_data(as_text=True)
    assert "<h1>Redirect (301)</h1>" in page
    assert '<a href="https://example.org/elsewhere">' in page

    # A rule's redirect_to is a routing redirect (308), which the toolbar lets through.
    response = client.get("/old-home")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/"


def test_following_the_intercepted_link_reaches_the_target(client):
    page = client.get("/go").get_data(as_text=True)
    target = re.search(r'<p>Location: <a href="([^"]+)">', page).group(1)
    assert "<p>user 7</p>" in client.get(target).get_data(as_text=True)


def test_redirects_pass_through_when_interception_is_off(templates):
    app, _ = make_app(templates, DEBUG_TB_INTERCEPT_REDIRECTS=False)
    client = app.test_client()
    response = client.get("/go")
    assert response.status_code == 302
    assert response.headers["Location"] == "/users/7"
    assert b"Redirect intercepted" not in response.data
    assert "<p>user 7</p>" in client.get("/go", follow_redirects=True).text


# -- panels -------------------------------------------------------------------------------------


def test_request_vars_panel(client):
    client.set_cookie("theme", "dark")
    page = client.post("/?who=ada", data={"item": ["tea", "cake"]}).get_data(as_text=True)
    text = panel_text(page, "flDebugRequestVarsPanel")
    assert f"{__name__}.index" in text
    assert "'theme' 'dark'" in text  # cookies
    assert "'cart' 3" in text  # session, as the view left it
    assert "GET Variables Variable Value 'who' 'ada'" in text
    assert "POST Variables Variable Value 'item' 'tea', 'cake'" in text

    text = panel_text(client.get("/users/42").get_data(as_text=True), "flDebugRequestVarsPanel")
    assert f"{__name__}.user user_id=42" in text
    assert "SESSION Variables Variable Value 'cart' 3" in text  # read back from the cookie


def test_config_panel(client):
    text = panel_text(client.get("/").get_data(as_text=True), "flDebugConfigVarsPanel")
    assert "SITE_GREETING 'ahoy'" in text
    assert "DEBUG True" in text
    assert "DEBUG_TB_INTERCEPT_REDIRECTS True" in text
    assert "SECRET_KEY 'toolbar-secret'" in text


def test_template_panel_lists_rendered_templates_and_their_context(client):
    page = client.get("/").get_data(as_text=True)
    assert nav_subtitle(page, "flDebugTemplatePanel") == "1 rendered"
    text = panel_text(page, "flDebugTemplatePanel")
    assert text.startswith("Close Templates page.html")
    assert "title 'Home page'" in text
    assert "footer '(c) flagon'" in text

    page = client.get("/users/1").get_data(as_text=True)
    assert nav_subtitle(page, "flDebugTemplatePanel") == "0 rendered"
    assert "No template rendered" in panel_text(page, "flDebugTemplatePanel")


def test_logging_panel_shows_this_requests_records(client):
    page = client.get("/?who=grace").get_data(as_text=True)
    assert nav_subtitle(page, "flDebugLoggingPanel") == "2 messages"
    text = panel_text(page, "flDebugLoggingPanel")
    assert "INFO" in text and "rendering the index for grace" in text
    assert "WARNING" in text and "disk almost full" in text

    page = client.get("/users/1").get_data(as_text=True)
    assert nav_subtitle(page, "flDebugLoggingPanel") == "0 messages"
    assert "No messages logged." in panel_text(page, "flDebugLoggingPanel")


def test_route_list_panel(client, app):
    page = client.get("/").get_data(as_text=True)
    text = panel_text(page, "flDebugRouteListPanel")
    table = page[page.index("flDebugRouteListPanel-content") :]
    rows = dict(re.findall(r"<td>([^<]*)</td>\s*<td>([^<]*)</td>", table))
    expected = {
        rule.rule: rule.endpoint
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith("/_debug_toolbar")
    }
    assert len(expected) == 12  # with the static route
    assert nav_subtitle(page, "flDebugRouteListPanel") == f"{len(expected)} routes"
    for path, endpoint in expected.items():
        assert rows[html_lib.escape(path)] == endpoint
    assert "/shop/basket shop.basket GET, HEAD, OPTIONS False None" in text
    assert "/old-home old_home GET, HEAD, OPTIONS False /" in text
    assert "/_debug_toolbar" not in text


def test_headers_and_g_panels(client):
    page = client.get("/?x=1", headers={"Accept-Language": "fr", "Referer": "http://a/"}).text
    headers = panel_text(page, "flDebugHeaderPanel")
    assert "HTTP_ACCEPT_LANGUAGE fr" in headers
    assert "HTTP_REFERER http://a/" in headers
    assert "QUERY_STRING x=1" in headers
    assert "REQUEST_METHOD GET" in headers
    assert "HTTP_HOST localhost" in headers
    assert "current_user ada" in panel_text(page, "flDebuggPanel")


def test_versions_and_timer_panels(client):
    page = client.get("/").get_data(as_text=True)
    assert nav_subtitle(page, "flDebugVersionPanel").startswith("Flask ")
    assert "Werkzeug" in panel_text(page, "flDebugVersionPanel")
    assert re.fullmatch(r"CPU: [\d.]+ms \([\d.]+ms\)", nav_subtitle(page, "flDebugTimerPanel"))


def test_profiler_panel_activated_by_its_cookie(client):
    page = client.get("/").get_data(as_text=True)
    assert nav_subtitle(page, "flDebugProfilerPanel") == "in-active"

    client.set_cookie("fldt_active", "flDebugProfilerPanel")
    page = client.get("/").get_data(as_text=True)
    assert nav_subtitle(page, "flDebugProfilerPanel").startswith("View: ")
    text = panel_text(page, "flDebugProfilerPanel")
    assert "(index)" in text  # the view function, as profiled
    assert "render_template" in text


def test_template_editor(templates):
    app, _ = make_app(templates, DEBUG_TB_TEMPLATE_EDITOR_ENABLED=True)
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    editor_url = re.search(r'href="(/_debug_toolbar/views/template/[\w-]+)"', page).group(1)
    editor = client.get(editor_url)
    assert editor.status_code == 200
    assert b'id="flDebug"' not in editor.data  # the toolbar's own views get no toolbar
    assert html_lib.escape("<h1>{{ title }}</h1>") in editor.get_data(as_text=True)
    preview = client.post(editor_url, data={"content": "<b>{{ title }}</b> {{ footer }}"})
    assert preview.status_code == 200
    assert preview.get_data(as_text=True) == "<b>Home page</b> (c) flagon"
    broken = client.post(editor_url, data={"content": "{% if %}"})
    assert broken.status_code == 400
    assert broken.get_json()["lineno"] == 1


def test_template_editor_is_forbidden_unless_enabled(client):
    assert client.get("/_debug_toolbar/views/template/anything").status_code == 403


# -- when the toolbar is off -------------------------------------------------------------------


def test_debug_hosts_limits_who_sees_the_toolbar(templates):
    app, _ = make_app(templates, DEBUG_TB_HOSTS=["10.0.0.8"])
    client = app.test_client()
    assert b'id="flDebug"' not in client.get("/").data
    page = client.get("/", environ_base={"REMOTE_ADDR": "10.0.0.8"}).data
    assert b'id="flDebug"' in page


def test_no_toolbar_without_debug(templates):
    app, _ = make_app(templates, DEBUG=False)
    assert app.debug is False
    client = app.test_client()
    response = client.get("/")
    assert b"flDebug" not in response.data
    assert client.get("/go").status_code == 302
    assert client.get("/_debug_toolbar/static/css/toolbar.css").status_code == 404
    assert not any(rule.rule.startswith("/_debug_toolbar") for rule in app.url_map.iter_rules())


def test_debug_from_config_enables_it(templates):
    app = Flask(__name__, template_folder=str(templates))
    app.config.update(DEBUG=True, SECRET_KEY="k")
    DebugToolbarExtension(app)
    app.add_url_rule("/", "index", lambda: "<html><body>hi</body></html>")
    assert b'id="flDebug"' in app.test_client().get("/").data


def test_secret_key_is_required():
    app = Flask(__name__)
    app.debug = True
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        DebugToolbarExtension(app)


def test_init_app_factory_pattern(templates):
    toolbar = DebugToolbarExtension()
    app = Flask(__name__, template_folder=str(templates))
    app.config.update(DEBUG=True, SECRET_KEY="k")
    toolbar.init_app(app)
    app.add_url_rule("/", "index", lambda: render_template("page.html", title="T", footer="F"))
    page = app.test_client().get("/").get_data(as_text=True)
    assert "Close Templates page.html" in panel_text(page, "flDebugTemplatePanel")


def test_sqlalchemy_panel_lists_the_requests_queries():
    from flask_sqlalchemy import SQLAlchemy

    app = Flask(__name__)
    app.config.update(
        DEBUG=True,
        SECRET_KEY="k",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        SQLALCHEMY_RECORD_QUERIES=True,
    )
    db = SQLAlchemy(app)

    class Note(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        text = db.Column(db.String)

    with app.app_context():
        db.create_all()
        db.session.add(Note(text="hi"))
        db.session.commit()
    DebugToolbarExtension(app)

    @app.route("/notes")
    def notes():
        found = db.session.execute(db.select(Note).where(Note.id > 0)).scalars().all()
        return f"<html><body>{len(found)} notes</body></html>"

    page = app.test_client().get("/notes").get_data(as_text=True)
    assert "1 notes" in page
    assert nav_subtitle(page, "flDebugSQLAlchemyPanel") == "1 query"
    text = panel_text(page, "flDebugSQLAlchemyPanel")
    assert "(notes)" in text  # where the query was made
    assert re.search(r"SELECT note\.id, note\. ?text FROM note WHERE note\.id > \?", text)
