"""The forum's tables. Import models from here: ``from bbs.models import User, Post``."""

from __future__ import annotations

from .account import TOKEN_PURPOSES as TOKEN_PURPOSES
from .account import AccountToken as AccountToken
from .account import MailRequest as MailRequest
from .account import email_key as email_key
from .base import Base as Base
from .base import UTCDateTime as UTCDateTime
from .base import utcnow as utcnow
from .conversation import Mention as Mention
from .conversation import Revision as Revision
from .draft import Draft as Draft
from .image import PostImage as PostImage
from .moderation import BLOCK as BLOCK
from .moderation import MUTE as MUTE
from .moderation import REPORT_REASONS as REPORT_REASONS
from .moderation import Ban as Ban
from .moderation import Block as Block
from .moderation import EndedLogin as EndedLogin
from .moderation import MemberWarning as MemberWarning
from .moderation import ModerationLogEntry as ModerationLogEntry
from .moderation import Report as Report
from .notification import NOTIFICATION_KINDS as NOTIFICATION_KINDS
from .notification import Notification as Notification
from .notification import NotificationPreference as NotificationPreference
from .post import Comment as Comment
from .post import Like as Like
from .post import Post as Post
from .security import AnsweredCaptcha as AnsweredCaptcha
from .security import LoginFailure as LoginFailure
from .security import LoginSession as LoginSession
from .security import RegistrationAttempt as RegistrationAttempt
from .topic import DEFAULT_CATEGORY_SLUG as DEFAULT_CATEGORY_SLUG
from .topic import Category as Category
from .topic import PostTag as PostTag
from .topic import ReadState as ReadState
from .topic import Tag as Tag
from .user import ADMIN as ADMIN
from .user import MEMBER as MEMBER
from .user import MODERATOR as MODERATOR
from .user import ROLES as ROLES
from .user import Avatar as Avatar
from .user import Follow as Follow
from .user import User as User
from .user import username_key as username_key
