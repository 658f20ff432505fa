"""Drafts kept on the server: saved by the editor's script, restored on any device, private to
their member, and gone once the form is sent."""

from __future__ import annotations

import pytest
from bbs_helpers import make_user, submit, token_for
from sqlalchemy import func, select

from bbs.db import db
from bbs.drafts import MAX_DRAFTS
from bbs.models import Draft
from bbs.posts import content


@pytest.fixture
def post(app, member):
    with app.app_context():
        post = content.create_post(member, "A question", "What do you think?")
        db.session.commit()
        return post


def save(client, target, body, title="", token=None):
    token = token_for(client, "/posts/new") if token is None else token
    return client.post(
        "/drafts",
        data={"target": target, "title": title, "body": body},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )


def drafts_of(app, user):
    with app.app_context():
        rows = db.session.scalars(select(Draft).where(Draft.user_id == user.id)).all()
        return {row.target: row.body for row in rows}


def test_a_comment_draft_comes_back_on_another_device(app, member, post):
    laptop, phone = app.test_client(user=member), app.test_client(user=member)
    response = save(laptop, f"comment:{post.id}", "Half a <b>thought</b>")
    assert response.status_code == 200 and response.get_json()["saved_at"]
    page = phone.get(f"/posts/{post.id}").text
    assert "Half a &lt;b&gt;thought&lt;/b&gt;</textarea>" in page
    assert "is restored below" in page
    assert 'data-draft-source="draft"' in page


def test_a_new_post_draft_keeps_its_title(app, member, member_client):
    save(member_client, "post:new", "The body", title="The title")
    page = member_client.get("/posts/new").text
    assert 'value="The title"' in page and "The body</textarea>" in page


def test_an_edit_draft_replaces_the_posts_text_in_the_editor(app, member_client, post):
    save(member_client, f"edit:{post.id}", "Better words", title="A better question")
    page = member_client.get(f"/posts/{post.id}/edit").text
    assert "Better words</textarea>" in page and 'value="A better question"' in page


def test_an_edit_draft_older_than_the_post_is_not_restored(app, member_client, post):
    submit(member_client, f"/posts/{post.id}/edit", {"title": "New", "body": "Edited elsewhere"})
    save(member_client, f"edit:{post.id}", "Stale words")
    with app.app_context():  # as if saved before the post was edited (on another device)
        draft = db.session.get(Draft, (post.author_id, f"edit:{post.id}"))
        draft.updated_at = draft.updated_at.replace(year=2000)
        db.session.commit()
    page = member_client.get(f"/posts/{post.id}/edit").text
    assert "Edited elsewhere</textarea>" in page and "Stale words" not in page


def test_drafts_are_private_to_their_member(app, member, member_client, post):
    save(member_client, f"comment:{post.id}", "Ada's secret draft")
    bob = app.test_client(user=make_user(app, "bob"))
    assert "secret draft" not in bob.get(f"/posts/{post.id}").text
    assert "secret draft" not in app.test_client().get(f"/posts/{post.id}").text
    # Bob saving the same target keeps his own draft, not Ada's.
    save(bob, f"comment:{post.id}", "Bob's draft")
    assert drafts_of(app, member) == {f"comment:{post.id}": "Ada's secret draft"}


def test_sending_the_form_deletes_the_draft_and_tells_the_browser(app, member, member_client, post):
    save(member_client, f"comment:{post.id}", "Nearly done")
    response = submit(member_client, f"/posts/{post.id}", {"body": "Done."})
    assert response.status_code == 302
    assert drafts_of(app, member) == {}
    page = member_client.get(response.headers["Location"]).text
    assert f'data-drafts-finished="comment:{post.id}"' in page
    assert "data-drafts-finished" not in member_client.get(f"/posts/{post.id}").text


def test_publishing_a_post_deletes_its_draft(app, member, member_client):
    save(member_client, "post:new", "Draft body", title="Draft title")
    submit(member_client, "/posts/new", {"title": "Draft title", "body": "Draft body"})
    assert drafts_of(app, member) == {}


def test_a_draft_can_be_discarded_without_scripts(app, member, member_client, post):
    save(member_client, f"comment:{post.id}", "Never mind")
    token = token_for(member_client, f"/posts/{post.id}")
    response = member_client.post(
        "/drafts/discard",
        data={"csrf_token": token, "target": f"comment:{post.id}"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/posts/{post.id}#comment-form"
    assert drafts_of(app, member) == {}


def test_saving_blank_text_forgets_the_draft(app, member, member_client):
    save(member_client, "post:new", "Something")
    assert save(member_client, "post:new", "  ").get_json() == {"saved_at": None}
    assert drafts_of(app, member) == {}


@pytest.mark.parametrize(
    ("target", "status"),
    [
        ("", 400),
        ("post:1", 400),
        ("comment:abc", 400),
        ("other:1", 400),
        ("comment:0", 400),
        ("comment:999", 404),
        ("edit:999", 404),
        ("comment:99999999999", 400),
    ],
)
def test_unknown_targets_are_refused(app, member_client, post, target, status):
    assert save(member_client, target, "x").status_code == status


def test_a_member_may_not_keep_a_draft_of_someone_elses_edit(app, post):
    bob = app.test_client(user=make_user(app, "bob"))
    response = save(bob, f"edit:{post.id}", "Hijack")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_drafts_need_a_member_a_token_and_a_bounded_text(app, client, member_client):
    assert save(member_client, "post:new", "x", token="forged##token").status_code == 400
    response = save(client, "post:new", "x", token=token_for(client, "/login"))
    assert response.status_code in (302, 401)
    assert save(member_client, "post:new", "x" * 40_001).status_code == 413


def test_a_member_keeps_a_bounded_number_of_drafts(app, member, member_client):
    for number in range(MAX_DRAFTS + 3):
        with app.app_context():
            post = content.create_post(member, f"Post {number}", "Body")
            db.session.commit()
        save(member_client, f"comment:{post.id}", f"draft {number}")
    kept = drafts_of(app, member)
    assert len(kept) == MAX_DRAFTS
    assert "draft 0" not in kept.values() and f"draft {MAX_DRAFTS + 2}" in kept.values()
