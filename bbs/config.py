"""The forum's settings: defaults, then ``<instance>/bbs.cfg``, then ``BBS_*`` variables.

Every setting can come from the environment with a ``BBS_`` prefix (``BBS_DATABASE_URL``,
``BBS_POSTS_PER_PAGE=50``, ``BBS_HTTPS=1``); values that parse as JSON are read as JSON. The
secret key comes from ``BBS_SECRET_KEY`` or is generated once and kept in the instance folder.
A key that is set must be strong (:func:`secret_key_problem`): the app refuses to start with a
placeholder or a short key, except under ``TESTING``.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import typing as t
from datetime import timedelta
from urllib.parse import urlsplit

if t.TYPE_CHECKING:
    from flagon import Flagon

SECRET_KEY_FILE = "secret_key"
CONFIG_FILE = "bbs.cfg"
MIN_SECRET_KEY_LENGTH = 32
# Values that stand for "put a key here" in examples and templates, deploy/bbs.env.example's
# included; compared without case, spaces, dashes and underscores.
PLACEHOLDER_WORDS = (
    "changeme",
    "secret",
    "secretkey",
    "yoursecretkey",
    "example",
    "default",
    "dev",
    "development",
    "test",
    "password",
    "insecure",
    "xxx",
)
MAKE_A_KEY = 'python3 -c "import secrets; print(secrets.token_hex(32))"'


class InsecureSecretKey(RuntimeError):
    """The configured secret key is too weak for the forum to start with."""


DEFAULTS: dict[str, t.Any] = {
    # The database; ``None`` means SQLite at ``<instance>/bbs.sqlite3``.
    "DATABASE_URL": None,
    "DATABASE_ECHO": False,
    "SITE_NAME": "bbs",
    "POSTS_PER_PAGE": 20,
    # Served over HTTPS (directly or behind a TLS-terminating proxy): cookies become Secure.
    "HTTPS": False,
    # Behind exactly one reverse proxy whose X-Forwarded-* headers are to be believed.
    "PROXY_FIX": False,
    # The site's address as visitors type it ("https://forum.example.org"): absolute links
    # (feeds) use it, and requests naming another host get 400. Sets SERVER_NAME and, unless
    # given, TRUSTED_HOSTS (flagon's list of the hosts it answers).
    "PUBLIC_URL": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    # Uploads (avatars) and forms larger than this are refused with 413.
    "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
    # Pictures a member may upload for posts and comments within an hour, before 429.
    "IMAGE_UPLOADS_PER_HOUR": 30,
    # How long a form's CSRF token stays valid.
    "CSRF_TIME_LIMIT": timedelta(hours=4),
    "CAPTCHA_TIME_LIMIT": timedelta(minutes=15),
    # Failed logins tolerated within LOGIN_FAILURE_WINDOW before 429.
    "LOGIN_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_FAILURES_PER_ADDRESS": 20,
    "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
    # How long a browser stays known to the accounts that logged in from it (bbs_device).
    "DEVICE_COOKIE_DURATION": timedelta(days=365),
    # Registration forms accepted within REGISTRATION_WINDOW, from one address and in total.
    "REGISTRATION_ATTEMPTS_PER_ADDRESS": 10,
    "REGISTRATION_ATTEMPTS_TOTAL": 200,
    "REGISTRATION_WINDOW": timedelta(hours=1),
    # Mail: the SMTP server (none: mails are written to the log instead), how to reach it,
    # and the From address (default: "<SITE_NAME> <noreply@localhost>").
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,  # STARTTLS after connecting (port 587)
    "MAIL_USE_SSL": False,  # TLS from the start (port 465)
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": None,
    "MAIL_TIMEOUT": 10,
    # Where requests put mails: "procrastinate" (PostgreSQL, sent by `flagon --app bbs
    # mail-worker`), "thread" (sent by the web process), "auto" (the first on PostgreSQL).
    "MAIL_QUEUE": "auto",
    # The live notification badge: server-sent events (False: pages poll the count every
    # NOTIFICATIONS_POLL_SECONDS instead, as they do where the stream fails), how often a
    # stream checks the database, and how long it stays open before the browser reconnects.
    "NOTIFICATIONS_STREAM": True,
    "NOTIFICATIONS_POLL_SECONDS": 30,
    "NOTIFICATIONS_STREAM_INTERVAL": 5,
    "NOTIFICATIONS_STREAM_SECONDS": 300,
    # Notifications shown per page.
    "NOTIFICATIONS_PER_PAGE": 30,
    # The thread queue's waits (seconds) before trying a failed mail again.
    "MAIL_RETRY_DELAYS": [10, 60, 300],
    # How long the links mailed to members work.
    "PASSWORD_RESET_TIME_LIMIT": timedelta(hours=1),
    "EMAIL_VERIFICATION_TIME_LIMIT": timedelta(days=2),
    # Mails asked for within MAIL_REQUEST_WINDOW: password resets from one client address
    # and to one e-mail address, verification mails per account.
    "PASSWORD_RESETS_PER_ADDRESS": 10,
    "PASSWORD_RESETS_PER_EMAIL": 3,
    "VERIFICATION_MAILS_PER_ACCOUNT": 3,
    "MAIL_REQUEST_WINDOW": timedelta(hours=1),
    # New members (younger than NEW_MEMBER_DAYS; 0 turns this off) may write this many posts
    # and comments an hour, with at most NEW_MEMBER_LINKS links in each. Moderators are exempt.
    "NEW_MEMBER_DAYS": 3,
    "NEW_MEMBER_POSTS_PER_HOUR": 3,
    "NEW_MEMBER_COMMENTS_PER_HOUR": 10,
    "NEW_MEMBER_LINKS": 2,
    # Reports a member may send within an hour.
    "REPORTS_PER_HOUR": 20,
    # argon2-cffi PasswordHasher arguments; empty means the library's (RFC 9106) defaults.
    "PASSWORD_HASHER": {},
}


def configure(app: Flagon, overrides: t.Mapping[str, t.Any] | None = None) -> None:
    """Load the settings into ``app.config`` and fill in the derived ones."""
    config = app.config
    config.from_mapping(DEFAULTS)
    config.from_pyfile(os.path.join(app.instance_path, CONFIG_FILE), silent=True)
    config.from_prefixed_env("BBS")
    if overrides:
        config.from_mapping(overrides)

    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "bbs.sqlite3")
    if config["SECRET_KEY"]:
        # BBS_SECRET_KEY=1234 parses as a number; a key is text.
        config["SECRET_KEY"] = str(config["SECRET_KEY"])
        problem = secret_key_problem(config["SECRET_KEY"])
        if problem and not config["TESTING"]:
            raise InsecureSecretKey(
                f"The secret key (BBS_SECRET_KEY) {problem}. It signs every session, remember"
                " cookie and CSRF token: whoever knows or guesses it can log in as anybody."
                f" Make one with\n\n    {MAKE_A_KEY}\n\nand set BBS_SECRET_KEY to it (in"
                " /etc/bbs/bbs.env for the deployment in deploy/), or leave BBS_SECRET_KEY unset"
                " to have a random key generated into the instance folder (for a site served"
                " by one machine)."
            )
    else:
        config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    for name in (
        "CSRF_TIME_LIMIT",
        "CAPTCHA_TIME_LIMIT",
        "LOGIN_FAILURE_WINDOW",
        "REGISTRATION_WINDOW",
        "REMEMBER_COOKIE_DURATION",
        "DEVICE_COOKIE_DURATION",
        "PASSWORD_RESET_TIME_LIMIT",
        "EMAIL_VERIFICATION_TIME_LIMIT",
        "MAIL_REQUEST_WINDOW",
    ):
        if not isinstance(config[name], timedelta):
            config[name] = timedelta(seconds=config[name])
    https = bool(config["HTTPS"])
    config["SESSION_COOKIE_SECURE"] = https
    config["REMEMBER_COOKIE_SECURE"] = https
    config["PREFERRED_URL_SCHEME"] = "https" if https else "http"
    _configure_host(config)


def _configure_host(config: t.Any) -> None:
    """SERVER_NAME, the scheme and TRUSTED_HOSTS from PUBLIC_URL (or SERVER_NAME alone)."""
    public_url = config["PUBLIC_URL"]
    if public_url:
        parts = urlsplit(str(public_url))
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username is not None
            or parts.password is not None
        ):
            raise ValueError(
                f"PUBLIC_URL must be the site's scheme and host, such as"
                f" https://forum.example.org, not {public_url!r}"
            )
        config["PUBLIC_URL"] = f"{parts.scheme}://{parts.netloc.lower()}"
        config["SERVER_NAME"] = parts.netloc.lower()
        config["PREFERRED_URL_SCHEME"] = parts.scheme
    server_name = config["SERVER_NAME"]
    if server_name and config["TRUSTED_HOSTS"] is None:
        # Any port: behind a proxy, Host may name the proxy's port (forum.example.org:443).
        host = urlsplit(f"//{server_name}").hostname or server_name
        config["TRUSTED_HOSTS"] = [host]


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is too weak to sign the forum's cookies, or ``None``."""
    squeezed = "".join(character for character in key.casefold() if character.isalnum())
    if "changeme" in squeezed or squeezed in PLACEHOLDER_WORDS:
        return "is a placeholder, not a secret"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"is {len(key)} characters long; use at least {MIN_SECRET_KEY_LENGTH}"
    if len(set(key)) < 8:
        return "repeats too few characters to be random"
    return None


def instance_secret_key(instance_path: str) -> str:
    """The key kept in ``<instance>/secret_key``, created (readable by the owner only) if missing.

    Several workers may start at once: the key is written to a temporary file and linked into
    place, so every worker ends up reading the same complete key.
    """
    path = os.path.join(instance_path, SECRET_KEY_FILE)
    try:
        with open(path, encoding="ascii") as existing:
            return existing.read().strip()
    except FileNotFoundError:
        pass
    os.makedirs(instance_path, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as new:
            new.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another worker won the race: use its key
    finally:
        os.unlink(temporary)
    with open(path, encoding="ascii") as key_file:
        return key_file.read().strip()
