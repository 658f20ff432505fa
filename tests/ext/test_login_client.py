"""The test client that logs a user in: ``app.test_client(user=u)``."""

from __future__ import annotations

from login_helpers import drop_session

from flagon.ext.login import FlagonLoginClient, FlaskLoginClient, LoginManager
from flagon.testing import FlagonClient


def test_init_app_installs_the_login_client(login_app):
    assert login_app.test_client_class is FlagonLoginClient
    assert FlaskLoginClient is FlagonLoginClient


def test_an_apps_own_client_class_is_kept(make_app):
    class MyClient(FlagonClient):
        pass

    app = make_app()
    app.test_client_class = MyClient
    LoginManager(app)
    assert app.test_client_class is MyClient


def test_the_client_starts_logged_in(login_app, users):
    client = login_app.test_client(user=users["2"])
    assert client.get("/me").text == "Steve"
    assert client.get("/sensitive").text == "sensitive"


def test_the_login_passes_strong_session_protection(login_app, manager, users):
    manager.session_protection = "strong"
    client = login_app.test_client(user=users["2"])
    assert client.get("/me").text == "Steve"
    assert client.get("/me").text == "Steve"


def test_a_stale_login(login_app, users):
    client = login_app.test_client(user=users["1"], fresh_login=False)
    assert client.get("/secret").status_code == 200
    assert client.get("/sensitive").status_code == 401


def test_a_remembered_login_survives_the_session(login_app, users):
    client = login_app.test_client(user=users["1"], remembered_login=True)
    assert client.get_cookie("remember_token") is not None
    drop_session(client)
    assert client.get("/me").text == "Notch"


def test_log_in_and_out_on_the_way(login_app, users):
    client = login_app.test_client()
    assert client.get("/me").text == "anonymous"
    client.login(users["1"], remember=True)
    assert client.get("/me").text == "Notch"
    client.logout()
    assert client.get("/me").text == "anonymous"
    assert client.get_cookie("remember_token") is None


def test_without_a_user_the_client_is_anonymous(login_app):
    assert login_app.test_client().get("/me").text == "anonymous"
