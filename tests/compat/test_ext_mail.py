"""Flask-Mail on flagon: messages built and sent from views, captured by
``mail.record_messages()`` (the ``email_dispatched`` signal), with ``TESTING`` /
``MAIL_SUPPRESS_SEND`` keeping them off the network, following Flask-Mail's quick-start. The one
test that lets a message through gives Flask-Mail a stand-in for ``smtplib.SMTP``: no socket is
ever opened."""

from __future__ import annotations

import email
import email.utils
import io
import smtplib
import threading
from email import policy

import pytest
from flask import Flask, current_app, render_template_string, request, url_for
from flask_mail import Attachment, BadHeaderError, Mail, Message, email_dispatched

WELCOME_HTML = "<p>Welcome, <b>{{ name }}</b>! Confirm at {{ link }}</p>"


def make_app(**config):
    app = Flask(__name__)
    app.config.update(
        TESTING=True,
        SERVER_NAME="mail.test",
        MAIL_SERVER="smtp.invalid",
        MAIL_PORT=2525,
        MAIL_DEFAULT_SENDER=("Flagon Site", "noreply@mail.test"),
    )
    app.config.update(config)
    mail = Mail(app)

    @app.post("/signup")
    def signup():
        name = request.form["name"]
        msg = Message(
            subject=f"Welcome, {name}",
            recipients=[request.form["email"]],
            cc=request.form.getlist("cc"),
            bcc=["audit@mail.test"],
            reply_to="support@mail.test",
        )
        link = url_for("confirm", name=name, _external=True)
        msg.body = f"Hello {name}, confirm at {link}"
        msg.html = render_template_string(WELCOME_HTML, name=name, link=link)
        for upload in request.files.getlist("attachment"):
            msg.attach(upload.filename, upload.content_type, upload.read())
        mail.send(msg)
        return {"sent": True}, 201

    @app.get("/confirm/<name>")
    def confirm(name):
        return f"confirmed {name}"

    @app.post("/report")
    def report():
        mail.send_message(
            "Daily report",
            recipients=["boss@mail.test", ("Ops Team", "ops@mail.test")],
            body="All good.",
            sender="reports@mail.test",
            attachments=[Attachment("report.csv", data="day,visits\nmon,3\n")],
        )
        return "", 204

    @app.post("/bulk")
    def bulk():
        with mail.connect() as conn:
            for address in request.form.getlist("to"):
                conn.send(Message("Newsletter", recipients=[address], body="News"))
        return {"count": len(request.form.getlist("to"))}

    @app.post("/async")
    def send_later():
        # Flask-Mail's documented pattern for sending off the request thread.
        msg = Message("Queued", recipients=[request.form["email"]], body="Later")
        worker_app = current_app._get_current_object()

        def send_async(app, msg):
            with app.app_context():
                mail.send(msg)

        thread = threading.Thread(target=send_async, args=(worker_app, msg))
        thread.start()
        thread.join()
        return "queued", 202

    @app.post("/bad")
    def bad():
        try:
            mail.send(Message("Hi\nBcc: victim@mail.test", recipients=["a@mail.test"], body="x"))
        except BadHeaderError:
            return "refused", 400
        return "sent"

    return app, mail


@pytest.fixture
def app_mail():
    return make_app()


@pytest.fixture
def no_smtp(monkeypatch):
    """Any attempt to reach an SMTP server fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"SMTP connection attempted: {args}")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    monkeypatch.setattr(smtplib, "SMTP_SSL", refuse)


def parse(app, msg: Message) -> email.message.EmailMessage:
    """The message as a mail client reads it (rendering it needs the app's mail settings)."""
    with app.app_context():
        raw = msg.as_bytes()
    return email.message_from_bytes(raw, policy=policy.default)


def test_testing_suppresses_sending(app_mail, no_smtp):
    app, mail = app_mail
    assert mail.suppress is True
    assert app.extensions["mail"].suppress is True
    assert app.extensions["mail"].server == "smtp.invalid"
    assert app.extensions["mail"].port == 2525


def test_message_sent_from_a_view_is_recorded(app_mail, no_smtp):
    app, mail = app_mail
    client = app.test_client()
    with mail.record_messages() as outbox:
        response = client.post(
            "/signup",
            data={"name": "Ada", "email": "ada@example.org", "cc": ["grace@example.org"]},
        )
    assert response.status_code == 201
    assert response.get_json() == {"sent": True}
    assert len(outbox) == 1
    msg = outbox[0]
    assert msg.subject == "Welcome, Ada"
    assert msg.recipients == ["ada@example.org"]
    assert msg.cc == ["grace@example.org"]
    assert msg.send_to == {"ada@example.org", "grace@example.org", "audit@mail.test"}
    assert msg.sender == "Flagon Site <noreply@mail.test>"
    assert msg.body == "Hello Ada, confirm at http://mail.test/confirm/Ada"
    assert msg.html == ("<p>Welcome, <b>Ada</b>! Confirm at http://mail.test/confirm/Ada</p>")
    assert msg.date is not None

    parsed = parse(app, msg)
    assert parsed["Subject"] == "Welcome, Ada"
    assert parsed["From"] == "Flagon Site <noreply@mail.test>"
    assert parsed["To"] == "ada@example.org"
    assert parsed["Cc"] == "grace@example.org"
    assert parsed["Reply-To"] == "support@mail.test"
    assert "Bcc" not in parsed
    plain = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert plain.strip() == "Hello Ada, confirm at http://mail.test/confirm/Ada"
    assert "<b>Ada</b>" in html


def test_template_escapes_what_the_user_sent(app_mail, no_smtp):
    app, mail = app_mail
    with mail.record_messages() as outbox:
        client = app.test_client()
        client.post("/signup", data={"name": "<script>", "email": "x@example.org"})
    assert "<b>&lt;script&gt;</b>" in outbox[0].html


def test_uploaded_files_become_attachments(app_mail, no_smtp):
    app, mail = app_mail
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))

    with mail.record_messages() as outbox:
        response = app.test_client().post(
            "/signup",
            data={
                "name": "Ada",
                "email": "ada@example.org",
                "attachment": [
                    (io.BytesIO(png), "pixel.png", "image/png"),
                    (io.BytesIO("über,1\n".encode()), "notes.csv", "text/csv"),
                ],
            },
            content_type="multipart/form-data",
        )
    assert response.status_code == 201
    (msg,) = outbox
    assert [(a.filename, a.content_type) for a in msg.attachments] == [
        ("pixel.png", "image/png"),
        ("notes.csv", "text/csv"),
    ]
    assert msg.attachments[0].data == png
    parts = {part.get_filename(): part for part in parse(app, msg).iter_attachments()}
    assert parts["pixel.png"].get_content_type() == "image/png"
    assert parts["pixel.png"].get_content() == png
    assert parts["notes.csv"].get_payload(decode=True) == "über,1\n".encode()


def test_send_message_shortcut_and_default_attachment_type(app_mail, no_smtp):
    app, mail = app_mail
    with mail.record_messages() as outbox:
        response = app.test_client().post("/report")
    assert response.status_code == 204
    (msg,) = outbox
    assert msg.sender == "reports@mail.test"
    assert msg.subject == "Daily report"
    assert msg.attachments[0].content_type == "text/csv"
    parsed = parse(app, msg)
    assert parsed["To"].addresses[0].addr_spec in {"boss@mail.test", "ops@mail.test"}
    assert {a.addr_spec for a in parsed["To"].addresses} == {"boss@mail.test", "ops@mail.test"}
    (attachment,) = parsed.iter_attachments()
    assert attachment.get_filename() == "report.csv"
    assert attachment.get_content() == "day,visits\nmon,3\n"


def test_one_connection_many_messages(app_mail, no_smtp):
    app, mail = app_mail
    with mail.record_messages() as outbox:
        response = app.test_client().post(
            "/bulk", data={"to": ["a@example.org", "b@example.org", "c@example.org"]}
        )
    assert response.get_json() == {"count": 3}
    assert [m.recipients for m in outbox] == [
        ["a@example.org"],
        ["b@example.org"],
        ["c@example.org"],
    ]


def test_sending_from_a_thread_with_an_app_context(app_mail, no_smtp):
    app, mail = app_mail
    with mail.record_messages() as outbox:
        response = app.test_client().post("/async", data={"email": "later@example.org"})
    assert response.status_code == 202
    assert [m.subject for m in outbox] == ["Queued"]


def test_email_dispatched_signal_is_sent_by_the_app(app_mail, no_smtp):
    app, _mail = app_mail
    seen = []

    def on_dispatch(sender, message):
        seen.append((sender, message.subject))

    with email_dispatched.connected_to(on_dispatch):
        app.test_client().post("/report")
    assert seen == [(app, "Daily report")]


def test_header_injection_is_refused(app_mail, no_smtp):
    app, mail = app_mail
    with mail.record_messages() as outbox:
        response = app.test_client().post("/bad")
    assert response.status_code == 400
    assert outbox == []


def test_recording_outside_the_block_sees_nothing(app_mail, no_smtp):
    app, mail = app_mail
    with mail.record_messages() as outbox:
        pass
    app.test_client().post("/report")
    assert outbox == []


def test_mail_suppress_send_without_testing(no_smtp):
    app, mail = make_app(TESTING=False, MAIL_SUPPRESS_SEND=True)
    assert app.testing is False
    with mail.record_messages() as outbox:
        assert app.test_client().post("/report").status_code == 204
    assert len(outbox) == 1


class FakeSMTP:
    """Stands in for ``smtplib.SMTP``: records what Flask-Mail hands the server."""

    instances: list[FakeSMTP] = []

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.sent: list[tuple] = []
        self.logged_in = None
        self.quit_called = False
        FakeSMTP.instances.append(self)

    def set_debuglevel(self, level):
        pass

    def starttls(self):
        self.tls = True

    def login(self, username, password):
        self.logged_in = (username, password)

    def sendmail(self, from_addr, to_addrs, msg, mail_options=(), rcpt_options=()):
        self.sent.append((from_addr, sorted(to_addrs), msg))

    def quit(self):
        self.quit_called = True


def test_unsuppressed_mail_goes_to_the_configured_server(monkeypatch):
    FakeSMTP.instances = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app, mail = make_app(
        TESTING=False, MAIL_USE_TLS=True, MAIL_USERNAME="site", MAIL_PASSWORD="s3cret"
    )
    assert mail.suppress is False
    with mail.record_messages() as outbox:
        response = app.test_client().post(
            "/signup", data={"name": "Ada", "email": "ada@example.org"}
        )
    assert response.status_code == 201
    assert len(outbox) == 1
    (server,) = FakeSMTP.instances
    assert (server.host, server.port) == ("smtp.invalid", 2525)
    assert server.logged_in == ("site", "s3cret")
    assert server.quit_called
    ((from_addr, to_addrs, raw),) = server.sent
    assert email.utils.parseaddr(from_addr)[1] == "noreply@mail.test"
    assert to_addrs == ["ada@example.org", "audit@mail.test"]
    assert email.message_from_bytes(raw)["Subject"] == "Welcome, Ada"
