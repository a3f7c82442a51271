"""The merchant registry (商业信息数据库): market entities, places, imports, exports and statistics."""

from xinxiao.merchants import cli, pages, router, synthetic
from xinxiao.merchants.jobs import recover_orphans, run_import, start_import
from xinxiao.merchants.models import ImportJob, Merchant, Place
from xinxiao.merchants.schemas import MerchantCreate, MerchantFilter, MerchantRead, MerchantUpdate
from xinxiao.merchants.service import (
    count,
    create,
    get,
    has_synthetic,
    list_merchants,
    list_places,
    update,
    upsert_places,
)

__all__ = [
    "ImportJob",
    "Merchant",
    "MerchantCreate",
    "MerchantFilter",
    "MerchantRead",
    "MerchantUpdate",
    "Place",
    "cli",
    "count",
    "create",
    "get",
    "has_synthetic",
    "list_merchants",
    "list_places",
    "pages",
    "recover_orphans",
    "router",
    "run_import",
    "start_import",
    "synthetic",
    "update",
    "upsert_places",
]
