"""Logging in through a real server (waitress) with a cookie-keeping HTTP client."""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
import waitress
from login_helpers import User

from flagon import Flagon, redirect, request
from flagon.ext.login import (
    LoginManager,
    current_user,
    login_required,
    login_user,
    logout_user,
    safe_next_url,
)


def make_forum() -> Flagon:
    app = Flagon(__name__)
    app.config["SECRET_KEY"] = "integration secret"
    users = {"1": User("1", "Notch")}
    manager = LoginManager(app)
    manager.login_view = "login"
    manager.session_protection = "strong"
    manager.user_loader(users.get)

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "POST":
            login_user(users[request.form["user"]], remember="remember" in request.form)
            return redirect(safe_next_url())
        return "login page"

    @app.route("/secret")
    @login_required
    def secret():
        return f"secret of {current_user.name}"

    @app.route("/me")
    def me():
        return current_user.name if current_user.is_authenticated else "anonymous"

    @app.route("/logout")
    def logout():
        logout_user()
        return "bye"

    return app


@pytest.fixture
def server_url():
    server = waitress.create_server(make_forum(), host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    for channel in list(server._map.values()):
        channel.close()
    server.task_dispatcher.shutdown()
    thread.join(timeout=10)


def cookie_names(jar: CookieJar) -> set[str]:
    return {cookie.name for cookie in jar}


def forget(jar: CookieJar, name: str) -> None:
    for cookie in list(jar):
        if cookie.name == name:
            jar.clear(cookie.domain, cookie.path, cookie.name)


def test_remember_me_through_a_real_server(server_url):
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(path: str, data: dict | None = None) -> tuple[str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with browser.open(server_url + path, data=body, timeout=10) as response:
            return response.geturl(), response.read().decode()

    # A protected page sends the visitor to the login page, remembering where they were going.
    url, text = get("/secret")
    assert (url, text) == (server_url + "/login?next=%2Fsecret", "login page")

    # Logging in with "remember me" leads back there.
    url, text = get("/login?next=%2Fsecret", {"user": "1", "remember": "on"})
    assert (url, text) == (server_url + "/secret", "secret of Notch")
    assert {"session", "remember_token"} <= cookie_names(jar)

    # The browser is closed: the session cookie is gone, the remember cookie brings the user back,
    # and strong session protection keeps them logged in on the following requests.
    forget(jar, "session")
    assert get("/me")[1] == "Notch"
    assert get("/secret")[1] == "secret of Notch"

    # Logging out deletes the remember cookie too.
    assert get("/logout")[1] == "bye"
    assert "remember_token" not in cookie_names(jar)
    forget(jar, "session")
    assert get("/me")[1] == "anonymous"
