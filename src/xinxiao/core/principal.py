"""Who is acting: the signed-in user's id, role and region scope, passed to every service call."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xinxiao.core.errors import PermissionDenied
from xinxiao.core.scope import Scope


class Role(StrEnum):
    """Roles of the platform; ``public`` is the anonymous reader of published data."""

    admin = "admin"
    analyst = "analyst"
    officer = "officer"
    inspector = "inspector"
    submitter = "submitter"
    public = "public"


@dataclass(frozen=True, slots=True)
class Principal:
    """The actor behind a request, a command or a job."""

    user_id: int | None
    username: str
    role: Role
    scope: Scope
    unit_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        """True for the public reader."""
        return self.user_id is None

    def require(self, *roles: Role) -> None:
        """Raise ``PermissionDenied`` unless the principal holds one of ``roles`` (admin always may)."""
        if self.role is Role.admin or self.role in roles:
            return
        names = ", ".join(r.value for r in roles)
        raise PermissionDenied(f"this action needs one of the roles: {names}")


ANONYMOUS = Principal(user_id=None, username="anonymous", role=Role.public, scope=Scope.national())


def system_principal(scope: Scope | None = None) -> Principal:
    """The principal of command-line maintenance work run by an operator on the server itself."""
    return Principal(user_id=None, username="system", role=Role.admin, scope=scope or Scope.national())
