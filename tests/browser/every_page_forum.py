"""A forum seeded so that every kind of page has something to show: the screenshots' forum
(categories, tags, a conversation with a reply, a quote and an edited comment, a report,
follows, notifications) plus a pinned topic, an avatar, an edited post and a moderation log
entry. Used by the accessibility check, which visits one page of each kind."""

from __future__ import annotations

import io
from dataclasses import dataclass

from live_forum import LiveForum
from PIL import Image
from sqlalchemy import select

from bbs.admin.views import ban_member
from bbs.avatars import clean_avatar
from bbs.db import db
from bbs.models import Avatar, Comment, Post, User
from bbs.posts.content import edit_post
from bbs.social.follows import follow

ADMIN = "ada"
MODERATOR = "grace"
MEMBER = "margaret"  # mentioned in the conversation: she has notifications
BANNED = "spammer"
# Few topics a page, so the seeded six make a second page.
POSTS_PER_PAGE = 4


@dataclass(frozen=True)
class Seeded:
    """The ids of the pages that need one."""

    conversation: int  # a post with replies, a quote and an edited comment; edited itself
    edited_comment: int
    members_post: int  # by MEMBER
    members_comment: int  # by MEMBER
    others_post: int  # by neither MEMBER nor MODERATOR: one to report


def _avatar_png() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (64, 64), (47, 91, 211)).save(picture, format="PNG")
    return picture.getvalue()


def seed(forum: LiveForum) -> Seeded:
    """Fill ``forum``, which must be empty."""
    from forum_screenshots import THE_CONVERSATION
    from forum_screenshots import seed as seed_screenshots

    conversation_id = seed_screenshots(forum)
    forum.make_user(BANNED)
    with forum.app.app_context():
        members = {user.username: user for user in db.session.scalars(select(User))}
        conversation = db.session.get(Post, conversation_id)
        assert conversation is not None and conversation.title == THE_CONVERSATION
        edit_post(
            conversation,
            conversation.title,
            conversation.body_markdown + "\n\nEdited: the base case comes **first**.",
            members[MODERATOR],
        )
        welcome = db.session.scalar(select(Post).where(Post.title.startswith("Welcome!")))
        assert welcome is not None
        welcome.pinned = True
        stored = clean_avatar(_avatar_png())
        db.session.add(
            Avatar(
                user_id=members[ADMIN].id,
                data=stored.data,
                mimetype=stored.mimetype,
                etag=stored.etag,
            )
        )
        ban_member(members[ADMIN], members[BANNED], "Advertising in every thread.")
        for followed in (ADMIN, MODERATOR):  # the member's timeline shows their posts
            follow(members[MEMBER].id, members[followed].id)
        edited = db.session.scalar(
            select(Comment).where(
                Comment.post_id == conversation_id, Comment.edited_at.is_not(None)
            )
        )
        members_post = db.session.scalar(select(Post).where(Post.author_id == members[MEMBER].id))
        members_comment = db.session.scalar(
            select(Comment).where(Comment.author_id == members[MEMBER].id)
        )
        others_post = db.session.scalar(select(Post).where(Post.author_id == members["ken"].id))
        assert edited and members_post and members_comment and others_post
        seeded = Seeded(
            conversation=conversation_id,
            edited_comment=edited.id,
            members_post=members_post.id,
            members_comment=members_comment.id,
            others_post=others_post.id,
        )
        db.session.commit()
        return seeded
