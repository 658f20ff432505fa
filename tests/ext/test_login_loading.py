"""Loading the user: lazily, once per request, from the session, the remember cookie or the
request loader, else the anonymous user; never for static files."""

from __future__ import annotations

import pytest
from login_helpers import listen

from flagon import Blueprint, Flagon, g, render_template_string, session
from flagon.ext.login import (
    AnonymousUserMixin,
    LoginManager,
    current_user,
    login_user,
    user_accessed,
    user_loaded_from_request,
)


def test_visitors_are_anonymous(login_app):
    client = login_app.test_client()
    assert client.get("/me").text == "anonymous"


def test_login_lasts_across_requests(login_app):
    client = login_app.test_client()
    assert client.get("/login/1").text == "True"
    assert client.get("/me").text == "Notch"


def test_login_stores_the_session_keys(login_app):
    client = login_app.test_client()
    client.get("/login/1")
    assert client.get("/session").text == "_fresh,_id,_user_id"
    with client.session_transaction() as sess:
        assert sess["_user_id"] == "1"
        assert sess["_fresh"] is True
        assert len(sess["_id"]) == 128  # a sha512 hex digest


def test_the_user_is_loaded_only_when_used(login_app, loads):
    @login_app.route("/plain")
    def plain():
        return "no user here"

    client = login_app.test_client()
    client.get("/login/1")
    client.get("/plain")
    assert loads == []


def test_the_user_is_loaded_once_per_request(login_app, loads):
    @login_app.route("/thrice")
    def thrice():
        names = [current_user.name for _ in range(3)]
        assert g._login_user is current_user._get_current_object()
        return ",".join(names)

    client = login_app.test_client()
    client.get("/login/1")
    assert client.get("/thrice").text == "Notch,Notch,Notch"
    assert loads == ["1"]


def test_an_unknown_user_id_in_the_session_means_anonymous(login_app, manager):
    client = login_app.test_client()
    client.get("/login/1")
    manager.user_loader(lambda user_id: None)
    assert client.get("/me").text == "anonymous"


def test_request_loader_is_used_when_nobody_is_logged_in(login_app, manager, users):
    @manager.request_loader
    def from_api_key(request):
        return users.get(request.headers.get("X-Api-Key", ""))

    client = login_app.test_client()
    with listen(user_loaded_from_request) as heard:
        assert client.get("/me", headers={"X-Api-Key": "2"}).text == "Steve"
    assert heard == [(login_app, {"user": users["2"]})]
    assert client.get("/me", headers={"X-Api-Key": "nobody"}).text == "anonymous"


def test_the_session_comes_before_the_request_loader(login_app, manager, users):
    manager.request_loader(lambda request: users["2"])
    client = login_app.test_client()
    client.get("/login/1")
    assert client.get("/me").text == "Notch"


def test_a_request_loader_alone_is_enough(make_app, users):
    app = make_app()
    manager = LoginManager(app)
    manager.request_loader(lambda request: users.get(request.args.get("as", "")))

    @app.route("/me")
    def me():
        return str(current_user.get_id())

    client = app.test_client()
    assert client.get("/me?as=2").text == "2"
    assert client.get("/me").text == "None"


def test_missing_loader_says_how_to_register_one(make_app):
    app = make_app()
    LoginManager(app)
    with app.test_request_context():
        session["_user_id"] = "1"
        with pytest.raises(RuntimeError, match="Missing user_loader or request_loader") as info:
            current_user.is_authenticated
    assert "@login_manager.user_loader" in str(info.value)


def test_without_a_login_manager_current_user_says_how_to_add_one():
    app = Flagon(__name__)
    with app.test_request_context():
        with pytest.raises(RuntimeError, match=r"LoginManager\(app\)"):
            current_user.is_authenticated


def test_custom_anonymous_user(login_app, manager):
    class Guest(AnonymousUserMixin):
        name = "guest"

    manager.anonymous_user = Guest

    @login_app.route("/who")
    def who():
        return current_user.name

    assert login_app.test_client().get("/who").text == "guest"


def test_current_user_outside_a_request_is_none(login_app):
    assert current_user._get_current_object() is None
    with login_app.app_context():
        assert current_user._get_current_object() is None


def test_current_user_in_a_test_request_context(login_app, users):
    with login_app.test_request_context():
        assert current_user.is_anonymous
        login_user(users["2"])
        assert current_user.name == "Steve"


def test_user_accessed_is_sent_once_when_the_user_is_loaded(login_app):
    client = login_app.test_client()
    with listen(user_accessed) as heard:
        client.get("/me")
    assert heard == [(login_app, {})]


def test_templates_see_current_user(login_app):
    @login_app.route("/page")
    def page():
        return render_template_string("{{ current_user.name }}")

    client = login_app.test_client()
    client.get("/login/2")
    assert client.get("/page").text == "Steve"


def test_a_template_not_using_current_user_loads_nobody(login_app, loads):
    @login_app.route("/page")
    def page():
        return render_template_string("hello")

    client = login_app.test_client()
    client.get("/login/2")
    assert client.get("/page").text == "hello"
    assert loads == []


def test_without_the_context_processor_templates_lack_current_user(make_app):
    app = make_app()
    LoginManager(app, add_context_processor=False)

    @app.route("/page")
    def page():
        return render_template_string("{{ current_user is defined }}")

    assert app.test_client().get("/page").text == "False"


# -- static files ---------------------------------------------------------------------------------


@pytest.fixture
def static_app(make_app, tmp_path, users, loads):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("body {}")
    (tmp_path / "shop_static").mkdir()
    (tmp_path / "shop_static" / "shop.css").write_text("p {}")
    app = make_app(root_path=str(tmp_path))
    manager = LoginManager(app)

    @manager.user_loader
    def load_user(user_id):
        loads.append(user_id)
        return users.get(user_id)

    seen = []

    @app.before_request
    def note_user():
        seen.append(current_user.is_authenticated)

    @app.route("/login")
    def login():
        login_user(users["1"], remember=True)
        return "ok"

    shop = Blueprint(
        "shop", __name__, static_folder=str(tmp_path / "shop_static"), static_url_path="/assets"
    )
    app.register_blueprint(shop, url_prefix="/shop")
    app.seen = seen
    return app


def test_static_files_never_load_the_user(static_app, loads):
    client = static_app.test_client()
    client.get("/login")
    loads.clear()
    static_app.seen.clear()
    with listen(user_accessed) as heard:
        assert client.get("/static/site.css").text == "body {}"
        assert client.get("/shop/assets/shop.css").text == "p {}"
    assert loads == []
    assert heard == []
    assert static_app.seen == [False, False]


def test_static_files_load_nobody_even_from_the_remember_cookie(static_app, loads):
    client = static_app.test_client()
    client.get("/login")
    client.delete_cookie("session")
    loads.clear()
    response = client.get("/static/site.css")
    assert loads == []
    assert not response.headers.getlist("Set-Cookie")


def test_static_files_can_load_the_user_when_asked(static_app, loads):
    static_app.login_manager.load_user_for_static = True
    client = static_app.test_client()
    client.get("/login")
    static_app.seen.clear()
    client.get("/static/site.css")
    assert static_app.seen == [True]
    assert loads == ["1"]


def test_requests_sharing_an_app_context_do_not_share_the_user(login_app, loads):
    # Test suites often keep an app context pushed (for the database) around client requests.
    logged_in, visitor = login_app.test_client(), login_app.test_client()
    with login_app.app_context():
        assert logged_in.get("/login/1").text == "True"
        assert visitor.get("/me").text == "anonymous"
        assert logged_in.get("/me").text == "Notch"


def test_a_user_set_on_g_by_hand_is_used(login_app, users, loads):
    with login_app.test_request_context():
        g._login_user = users["2"]
        assert current_user.name == "Steve"
    assert loads == []
