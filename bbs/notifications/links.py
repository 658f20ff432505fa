"""Where a notification leads, and what it says."""

from __future__ import annotations

from flagon import url_for

from ..models.notification import FOLLOW, LIKE, MENTION, QUOTE, REPLY
from ..urls import absolute_url

VERBS = {
    REPLY: "replied to your comment",
    MENTION: "mentioned you",
    QUOTE: "quoted you",
    LIKE: "liked your post",
    FOLLOW: "started following you",
}

LABELS = {
    REPLY: "Replies to my comments",
    MENTION: "Mentions of me",
    QUOTE: "Quotes of what I wrote",
    LIKE: "Likes of my posts",
    FOLLOW: "New followers",
}


def target_url(
    actor: str, post_id: int | None, comment_id: int | None, external: bool = False
) -> str:
    """The comment, else the post, else the actor's profile (absolute for mails)."""
    link = absolute_url if external else url_for
    if comment_id is not None:
        return link("posts.comment_link", comment_id=comment_id)
    if post_id is not None:
        return link("posts.show", post_id=post_id)
    return link("users.profile", username=actor)
