"""What every monitoring command shares: acting as a named user, or as the server operator."""

from __future__ import annotations

from xinxiao import accounts
from xinxiao.core import Principal, system_principal
from xinxiao.runtime import Runtime


def acting(runtime: Runtime, username: str | None) -> Principal:
    """The principal a command acts as: a named user (their role and scope apply), or the operator (national)."""
    if username is None:
        return system_principal()
    with runtime.sessions() as session:
        return accounts.principal_of(accounts.get_by_username(session, username=username))
