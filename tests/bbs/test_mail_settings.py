"""Mail settings: the PostgreSQL queue reaches the database the forum does, and SMTP
credentials from the environment are used as written."""

from __future__ import annotations

import pytest
from psycopg.conninfo import conninfo_to_dict

from bbs.mail import mail_settings
from bbs.mail.jobs import conninfo


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://bbs_app:p%40ss%20word@127.0.0.1:5433/bbs",
        "postgresql+psycopg://bbs_app:p%40ss%20word@127.0.0.1:5433/bbs",
    ],
)
def test_the_worker_connects_where_the_forum_does(url):
    assert conninfo_to_dict(conninfo(url)) == {
        "user": "bbs_app",
        "password": "p@ss word",
        "host": "127.0.0.1",
        "port": "5433",
        "dbname": "bbs",
    }


def test_query_parameters_are_kept():
    url = "postgresql+psycopg://bbs_app@/bbs?host=/run/postgresql&sslmode=disable"
    assert conninfo_to_dict(conninfo(url)) == {
        "user": "bbs_app",
        "dbname": "bbs",
        "host": "/run/postgresql",
        "sslmode": "disable",
    }


def test_several_hosts_are_tried_in_turn():
    url = "postgresql://bbs_app@/bbs?host=db1&host=db2&port=5432&port=5433"
    assert conninfo_to_dict(conninfo(url))["host"] == "db1,db2"
    assert conninfo_to_dict(conninfo(url))["port"] == "5432,5433"


def test_numeric_mail_credentials_from_the_environment_stay_text(make_app, monkeypatch):
    # BBS_* values are read as JSON, so these arrive as numbers.
    monkeypatch.setenv("BBS_MAIL_USERNAME", "1001")
    monkeypatch.setenv("BBS_MAIL_PASSWORD", "123456")
    settings = mail_settings(make_app())
    assert (settings.username, settings.password) == ("1001", "123456")
