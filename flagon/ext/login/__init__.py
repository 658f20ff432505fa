"""User sessions for flagon: Flask-Login 0.6's API and behaviour, without its known holes.

``LoginManager`` loads each request's user (session, then remember cookie, then request loader);
``login_user`` / ``logout_user`` change it; ``current_user`` is the user of the current request;
``login_required`` and ``fresh_login_required`` protect views. Beyond Flask-Login: ``next`` URLs
are checked (``safe_next_url``), the remember cookie is signed, dated and revocable, strong
session protection keeps users who come back through their remember cookie, and static files
never load a user.
"""

from __future__ import annotations

from .config import AUTH_HEADER_NAME as AUTH_HEADER_NAME
from .config import COOKIE_DURATION as COOKIE_DURATION
from .config import COOKIE_HTTPONLY as COOKIE_HTTPONLY
from .config import COOKIE_NAME as COOKIE_NAME
from .config import COOKIE_SAMESITE as COOKIE_SAMESITE
from .config import COOKIE_SECURE as COOKIE_SECURE
from .config import ID_ATTRIBUTE as ID_ATTRIBUTE
from .config import LOGIN_MESSAGE as LOGIN_MESSAGE
from .config import LOGIN_MESSAGE_CATEGORY as LOGIN_MESSAGE_CATEGORY
from .config import REFRESH_MESSAGE as REFRESH_MESSAGE
from .config import REFRESH_MESSAGE_CATEGORY as REFRESH_MESSAGE_CATEGORY
from .manager import LoginManager as LoginManager
from .mixins import AnonymousUserMixin as AnonymousUserMixin
from .mixins import UserMixin as UserMixin
from .remember import decode_cookie as decode_cookie
from .remember import encode_cookie as encode_cookie
from .signals import session_protected as session_protected
from .signals import user_accessed as user_accessed
from .signals import user_loaded_from_cookie as user_loaded_from_cookie
from .signals import user_loaded_from_header as user_loaded_from_header
from .signals import user_loaded_from_request as user_loaded_from_request
from .signals import user_logged_in as user_logged_in
from .signals import user_logged_out as user_logged_out
from .signals import user_login_confirmed as user_login_confirmed
from .signals import user_needs_refresh as user_needs_refresh
from .signals import user_unauthorized as user_unauthorized
from .testing import FlagonLoginClient as FlagonLoginClient
from .testing import FlaskLoginClient as FlaskLoginClient
from .urls import is_safe_url as is_safe_url
from .urls import login_url as login_url
from .urls import make_next_param as make_next_param
from .urls import safe_next_url as safe_next_url
from .urls import set_login_view as set_login_view
from .utils import confirm_login as confirm_login
from .utils import current_user as current_user
from .utils import fresh_login_required as fresh_login_required
from .utils import login_fresh as login_fresh
from .utils import login_remembered as login_remembered
from .utils import login_required as login_required
from .utils import login_user as login_user
from .utils import logout_user as logout_user
