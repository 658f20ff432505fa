"""Notification mails: sent for the kinds a member asked for by e-mail, and only those."""

from __future__ import annotations

from bbs_helpers import make_user, submit, token_for
from mail_helpers import html_of, link_in, text_of, wait_for_mail

from bbs.db import db
from bbs.posts import content


def choose(app, user, **fields):
    client = app.test_client(user=user)
    data = {name: "on" for name, on in fields.items() if on}
    data["csrf_token"] = token_for(client, "/settings/notifications")
    assert client.post("/settings/notifications", data=data).status_code == 302


def test_members_get_mail_for_the_kinds_they_chose(mail_app, smtp_server):
    ada, bob = make_user(mail_app, "ada"), make_user(mail_app, "bob")
    with mail_app.app_context():
        post = content.create_post(ada, "Hello", "First post")
        db.session.commit()
        post_id = post.id
    choose(mail_app, ada, mention_in_app=True, mention_email=True, like_in_app=True)
    bobs = mail_app.test_client(user=bob)
    page = f"/posts/{post_id}"
    submit(bobs, f"/posts/{post_id}/comments", {"body": "Hi @ada <b>"}, page=page)
    bobs.post(f"/posts/{post_id}/like", data={"csrf_token": token_for(bobs, page)})
    wait_for_mail(mail_app)
    (mail,) = smtp_server.mailbox.to("ada@example.com")
    assert mail["Subject"].startswith("bob mentioned you on ")
    assert "bob mentioned you" in text_of(mail) and "<strong>bob</strong>" in html_of(mail)
    assert link_in(mail, "/comments/").startswith("/comments/")
    assert link_in(mail, "/settings/notifications") == "/settings/notifications"


def test_mail_only_without_the_forum_and_nothing_for_blocked_members(mail_app, smtp_server):
    ada, bob, eve = (make_user(mail_app, name) for name in ("ada", "bob", "eve"))
    choose(mail_app, ada, follow_email=True)
    adas = mail_app.test_client(user=ada)
    adas.post("/u/eve/block", data={"csrf_token": token_for(adas, "/u/eve")})
    for follower in (bob, eve):
        client = mail_app.test_client(user=follower)
        client.post("/u/ada/follow", data={"csrf_token": token_for(client, "/u/ada")})
    wait_for_mail(mail_app)
    (mail,) = smtp_server.mailbox.to("ada@example.com")
    assert "bob started following you" in text_of(mail)
    assert adas.get("/notifications/count").json["unread"] == 0
