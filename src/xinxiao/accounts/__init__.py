"""Users, roles, region scopes and API tokens."""

from xinxiao.accounts.commandline import acting
from xinxiao.accounts.models import ApiToken, User
from xinxiao.accounts.schemas import TokenIssued, UserCreate, UserRead
from xinxiao.accounts.service import (
    AuthenticationFailed,
    authenticate,
    count,
    create,
    get,
    get_by_username,
    issue_token,
    list_users,
    principal_of,
    user_for_token,
)

__all__ = [
    "ApiToken",
    "AuthenticationFailed",
    "TokenIssued",
    "User",
    "UserCreate",
    "UserRead",
    "acting",
    "authenticate",
    "count",
    "create",
    "get",
    "get_by_username",
    "issue_token",
    "list_users",
    "principal_of",
    "user_for_token",
]
