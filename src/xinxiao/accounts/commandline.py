"""Who a command-line invocation acts as: a named user (their role and scope apply), or the operator."""

from __future__ import annotations

from xinxiao.accounts.service import get_by_username, principal_of
from xinxiao.core import Principal, system_principal
from xinxiao.runtime import Runtime


def acting(runtime: Runtime, username: str | None) -> Principal:
    """The principal a command acts as: a named user, or the server operator (national scope)."""
    if username is None:
        return system_principal()
    with runtime.sessions() as session:
        return principal_of(get_by_username(session, username=username))
