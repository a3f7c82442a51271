"""The merchant registry (商业信息数据库): market entities, places, imports, exports and statistics."""

from xinxiao.merchants import cli, pages, router, synthetic
from xinxiao.merchants.dimension import MERCHANT_DIMENSION, PLACE_DIMENSION, merchant_dimension, place_dimension
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
from xinxiao.merchants.stats import new_above_quota, summary

__all__ = [
    "MERCHANT_DIMENSION",
    "PLACE_DIMENSION",
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
    "merchant_dimension",
    "new_above_quota",
    "pages",
    "place_dimension",
    "recover_orphans",
    "router",
    "run_import",
    "start_import",
    "summary",
    "synthetic",
    "update",
    "upsert_places",
]
