"""Twenty members using the forum at once through Gunicorn (three workers): on SQLite (WAL)
and on PostgreSQL (as the least-privileged role), every row arrives, every counter matches
the rows it counts, and no request fails."""

from __future__ import annotations

import re
import threading
import typing as t
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from forum_servers import (
    Visitor,
    form_inputs,
    forum_environment,
    gunicorn_args,
    wait_until_serving,
)
from live_servers import free_port
from sqlalchemy import func, select

from bbs.db import make_engine
from bbs.models import Comment, Like, Post, User

pytestmark = pytest.mark.slow

MEMBERS = 20
COMMENTED = 5  # each member comments on (and likes) the posts of the next five members
BARRIER_TIMEOUT = 60
_POST_URL = re.compile(r"/posts/(\d+)$")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def forum(request, servers, tmp_path_factory):
    """Gunicorn serving the forum with three workers, on the database named by the param."""
    if request.param == "sqlite":
        url = request.getfixturevalue("sqlite_url")
    else:
        url = request.getfixturevalue("postgres").app_url  # never the owner
    folder = tmp_path_factory.mktemp(f"bbs-{request.param}")
    port = free_port()
    server = servers.start(
        gunicorn_args(port, workers=3), port, cwd=folder, env=forum_environment(folder, url)
    )
    wait_until_serving(Visitor(server.url("")))
    return server, url


class Member:
    """One visitor of the forum, with a record of every response status it got."""

    def __init__(self, base: str, name: str) -> None:
        self.visitor = Visitor(base)
        self.name = name
        self.statuses: list[tuple[str, int]] = []
        self.token = ""

    def expect_redirect(self, what: str, reply: t.Any) -> str:
        self.statuses.append((what, reply.status))
        return reply.headers.get("Location", "") if reply.status == 302 else ""

    def join(self) -> None:
        self.expect_redirect("register", self.visitor.register(self.name))
        # The session's CSRF token is good for every form of this session.
        self.token = form_inputs(self.visitor.get("/posts/new").text)["csrf_token"]

    def write_post(self) -> int | None:
        location = self.expect_redirect(
            "post",
            self.visitor.post(
                "/posts/new",
                {
                    "csrf_token": self.token,
                    "title": f"A post by {self.name}",
                    "body": f"Written by **{self.name}** while everyone else wrote too.",
                },
            ),
        )
        found = _POST_URL.search(location)
        return int(found.group(1)) if found else None

    def respond(self, post_id: int) -> None:
        self.expect_redirect(
            "comment",
            self.visitor.post(
                f"/posts/{post_id}/comments",
                {
                    "csrf_token": self.token,
                    "body": f"{self.name} was here",
                },
            ),
        )
        self.expect_redirect(
            "like",
            self.visitor.post(
                f"/posts/{post_id}/like",
                {
                    "csrf_token": self.token,
                },
            ),
        )


def test_twenty_members_at_once(forum):
    server, url = forum
    run = uuid.uuid4().hex[:6]  # the PostgreSQL database outlives this module: own names
    members = [Member(server.url(""), f"m{run}{number:02d}") for number in range(MEMBERS)]
    post_ids: list[int | None] = [None] * MEMBERS
    barrier = threading.Barrier(MEMBERS, timeout=BARRIER_TIMEOUT)

    def take_part(number: int) -> None:
        try:
            act(number)
        except BaseException:
            barrier.abort()  # release the others at once
            raise

    def act(number: int) -> None:
        member = members[number]
        barrier.wait()
        member.join()
        barrier.wait()
        post_ids[number] = member.write_post()
        barrier.wait()  # every post exists before anyone comments
        for step in range(1, COMMENTED + 1):
            target = post_ids[(number + step) % MEMBERS]
            if target is not None:
                member.respond(target)

    with ThreadPoolExecutor(max_workers=MEMBERS) as pool:
        outcomes = [pool.submit(take_part, number) for number in range(MEMBERS)]
        errors = [outcome.exception(timeout=BARRIER_TIMEOUT * 3) for outcome in outcomes]
    # A member's own failure first, before the others it left waiting at the barrier.
    errors.sort(key=lambda error: (error is None, isinstance(error, threading.BrokenBarrierError)))
    if errors[0] is not None and not isinstance(errors[0], threading.BrokenBarrierError):
        raise errors[0]
    assert not any(errors), errors

    failures = [
        (member.name, what, status)
        for member in members
        for what, status in member.statuses
        if status != 302
    ]
    assert failures == []
    assert None not in post_ids

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            users = connection.scalars(select(User.id).where(User.username.like(f"m{run}%")))
            user_ids = set(users)
            posts = connection.execute(
                select(Post.id, Post.author_id, Post.comment_count, Post.like_count).where(
                    Post.id.in_(post_ids)
                )
            ).all()
            comments = dict(
                connection.execute(
                    select(Comment.post_id, func.count())
                    .where(Comment.post_id.in_(post_ids))
                    .group_by(Comment.post_id)
                ).all()
            )
            likes = dict(
                connection.execute(
                    select(Like.post_id, func.count())
                    .where(Like.post_id.in_(post_ids))
                    .group_by(Like.post_id)
                ).all()
            )
    finally:
        engine.dispose()
    assert len(user_ids) == MEMBERS
    assert len(posts) == MEMBERS and {author for _, author, _, _ in posts} == user_ids
    for post_id, _, comment_count, like_count in posts:
        assert comments.get(post_id) == comment_count == COMMENTED, post_id
        assert likes.get(post_id) == like_count == COMMENTED, post_id
