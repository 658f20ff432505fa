"""Blocking and muting: off the timelines, collapsed content behind a "show" toggle, no
comments on the blocker's posts, and a list to undo them."""

from __future__ import annotations

import pytest
from bbs_helpers import make_user
from moderation_helpers import count, send
from social_helpers import write_comment, write_posts

from bbs.models import Block, Comment


@pytest.fixture
def troll(app):
    return make_user(app, "troll")


@pytest.fixture
def troll_client(app, troll):
    return app.test_client(user=troll)


def test_a_blocked_members_posts_leave_the_timelines(app, member_client, troll):
    write_posts(app, troll, title="Troll post")
    send(member_client, "/u/troll/follow")
    assert "Troll post" in member_client.get("/").text
    assert send(member_client, "/u/troll/block").headers["Location"] == "/u/troll"
    assert "Troll post" not in member_client.get("/").text
    assert "Troll post" not in member_client.get("/following").text
    assert "Troll post" in app.test_client().get("/").text  # for everybody else, as before


def test_blocked_content_is_collapsed_with_a_show_toggle(app, member, member_client, troll):
    [theirs] = write_posts(app, troll, title="Troll post", body="Troll body")
    [mine] = write_posts(app, member, title="Mine")
    write_comment(app, troll, mine, body="Troll comment")
    send(member_client, "/u/troll/block")
    page = member_client.get(f"/posts/{mine}").text
    assert '<details class="blocked-content"><summary>A comment by a member you blocked.' in page
    assert "Troll comment" in page  # inside the toggle, not gone
    page = member_client.get(f"/posts/{theirs}").text
    assert "A post by troll, whom you blocked. Show it" in page and "Troll body" in page
    assert "blocked-content" not in app.test_client().get(f"/posts/{mine}").text


def test_a_blocked_member_cant_comment_on_the_blockers_posts(
    app, member, member_client, troll, troll_client
):
    [mine] = write_posts(app, member, title="Mine")
    [theirs] = write_posts(app, troll, title="Theirs")
    send(member_client, "/u/troll/block")
    page = troll_client.get(f"/posts/{mine}").text
    assert "ada has blocked you" in page and 'id="comment-form"' not in page
    response = send(troll_client, f"/posts/{mine}", body="Let me in")
    assert response.status_code == 403 and "ada has blocked you" in response.text
    assert count(app, Comment) == 0
    # The blocker still comments on the blocked member's posts, and others on theirs.
    assert send(member_client, f"/posts/{theirs}", body="Fine").status_code == 302
    assert send(troll_client, f"/posts/{theirs}", body="Mine").status_code == 302


def test_a_mute_only_hides_from_timelines(app, member, member_client, troll, troll_client):
    [theirs] = write_posts(app, troll, title="Troll post", body="Troll body")
    [mine] = write_posts(app, member, title="Mine")
    send(member_client, "/u/troll/mute")
    assert "Troll post" not in member_client.get("/").text
    assert "blocked-content" not in member_client.get(f"/posts/{theirs}").text
    assert send(troll_client, f"/posts/{mine}", body="Hello").status_code == 302


def test_the_settings_list_undoes_blocks_and_mutes(app, member_client, troll):
    make_user(app, "bore")
    send(member_client, "/u/troll/block")
    send(member_client, "/u/bore/mute")
    page = member_client.get("/settings/blocked").text
    assert 'aria-label="Unblock troll"' in page and 'aria-label="Unmute bore"' in page
    response = send(member_client, "/u/troll/unblock", next="/settings/blocked")
    assert response.headers["Location"] == "/settings/blocked"
    page = member_client.get("/settings/blocked").text
    assert "troll" not in page.split("Blocked and muted members")[-1]
    assert count(app, Block) == 1


def test_the_profile_offers_block_and_mute(app, member_client, troll):
    page = member_client.get("/u/troll").text
    assert 'aria-label="Block troll"' in page and 'aria-label="Mute troll"' in page
    send(member_client, "/u/troll/mute")
    page = member_client.get("/u/troll").text
    assert "You have muted troll." in page and ">Unmute</button>" in page
    send(member_client, "/u/troll/block")  # a block replaces the mute
    assert "You have blocked troll." in member_client.get("/u/troll").text
    assert count(app, Block) == 1
    assert 'href="/settings/blocked"' in member_client.get("/u/ada").text


def test_bad_requests(app, client, member_client):
    assert send(member_client, "/u/ada/block").status_code == 400
    assert send(member_client, "/u/nobody/block").status_code == 404
    assert send(member_client, "/u/" + "x" * 100 + "/mute").status_code == 404
    assert member_client.post("/u/ada/block").status_code == 400  # no CSRF token
    assert member_client.get("/u/ada/block").status_code == 405
    assert client.get("/settings/blocked").headers["Location"].startswith("/login")
    assert count(app, Block) == 0
