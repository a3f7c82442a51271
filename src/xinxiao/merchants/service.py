"""The merchant registry's verbs: read, list, write, import and export, always inside the actor's scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from xinxiao.core import (
    Conflict,
    InvalidInput,
    NotFound,
    PageParams,
    Principal,
    Role,
    record_many,
    record_write,
    snapshot,
    utcnow,
)
from xinxiao.merchants.importing import content_hash
from xinxiao.merchants.models import ImportJob, Merchant, Place
from xinxiao.merchants.places import PlaceIndex
from xinxiao.merchants.schemas import (
    MerchantCreate,
    MerchantFilter,
    MerchantPage,
    MerchantRead,
    MerchantUpdate,
)
from xinxiao.reference import get_region, is_valid_industry

WRITERS = (Role.analyst, Role.officer, Role.submitter)


def get(session: Session, *, actor: Principal, merchant_id: int) -> Merchant:
    """A merchant by id; one outside the actor's scope is reported as not found."""
    merchant = session.get(Merchant, merchant_id)
    if merchant is None or not actor.scope.covers(merchant.region_adcode):
        raise NotFound(f"商户 {merchant_id} 不存在")
    return merchant


def scoped_query(actor: Principal, filters: MerchantFilter) -> Select[Merchant]:
    """The SELECT of merchants inside the actor's scope matching ``filters``."""
    scope = actor.scope.narrow(filters.region)
    query = select(Merchant).where(scope.clause(Merchant.region_adcode))
    if filters.q:
        like = f"%{filters.q.strip()}%"
        query = query.where(
            or_(
                Merchant.name.like(like),
                Merchant.uscc.like(like),
                Merchant.address.like(like),
                Merchant.brand.like(like),
            )
        )
    if filters.industry:
        query = query.where(Merchant.industry_code.like(f"{filters.industry}%"))
    for column, value in (
        (Merchant.business_format, filters.business_format),
        (Merchant.place_id, filters.place_id),
        (Merchant.status, filters.status),
        (Merchant.above_quota, filters.above_quota),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.digital is not None:
        digital = or_(Merchant.mobile_payment, Merchant.online_store)
        query = query.where(digital if filters.digital else ~digital)
    return query


def list_merchants(session: Session, *, actor: Principal, filters: MerchantFilter, page: PageParams) -> MerchantPage:
    """One page of merchants inside the actor's scope."""
    query = scoped_query(actor, filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.order_by(Merchant.id).offset(page.offset).limit(page.size))
    items = [MerchantRead.model_validate(m) for m in rows]
    return MerchantPage(items=items, total=total, page=page.page, size=page.size)


def iter_merchants(session: Session, *, actor: Principal, filters: MerchantFilter) -> Iterator[Merchant]:
    """Every merchant inside the actor's scope matching ``filters``, streamed (for exports)."""
    query = scoped_query(actor, filters).order_by(Merchant.id).execution_options(yield_per=2000)
    yield from session.scalars(query)


def create(session: Session, *, actor: Principal, data: MerchantCreate) -> Merchant:
    """Register a merchant inside the actor's scope."""
    actor.require(*WRITERS)
    _validate(session, actor, data.region_adcode, data.industry_code)
    if session.scalar(select(Merchant.id).where(Merchant.uscc == data.uscc)) is not None:
        raise Conflict(f"统一社会信用代码 {data.uscc} 已登记", field="uscc")
    merchant = Merchant(**data.model_dump())
    _derive(session, merchant)
    session.add(merchant)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="create",
        entity="merchants_merchant",
        entity_id=merchant.uscc,
        region_adcode=merchant.region_adcode,
        after=snapshot(merchant),
    )
    return merchant


def update(session: Session, *, actor: Principal, merchant_id: int, data: MerchantUpdate) -> Merchant:
    """Change a merchant's fields; the USCC never changes."""
    actor.require(*WRITERS)
    merchant = get(session, actor=actor, merchant_id=merchant_id)
    changes = data.model_dump(exclude_unset=True)
    _validate(
        session,
        actor,
        changes.get("region_adcode", merchant.region_adcode),
        changes.get("industry_code", merchant.industry_code),
    )
    before = snapshot(merchant)
    for key, value in changes.items():
        setattr(merchant, key, value)
    _derive(session, merchant)
    merchant.updated_at = utcnow()
    session.flush()
    record_write(
        session,
        actor=actor,
        action="update",
        entity="merchants_merchant",
        entity_id=merchant.uscc,
        region_adcode=merchant.region_adcode,
        before=before,
        after=snapshot(merchant),
    )
    return merchant


def _validate(session: Session, actor: Principal, region_adcode: str, industry_code: str) -> None:
    region = get_region(session, adcode=region_adcode)
    if region.level != "county":
        raise InvalidInput(f"{region_adcode} 不是县级行政区划代码", field="region_adcode")
    if not actor.scope.covers(region_adcode):
        raise InvalidInput(f"地区 {region_adcode} 不在您的管辖范围内", field="region_adcode")
    if not is_valid_industry(industry_code):
        raise InvalidInput(f"{industry_code} 不是 GB/T 4754-2017 的行业代码", field="industry_code")


def _derive(session: Session, merchant: Merchant) -> None:
    places = session.scalars(select(Place).where(Place.region_adcode == merchant.region_adcode))
    merchant.place_id = PlaceIndex(places).locate(merchant.region_adcode, merchant.lat, merchant.lon)
    merchant.synthetic = bool(merchant.synthetic)
    merchant.content_hash = content_hash(snapshot(merchant))


def count(session: Session, *, actor: Principal) -> int:
    """Number of merchants inside the actor's scope."""
    query = select(func.count()).select_from(Merchant).where(actor.scope.clause(Merchant.region_adcode))
    return int(session.scalar(query) or 0)


def has_synthetic(session: Session, *, actor: Principal) -> bool:
    """Whether any merchant inside the scope is synthetic (pages then show the 模拟数据 banner)."""
    query = select(Merchant.id).where(actor.scope.clause(Merchant.region_adcode), Merchant.synthetic).limit(1)
    return session.scalar(query) is not None


def list_places(session: Session, *, actor: Principal, region: str | None = None) -> list[Place]:
    """Places inside the actor's scope (optionally one region node)."""
    scope = actor.scope.narrow(region)
    return list(session.scalars(select(Place).where(scope.clause(Place.region_adcode)).order_by(Place.code)))


def get_place(session: Session, *, actor: Principal, place_id: int) -> Place:
    """A place by id inside the actor's scope."""
    place = session.get(Place, place_id)
    if place is None or not actor.scope.covers(place.region_adcode):
        raise NotFound(f"商圈 {place_id} 不存在")
    return place


def upsert_places(session: Session, *, actor: Principal, places: list[dict[str, Any]]) -> int:
    """Create or update places by code inside the actor's scope; returns how many were written."""
    actor.require(Role.analyst)
    written = 0
    for data in places:
        get_region(session, adcode=data["region_adcode"])
        if not actor.scope.covers(data["region_adcode"]):
            raise InvalidInput(f"地区 {data['region_adcode']} 不在您的管辖范围内", field="region_adcode")
        place = session.scalar(select(Place).where(Place.code == data["code"]))
        before = snapshot(place) if place else None
        place = place or Place(code=data["code"])
        for key, value in data.items():
            setattr(place, key, value)
        session.add(place)
        session.flush()
        after = snapshot(place)
        if before != after:
            written += 1
            record_write(
                session,
                actor=actor,
                action="update" if before else "create",
                entity="merchants_place",
                entity_id=place.code,
                region_adcode=place.region_adcode,
                before=before,
                after=after,
            )
    reassign_places(session, actor=actor, regions={d["region_adcode"] for d in places})
    return written


def reassign_places(session: Session, *, actor: Principal, regions: set[str]) -> int:
    """Re-derive the place of every located merchant in ``regions`` after places changed; returns changes."""
    index = PlaceIndex(session.scalars(select(Place).where(Place.region_adcode.in_(regions))))
    query = select(Merchant.id, Merchant.uscc, Merchant.region_adcode, Merchant.lat, Merchant.lon, Merchant.place_id)
    changes = []
    for row in session.execute(query.where(Merchant.region_adcode.in_(regions), Merchant.lat.is_not(None))):
        place_id = index.locate(row.region_adcode, row.lat, row.lon)
        if place_id != row.place_id:
            changes.append((row, place_id))
    if changes:
        session.execute(sql_update(Merchant), [{"id": row.id, "place_id": place_id} for row, place_id in changes])
        audits = [
            {
                "action": "assign_place",
                "entity": "merchants_merchant",
                "entity_id": row.uscc,
                "region_adcode": row.region_adcode,
                "before": {"place_id": row.place_id},
                "after": {"place_id": new},
            }
            for row, new in changes
        ]
        record_many(session, actor=actor, rows=audits)
    return len(changes)


def get_import(session: Session, *, actor: Principal, job_id: int) -> ImportJob:
    """An import job visible to the actor."""
    job = session.get(ImportJob, job_id)
    if job is None or not actor.scope.covers(job.scope_adcode):
        raise NotFound(f"导入任务 {job_id} 不存在")
    return job


def list_imports(session: Session, *, actor: Principal, limit: int = 20) -> list[ImportJob]:
    """Latest import jobs inside the actor's scope."""
    query = select(ImportJob).where(actor.scope.clause(ImportJob.scope_adcode)).order_by(ImportJob.id.desc())
    return list(session.scalars(query.limit(limit)))
