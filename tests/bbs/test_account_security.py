"""Account security: what logging out, a new password and a ban revoke; the captcha and the
rate limits; the secret key; trusted hosts; look-alike usernames."""

from __future__ import annotations

import os
import pathlib
import re
import secrets
import subprocess
import sys
import threading
import time

import pytest
from bbs_helpers import (
    PASSWORD,
    csrf_token,
    logged_in_name,
    login,
    make_user,
    solve_captcha,
    token_for,
)
from sqlalchemy import func, select

from bbs import create_app
from bbs.config import MAKE_A_KEY, InsecureSecretKey, secret_key_problem
from bbs.db import db
from bbs.limits import client_network
from bbs.models import LoginSession, User
from bbs.passwords import verify_password


def _copy_cookies(app, client, *names):
    """A new client holding copies of ``client``'s cookies called ``names``."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def _log_out(client):
    response = client.post("/logout", data={"csrf_token": token_for(client, "/")})
    assert response.status_code == 302
    return response


def _open_logins(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LoginSession))


# Logging out revokes the login server-side ---------------------------------------------------


def test_a_copied_session_cookie_stops_working_at_logout(app, member):
    client = app.test_client()
    login(client, "ada")
    copy = _copy_cookies(app, client, "session")
    assert logged_in_name(copy) == "ada"
    _log_out(client)
    assert logged_in_name(copy) is None


def test_a_copied_remember_cookie_stops_working_at_logout(app, member):
    client = app.test_client()
    login(client, "ada", remember=True)
    remember = client.get_cookie("remember_token").value
    copy = _copy_cookies(app, client, "remember_token")
    assert logged_in_name(copy) == "ada"  # and now it has a session of its own too
    _log_out(client)
    assert logged_in_name(copy) is None
    only_the_cookie = app.test_client()
    only_the_cookie.set_cookie("remember_token", remember)
    assert logged_in_name(only_the_cookie) is None


def test_logging_out_ends_only_this_login(app, member):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, "ada", remember=True)
    login(laptop, "ada", remember=True)
    assert _open_logins(app) == 2
    _log_out(laptop)
    assert _open_logins(app) == 1
    assert logged_in_name(phone) == "ada"
    phone.delete_cookie("session")
    assert logged_in_name(phone) == "ada"


def test_a_new_password_ends_every_other_login(app, member):
    from test_password import _change

    here, elsewhere = app.test_client(), app.test_client()
    login(elsewhere, "ada", remember=True)
    login(here, "ada")
    stolen = _copy_cookies(app, elsewhere, "session", "remember_token")
    _change(here)
    assert _open_logins(app) == 1  # this device's new login
    assert logged_in_name(stolen) is None
    assert logged_in_name(here) == "ada"


def test_a_ban_ends_every_login(app, admin, member):
    client = app.test_client()
    login(client, "ada", remember=True)
    from bbs.admin import moderation
    from bbs.models import User

    with app.test_request_context(method="POST"):
        moderation.set_banned(db.session.get(User, admin.id), db.session.get(User, member.id), True)
        db.session.commit()
    assert _open_logins(app) == 0
    with app.app_context():
        user = db.session.get(User, member.id)
        user.banned = False
        db.session.commit()
    assert logged_in_name(client) is None  # unbanning doesn't bring the old logins back


def test_sessions_from_before_server_side_logins_log_nobody_in(app, member):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(member.id)  # what a session used to carry
    assert logged_in_name(client) is None


# The captcha is used once, server-side; registrations are rate-limited ---------------------


def _users(app):
    with app.app_context():
        return set(db.session.scalars(select(User.username)))


def _registration(page, username, answer=None):
    return {
        "csrf_token": csrf_token(page),
        "username": username,
        "email": f"{username}@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "captcha": solve_captcha(page) if answer is None else answer,
    }


def _replay(app, cookie, page, username, answer=None, address="192.0.2.9"):
    """Send a registration with a saved session cookie, as a bot replaying it would."""
    bot = app.test_client()
    bot.set_cookie("session", cookie)
    return bot.post(
        "/register",
        data=_registration(page, username, answer),
        environ_base={"REMOTE_ADDR": address},
    )


def test_replaying_the_captcha_cookie_registers_nobody_more(app):
    client = app.test_client()
    page = client.get("/register").text
    cookie = client.get_cookie("session").value
    assert _replay(app, cookie, page, "firstbot").status_code == 302
    response = _replay(app, cookie, page, "secondbot")
    assert response.status_code == 200
    assert "That is not the answer" in response.text
    assert _users(app) == {"firstbot"}


def test_one_guess_per_question(app):
    client = app.test_client()
    page = client.get("/register").text
    cookie = client.get_cookie("session").value
    right = int(solve_captcha(page))
    for guess in (right + 1, right + 2):  # wrong guesses, each on the same cookie
        assert "That is not the answer" in _replay(app, cookie, page, "guesser", str(guess)).text
    response = _replay(app, cookie, page, "guesser", str(right))
    assert "That is not the answer" in response.text  # even the right one, now
    assert _users(app) == set()


def _attempt(client, username, address):
    page = client.get("/register").text
    return client.post(
        "/register",
        data=_registration(page, username, answer="-1"),
        environ_base={"REMOTE_ADDR": address},
    )


def test_registrations_from_one_address_are_limited(make_app):
    app = make_app(REGISTRATION_ATTEMPTS_PER_ADDRESS=3)
    client = app.test_client()
    for n in range(3):
        assert _attempt(client, f"bot{n}", "192.0.2.1").status_code == 200
    response = _attempt(client, "bot3", "192.0.2.1")
    assert response.status_code == 429
    assert "Too many registrations from your address." in response.text
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    page = client.get("/register").text  # even the right answer: no hash is computed
    response = client.post(
        "/register", data=_registration(page, "patient"), environ_base={"REMOTE_ADDR": "192.0.2.1"}
    )
    assert response.status_code == 429
    other = app.test_client()
    page = other.get("/register").text
    response = other.post(
        "/register",
        data=_registration(page, "person"),
        environ_base={"REMOTE_ADDR": "198.51.100.1"},
    )
    assert response.status_code == 302
    assert _users(app) == {"person"}


def test_registrations_are_limited_in_total(make_app):
    app = make_app(REGISTRATION_ATTEMPTS_TOTAL=3)
    for n in range(3):
        assert _attempt(app.test_client(), f"bot{n}", f"192.0.2.{n}").status_code == 200
    response = _attempt(app.test_client(), "bot3", "198.51.100.1")
    assert response.status_code == 429
    assert "Too many people are registering right now." in response.text


# The login limit holds against simultaneous guesses ------------------------------------------


def _simultaneously(count, action):
    """Run ``action(n)`` in ``count`` threads started together; their results, in order."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(n):
        barrier.wait(timeout=10)
        results[n] = action(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_simultaneous_wrong_guesses_are_counted_one_by_one(app, member, monkeypatch):
    from bbs.accounts import ratelimit, views

    real_verify = views.verify_password

    def slow_verify(password_hash, password):  # Argon2's real cost, so the guesses overlap
        time.sleep(0.2)
        return real_verify(password_hash, password)

    monkeypatch.setattr(views, "verify_password", slow_verify)
    clients = [app.test_client() for _ in range(12)]
    tokens = [token_for(client) for client in clients]

    def guess(n):
        data = {"csrf_token": tokens[n], "username": "ada", "password": f"guess {n}"}
        return (
            clients[n]
            .post("/login", data=data, environ_base={"REMOTE_ADDR": f"192.0.2.{n}"})
            .status_code
        )

    statuses = _simultaneously(12, guess)
    assert sorted(statuses) == [200] * 5 + [429] * 7
    with app.app_context():
        assert ratelimit.failure_count("ada") == 5


# Logging in renews the CSRF secret ------------------------------------------------------------


def test_a_csrf_token_from_before_the_login_is_refused_after_it(app, member):
    client = app.test_client()
    anonymous_token = token_for(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": anonymous_token, "username": "ada", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.post("/logout", data={"csrf_token": anonymous_token}).status_code == 400
    assert logged_in_name(client) == "ada"
    assert client.post("/logout", data={"csrf_token": token_for(client, "/")}).status_code == 302


def test_a_csrf_token_from_before_the_logout_is_refused_after_it(app, member):
    client = app.test_client()
    login(client, "ada")
    token = token_for(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    response = client.post(
        "/login", data={"csrf_token": token, "username": "ada", "password": PASSWORD}
    )
    assert response.status_code == 400


# The current password is checked under the login limits when changing it -------------------


def test_guessing_the_current_password_is_limited(app, member):
    from test_password import _change

    client = app.test_client()
    login(client, "ada")
    for n in range(5):
        response = _change(client, old=f"guess number {n}")
        assert "This is not your current password." in response.text
    response = _change(client)  # the right one, now too late
    assert response.status_code == 429
    assert "Too many failed logins." in response.text
    with app.app_context():
        assert verify_password(db.session.get(User, member.id).password_hash, PASSWORD)
    # The guesses count for logging in too (from anywhere but a known browser or network).
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    assert login(app.test_client(), "ada", environ_base=elsewhere).status_code == 429


# The secret key must be strong -------------------------------------------------------------

EXAMPLE_ENV = pathlib.Path(__file__).resolve().parents[2] / "deploy" / "bbs.env.example"


def _example_secret_key():
    for line in EXAMPLE_ENV.read_text().splitlines():
        if line.startswith("BBS_SECRET_KEY="):
            return line.split("=", 1)[1]
    raise AssertionError("no BBS_SECRET_KEY in deploy/bbs.env.example")


@pytest.fixture
def clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("BBS_"):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.mark.parametrize(
    "key",
    [
        "CHANGE_ME",
        "change-me-to-something-long-and-random",
        "your secret key",
        "short",
        "a" * 64,
        "abcabcabcabcabcabcabcabcabcabcabcabc",
    ],
)
def test_weak_secret_keys_keep_the_forum_from_starting(tmp_path, clean_environment, key):
    clean_environment.setenv("BBS_SECRET_KEY", key)
    with pytest.raises(InsecureSecretKey) as refused:
        create_app(instance_path=str(tmp_path))
    message = str(refused.value)
    assert "BBS_SECRET_KEY" in message and MAKE_A_KEY in message


def test_the_example_environment_file_does_not_start_the_forum(tmp_path, clean_environment):
    clean_environment.setenv("BBS_SECRET_KEY", _example_secret_key())
    with pytest.raises(InsecureSecretKey, match="placeholder"):
        create_app(instance_path=str(tmp_path))


def test_weak_keys_given_in_code_are_refused_too(tmp_path, clean_environment):
    with pytest.raises(InsecureSecretKey, match="at least 32"):
        create_app({"SECRET_KEY": "k3y!"}, instance_path=str(tmp_path))


def test_strong_and_generated_keys_start_it(tmp_path, clean_environment):
    key = secrets.token_hex(32)
    clean_environment.setenv("BBS_SECRET_KEY", key)
    assert create_app(instance_path=str(tmp_path / "set")).config["SECRET_KEY"] == key
    clean_environment.delenv("BBS_SECRET_KEY")
    generated = create_app(instance_path=str(tmp_path / "dev")).config["SECRET_KEY"]
    assert secret_key_problem(generated) is None


def test_tests_may_use_any_key(tmp_path, clean_environment):
    app = create_app({"SECRET_KEY": "k", "TESTING": True}, instance_path=str(tmp_path))
    assert app.config["SECRET_KEY"] == "k"


def test_the_command_line_says_how_to_make_a_key(tmp_path, clean_environment):
    environment = dict(
        os.environ,
        BBS_INSTANCE_PATH=str(tmp_path),
        FLAGON_SKIP_DOTENV="1",
        BBS_SECRET_KEY=_example_secret_key(),
    )
    flagon = os.path.join(os.path.dirname(sys.executable), "flagon")
    result = subprocess.run(
        [flagon, "--app", "bbs", "db", "current"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert MAKE_A_KEY in result.stderr + result.stdout


# The public host: absolute links use it, other hosts are refused ---------------------------


def test_other_hosts_are_refused_when_the_public_url_is_set(make_app):
    app = make_app(PUBLIC_URL="https://forum.example")
    assert app.config["TRUSTED_HOSTS"] == ["forum.example"]
    client = app.test_client()
    assert client.get("/", base_url="https://forum.example").status_code == 200
    assert client.get("/", base_url="http://forum.example:8000").status_code == 200  # any port
    for host in ("evil.example", "forum.example.evil.example", "127.0.0.1:8000"):
        response = client.get("/account/password", base_url=f"http://{host}")
        assert response.status_code == 400, host
        assert "does not serve that host name" in response.text
        assert "Location" not in response.headers and host not in response.text


def test_feed_links_name_the_public_url_whatever_the_request_said(make_app):
    from social_helpers import write_posts

    app = make_app(PUBLIC_URL="https://Forum.Example/")
    author = make_user(app, "ada")
    write_posts(app, author, 1)
    feed = app.test_client().get("/feed.atom", base_url="http://forum.example:8000").text
    links = re.findall(r'(?:href="|<id>|<uri>)([^"<]+)', feed)
    assert links and all(link.startswith("https://forum.example/") for link in links), links


def test_server_name_alone_sets_the_host_too(make_app):
    app = make_app(SERVER_NAME="forum.example:8443", PREFERRED_URL_SCHEME="https")
    assert app.config["TRUSTED_HOSTS"] == ["forum.example"]
    client = app.test_client()
    assert client.get("/", base_url="http://evil.example").status_code == 400
    feed = client.get("/feed.atom", base_url="http://forum.example").text
    assert "<id>http://forum.example:8443/feed.atom</id>" in feed


def test_without_a_public_url_any_host_is_served(app):
    assert app.config["TRUSTED_HOSTS"] is None
    assert app.test_client().get("/", base_url="http://127.0.0.1:5000").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "forum.example",
        "ftp://forum.example",
        "https://forum.example/bbs",
        "https://user@forum.example",
        "https://forum.example/?x=1",
    ],
)
def test_a_public_url_must_be_a_scheme_and_a_host(make_app, url):
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        make_app(PUBLIC_URL=url)


# IPv6 addresses count by /64 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("", "unknown"),
        (None, "unknown"),
        ("not an address", "unknown"),
    ],
)
def test_addresses_are_counted_by_network(address, network):
    assert client_network(address) == network


def test_a_whole_ipv6_64_shares_the_per_address_login_limit(make_app):
    app = make_app(LOGIN_FAILURES_PER_ADDRESS=3)
    make_user(app, "ada")
    client = app.test_client()
    for n, name in enumerate(("alpha", "beta", "gamma"), 1):
        response = login(
            client, name, "wrong password", environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{n}"}
        )
        assert response.status_code == 200
    same_64 = {"REMOTE_ADDR": "2001:db8:1:2:ffff:ffff:ffff:9"}
    assert login(app.test_client(), "ada", environ_base=same_64).status_code == 429
    next_64 = {"REMOTE_ADDR": "2001:db8:1:3::1"}
    assert login(app.test_client(), "ada", environ_base=next_64).status_code == 302


def test_a_whole_ipv6_64_shares_the_registration_limit(make_app):
    app = make_app(REGISTRATION_ATTEMPTS_PER_ADDRESS=2)
    for n in range(2):
        assert _attempt(app.test_client(), f"bot{n}", f"2001:db8::{n + 1}").status_code == 200
    assert _attempt(app.test_client(), "bot2", "2001:db8::abcd:1").status_code == 429


# An attacker's failures can't lock the owner out of their own browser or network ------------

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER_HOME = {"REMOTE_ADDR": "198.51.100.20"}
TRAVELLING = {"REMOTE_ADDR": "192.0.2.200"}


def _lock_out(app, username="ada"):
    attacker = app.test_client()
    for n in range(5):
        assert login(attacker, username, f"guess {n}", environ_base=ATTACKER).status_code == 200
    assert login(attacker, username, environ_base=ATTACKER).status_code == 429
    return attacker


def _known_browser(app, username="ada"):
    browser = app.test_client()
    assert login(browser, username, environ_base=OWNER_HOME).status_code == 302
    _log_out(browser)
    return browser


def test_the_owner_logs_in_from_a_known_browser_despite_an_attack(app, member):
    browser = _known_browser(app)
    _lock_out(app)
    assert login(browser, "ada", environ_base=TRAVELLING).status_code == 302
    # A new browser anywhere else is still locked out, even after the owner's login.
    elsewhere = {"REMOTE_ADDR": "192.0.2.201"}
    assert login(app.test_client(), "ada", environ_base=elsewhere).status_code == 429


def test_the_owner_logs_in_from_the_last_login_network_despite_an_attack(app, member):
    _known_browser(app)
    _lock_out(app)
    assert login(app.test_client(), "ada", environ_base=OWNER_HOME).status_code == 302


def test_a_known_browser_has_a_limit_of_its_own(app, member):
    browser = _known_browser(app)
    for n in range(5):
        assert login(browser, "ada", f"guess {n}", environ_base=ATTACKER).status_code == 200
    assert login(browser, "ada", environ_base=ATTACKER).status_code == 429
    # The failures of that browser don't lock out anyone else.
    assert login(app.test_client(), "ada", environ_base=TRAVELLING).status_code == 302


def test_a_browser_known_to_another_account_or_a_forged_cookie_helps_nobody(app, member):
    make_user(app, "mallory")
    mallory = _known_browser(app, "mallory")
    _lock_out(app)
    assert login(mallory, "ada", environ_base=TRAVELLING).status_code == 429
    forged = app.test_client()
    forged.set_cookie("bbs_device", mallory.get_cookie("bbs_device").value + "x")
    assert login(forged, "ada", environ_base=TRAVELLING).status_code == 429


def test_the_device_cookie_is_private_and_long_lived(app, member):
    response = login(app.test_client(), "ada")
    cookie = next(
        value for value in response.headers.getlist("Set-Cookie") if value.startswith("bbs_device=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie


# Look-alike usernames ------------------------------------------------------------------------

CYRILLIC_O = "\u043e"


def _register_page(client, username):
    page = client.get("/register").text
    return client.post("/register", data=_registration(page, username))


@pytest.mark.parametrize(
    "username",
    [
        f"r{CYRILLIC_O}{CYRILLIC_O}t",  # Latin r and t, Cyrillic о
        "\u0391laskaJazz",  # Greek capital alpha
        "pay\u0440al",  # Cyrillic р
    ],
)
def test_mixed_script_usernames_are_refused(app, username):
    response = _register_page(app.test_client(), username)
    assert response.status_code == 200
    assert "one writing system" in response.text
    assert _users(app) == set()


@pytest.mark.parametrize(
    ("existing", "lookalike"),
    [
        ("pop", "\u0440\u043e\u0440"),  # all Cyrillic: рор
        ("paypal", "paypa1"),  # digit one for l
        ("modern", "rnodern"),  # r n for m
    ],
)
def test_usernames_confusable_with_a_taken_one_are_refused(app, existing, lookalike):
    make_user(app, existing)
    response = _register_page(app.test_client(), lookalike)
    assert response.status_code == 200
    assert "looks too much like" in response.text
    assert _users(app) == {existing}


def test_a_whole_script_look_alike_is_refused_with_the_name_it_imitates(app):
    make_user(app, "pop")
    response = _register_page(app.test_client(), "\u0440\u043e\u0440")
    assert "This username looks too much like &#39;pop&#39;, which is taken." in response.text


@pytest.mark.parametrize(
    "username", ["Иван", "山田たろう", "小明_2024", "김철수abc", "ada.lovelace-1", "Ελένη"]
)
def test_names_in_one_writing_system_are_welcome(app, username):
    assert _register_page(app.test_client(), username).status_code == 302
    assert _users(app) == {username}


def test_the_database_refuses_look_alikes_too(app):
    from sqlalchemy.exc import IntegrityError

    make_user(app, "pop")
    with pytest.raises(IntegrityError):
        make_user(app, "\u0440\u043e\u0440")


def test_create_admin_refuses_look_alikes(app):
    make_user(app, "pop")
    result = app.test_cli_runner().invoke(
        args=[
            "create-admin",
            "--username",
            "\u0440\u043e\u0440",
            "--email",
            "x@example.com",
            "--password",
            "a long passphrase",
        ]
    )
    assert result.exit_code != 0 and "looks too much like 'pop'" in result.output


def test_skeletons(app):
    from bbs.names import mixes_scripts, username_skeleton

    assert username_skeleton(f"r{CYRILLIC_O}{CYRILLIC_O}t") == username_skeleton("root")
    assert username_skeleton("ROOT") == username_skeleton("ｒｏｏｔ") == username_skeleton("root")
    assert username_skeleton("r00t") != username_skeleton("root")  # zero isn't o
    assert mixes_scripts(f"r{CYRILLIC_O}{CYRILLIC_O}t") and not mixes_scripts("山田たろう")


def test_the_migration_gives_existing_accounts_their_skeletons(tmp_path):
    from sqlalchemy import text

    from bbs import migrate

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path}/old.sqlite3"},
        instance_path=str(tmp_path),
    )
    migrate.upgrade(app, "0004")
    with app.app_context():
        for name in ("pop", "\u0440\u043e\u0440", "ada"):  # two that already look alike
            db.session.execute(
                text(
                    "INSERT INTO users (username, username_key, email, password_hash, role, banned,"
                    " remember_token, blog, github, phone, qq, bio, created_at) VALUES (:name,"
                    " :name, 'e@example.com', 'h', 'member', false, 't', '', '', '', '', '',"
                    " '2024-01-01')"
                ),
                {"name": name},
            )
        db.session.commit()
    migrate.upgrade(app)
    with app.app_context():
        rows = db.session.execute(text("SELECT id, username_skeleton FROM users ORDER BY id"))
        assert [skeleton for _, skeleton in rows] == ["pop", "pop#2", "ada"]
