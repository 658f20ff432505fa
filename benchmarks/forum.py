"""The forum under load: a seeded demo forum behind Gunicorn, loaded with ``wrk``.

``python benchmarks/forum.py`` migrates a fresh SQLite database, fills it with
``flagon --app bbs seed-demo`` (100 000 posts and 1 000 000 comments by default), serves
``bbs:create_app()`` with Gunicorn (2 sync workers on 127.0.0.1), checks each page answers,
then runs ``wrk`` against the first page, page 1000 (by its cursor, as the site links it,
and by its number, as old links do), a category, a post with 200 comments (all on one page)
and a search, then logs in as the member with the most notifications and loads their
notifications page with that session's cookie, and prints requests per second and latency. ``--postgres`` does the same on a
throwaway PostgreSQL cluster (initdb + pg_ctl, as tests/integration/bbs sets one up), seeded by
the owner role and served as the least-privilege one. Everything it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from benchmarks.report import render_rows  # noqa: E402
from benchmarks.wire import (  # noqa: E402
    HOST,
    Load,
    WrkResult,
    add_load_arguments,
    free_port,
    parse_wrk,
    run_wrk,
    served,
    wrk_command,
)

FLAGON = Path(sys.executable).with_name("flagon")
SECRET_KEY = "a secret shared by the benchmark's workers"
SEARCH = "lantern quartz"  # two words, all of both required: a few thousand matches of 100 000


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    path: str
    member: str | None = None  # loaded logged in as this member


def forum_env(instance: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "FLAGON_SKIP_DOTENV": "1",
        "BBS_INSTANCE_PATH": str(instance),
        "BBS_DATABASE_URL": database_url,
        "BBS_SECRET_KEY": SECRET_KEY,
        "BBS_COMMENTS_PER_PAGE": "200",
    }


def flagon(env: dict[str, str], *args: str) -> str:
    """Run ``flagon --app bbs ARGS``, echoing its output; fail loudly if it fails."""
    command = [str(FLAGON), "--app", "bbs", *args]
    print(f"$ {shlex.join(command)}", file=sys.stderr, flush=True)
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    sys.stderr.write(done.stdout + done.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} exited with {done.returncode}")
    return done.stdout


def seed(env: dict[str, str], args: argparse.Namespace) -> float:
    """Fill the database; the seconds seeding took."""
    started = time.perf_counter()
    flagon(
        env,
        "seed-demo",
        "--posts",
        str(args.posts),
        "--comments",
        str(args.comments),
        "--users",
        str(args.users),
        "--seed",
        str(args.seed),
    )
    return time.perf_counter() - started


def targets(database_url: str) -> list[Target]:
    """The pages to load; the post is one with 200 or more comments, the fewest such, and the
    notifications are those of the member who has the most."""
    from sqlalchemy import func, select

    from bbs.config import DEFAULTS
    from bbs.db import make_engine
    from bbs.keyset import encode_cursor
    from bbs.models import Category, Notification, Post, User
    from bbs.topics.listing import ORDER

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            post = connection.execute(
                select(Post.id, Post.comment_count)
                .where(Post.comment_count >= 200)
                .order_by(Post.comment_count, Post.id)
                .limit(1)
            ).first()
            category = connection.execute(
                select(Category.slug).order_by(Category.position, Category.id).limit(1)
            ).scalar()
            # The last topic of page 999: page 1000 is the page after it.
            before_page_1000 = connection.execute(
                select(*ORDER)
                .order_by(*(column.desc() for column in ORDER))
                .offset(999 * DEFAULTS["POSTS_PER_PAGE"] - 1)
                .limit(1)
            ).first()
            member = connection.execute(
                select(User.username, func.count().label("notifications"))
                .join(Notification, Notification.user_id == User.id)
                .group_by(User.id, User.username)
                .order_by(func.count().desc(), User.id)
                .limit(1)
            ).first()
    finally:
        engine.dispose()
    if post is None:
        raise RuntimeError("no post has 200 comments: seed more comments")
    if before_page_1000 is None:
        raise RuntimeError("fewer than 1000 pages of topics: seed more posts")
    if member is None:
        raise RuntimeError("nobody has notifications: seed more likes and follows")
    return [
        Target("first page", "/"),
        Target("page 1000", f"/?after={encode_cursor(tuple(before_page_1000))}"),
        Target("page 1000, numbered", "/?page=1000"),
        Target("a category", f"/c/{category}"),
        Target(f"post, {post.comment_count} comments", f"/posts/{post.id}"),
        Target(f"search '{SEARCH}'", "/search?q=" + SEARCH.replace(" ", "+")),
        Target(
            f"notifications ({member.notifications:,}), logged in",
            "/notifications",
            member.username,
        ),
    ]


@contextmanager
def gunicorn(env: dict[str, str], workers: int, logs: Path) -> Iterator[int]:
    """Gunicorn serving the forum on a free loopback port, for the duration of the block."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "bbs:create_app()",
    ]
    print(f"$ {shlex.join(command)}", file=sys.stderr, flush=True)
    with served(command, port, logs / "gunicorn.log", env):
        yield port


def log_in(port: int, username: str) -> str:
    """Log in through the login form; the session's ``Cookie`` header."""
    from bbs.demo import DEMO_PASSWORD

    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    login = f"http://{HOST}:{port}/login"
    with browser.open(login, timeout=30) as response:
        form = response.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    if token is None:
        raise RuntimeError("the login page has no CSRF token")
    fields = {"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    with browser.open(login, urllib.parse.urlencode(fields).encode(), timeout=30) as response:
        if urllib.parse.urlsplit(response.url).path == "/login":
            raise RuntimeError(f"couldn't log in as {username}")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in cookies)


def check(url: str, headers: dict[str, str]) -> None:
    """The page answers 200 with a page of the forum, not a redirection to another (and the
    search finds something)."""
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read().decode()
    if response.status != 200 or "</html>" not in body or response.url != url:
        raise RuntimeError(f"{url} answered {response.status} from {response.url}")
    if "/search" in url and not re.search(r'href="/posts/\d+"', body):
        raise RuntimeError(f"{url} found nothing")


def load(port: int, pages: list[Target], load_: Load) -> dict[str, WrkResult]:
    results = {}
    for target in pages:
        url = f"http://{HOST}:{port}{target.path}"
        headers = {"Cookie": log_in(port, target.member)} if target.member else {}
        check(url, headers)
        if load_.warmup_seconds:
            run_wrk(wrk_command(url, headers.items(), load_.warmup_seconds, load_))
        command = wrk_command(url, headers.items(), load_.seconds, load_)
        print(f"$ {shlex.join(command)}", file=sys.stderr, flush=True)
        results[target.name] = result = parse_wrk(run_wrk(command))
        print(
            f"  {target.name}: {result.requests_per_second:.0f} req/s, "
            f"p99 {result.latency_p99_ms:.1f} ms",
            file=sys.stderr,
            flush=True,
        )
    return results


def table(results: dict[str, WrkResult], pages: list[Target], markdown: bool) -> str:
    rows = [["page", "path", "req/s", "avg ms", "p50 ms", "p99 ms", "errors"]]
    for target in pages:
        r = results[target.name]
        rows.append(
            [
                target.name,
                f"`{target.path}`" if markdown else target.path,
                f"{r.requests_per_second:.0f}",
                f"{r.latency_avg_ms:.1f}",
                f"{r.latency_p50_ms:.1f}",
                f"{r.latency_p99_ms:.1f}",
                str(r.errors),
            ]
        )
    return render_rows(rows, markdown)


@contextmanager
def sqlite_database(folder: Path) -> Iterator[tuple[str, str]]:
    """A fresh SQLite file: (URL to seed with, URL to serve with) — the same one."""
    url = f"sqlite:///{folder / 'bbs.sqlite3'}"
    yield url, url


@contextmanager
def postgres_database() -> Iterator[tuple[str, str]]:
    """A throwaway cluster set up by deploy/postgresql.sql: (owner URL, app URL)."""
    sys.path.insert(0, str(ROOT / "tests" / "integration" / "bbs"))
    from forum_servers import PostgresCluster, new_cluster_folder, postgres_bin_dir

    cluster = PostgresCluster(postgres_bin_dir(), new_cluster_folder(), free_port())
    try:
        cluster.start()
        cluster.psql(
            "--set",
            "owner_password=owner",
            "--set",
            "app_password=app",
            "--file",
            str(ROOT / "deploy" / "postgresql.sql"),
        )
        yield cluster.url("bbs_owner", "owner", "bbs"), cluster.url("bbs_app", "app", "bbs")
    finally:
        cluster.stop()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="serve from a throwaway PostgreSQL cluster instead of SQLite",
    )
    parser.add_argument(
        "--posts", type=int, default=100_000, help="posts to seed (default 100 000)"
    )
    parser.add_argument(
        "--comments", type=int, default=1_000_000, help="comments to seed (default 1 000 000)"
    )
    parser.add_argument("--users", type=int, default=1000, help="members to seed (default 1000)")
    parser.add_argument(
        "--seed", type=int, default=42, help="random seed of the demo content (default 42)"
    )
    parser.add_argument("--workers", type=int, default=2, help="Gunicorn workers (default 2)")
    add_load_arguments(parser)
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian/Ubuntu: apt-get install wrk)", file=sys.stderr)
        return 2
    load_ = Load(args.threads, args.connections, args.duration, args.warmup)
    with tempfile.TemporaryDirectory(prefix="bbs-bench-") as folder:
        work = Path(folder)
        database = postgres_database() if args.postgres else sqlite_database(work)
        with database as (owner_url, app_url):
            flagon(forum_env(work, owner_url), "db", "upgrade")
            seconds = seed(forum_env(work, owner_url), args)
            pages = targets(owner_url)
            with gunicorn(forum_env(work, app_url), args.workers, work) as port:
                results = load(port, pages, load_)
            log = (work / "gunicorn.log").read_text(errors="replace").strip()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"\n{engine}: {args.posts:,} posts, {args.comments:,} comments, {args.users:,} users "
        f"(seeded in {seconds:.0f} s); Gunicorn, {args.workers} sync workers; "
        f"wrk -t{load_.threads} -c{load_.connections} -d{load_.seconds}s --latency after "
        f"{load_.warmup_seconds} s of warm-up; {os.cpu_count()} CPUs shared by all\n"
    )
    print(table(results, pages, args.markdown))
    if log:
        print(f"\nGunicorn's log:\n{log[-3000:]}", file=sys.stderr)
    return 1 if any(r.errors for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
