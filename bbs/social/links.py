"""Where posts and users live, as absolute or relative URLs."""

from __future__ import annotations

from flagon import url_for

from ..urls import absolute_url


def post_url(post_id: int, _external: bool = False) -> str:
    """The page of post ``post_id``."""
    if _external:
        return absolute_url("posts.show", post_id=post_id)
    return url_for("posts.show", post_id=post_id)


def user_url(username: str, _external: bool = False) -> str:
    """The profile page of ``username``."""
    if _external:
        return absolute_url("users.profile", username=username)
    return url_for("users.profile", username=username)
