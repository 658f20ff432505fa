"""What the roles are called, and the words of changing one, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import lazy_gettext as _
from ..models import ADMIN, MEMBER, MODERATOR

NAMES = {MEMBER: _("member"), MODERATOR: _("moderator"), ADMIN: _("admin")}


@dataclass(frozen=True, slots=True)
class RoleChange:
    """The confirmation's question and button, and what is said after, each with
    ``%(name)s`` for the member: whole sentences, since articles and word order differ."""

    question: str
    submit: str
    done: str
    unchanged: str


CHANGES = {
    MEMBER: RoleChange(
        _("Make %(name)s a member?"),
        _("Make %(name)s a member"),
        _("%(name)s is now a member."),
        _("%(name)s already is a member."),
    ),
    MODERATOR: RoleChange(
        _("Make %(name)s a moderator?"),
        _("Make %(name)s a moderator"),
        _("%(name)s is now a moderator."),
        _("%(name)s already is a moderator."),
    ),
    ADMIN: RoleChange(
        _("Make %(name)s an admin?"),
        _("Make %(name)s an admin"),
        _("%(name)s is now an admin."),
        _("%(name)s already is an admin."),
    ),
}
