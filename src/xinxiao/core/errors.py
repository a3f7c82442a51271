"""The error families every domain raises; the web layer maps them to RFC 7807 problems."""

from __future__ import annotations

from typing import Any


class XinxiaoError(Exception):
    """Base of all domain errors; ``detail`` is shown to the user, ``extra`` goes into the problem body."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class InvalidInput(XinxiaoError):
    """The request or file is malformed; nothing was written."""

    status = 422
    title = "Invalid input"


class NotFound(XinxiaoError):
    """The thing does not exist, or lies outside the caller's region scope (we do not say which)."""

    status = 404
    title = "Not found"


class PermissionDenied(XinxiaoError):
    """The caller's role does not allow this action."""

    status = 403
    title = "Forbidden"


class Conflict(XinxiaoError):
    """The write clashes with stored data (a duplicate key, a stale version)."""

    status = 409
    title = "Conflict"
