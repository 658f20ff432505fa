"""/avatar/<name>: uploaded and generated avatars, with caching headers and 304s."""

from __future__ import annotations

import io

from avatar_files import picture
from bbs_helpers import make_user, token_for
from sqlalchemy import event

from bbs.db import db


def give_avatar(client, name="ada", data=None):
    token = token_for(client, f"/u/{name}/edit")
    data = {"csrf_token": token, "picture": (io.BytesIO(data or picture()), "me.png")}
    response = client.post(f"/u/{name}/avatar", data=data, content_type="multipart/form-data")
    assert response.status_code == 302


def test_an_uploaded_avatar_is_served_with_cache_headers(app, member, member_client, client):
    give_avatar(member_client)
    response = client.get("/avatar/ada")
    assert response.status_code == 200
    assert response.mimetype in ("image/webp", "image/png")
    assert response.headers["Cache-Control"] == "public, max-age=300, must-revalidate"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["ETag"].startswith('"')
    assert "Set-Cookie" not in response.headers


def test_if_none_match_gets_a_304(app, member, member_client, client):
    give_avatar(member_client)
    etag = client.get("/avatar/ada").headers["ETag"]
    again = client.get("/avatar/ada", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get("/avatar/ada", headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_new_upload_changes_the_etag(app, member, member_client, client):
    give_avatar(member_client, data=picture(colour=(0, 0, 0)))
    old = client.get("/avatar/ada").headers["ETag"]
    give_avatar(member_client, data=picture(colour=(0, 255, 0)))
    response = client.get("/avatar/ada", headers={"If-None-Match": old})
    assert response.status_code == 200 and response.headers["ETag"] != old


def test_without_upload_a_generated_avatar_is_served(app, member, client):
    response = client.get("/avatar/ada")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b">A</text>" in response.data
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/avatar/ada").data == response.data  # the same every time
    etag = response.headers["ETag"]
    assert client.get("/avatar/ada", headers={"If-None-Match": etag}).status_code == 304


def test_names_are_matched_whatever_their_case(app, member, client):
    assert client.get("/avatar/ADA").data == client.get("/avatar/ada").data


def test_unknown_users_get_404(app, client):
    assert client.get("/avatar/nobody").status_code == 404
    assert client.get("/avatar/%ff").status_code == 404
    assert client.get("/avatar/%00%ff").status_code == 400  # NUL is refused before any view


def test_a_generated_avatar_never_carries_markup_from_a_name(app, client):
    # Registration refuses such names; one that got in another way is still escaped.
    make_user(app, '"><script>')
    response = client.get("/avatar/%22%3E%3Cscript%3E")
    assert response.status_code == 200
    assert b"<script" not in response.data and b"&#34;</text>" in response.data


def test_serving_an_avatar_is_one_query(app, member, member_client, client):
    give_avatar(member_client)
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/avatar/ada").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert [s.split()[0] for s in statements if s != "BEGIN"] == ["SELECT"]


def test_avatars_show_in_the_navigation(app, member, member_client):
    page = member_client.get("/").text
    assert 'src="/avatar/ada"' in page
    assert 'href="/u/ada"' in page


def test_avatars_show_next_to_posts_and_comments(app, member, member_client):
    from bbs.models import Comment, Post

    with app.app_context():
        post = Post(author_id=member.id, title="Hello", body_markdown="hi", comment_count=1)
        db.session.add(post)
        db.session.flush()
        db.session.add(Comment(post_id=post.id, author_id=member.id, body="first"))
        db.session.commit()
        post_id = post.id
    author = (
        '<a class="author-link" href="/u/ada">'
        '<img class="avatar avatar-small author-avatar" src="/avatar/ada" alt=""'
        ' width="24" height="24"><span class="author">ada</span></a>'
    )
    assert author in member_client.get("/").text
    assert member_client.get(f"/posts/{post_id}").text.count(author) == 2


def test_head_requests_get_the_headers_only(app, member, client):
    response = client.head("/avatar/ada")
    assert response.status_code == 200 and response.data == b""
    assert response.headers["ETag"] == client.get("/avatar/ada").headers["ETag"]
