"""Users, passwords (argon2), API tokens and the principal behind a request."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinxiao.accounts.models import ApiToken, User
from xinxiao.accounts.schemas import UserCreate
from xinxiao.core import Conflict, InvalidInput, NotFound, Principal, Role, Scope, record_write, snapshot, utcnow
from xinxiao.reference import get_region, get_unit

_hasher = PasswordHasher()


class AuthenticationFailed(InvalidInput):
    """Wrong username or password, or an unknown, expired or revoked token."""

    status = 401
    title = "Unauthorized"


def principal_of(user: User) -> Principal:
    """The principal acting for ``user``."""
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        scope=Scope(user.region_adcode),
        unit_id=user.unit_id,
    )


def create(session: Session, *, actor: Principal, data: UserCreate) -> User:
    """Create a user inside the actor's scope (admins only)."""
    actor.require(Role.admin)
    get_region(session, adcode=data.region_adcode)
    if not actor.scope.covers(data.region_adcode):
        raise InvalidInput(f"地区 {data.region_adcode} 不在您的管辖范围内", field="region_adcode")
    _check_unit(session, actor, data)
    if session.scalar(select(User.id).where(User.username == data.username)) is not None:
        raise Conflict(f"用户名 {data.username} 已存在", field="username")
    user = User(
        username=data.username,
        display_name=data.display_name,
        password_hash=_hasher.hash(data.password),
        role=data.role.value,
        region_adcode=data.region_adcode,
        unit_id=data.unit_id,
    )
    session.add(user)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="create",
        entity="accounts_user",
        entity_id=user.id,
        region_adcode=user.region_adcode,
        after=snapshot(user, exclude={"password_hash"}),
    )
    return user


def _check_unit(session: Session, actor: Principal, data: UserCreate) -> None:
    if data.role is Role.officer and data.unit_id is None:
        raise InvalidInput("部门经办人必须属于一个政府单位 (unit_id)", field="unit_id")
    if data.unit_id is not None and not actor.scope.covers(get_unit(session, unit_id=data.unit_id).region_adcode):
        raise InvalidInput(f"单位 {data.unit_id} 不在您的管辖范围内", field="unit_id")


def list_users(session: Session, *, actor: Principal) -> list[User]:
    """Users inside the actor's scope."""
    actor.require(Role.admin)
    return list(session.scalars(select(User).where(actor.scope.clause(User.region_adcode)).order_by(User.id)))


def count(session: Session) -> int:
    """Number of users (used to decide whether demo data is needed)."""
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def authenticate(session: Session, *, username: str, password: str) -> User:
    """The active user with these credentials, or ``AuthenticationFailed``."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        _hasher.hash(password)  # same cost either way, so timing does not reveal usernames
        raise AuthenticationFailed("用户名或密码错误")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise AuthenticationFailed("用户名或密码错误") from None
    user.last_login_at = utcnow()
    record_write(
        session,
        actor=principal_of(user),
        action="login",
        entity="accounts_user",
        entity_id=user.id,
        region_adcode=user.region_adcode,
        after={"last_login_at": user.last_login_at},
    )
    return user


def get(session: Session, *, user_id: int) -> User:
    """A user by id."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFound("用户不存在")
    return user


def get_by_username(session: Session, *, username: str) -> User:
    """An active user by username."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        raise NotFound(f"用户 {username} 不存在")
    return user


def issue_token(session: Session, *, user: User, name: str = "api", days: int = 90) -> tuple[str, datetime]:
    """A new bearer token for ``user``; returns the secret (shown once) and its expiry."""
    secret = "xx_" + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days)
    token = ApiToken(user_id=user.id, name=name, digest=_digest(secret), expires_at=expires)
    session.add(token)
    session.flush()
    record_write(
        session,
        actor=principal_of(user),
        action="issue_token",
        entity="accounts_token",
        entity_id=token.id,
        region_adcode=user.region_adcode,
        after={"name": name, "expires_at": expires},
    )
    return secret, expires


def user_for_token(session: Session, *, secret: str) -> User:
    """The user behind a bearer token, or ``AuthenticationFailed``."""
    token = session.scalar(select(ApiToken).where(ApiToken.digest == _digest(secret)))
    if token is None or token.revoked or token.expires_at <= utcnow():
        raise AuthenticationFailed("令牌无效或已过期")
    return get(session, user_id=token.user_id)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
