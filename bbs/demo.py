"""A demo forum of any size: ``flagon --app bbs seed-demo``, for trying the site and load tests.

Users, posts, comments, likes, follows and the notifications those likes and follows would
have sent are generated from a seeded random generator (the same ``--seed`` gives the same
forum) and written with SQLAlchemy Core: ``insert()`` with many
rows per statement, in batches, all in one transaction, so an interrupted run leaves nothing
behind. The expensive parts are done once and reused: one password hash for every account, and
Markdown rendered once per distinct body (posts draw their bodies from a small pool). Counters
(``comment_count``, ``like_count``) are written to match the rows, and the full-text index fills
itself (SQLite triggers, PostgreSQL's generated column).
"""

from __future__ import annotations

import itertools
import random
import secrets
import time
import typing as t
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from sqlalchemy import Connection, Engine, Table, and_, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from flagon.cli import with_appcontext

from .db import db
from .markdown import render
from .models import (
    Category,
    Comment,
    Follow,
    Like,
    Notification,
    Post,
    PostTag,
    Tag,
    User,
    username_key,
    utcnow,
)
from .models.notification import FOLLOW, LIKE
from .names import username_skeleton
from .passwords import hash_password

DEMO_PASSWORD = "demo password"
BATCH = 5000
BODY_POOL = 200
COMMENT_POOL = 500
HOT_SHARE = 100  # one post in HOT_SHARE draws a crowd
HOT_COMMENTS = (200, 300)  # how many comments a crowded post gets
LIKES_PER_POST = 3  # on average
FOLLOWS_PER_USER = 10  # at most
UNREAD_FOR = timedelta(days=7)  # members have read the notifications older than this
POST_INTERVAL = timedelta(minutes=10)
# The demo's categories besides "General" (made by the migration): name, slug, colour, text.
CATEGORIES = (
    ("Announcements", "announcements", "#b42318", "News about the forum itself."),
    ("Programming", "programming", "#2f5bd3", "Code, languages and tools."),
    ("Databases", "databases", "#067647", "SQLite, PostgreSQL and the rest."),
    ("Hardware", "hardware", "#f5c518", "Keyboards, routers, soldering irons."),
    ("Off-topic", "off-topic", "#7a5af8", "Gardens, violins, teapots."),
)
TAGS = (
    "python", "sqlite", "postgres", "web", "performance", "security", "help",
    "show-and-tell", "question", "markdown", "css", "linux", "networking", "music",
    "cooking",
)  # fmt: skip
TAGS_PER_POST = 3  # at most
PINNED = 3  # the newest few announcements are pinned
LOCKED_SHARE = 50  # one post in LOCKED_SHARE is locked

NAMES = (
    "ada",
    "alan",
    "grace",
    "linus",
    "guido",
    "barbara",
    "ken",
    "dennis",
    "margaret",
    "edsger",
    "donald",
    "frances",
    "tim",
    "radia",
    "sophie",
    "john",
    "hedy",
    "niklaus",
)
WORDS = (
    "garden",
    "river",
    "lantern",
    "compiler",
    "bicycle",
    "harbour",
    "teapot",
    "violin",
    "glacier",
    "orchard",
    "kernel",
    "pixel",
    "meadow",
    "saffron",
    "tundra",
    "quartz",
    "falcon",
    "marble",
    "pepper",
    "thunder",
    "velvet",
    "willow",
    "almond",
    "beacon",
    "canyon",
    "dynamo",
    "ember",
    "fossil",
    "gravity",
    "horizon",
    "igloo",
    "jasmine",
    "kettle",
    "lagoon",
    "mosaic",
    "nebula",
    "oasis",
    "prism",
    "quill",
    "raven",
    "sparrow",
    "timber",
    "umbrella",
    "vortex",
    "walnut",
    "yonder",
    "zephyr",
    "anchor",
    "bramble",
    "cobalt",
    "drizzle",
    "emerald",
    "fjord",
    "granite",
    "hammock",
    "indigo",
    "juniper",
    "kayak",
    "lilac",
    "mango",
    "nutmeg",
    "obsidian",
    "parsley",
    "quasar",
    "rhubarb",
    "sapphire",
    "tulip",
    "vanilla",
    "wombat",
    "python",
    "sqlite",
    "postgres",
    "server",
    "router",
    "cache",
    "index",
    "query",
    "thread",
    "socket",
    "buffer",
    "cookie",
    "session",
    "template",
    "markdown",
    "editor",
    "keyboard",
    "the",
    "a",
    "and",
    "of",
    "to",
    "in",
    "is",
    "it",
    "on",
    "with",
    "for",
    "my",
    "this",
    "that",
    "was",
    "today",
    "really",
    "very",
    "about",
    "how",
    "why",
    "new",
    "old",
    "small",
)
COMMON = WORDS[WORDS.index("the") :]  # filler: many times more frequent than the rest
LANGUAGES = ("python", "sql", "js", "")


@dataclass
class Totals:
    """What a run wrote."""

    users: int = 0
    posts: int = 0
    comments: int = 0
    likes: int = 0
    follows: int = 0
    notifications: int = 0
    seconds: float = 0.0
    busiest_post: int | None = None
    busiest_count: int = 0
    categories: int = 0
    tags: int = 0


class _Writer:
    """Text for the demo: words weighted like real prose, Markdown with some structure."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        rare = [w for w in WORDS if w not in COMMON]
        self._vocabulary = rare + list(COMMON)
        self._weights = list(itertools.accumulate([1] * len(rare) + [12] * len(COMMON)))

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self._vocabulary, cum_weights=self._weights, k=count)

    def sentence(self, low: int = 6, high: int = 16) -> str:
        words = self.words(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def title(self) -> str:
        rare = [w for w in WORDS if w not in COMMON]
        return " ".join(self.rng.sample(rare, self.rng.randint(2, 5))).capitalize()

    def post_body(self) -> str:
        rng = self.rng
        blocks = []
        for _ in range(rng.randint(1, 5)):
            kind = rng.random()
            if kind < 0.1:
                blocks.append("## " + " ".join(self.words(3)).capitalize())
            elif kind < 0.2:
                items = [f"- {self.sentence(2, 6)}" for _ in range(rng.randint(2, 4))]
                blocks.append("\n".join(items))
            elif kind < 0.27:
                language = rng.choice(LANGUAGES)
                code = "\n".join(f"{w} = {w!r}" for w in self.words(rng.randint(1, 4)))
                blocks.append(f"```{language}\n{code}\n```")
            else:
                lines = [self.sentence() for _ in range(rng.randint(1, 4))]
                if rng.random() < 0.3:
                    word = rng.choice(lines[0].split()).strip(".").lower()
                    lines.append(f"See [{word}](https://example.com/{word}) or **{word}**.")
                blocks.append("\n".join(lines))  # single line breaks: hard wraps
        return "\n\n".join(blocks)

    def comment(self) -> str:
        text_ = " ".join(self.sentence(3, 12) for _ in range(self.rng.randint(1, 3)))
        return f"*{text_}*" if self.rng.random() < 0.1 else text_


def _table_of(model: type[t.Any]) -> Table:
    """A model's table: each model maps onto one Table (SQLAlchemy types it as a FromClause)."""
    return t.cast(Table, model.__table__)


def _new_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """``count`` unused ids for ``table``, taken from its sequence on PostgreSQL (so rows the
    site adds later don't collide with them), after the largest one on SQLite."""
    if connection.dialect.name == "postgresql":
        return sorted(
            connection.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id'))"
                    " FROM generate_series(1, :count)"
                ),
                {"table": table.name, "count": count},
            )
        )
    first = (connection.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))


def _insert(
    connection: Connection,
    table: Table,
    rows: t.Iterable[dict[str, t.Any]],
    report: t.Callable[[str], None],
    label: str,
    total: int,
) -> int:
    """Insert ``rows`` in batches of ``BATCH`` (one executemany each); how many."""
    written = 0
    step = max(BATCH, total // 10)
    next_report = step
    rows = iter(rows)
    while batch := list(itertools.islice(rows, BATCH)):
        connection.execute(insert(table), batch)
        written += len(batch)
        if written >= next_report or written == total:
            report(f"  {label}: {written:,} of {total:,}")
            next_report += step
    return written


def _vacuum(engine: Engine, report: t.Callable[[str], None]) -> None:
    # Right after a bulk load PostgreSQL has no statistics to plan with and no visibility map
    # for index-only scans (counts then read the whole table) until autovacuum comes round.
    if engine.dialect.name != "postgresql":
        return
    report("Vacuuming and analysing the tables…")
    tables = ", ".join(
        table.name
        for table in (
            _table_of(User),
            _table_of(Post),
            _table_of(Comment),
            _table_of(Like),
            _table_of(Follow),
            _table_of(Notification),
        )
    )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        try:
            connection.execute(text(f"VACUUM (ANALYZE) {tables}"))
        except DBAPIError:
            report(f"Couldn't vacuum (only the tables' owner can): run VACUUM ANALYZE {tables}.")


def has_posts(engine: Engine) -> bool:
    """Whether the database already has posts (seeding then needs ``force``)."""
    with engine.connect() as connection:
        return connection.scalar(select(Post.id).limit(1)) is not None


def seed(
    engine: Engine,
    *,
    posts: int,
    comments: int,
    users: int,
    seed: int = 42,
    password_hash: str,
    report: t.Callable[[str], None] = lambda _message: None,
) -> Totals:
    """Write a demo forum of the given size into ``engine``'s (migrated) database."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    totals = Totals()
    started = time.perf_counter()
    user_table, post_table = _table_of(User), _table_of(Post)
    with engine.begin() as connection:
        user_ids = _new_ids(connection, user_table, users)
        post_ids = _new_ids(connection, post_table, posts)
        now = utcnow()
        report(f"Writing {users:,} users, {posts:,} posts, {comments:,} comments…")

        totals.users = _insert(
            connection,
            user_table,
            _users(rng, user_ids, password_hash, now),
            report,
            "users",
            users,
        )

        # Busy writers and quiet ones: authors are drawn with weights falling off like 1/rank.
        author_weights = list(itertools.accumulate(1 / (n + 1) for n in range(users)))
        authors = rng.choices(user_ids, cum_weights=author_weights, k=posts)
        comment_counts = _comment_counts(rng, posts, comments)
        like_sets = [
            rng.sample(user_ids, min(users, int(rng.expovariate(1 / LIKES_PER_POST))))
            for _ in range(posts)
        ]
        bodies = [writer.post_body() for _ in range(min(BODY_POOL, max(posts, 1)))]
        rendered = [str(render(body)) for body in bodies]
        start = now - timedelta(days=1) - POST_INTERVAL * posts
        created = [start + POST_INTERVAL * n for n in range(posts)]
        category_ids = _categories(connection)
        totals.categories = len(category_ids)
        tag_ids = _tags(connection)
        totals.tags = len(tag_ids)
        # Most posts in the first few categories, announcements rare.
        category_weights = list(
            itertools.accumulate(0.2 if n == 1 else 1 / (n + 1) for n in range(len(category_ids)))
        )
        post_categories = rng.choices(category_ids, cum_weights=category_weights, k=posts)
        post_tags = [
            rng.sample(tag_ids, rng.randint(0, min(TAGS_PER_POST, len(tag_ids))))
            for _ in range(posts)
        ]
        announcements = category_ids[1] if len(category_ids) > 1 else category_ids[0]
        pinned = {n for n in reversed(range(posts)) if post_categories[n] == announcements}
        pinned = set(sorted(pinned)[-PINNED:])

        def post_rows() -> t.Iterator[dict[str, t.Any]]:
            for n, post_id in enumerate(post_ids):
                body = rng.randrange(len(bodies))
                yield {
                    "id": post_id,
                    "author_id": authors[n],
                    "title": writer.title(),
                    "body_markdown": bodies[body],
                    "body_html": rendered[body],
                    "created_at": created[n],
                    "updated_at": created[n],
                    "like_count": len(like_sets[n]),
                    "comment_count": comment_counts[n],
                    "category_id": post_categories[n],
                    "pinned": n in pinned,
                    "locked": n % LOCKED_SHARE == LOCKED_SHARE - 1,
                    "last_activity_at": created[n],  # then the last comment's, below
                }

        totals.posts = _insert(connection, post_table, post_rows(), report, "posts", posts)

        comment_pool = [writer.comment() for _ in range(COMMENT_POOL)]

        def comment_rows() -> t.Iterator[dict[str, t.Any]]:
            for n, count in enumerate(comment_counts):
                when = created[n]
                for commenter in rng.choices(user_ids, cum_weights=author_weights, k=count):
                    when += timedelta(seconds=rng.randint(1, 120))
                    yield {
                        "post_id": post_ids[n],
                        "author_id": commenter,
                        "body": rng.choice(comment_pool),
                        "created_at": when,
                    }

        totals.comments = _insert(
            connection, _table_of(Comment), comment_rows(), report, "comments", comments
        )
        if post_ids:
            _last_activity(connection, post_ids[0], post_ids[-1])
        tag_rows = (
            {"post_id": post_ids[n], "tag_id": tag_id}
            for n, tags in enumerate(post_tags)
            for tag_id in tags
        )
        _insert(connection, _table_of(PostTag), tag_rows, report, "tags", sum(map(len, post_tags)))

        like_rows = (
            {"user_id": user_id, "post_id": post_ids[n], "created_at": created[n]}
            for n, likers in enumerate(like_sets)
            for user_id in likers
        )
        totals.likes = _insert(
            connection, _table_of(Like), like_rows, report, "likes", sum(map(len, like_sets))
        )

        follow_rows = list(_follows(rng, user_ids, now))
        totals.follows = _insert(
            connection, _table_of(Follow), follow_rows, report, "follows", len(follow_rows)
        )

        # What the site would have told the members: each like of their posts, each follower.
        likes_heard = (
            _notification(authors[n], liker, LIKE, created[n], now, post_id=post_ids[n])
            for n, likers in enumerate(like_sets)
            for liker in likers
            if liker != authors[n]
        )
        followers_heard = (
            _notification(row["followed_id"], row["follower_id"], FOLLOW, now, now)
            for row in follow_rows
        )
        heard = sum(liker != authors[n] for n, likers in enumerate(like_sets) for liker in likers)
        totals.notifications = _insert(
            connection,
            _table_of(Notification),
            itertools.chain(likes_heard, followers_heard),
            report,
            "notifications",
            heard + len(follow_rows),
        )
    _vacuum(engine, report)
    if posts:
        busiest = max(range(posts), key=comment_counts.__getitem__)
        totals.busiest_post, totals.busiest_count = post_ids[busiest], comment_counts[busiest]
    totals.seconds = time.perf_counter() - started
    return totals


def _categories(connection: Connection) -> list[int]:
    """The ids of the categories posts are spread over: the existing first one (General),
    then the demo's, made unless they exist."""
    table = _table_of(Category)
    existing = dict(connection.execute(select(table.c.slug, table.c.id)).all())
    position = connection.scalar(select(func.max(table.c.position))) or 0
    for name, slug, colour, description in CATEGORIES:
        if slug not in existing:
            position += 1
            existing[slug] = connection.execute(
                insert(table)
                .values(
                    name=name,
                    slug=slug,
                    colour=colour,
                    description=description,
                    position=position,
                    created_at=utcnow(),
                )
                .returning(table.c.id)
            ).scalar_one()
    first = connection.scalar(select(table.c.id).order_by(table.c.position, table.c.id).limit(1))
    demo = [existing[slug] for _, slug, _, _ in CATEGORIES]
    return [first, *(category for category in demo if category != first)]


def _tags(connection: Connection) -> list[int]:
    table = _table_of(Tag)
    known = set(connection.scalars(select(table.c.name).where(table.c.name.in_(TAGS))))
    missing = [{"name": name} for name in TAGS if name not in known]
    if missing:
        connection.execute(insert(table), missing)
    return list(connection.scalars(select(table.c.id).where(table.c.name.in_(TAGS))))


def _last_activity(connection: Connection, first_id: int, last_id: int) -> None:
    """Each new post's last activity: its newest comment's time (or its own)."""
    posts, comments = _table_of(Post), _table_of(Comment)
    newest = (
        select(func.max(comments.c.created_at))
        .where(comments.c.post_id == posts.c.id)
        .scalar_subquery()
    )
    connection.execute(
        update(posts)
        .where(and_(posts.c.id.between(first_id, last_id), posts.c.comment_count > 0))
        .values(last_activity_at=newest)
    )


def _users(
    rng: random.Random, user_ids: list[int], password_hash: str, now: datetime
) -> t.Iterator[dict[str, t.Any]]:
    for user_id in user_ids:
        name = f"{rng.choice(NAMES)}{user_id}"
        yield {
            "id": user_id,
            "username": name,
            "username_key": username_key(name),
            "username_skeleton": username_skeleton(name),
            "email": f"{name}@example.com",
            "email_key": f"{name}@example.com".lower(),
            "email_verified_at": now,
            "password_hash": password_hash,
            "role": "member",
            "banned": False,
            "remember_token": secrets.token_hex(32),
            "blog": "",
            "github": "",
            "phone": "",
            "qq": "",
            "bio": f"Demo account number {user_id}.",
            "created_at": now - timedelta(days=800),
        }


def _comment_counts(rng: random.Random, posts: int, comments: int) -> list[int]:
    """How many comments each post gets: a few crowded posts, the rest spread at random."""
    counts = [0] * posts
    if not posts:
        return counts
    hot = rng.sample(range(posts), min(posts, max(1, posts // HOT_SHARE)))
    left = comments
    for index in hot:
        if left < HOT_COMMENTS[0]:
            break
        counts[index] = min(left, rng.randint(*HOT_COMMENTS))
        left -= counts[index]
    for index in rng.choices(range(posts), k=left):
        counts[index] += 1
    return counts


def _notification(
    user_id: int,
    actor_id: int,
    kind: str,
    when: datetime,
    now: datetime,
    post_id: int | None = None,
) -> dict[str, t.Any]:
    read_at = when + timedelta(hours=1) if when < now - UNREAD_FOR else None
    return {
        "user_id": user_id,
        "actor_id": actor_id,
        "kind": kind,
        "post_id": post_id,
        "created_at": when,
        "read_at": read_at,
    }


def _follows(
    rng: random.Random, user_ids: list[int], now: datetime
) -> t.Iterator[dict[str, t.Any]]:
    for follower in user_ids:
        for followed in set(rng.sample(user_ids, min(len(user_ids), FOLLOWS_PER_USER))):
            if followed != follower:
                yield {"follower_id": follower, "followed_id": followed, "created_at": now}


@click.command("seed-demo")
@with_appcontext
@click.option("--posts", default=100_000, show_default=True, type=click.IntRange(0))
@click.option("--comments", default=1_000_000, show_default=True, type=click.IntRange(0))
@click.option("--users", default=1000, show_default=True, type=click.IntRange(2))
@click.option("--seed", "seed_", default=42, show_default=True, help="Same seed, same forum.")
@click.option("--force", is_flag=True, help="Add to a database that already has posts.")
def seed_demo_command(posts: int, comments: int, users: int, seed_: int, force: bool) -> None:
    """Fill the database with a generated demo forum (for trying the site and benchmarks)."""
    engine = db.engine
    try:
        occupied = has_posts(engine)
    except Exception as error:  # no tables yet, wrong database…
        raise click.ClickException(
            f"Can't read the posts ({type(error).__name__}); "
            "run `flagon --app bbs db upgrade` first."
        ) from None
    if occupied and not force:
        raise click.ClickException("The database already has posts; add --force to add more.")
    totals = seed(
        engine,
        posts=posts,
        comments=comments,
        users=users,
        seed=seed_,
        password_hash=hash_password(DEMO_PASSWORD),
        report=click.echo,
    )
    click.echo(
        f"Wrote {totals.users:,} users, {totals.posts:,} posts, "
        f"{totals.comments:,} comments, {totals.likes:,} likes, {totals.follows:,} "
        f"follows and {totals.notifications:,} notifications in {totals.seconds:.1f} s, over {totals.categories} categories and "
        f"{totals.tags} tags."
    )
    if totals.busiest_post is not None:
        click.echo(
            f"The busiest post is /posts/{totals.busiest_post} ({totals.busiest_count:,} comments)."
        )
    click.echo(f"Every demo account's password is {DEMO_PASSWORD!r}.")
