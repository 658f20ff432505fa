"""The forum served for real: an app on its own SQLite database, served in a thread by waitress
(WSGI) or uvicorn (ASGI)."""

from __future__ import annotations

import contextlib
import threading
import typing as t
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bbs import create_app
from bbs.db import db
from bbs.models import MEMBER, User
from bbs.passwords import hash_password

PASSWORD = "correct horse battery"  # of every account made here
# Cheap Argon2 parameters: the tests check behaviour, not hashing cost.
FAST_HASHER = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def forum_app(database: Path, instance: Path, **config: t.Any) -> t.Any:
    """A forum app on the SQLite file ``database`` (which must be migrated), with ``config``
    over the defaults."""
    return create_app(
        {
            "SECRET_KEY": "a secret for the browser tests, long enough for the forum",
            "DATABASE_URL": f"sqlite:///{database}",
            "PASSWORD_HASHER": FAST_HASHER,
            # An open page's notification stream writes at least this often, so it notices
            # its tab closing within it: the server's threads are free at once at teardown
            # (with the forum's 5 s, shutting down waited 5 s for them after every test).
            "NOTIFICATIONS_STREAM_INTERVAL": 0.5,
            **config,
        },
        instance_path=str(instance),
    )


@dataclass
class LiveForum:
    """A forum app and the address it is served on."""

    app: t.Any
    url: str

    def make_user(self, username: str, password: str = PASSWORD, role: str = MEMBER) -> int:
        """Create an account (a member's unless ``role`` says otherwise) directly in the
        database; returns its id."""
        with self.app.app_context():
            user = User(
                username=username,
                email=f"{username}@example.com",
                password_hash=hash_password(password),
                role=role,
            )
            db.session.add(user)
            db.session.commit()
            return user.id

    def make_post(self, username: str, title: str, body: str) -> int:
        """Publish a post by ``username`` directly in the database; returns its id."""
        from bbs.posts.content import create_post

        with self.app.app_context():
            author = db.session.scalar(select(User).where(User.username == username))
            post = create_post(author, title, body)
            db.session.commit()
            return post.id


@contextlib.contextmanager
def serve(app: t.Any) -> t.Iterator[LiveForum]:
    """Serve ``app`` with waitress on a free port of 127.0.0.1 until the block ends."""
    import waitress
    from waitress import wasyncore

    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def run() -> None:
        while not stopping.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)
        # Closed by the thread that polls them, never under a select() in progress.
        wasyncore.close_all(server._map)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield LiveForum(app, f"http://127.0.0.1:{server.effective_port}")
    finally:
        stopping.set()
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()
        with app.app_context():
            db.engine.dispose()


@contextlib.contextmanager
def serve_asgi(app: t.Any) -> t.Iterator[LiveForum]:
    """Serve ``app`` over ASGI with uvicorn on a free port of 127.0.0.1 until the block ends."""
    import socket
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app.asgi_app, host="127.0.0.1", port=port, interface="asgi3", lifespan="on",
        log_level="warning", ws="websockets-sansio",
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield LiveForum(app, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()
