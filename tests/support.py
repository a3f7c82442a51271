"""Small factories shared by the tests (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from xinxiao import accounts
from xinxiao.config import Settings
from xinxiao.core import Principal, Role, Scope
from xinxiao.reference import make_uscc

REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("XINXIAO_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
TEST_SECRET = "test-secret-key-not-for-production"
PASSWORD = "correct horse battery"
QUALITY_REPORTS = pytest.StashKey[list[str]]()


def make_settings(var_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test: everything under ``var_dir``."""
    values: dict[str, Any] = {
        "environment": "test",
        "secret_key": TEST_SECRET,
        "var_dir": var_dir,
        "assets_dir": REPO / "node_modules",
    }
    return Settings(**(values | overrides))


def principal(adcode: str, role: Role = Role.analyst, user_id: int | None = None) -> Principal:
    """A principal with a scope, without a stored user."""
    return Principal(user_id=user_id, username=f"{role.value}-{adcode}", role=role, scope=Scope(adcode))


def uscc(region: str, serial: int) -> str:
    """A valid USCC for a test merchant."""
    body = f"MA{serial:06d}"
    return make_uscc("9", "2", region, body)


def merchant_row(region: str, serial: int, **overrides: Any) -> dict[str, str]:
    """One merchant row with Chinese headers, as an import file carries it."""
    row = {
        "统一社会信用代码": uscc(region, serial),
        "名称": f"测试商户{serial}号店",
        "行业代码": "5212",
        "业态": "超市",
        "区划代码": region,
        "地址": "建塘镇长征大道1号",
        "纬度": "27.8290",
        "经度": "99.7060",
        "限额以上": "否",
        "达限年份": "",
        "移动支付": "是",
        "网店": "否",
        "营业时间": "09:00-22:00",
        "状态": "在营",
    }
    return row | overrides


def write_rows(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    """Write rows as a CSV with a header."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def make_user(
    session: Session, username: str, adcode: str, role: Role = Role.analyst, unit_id: int | None = None
) -> accounts.User:
    """A stored user with the test password."""
    data = accounts.UserCreate(
        username=username, display_name=username, password=PASSWORD, role=role, region_adcode=adcode, unit_id=unit_id
    )
    return accounts.create(session, actor=principal("000000", Role.admin, None), data=data)
