"""The mail queue on PostgreSQL: requests defer procrastinate jobs in the forum's database,
as the least-privilege role, and ``flagon --app bbs mail-worker`` sends them to a real SMTP
server on loopback, trying a refused mail again later."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg
import pytest
from bbs_helpers import forum_config, make_user, submit
from forum_servers import REPO, forum_environment, run
from mail_helpers import SMTPServer, link_in

from bbs import create_app
from bbs.db import db
from bbs.mail import mail_queue

pytestmark = pytest.mark.slow


@pytest.fixture
def smtp_server():
    with SMTPServer() as server:
        yield server


@pytest.fixture
def forum(postgres, smtp_server, tmp_path):
    """The forum on the cluster as bbs_app, with the mail queue of production."""
    with psycopg.connect(postgres.owner_url) as connection:
        connection.execute("TRUNCATE users, procrastinate_jobs RESTART IDENTITY CASCADE")
    app = create_app(
        forum_config(
            None, DATABASE_URL=postgres.app_url, MAIL_QUEUE="auto", **smtp_server.settings
        ),
        instance_path=str(tmp_path),
    )
    yield app
    mail_queue(app).close()
    with app.app_context():
        db.engine.dispose()


def jobs(postgres):
    with psycopg.connect(postgres.owner_url) as connection:
        return connection.execute(
            "SELECT task_name, queue_name, status, attempts, coalesce(scheduled_at > now(), false)"
            " FROM procrastinate_jobs ORDER BY id"
        ).fetchall()


def mail_worker(postgres, smtp_server, tmp_path: Path) -> None:
    """``flagon --app bbs mail-worker --once``, as the service runs it (but stopping when
    the queue is empty)."""
    flagon = Path(sys.executable).with_name("flagon")
    environment = forum_environment(
        tmp_path / "worker",
        postgres.app_url,
        BBS_MAIL_SERVER="127.0.0.1",
        BBS_MAIL_PORT=str(smtp_server.port),
        BBS_MAIL_DEFAULT_SENDER="Forum <forum@example.org>",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    run([str(flagon), "--app", "bbs", "mail-worker", "--once"], cwd=REPO, env=environment)


def ask_reset(app):
    make_user(app, "ada")
    response = submit(app.test_client(), "/account/forgot-password", {"email": "ada@example.com"})
    assert response.status_code == 302


def test_the_request_queues_the_mail_and_the_worker_sends_it(
    forum, postgres, smtp_server, tmp_path
):
    ask_reset(forum)
    assert smtp_server.mailbox.messages == []  # nothing is sent by the request itself
    assert jobs(postgres) == [("bbs.send_mail", "mail", "todo", 0, False)]

    mail_worker(postgres, smtp_server, tmp_path)
    (mail,) = smtp_server.mailbox.messages
    assert mail["To"] == "ada@example.com" and mail["From"] == "Forum <forum@example.org>"
    link = link_in(mail, "/account/reset-password/")
    assert forum.test_client().get(link).status_code == 200
    assert jobs(postgres) == []  # a sent mail's job (and its link) is deleted


def test_a_refused_mail_is_tried_again_later(forum, postgres, smtp_server, tmp_path):
    ask_reset(forum)
    smtp_server.mailbox.refuse = 1
    mail_worker(postgres, smtp_server, tmp_path)
    assert smtp_server.mailbox.refused == 1 and smtp_server.mailbox.messages == []
    # Still queued, for a later try.
    assert jobs(postgres) == [("bbs.send_mail", "mail", "todo", 1, True)]

    with psycopg.connect(postgres.owner_url) as connection:
        connection.execute("UPDATE procrastinate_jobs SET scheduled_at = now()")
    mail_worker(postgres, smtp_server, tmp_path)
    assert [mail["To"] for mail in smtp_server.mailbox.messages] == ["ada@example.com"]
    assert jobs(postgres) == []


def test_the_mail_queue_belongs_to_the_owner_and_the_app_role_uses_it(postgres):
    with psycopg.connect(postgres.owner_url) as connection:
        owners = connection.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE tablename LIKE 'procrastinate%'"
        ).fetchall()
    assert owners == [("bbs_owner",)]
    with (
        psycopg.connect(postgres.app_url) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        connection.execute("DROP TABLE procrastinate_jobs")
