"""The forum's tables. Import models from here: ``from bbs.models import User, Post``."""

from __future__ import annotations

from .base import Base as Base
from .base import UTCDateTime as UTCDateTime
from .base import utcnow as utcnow
from .draft import Draft as Draft
from .image import PostImage as PostImage
from .post import Comment as Comment
from .post import Like as Like
from .post import Post as Post
from .security import AnsweredCaptcha as AnsweredCaptcha
from .security import LoginFailure as LoginFailure
from .security import LoginSession as LoginSession
from .security import RegistrationAttempt as RegistrationAttempt
from .user import ADMIN as ADMIN
from .user import MEMBER as MEMBER
from .user import ROLES as ROLES
from .user import Avatar as Avatar
from .user import Follow as Follow
from .user import User as User
from .user import username_key as username_key
