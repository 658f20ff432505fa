"""Where a notification leads, and what it says."""

from __future__ import annotations

from flagon import url_for

from ..i18n import lazy_gettext as _
from ..models.notification import FOLLOW, LIKE, MENTION, QUOTE, REPLY
from ..urls import absolute_url

# What the actor did, after their name on the notifications page.
VERBS = {
    REPLY: _("replied to your comment"),
    MENTION: _("mentioned you"),
    QUOTE: _("quoted you"),
    LIKE: _("liked your post"),
    FOLLOW: _("started following you"),
}

# A mail's headline and subject: whole sentences, so that each language orders its words.
MAIL_SENTENCES = {
    REPLY: _("%(actor)s replied to your comment on %(site)s"),
    MENTION: _("%(actor)s mentioned you on %(site)s"),
    QUOTE: _("%(actor)s quoted you on %(site)s"),
    LIKE: _("%(actor)s liked your post on %(site)s"),
    FOLLOW: _("%(actor)s started following you on %(site)s"),
}

LABELS = {
    REPLY: _("Replies to my comments"),
    MENTION: _("Mentions of me"),
    QUOTE: _("Quotes of what I wrote"),
    LIKE: _("Likes of my posts"),
    FOLLOW: _("New followers"),
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
