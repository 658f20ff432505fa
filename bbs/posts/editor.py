"""What the post and comment forms show around their fields: a restored draft, the no-script
preview, and the data the editor's script needs to keep drafts (see bbs/static/editor.js)."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from datetime import datetime

from flagon import request
from flagon.ext.login import current_user

from .. import drafts
from ..markdown import render
from .forms import BODY_MAX_LENGTH

PREVIEW_FIELD = "preview"


@dataclass(frozen=True, slots=True)
class Editor:
    """One form's editor: its draft ``target``, where its text came from (``submitted``: the
    request just sent; ``draft``: a draft kept on the server; ``page``: the page itself), the
    time that text dates from, and the preview asked for without scripts."""

    target: str
    source: str
    since: datetime | None = None
    preview: t.Any = None

    @property
    def since_ms(self) -> int:
        """``since`` in milliseconds since 1970, as scripts count time (0 when unknown)."""
        return int(self.since.timestamp() * 1000) if self.since else 0


def editor_for(
    target: str, form: t.Any, fields: t.Sequence[str], since: datetime | None = None
) -> Editor:
    """The editor for ``form`` on the page being built: on a GET, the member's draft for
    ``target`` (if any) fills ``fields`` of ``form``."""
    if request.method == "POST":
        return Editor(target, "submitted", preview=_preview(form))
    if current_user.is_authenticated:
        draft = drafts.find(current_user.id, target)
        if draft is not None and (since is None or draft.updated_at > since):
            for name in fields:
                form[name].data = getattr(draft, name)
            return Editor(target, "draft", draft.updated_at)
    return Editor(target, "page", since)


def wants_preview(form: t.Any) -> bool:
    """Whether the form was sent with its Preview button (no script), with a valid token."""
    return PREVIEW_FIELD in request.form and form.csrf_token.validate(form)


def _preview(form: t.Any) -> t.Any:
    if PREVIEW_FIELD not in request.form or form.csrf_token.errors:
        return None
    body = form.body.data or ""
    if len(body) > BODY_MAX_LENGTH:
        return None
    return render(body)
