"""Domain-free helpers shared by every module: errors, principals and scopes, audit, pagination."""

from xinxiao.core.audit import AuditEntry, count_audit, list_audit, record_many, record_write, snapshot
from xinxiao.core.clock import frozen as frozen_clock
from xinxiao.core.clock import now as utcnow
from xinxiao.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    XinxiaoError,
)
from xinxiao.core.files import file_sha256
from xinxiao.core.pagination import Page, PageParams
from xinxiao.core.principal import ANONYMOUS, Principal, Role, system_principal
from xinxiao.core.scope import NATIONAL, Scope, adcode_prefix

__all__ = [
    "ANONYMOUS",
    "NATIONAL",
    "AuditEntry",
    "Conflict",
    "InvalidInput",
    "NotFound",
    "Page",
    "PageParams",
    "PermissionDenied",
    "Principal",
    "Role",
    "Scope",
    "XinxiaoError",
    "adcode_prefix",
    "count_audit",
    "file_sha256",
    "frozen_clock",
    "list_audit",
    "record_many",
    "record_write",
    "snapshot",
    "system_principal",
    "utcnow",
]
