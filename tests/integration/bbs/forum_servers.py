"""The forum served for real: a throwaway PostgreSQL cluster, Gunicorn configured by deploy/,
Nginx in front, and visitors with their own cookie jars.

Every server listens on 127.0.0.1 only, every wait is bounded, and a missing tool skips its
tests (or fails them when ``FLAGON_REQUIRE_INTEGRATION=1``, as in CI).
"""

from __future__ import annotations

import functools
import glob
import http.client
import http.cookiejar
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
FORUM_TESTS = REPO / "tests" / "bbs"
if str(FORUM_TESTS) not in sys.path:
    sys.path.insert(0, str(FORUM_TESTS))

from bbs_helpers import FAST_HASHER, PASSWORD, form_inputs, solve_captcha  # noqa: E402

COMMAND_TIMEOUT = 60  # seconds, for every command these tests run
REQUEST_TIMEOUT = 20  # seconds, for every HTTP request
SECRET_KEY = "a secret shared by every worker of these tests"


def missing(reason: str) -> t.NoReturn:
    """Skip the test for want of ``reason``; fail instead when integration tests are required."""
    if os.environ.get("FLAGON_REQUIRE_INTEGRATION") == "1":
        pytest.fail(f"FLAGON_REQUIRE_INTEGRATION=1 but {reason}")
    pytest.skip(reason)


def require_program(name: str, package: str) -> str:
    """The path of program ``name`` (also looked for in /usr/sbin), or a skip."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        missing(f"{name} is not installed (apt-get install {package})")
    return found


def run(args: list[str], **kwargs: t.Any) -> subprocess.CompletedProcess[str]:
    """Run a command to completion (bounded); fail with its output if it fails."""
    kwargs.setdefault("timeout", COMMAND_TIMEOUT)
    result = subprocess.run(
        args, capture_output=True, text=True, stdin=subprocess.DEVNULL, **kwargs
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, args))} exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def forum_environment(instance: Path, database_url: str, **settings: str) -> dict[str, str]:
    """Environment variables for a forum process: its instance folder and database."""
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "FLAGON_SKIP_DOTENV": "1",
        "BBS_INSTANCE_PATH": str(instance),
        "BBS_DATABASE_URL": database_url,
        "BBS_SECRET_KEY": SECRET_KEY,
        "BBS_PASSWORD_HASHER": json.dumps(FAST_HASHER),
        # Every visitor of these tests comes from 127.0.0.1.
        "BBS_REGISTRATION_ATTEMPTS_PER_ADDRESS": "1000",
        **settings,
    }


def flagon_db_upgrade(instance: Path, database_url: str) -> None:
    """``flagon --app bbs db upgrade``, as an operator runs it."""
    flagon = Path(sys.executable).with_name("flagon")
    run(
        [str(flagon), "--app", "bbs", "db", "upgrade"],
        cwd=REPO,
        env=forum_environment(instance, database_url),
    )


def gunicorn_args(port: int, workers: int = 3, access_log: Path | None = None) -> list[str]:
    """Gunicorn with deploy/gunicorn.conf.py (which names the app), on ``port``."""
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(DEPLOY / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--graceful-timeout",
        "2",
    ]
    if access_log is not None:
        # The worker's pid on every line: which worker served which request.
        args += ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(U)s%(q)s"]
    return args


# PostgreSQL ------------------------------------------------------------------------------


def postgres_bin_dir() -> Path:
    """Where initdb and pg_ctl live: Debian keeps them out of PATH, one folder per version."""
    versions = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if versions:
        newest = max(versions, key=lambda path: int(re.sub(r"\D", "", Path(path).parts[-3]) or 0))
        return Path(newest).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        missing("PostgreSQL's initdb is not installed (apt-get install postgresql)")
    return Path(initdb).parent


@dataclass
class PostgresCluster:
    """A throwaway cluster in a temporary folder, listening on 127.0.0.1:``port``.

    PostgreSQL refuses to run as root: as root, its commands run as an unprivileged system
    account (``postgres``, else ``nobody``) that owns the folder.
    """

    bin_dir: Path
    root: Path
    port: int
    password: str = "superuser password"
    account: str | None = None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _as_server_account(self, args: list[str]) -> list[str]:
        if self.account is None:
            return args
        return [require_program("runuser", "util-linux"), "-u", self.account, "--", *args]

    def start(self) -> None:
        if os.geteuid() == 0:
            self.account = _unprivileged_account()
            entry = pwd.getpwnam(self.account)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        password_file = self.root / "superuser-password"
        password_file.write_text(self.password + "\n")
        if self.account is not None:
            entry = pwd.getpwnam(self.account)
            os.chown(password_file, entry.pw_uid, entry.pw_gid)
        run(
            self._as_server_account(
                [
                    str(self.bin_dir / "initdb"),
                    "--pgdata",
                    str(self.data),
                    "--username",
                    "postgres",
                    "--pwfile",
                    str(password_file),
                    "--auth-local",
                    "trust",
                    "--auth-host",
                    "scram-sha-256",
                    "--encoding",
                    "UTF8",
                    "--locale",
                    "C.UTF-8",
                    "--no-instructions",
                ]
            )
        )
        self.resume()

    def resume(self) -> None:
        """Start the server on the existing cluster (after :meth:`start` or :meth:`pause`)."""
        # Durability buys nothing in a cluster that lives for one test run.
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        run(
            self._as_server_account(
                [
                    str(self.bin_dir / "pg_ctl"),
                    "start",
                    "--pgdata",
                    str(self.data),
                    "--wait",
                    "--timeout",
                    "30",
                    "--log",
                    str(self.root / "server.log"),
                    "--options",
                    options,
                ]
            )
        )

    def pause(self) -> None:
        """Stop the server, keeping the cluster: an outage, for :meth:`resume` to end."""
        run(
            self._as_server_account(
                [
                    str(self.bin_dir / "pg_ctl"),
                    "stop",
                    "--pgdata",
                    str(self.data),
                    "--mode",
                    "immediate",
                    "--wait",
                    "--timeout",
                    "15",
                ]
            )
        )

    def stop(self) -> None:
        """Stop the server (killing it if it won't), then remove the folder."""
        try:
            subprocess.run(
                self._as_server_account(
                    [
                        str(self.bin_dir / "pg_ctl"),
                        "stop",
                        "--pgdata",
                        str(self.data),
                        "--mode",
                        "immediate",
                        "--wait",
                        "--timeout",
                        "15",
                    ]
                ),
                capture_output=True,
                timeout=30,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            pass
        self._kill_leftover_server()
        shutil.rmtree(self.root, ignore_errors=True)

    def _kill_leftover_server(self) -> None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return  # stopped cleanly: pg_ctl removed the file
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def url(self, user: str, password: str, database: str) -> str:
        quoted = urllib.parse.quote(password, safe="")
        return f"postgresql://{user}:{quoted}@127.0.0.1:{self.port}/{database}"

    def psql(
        self,
        *args: str,
        user: str = "postgres",
        password: str | None = None,
        database: str = "postgres",
    ) -> subprocess.CompletedProcess[str]:
        """psql over TCP, stopping at the first error."""
        env = {
            **os.environ,
            "PGPASSWORD": self.password if password is None else password,
            "PGCONNECT_TIMEOUT": "10",
        }
        return run(
            [
                str(self.bin_dir / "psql"),
                "--no-psqlrc",
                "--set",
                "ON_ERROR_STOP=1",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--username",
                user,
                "--dbname",
                database,
                *args,
            ],
            env=env,
        )


def _unprivileged_account() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    missing("no unprivileged account (postgres or nobody) to run PostgreSQL as")


def new_cluster_folder() -> Path:
    # Not under pytest's temporary folder: that one is private to root, and the server's
    # account must reach its own folder.
    return Path(tempfile.mkdtemp(prefix="bbs-postgresql-"))


# Nginx -----------------------------------------------------------------------------------


def nginx_config(prefix: Path, port: int, upstream_port: int) -> str:
    """An nginx.conf serving 127.0.0.1:``port`` with the forum's proxy headers
    (deploy/nginx/bbs-proxy.conf, included as is); everything it writes stays in ``prefix``."""
    temp = {name: prefix / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir(exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must reach the private prefix
    return f"""
daemon off;
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
{user}
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    upstream bbs_gunicorn {{ server 127.0.0.1:{upstream_port} fail_timeout=0; }}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        client_max_body_size 5m;
        location / {{
            proxy_pass http://bbs_gunicorn;
            include {DEPLOY / "nginx" / "bbs-proxy.conf"};
        }}
    }}
}}
"""


# Visitors --------------------------------------------------------------------------------


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: t.Any, **kwargs: t.Any) -> None:
        return None  # the test reads the 302 itself


@dataclass
class Reply:
    status: int
    headers: t.Any
    text: str


class _FromAddress(urllib.request.HTTPHandler):
    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def http_open(self, request: urllib.request.Request) -> t.Any:
        connection = functools.partial(http.client.HTTPConnection, source_address=(self.address, 0))
        return self.do_open(connection, request)


class Visitor:
    """A browser of the forum at ``base``: its own cookie jar, redirects not followed;
    its connections come from ``address`` (any of 127.0.0.0/8 on Linux) when given."""

    def __init__(self, base: str, address: str | None = None) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        handlers: list[t.Any] = [urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects()]
        if address is not None:
            handlers.append(_FromAddress(address))
        self.opener = urllib.request.build_opener(*handlers)

    def request(
        self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return Reply(response.status, response.headers, response.read().decode())
        except urllib.error.HTTPError as error:
            with error:
                return Reply(error.code, error.headers, error.read().decode(errors="replace"))

    def get(self, path: str, **kwargs: t.Any) -> Reply:
        return self.request(path, **kwargs)

    def post(self, path: str, data: dict[str, str], **kwargs: t.Any) -> Reply:
        return self.request(path, data=data, **kwargs)

    def submit(
        self, page: str, path: str, data: dict[str, str], headers: dict[str, str] | None = None
    ) -> Reply:
        """Read the form on ``page`` (for its CSRF token), then POST ``data`` to ``path``."""
        token = form_inputs(self.get(page).text)["csrf_token"]
        return self.post(path, {"csrf_token": token, **data}, headers=headers)

    def register(self, username: str, password: str = PASSWORD) -> Reply:
        """Fill in the registration form, answering its question as a person would."""
        page = self.get("/register").text
        return self.post(
            "/register",
            {
                "csrf_token": form_inputs(page)["csrf_token"],
                "username": username,
                "email": f"{username}@example.com",
                "password": password,
                "confirm": password,
                "captcha": solve_captcha(page),
            },
        )

    def username(self) -> str | None:
        """The name the navigation shows: who this visitor is logged in as."""
        match = re.search(r'class="nav-username">([^<]*)<', self.get("/").text)
        return match.group(1) if match else None


def wait_until_serving(visitor: Visitor, path: str = "/", timeout: float = 30.0) -> None:
    """Wait (bounded) until the forum answers ``path`` with 200: Gunicorn binds its port
    before its workers have imported the app."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if visitor.get(path).status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{visitor.base}{path} did not answer 200 within {timeout} s")
        time.sleep(0.1)
