"""login_required, fresh_login_required and what happens to visitors who may not pass: the
unauthorized handler, else the login view (per blueprint) with ``next`` and a flash, else 401."""

from __future__ import annotations

import pytest
from login_helpers import drop_session, listen

from flagon import Blueprint, Response, get_flashed_messages
from flagon.ext.login import (
    current_user,
    fresh_login_required,
    login_required,
    safe_next_url,
    set_login_view,
    user_needs_refresh,
    user_unauthorized,
)
from flagon.views import MethodView


@pytest.fixture
def with_login_page(login_app, manager):
    manager.login_view = "login_page"

    @login_app.route("/signin")
    def login_page():
        messages = get_flashed_messages(with_categories=True)
        return f"login page {messages}"

    return login_app


def test_anonymous_visitors_get_401_without_a_login_view(login_app):
    client = login_app.test_client()
    assert client.get("/secret").status_code == 401
    client.get("/login/1")
    assert client.get("/secret").text == "secret of Notch"


def test_unauthorized_sends_its_signal(login_app):
    with listen(user_unauthorized) as heard:
        login_app.test_client().get("/secret")
    assert heard == [(login_app, {})]


def test_the_unauthorized_handler_answers_instead(login_app, manager):
    @manager.unauthorized_handler
    def go_away():
        return Response("members only", 403)

    response = login_app.test_client().get("/secret")
    assert (response.status_code, response.text) == (403, "members only")


def test_visitors_are_sent_to_the_login_view_with_next(with_login_page):
    response = with_login_page.test_client().get("/secret?page=2")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signin?next=%2Fsecret%3Fpage%3D2"


def test_the_login_message_is_flashed(with_login_page):
    response = with_login_page.test_client().get("/secret", follow_redirects=True)
    assert response.text == "login page [('message', 'Please log in to access this page.')]"


def test_login_message_category_and_localization(with_login_page, manager):
    manager.login_message = "Log in!"
    manager.login_message_category = "info"
    manager.localize_callback = {"Log in!": "Einloggen!"}.get
    response = with_login_page.test_client().get("/secret", follow_redirects=True)
    assert response.text == "login page [('info', 'Einloggen!')]"


def test_no_flash_without_a_login_message(with_login_page, manager):
    manager.login_message = None
    response = with_login_page.test_client().get("/secret", follow_redirects=True)
    assert response.text == "login page []"


def test_a_login_view_may_be_a_path(login_app, manager):
    manager.login_view = "/accounts/login?lang=en"
    response = login_app.test_client().get("/secret")
    assert response.headers["Location"] == "/accounts/login?lang=en&next=%2Fsecret"


def test_force_host_for_redirects(with_login_page):
    with_login_page.config["FORCE_HOST_FOR_REDIRECTS"] = "example.test"
    response = with_login_page.test_client().get("/secret")
    assert response.headers["Location"] == "//example.test/signin?next=%2Fsecret"


def test_next_can_be_kept_in_the_session(with_login_page):
    with_login_page.config["USE_SESSION_FOR_NEXT"] = True

    @with_login_page.route("/after-login")
    def after_login():
        return safe_next_url()

    client = with_login_page.test_client()
    response = client.get("/secret")
    assert response.headers["Location"] == "/signin"
    with client.session_transaction() as sess:
        assert sess["next"] == "/secret"
    assert client.get("/after-login").text == "/secret"
    assert client.get("/after-login").text == "/"  # used once


def test_blueprints_have_their_own_login_views(login_app, manager):
    admin = Blueprint("admin", __name__)
    reports = Blueprint("reports", __name__)
    shop = Blueprint("shop", __name__)

    @admin.route("/secret")
    @login_required
    def admin_secret():
        return "admin"

    @reports.route("/secret")
    @login_required
    def reports_secret():
        return "reports"

    @shop.route("/secret")
    @login_required
    def shop_secret():
        return "shop"

    @admin.route("/login")
    def login():
        return "admin login"

    admin.register_blueprint(reports, url_prefix="/reports")
    login_app.register_blueprint(admin, url_prefix="/admin")
    login_app.register_blueprint(shop, url_prefix="/shop")
    manager.login_view = "/login"
    manager.blueprint_login_views = {"admin": "admin.login", "shop": None}

    client = login_app.test_client()
    assert client.get("/admin/secret").headers["Location"] == "/admin/login?next=%2Fadmin%2Fsecret"
    # A nested blueprint without its own view uses its parent's.
    location = client.get("/admin/reports/secret").headers["Location"]
    assert location == "/admin/login?next=%2Fadmin%2Freports%2Fsecret"
    # None falls back to the app's login view.
    assert client.get("/shop/secret").headers["Location"] == "/login?next=%2Fshop%2Fsecret"
    assert client.get("/secret").headers["Location"] == "/login?next=%2Fsecret"


def test_set_login_view(login_app, manager):
    shop = Blueprint("shop", __name__)

    @shop.route("/secret")
    @login_required
    def secret():
        return "shop"

    login_app.register_blueprint(shop, url_prefix="/shop")
    with login_app.app_context():
        set_login_view("/app-login")
        assert manager.login_view == "/app-login"
        set_login_view("/shop-login", blueprint=shop)
    assert manager.login_view is None
    assert manager.blueprint_login_views == {"shop": "/shop-login", None: "/app-login"}
    client = login_app.test_client()
    assert client.get("/secret").headers["Location"] == "/app-login?next=%2Fsecret"
    assert client.get("/shop/secret").headers["Location"] == "/shop-login?next=%2Fshop%2Fsecret"


def test_options_requests_pass(login_app):
    @login_app.route("/preflight", methods=["GET", "OPTIONS"])
    @fresh_login_required
    @login_required
    def preflight():
        return "allowed"

    client = login_app.test_client()
    assert client.options("/preflight").text == "allowed"
    assert client.get("/preflight").status_code == 401


def test_method_views_can_be_protected(login_app):
    class Dashboard(MethodView):
        decorators = [login_required]

        def get(self):
            return f"dashboard of {current_user.name}"

    login_app.add_url_rule("/dashboard", view_func=Dashboard.as_view("dashboard"))
    client = login_app.test_client()
    assert client.get("/dashboard").status_code == 401
    client.get("/login/2")
    assert client.get("/dashboard").text == "dashboard of Steve"


def test_login_disabled_lets_everyone_in(login_app):
    login_app.config["LOGIN_DISABLED"] = True
    client = login_app.test_client()
    assert client.get("/sensitive").text == "sensitive"
    assert login_app.login_manager._login_disabled is False  # outside the app context


def test_async_views_are_protected(login_app):
    @login_app.route("/async-secret")
    @login_required
    async def async_secret():
        return f"async secret of {current_user.name}"

    @login_app.route("/async-sensitive")
    @fresh_login_required
    async def async_sensitive():
        return "async sensitive"

    client = login_app.test_client()
    assert client.get("/async-secret").status_code == 401
    client.get("/login/1?remember")
    assert client.get("/async-secret").text == "async secret of Notch"
    assert client.get("/async-sensitive").text == "async sensitive"
    drop_session(client)
    assert client.get("/async-sensitive").status_code == 401


# -- fresh logins ---------------------------------------------------------------------------------


def come_back_stale(app):
    """A client whose login came back through the remember cookie, so it is not fresh."""
    client = app.test_client()
    client.get("/login/1?remember")
    drop_session(client)
    assert client.get("/me").text == "Notch"
    return client


@pytest.fixture
def stale_client(login_app):
    return come_back_stale(login_app)


def test_a_stale_login_gets_401_without_a_refresh_view(stale_client):
    with listen(user_needs_refresh) as heard:
        assert stale_client.get("/sensitive").status_code == 401
    assert len(heard) == 1
    assert stale_client.get("/secret").status_code == 200


def test_a_stale_login_is_sent_to_the_refresh_view(login_app, manager):
    manager.refresh_view = "reauthenticate"

    @login_app.route("/reauthenticate")
    def reauthenticate():
        return f"confirm your password {get_flashed_messages(with_categories=True)}"

    stale_client = come_back_stale(login_app)
    response = stale_client.get("/sensitive")
    assert response.headers["Location"] == "/reauthenticate?next=%2Fsensitive"
    expected = "[('message', 'Please reauthenticate to access this page.')]"
    assert stale_client.get("/reauthenticate").text == f"confirm your password {expected}"


def test_refresh_message_category_and_localization(login_app, manager):
    manager.refresh_view = "/again"
    manager.needs_refresh_message = "Again!"
    manager.needs_refresh_message_category = "warning"
    manager.localize_callback = str.upper

    @login_app.route("/again")
    def again():
        return str(get_flashed_messages(with_categories=True))

    stale_client = come_back_stale(login_app)
    assert stale_client.get("/sensitive", follow_redirects=True).text == "[('warning', 'AGAIN!')]"


def test_the_needs_refresh_handler_answers_instead(manager, stale_client):
    manager.needs_refresh_handler(lambda: ("please confirm", 403))
    response = stale_client.get("/sensitive")
    assert (response.status_code, response.text) == (403, "please confirm")


def test_confirm_login_makes_fresh_pages_reachable(stale_client):
    stale_client.get("/confirm")
    assert stale_client.get("/sensitive").text == "sensitive"


def test_anonymous_visitors_of_fresh_pages_are_unauthorized(with_login_page):
    response = with_login_page.test_client().get("/sensitive")
    assert response.headers["Location"] == "/signin?next=%2Fsensitive"


def test_a_handler_returning_none_does_not_open_the_view(login_app, manager):
    login_app.testing = False
    manager.unauthorized_handler(lambda: None)
    response = login_app.test_client().get("/secret")
    assert response.status_code == 500
    assert "secret" not in response.text


def test_session_is_untouched_by_a_401(login_app):
    client = login_app.test_client()
    response = client.get("/secret")
    assert response.status_code == 401
    assert not response.headers.getlist("Set-Cookie")
    with client.session_transaction() as sess:
        assert dict(sess) == {}
