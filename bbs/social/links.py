"""Where posts and users live, as absolute or relative URLs."""

from __future__ import annotations

from flagon import url_for


def post_url(post_id: int, _external: bool = False) -> str:
    """The page of post ``post_id``."""
    return url_for("posts.show", post_id=post_id, _external=_external)


def user_url(username: str, _external: bool = False) -> str:
    """The profile page of ``username``."""
    return url_for("users.profile", username=username, _external=_external)
