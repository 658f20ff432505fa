"""The remember cookie: set and cleared after the request, signed, dated, and revocable."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from login_helpers import User, drop_session, listen

from flagon import session
from flagon.ext.login import (
    LoginManager,
    current_user,
    decode_cookie,
    encode_cookie,
    login_remembered,
    login_user,
    logout_user,
    user_loaded_from_cookie,
)
from flagon.ext.login.remember import decode_remember_cookie

DAY = 24 * 3600


def set_cookies(response, name="remember_token"):
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]


def remembered_client(app, user_id="1"):
    """A client that logged in with "remember me" and then closed the browser."""
    client = app.test_client()
    client.get(f"/login/{user_id}?remember")
    drop_session(client)
    return client


def later(monkeypatch, seconds):
    now = time.time()
    monkeypatch.setattr("flagon.ext.login.remember._now", lambda: now + seconds)


def test_login_with_remember_sets_the_cookie(login_app):
    response = login_app.test_client().get("/login/1?remember")
    [header] = set_cookies(response)
    assert f"Max-Age={365 * DAY}" in header
    assert "HttpOnly" in header and "Path=/" in header and "Expires=" in header
    assert "Secure" not in header and "SameSite" not in header


def test_login_without_remember_sets_no_cookie(login_app):
    client = login_app.test_client()
    assert set_cookies(client.get("/login/1")) == []
    assert client.get_cookie("remember_token") is None


def test_the_cookie_brings_the_user_back_without_a_session(login_app, users):
    client = remembered_client(login_app)
    with listen(user_loaded_from_cookie) as heard:
        assert client.get("/me").text == "Notch"
    assert heard == [(login_app, {"user": users["1"]})]
    # Back through the cookie: logged in again, but not fresh.
    assert client.get("/session").text == "_fresh,_id,_remember_seconds,_user_id"
    assert client.get("/fresh").text == "False"
    assert client.get("/secret").status_code == 200


def test_the_cookie_is_not_read_while_the_session_has_the_user(login_app, loads, monkeypatch):
    client = login_app.test_client()
    client.get("/login/1?remember")
    decoded = []
    monkeypatch.setattr(
        "flagon.ext.login.manager.decode_remember_cookie",
        lambda *args: decoded.append(args) or decode_remember_cookie(*args),
    )
    assert client.get("/me").text == "Notch"
    assert decoded == [] and loads == ["1"]


def test_login_remembered_in_a_request_with_the_cookie(login_app):
    @login_app.route("/remembered")
    def remembered():
        return str(login_remembered())

    client = login_app.test_client()
    assert client.get("/remembered").text == "False"
    client.get("/login/1?remember")
    assert client.get("/remembered").text == "True"


def test_cookie_settings_come_from_the_config(login_app):
    login_app.config.update(
        REMEMBER_COOKIE_NAME="keep",
        REMEMBER_COOKIE_DURATION=timedelta(days=2),
        REMEMBER_COOKIE_DOMAIN="example.test",
        REMEMBER_COOKIE_PATH="/app",
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_HTTPONLY=False,
        REMEMBER_COOKIE_SAMESITE="Lax",
    )
    [header] = set_cookies(login_app.test_client().get("/login/1?remember"), "keep")
    assert f"Max-Age={2 * DAY}" in header
    assert "Domain=example.test" in header and "Path=/app" in header
    assert "Secure" in header and "SameSite=Lax" in header and "HttpOnly" not in header


def test_duration_may_be_given_in_seconds(login_app):
    login_app.config["REMEMBER_COOKIE_DURATION"] = 172800
    [header] = set_cookies(login_app.test_client().get("/login/1?remember"))
    assert "Max-Age=172800" in header


def test_a_bad_duration_setting_is_an_error(login_app):
    login_app.config["REMEMBER_COOKIE_DURATION"] = "123"
    with pytest.raises(TypeError, match=r"REMEMBER_COOKIE_DURATION must be a datetime\.timedelta"):
        login_app.test_client().get("/login/1?remember")


def test_login_user_duration_sets_the_cookie_lifetime(login_app, users):
    @login_app.route("/login-briefly")
    def login_briefly():
        login_user(users["1"], remember=True, duration=timedelta(hours=7))
        return "ok"

    [header] = set_cookies(login_app.test_client().get("/login-briefly"))
    assert "Max-Age=25200" in header


def test_logout_deletes_the_cookie_with_its_attributes(login_app):
    login_app.config.update(REMEMBER_COOKIE_SECURE=True, REMEMBER_COOKIE_SAMESITE="None")
    client = login_app.test_client()
    client.get("/login/1?remember")
    [header] = set_cookies(client.get("/logout"))
    # Browsers only drop a SameSite=None cookie when the deletion says so too.
    assert "Max-Age=0" in header and "Secure" in header and "SameSite=None" in header
    drop_session(client)
    assert client.get("/me").text == "anonymous"


def test_logout_then_session_clear_still_deletes_the_cookie(login_app):
    @login_app.route("/logout-and-clear")
    def logout_and_clear():
        logout_user()
        session.clear()
        return "bye"

    client = login_app.test_client()
    client.get("/login/1?remember")
    client.get("/logout-and-clear")
    assert client.get_cookie("remember_token") is None
    assert client.get("/me").text == "anonymous"


def test_a_tampered_cookie_is_refused_and_deleted(login_app, loads):
    client = remembered_client(login_app)
    value = client.get_cookie("remember_token").value
    client.set_cookie("remember_token", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    response = client.get("/me")
    assert response.text == "anonymous"
    assert "Max-Age=0" in set_cookies(response)[0]
    assert loads == []


@pytest.mark.parametrize(
    "value",
    [
        "1|" + "0" * 128,  # Flask-Login's format: an id and an HMAC digest
        "not a cookie",
        URLSafeTimedSerializer("test secret", salt="other").dumps(["1", "", 99999]),
        URLSafeTimedSerializer("test secret", salt="flagon-login-remember").dumps({"id": "1"}),
    ],
    ids=["flask-login-format", "garbage", "other-salt", "not-a-list"],
)
def test_cookies_not_made_by_the_extension_are_refused(login_app, value):
    client = login_app.test_client()
    client.set_cookie("remember_token", value)
    response = client.get("/me")
    assert response.text == "anonymous"
    assert client.get_cookie("remember_token") is None


def test_changing_the_remember_token_revokes_old_cookies(login_app, users):
    client = remembered_client(login_app)
    users["1"].remember_token = "new after log out everywhere"
    response = client.get("/me")
    assert response.text == "anonymous"
    assert "Max-Age=0" in set_cookies(response)[0]
    assert client.get_cookie("remember_token") is None


def test_changing_the_password_revokes_old_cookies(make_app):
    class Account(User):
        def __init__(self):
            super().__init__("1", "Notch")
            del self.remember_token
            self.password_hash = "hash of the old password"

    account = Account()
    app = make_app()
    manager = LoginManager(app)
    manager.user_loader(lambda user_id: account if user_id == "1" else None)

    @app.route("/login")
    def login():
        login_user(account, remember=True)
        return "ok"

    @app.route("/me")
    def me():
        return str(current_user.is_authenticated)

    client = app.test_client()
    client.get("/login")
    drop_session(client)
    assert client.get("/me").text == "True"
    drop_session(client)
    account.password_hash = "hash of the new password"
    assert client.get("/me").text == "False"


def test_users_without_get_remember_token_are_remembered(make_app):
    class Minimal:
        is_active = is_authenticated = True
        is_anonymous = False

        def get_id(self):
            return "m"

    user = Minimal()
    app = make_app()
    LoginManager(app).user_loader(lambda user_id: user if user_id == "m" else None)

    @app.route("/login")
    def login():
        return str(login_user(user, remember=True))

    @app.route("/me")
    def me():
        return str(current_user.get_id())

    client = app.test_client()
    client.get("/login")
    drop_session(client)
    assert client.get("/me").text == "m"


def test_a_cookie_for_a_deleted_user_is_deleted(login_app, users):
    client = remembered_client(login_app)
    del users["1"]
    response = client.get("/me")
    assert response.text == "anonymous"
    assert client.get_cookie("remember_token") is None


def test_the_signature_date_bounds_the_cookie_age(login_app, monkeypatch):
    client = remembered_client(login_app)
    later(monkeypatch, 366 * DAY)  # the browser kept it past its expiry
    assert client.get("/me").text == "anonymous"


def test_a_custom_duration_is_enforced_from_the_signature(login_app, users, monkeypatch):
    @login_app.route("/login-briefly")
    def login_briefly():
        login_user(users["1"], remember=True, duration=timedelta(hours=1))
        return "ok"

    client = login_app.test_client()
    client.get("/login-briefly")
    value = client.get_cookie("remember_token").value
    drop_session(client)
    later(monkeypatch, 1800)
    assert client.get("/me").text == "Notch"
    drop_session(client)
    client.set_cookie("remember_token", value)
    later(monkeypatch, 7200)
    assert client.get("/me").text == "anonymous"


def test_a_new_secret_key_refuses_old_cookies(login_app):
    client = remembered_client(login_app)
    login_app.config["SECRET_KEY"] = "rotated secret"
    assert client.get("/me").text == "anonymous"


def test_old_secret_keys_in_fallbacks_still_verify(login_app):
    client = remembered_client(login_app)
    login_app.config.update(SECRET_KEY="rotated secret", SECRET_KEY_FALLBACKS=["test secret"])
    assert client.get("/me").text == "Notch"


def test_new_cookies_are_signed_with_the_current_key(login_app):
    login_app.config.update(SECRET_KEY="rotated secret", SECRET_KEY_FALLBACKS=["test secret"])
    client = login_app.test_client()
    client.get("/login/1?remember")
    value = client.get_cookie("remember_token").value
    URLSafeTimedSerializer("rotated secret", salt="flagon-login-remember").loads(value)


def test_the_cookie_carries_no_secret(login_app, users):
    users["1"].remember_token = "SECRET-TOKEN-VALUE"
    client = login_app.test_client()
    client.get("/login/1?remember")
    payload = URLSafeTimedSerializer("test secret", salt="flagon-login-remember").loads(
        client.get_cookie("remember_token").value
    )
    assert payload[0] == "1" and "SECRET-TOKEN-VALUE" not in str(payload)


def test_no_cookie_is_refreshed_by_default(login_app):
    client = login_app.test_client()
    client.get("/login/1?remember")
    assert set_cookies(client.get("/me")) == []


def test_refresh_each_request_renews_the_cookie(login_app, monkeypatch):
    login_app.config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"] = True
    client = login_app.test_client()
    client.get("/login/1?remember")
    first = client.get_cookie("remember_token").value
    # 300 days on, for the signer too, the user visits again...
    signed_at = int(time.time()) + 300 * DAY
    monkeypatch.setattr("itsdangerous.timed.TimestampSigner.get_timestamp", lambda self: signed_at)
    later(monkeypatch, 300 * DAY)
    [header] = set_cookies(client.get("/me"))
    assert f"Max-Age={365 * DAY}" in header
    assert client.get_cookie("remember_token").value != first
    # ...so 400 days on, past the first cookie's end, the renewed one still works.
    later(monkeypatch, 400 * DAY)
    drop_session(client)
    assert client.get("/me").text == "Notch"
    drop_session(client)
    client.set_cookie("remember_token", first)
    assert client.get("/me").text == "anonymous"


def test_refresh_each_request_does_not_remember_a_plain_login(login_app):
    login_app.config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"] = True
    client = login_app.test_client()
    client.get("/login/1")
    assert set_cookies(client.get("/me")) == []
    assert client.get_cookie("remember_token") is None


def test_logging_in_without_remember_drops_another_accounts_cookie(login_app):
    client = login_app.test_client()
    client.get("/login/1?remember")
    client.get("/login/2")
    assert client.get_cookie("remember_token") is None
    drop_session(client)
    assert client.get("/me").text == "anonymous"


def test_encode_and_decode_cookie(login_app):
    with login_app.app_context():
        value = encode_cookie("payload")
        assert decode_cookie(value) == "payload"
        assert decode_cookie(value + "x") is None
        assert decode_cookie("payload|digest") is None
        assert decode_cookie(encode_cookie("p", key="other"), key="other") == "p"
        assert decode_cookie(encode_cookie("p", key="other")) is None
