"""A database outage: 503 with Retry-After, the outage logged once per interval, recovery
without a restart."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from sqlalchemy import event

from bbs.db import db
from bbs.outage import LOG_INTERVAL, RETRY_AFTER


class Outage:
    """Makes every new database connection fail, as an unreachable server does."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            self.engine = db.engine

    @staticmethod
    def _refuse(*_args, **_kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    def begin(self):
        event.listen(self.engine, "do_connect", self._refuse)
        self.engine.dispose()  # the pooled connections went with the server

    def end(self):
        event.remove(self.engine, "do_connect", self._refuse)


@pytest.fixture
def outage(app):
    outage = Outage(app)
    yield outage
    if event.contains(outage.engine, "do_connect", outage._refuse):
        outage.end()


def outage_records(caplog):
    return [record for record in caplog.records if record.name == "bbs.outage"]


@pytest.mark.sqlite_only
def test_pages_are_a_503_with_retry_after_while_the_database_is_unreachable(
    app, member, outage, caplog
):
    anonymous, signed_in = app.test_client(), app.test_client(user=member)
    outage.begin()
    # The not-found page too: its layout reads the signed-in member from the database.
    for client, path in [(anonymous, "/"), (signed_in, "/"), (signed_in, "/no-such-page")]:
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == str(RETRY_AFTER)
        assert "temporarily unavailable" in response.get_data(as_text=True)
    assert not [record for record in caplog.records if record.exc_info]  # no tracebacks


@pytest.mark.sqlite_only
def test_the_outage_is_logged_once_per_interval(app, outage, caplog, monkeypatch):
    now = [1000.0]
    log = app.extensions["bbs.outage"]
    monkeypatch.setattr(log, "clock", lambda: now[0])
    client = app.test_client()
    outage.begin()
    with caplog.at_level(logging.INFO):
        for _ in range(50):
            assert client.get("/").status_code == 503
        records = outage_records(caplog)
        assert len(records) == 1
        assert "Database unavailable" in records[0].getMessage()
        assert "unable to open database file" in records[0].getMessage()

        now[0] += LOG_INTERVAL + 1
        for _ in range(10):  # the first one is due a line: the 49 before it and itself
            client.get("/")
        records = outage_records(caplog)
        assert len(records) == 2
        assert "still unavailable" in records[1].getMessage()
        assert "50 requests refused" in records[1].getMessage()


@pytest.mark.sqlite_only
def test_the_forum_recovers_without_a_restart(app, member, outage, caplog):
    client = app.test_client(user=member)
    assert client.get("/").status_code == 200
    outage.begin()
    assert client.get("/").status_code == 503
    outage.end()
    with caplog.at_level(logging.INFO):
        assert client.get("/").status_code == 200
        assert client.get("/").status_code == 200
    recovered = [r for r in outage_records(caplog) if "available again" in r.getMessage()]
    assert len(recovered) == 1
    assert "1 requests were refused" in recovered[0].getMessage()
