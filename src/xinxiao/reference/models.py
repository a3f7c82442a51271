"""Reference tables: GB/T 2260 regions, government units with aliases, GB/T 4754 industries."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinxiao.db import Base

REGION_LEVELS = ("province", "prefecture", "county")
UNIT_KINDS = ("government", "department", "party", "mass-organization", "central-vertical", "collective")
INDUSTRY_LEVELS = ("section", "division", "group", "class")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Region(Base):
    """A GB/T 2260 division; pseudo prefectures (省直辖县级行政区划, 市辖区) are flagged."""

    __tablename__ = "reference_region"
    __table_args__ = (CheckConstraint(_one_of("level", REGION_LEVELS), name="level"),)

    adcode: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    short_name: Mapped[str] = mapped_column(String(50))
    level: Mapped[str] = mapped_column(String(12), index=True)
    parent_adcode: Mapped[str | None] = mapped_column(ForeignKey("reference_region.adcode"), index=True)
    is_pseudo: Mapped[bool] = mapped_column(Boolean, default=False)
    province_direct: Mapped[bool] = mapped_column(Boolean, default=False)
    centroid_lat: Mapped[float | None] = mapped_column(Float)
    centroid_lon: Mapped[float | None] = mapped_column(Float)


class GovUnit(Base):
    """A government body named in plans: 省商务厅, 州商务局, 德钦县人民政府, 各县市人民政府 (collective)."""

    __tablename__ = "reference_gov_unit"
    __table_args__ = (
        UniqueConstraint("region_adcode", "name"),
        CheckConstraint(_one_of("kind", UNIT_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str] = mapped_column(String(100))
    level_prefix: Mapped[str | None] = mapped_column(String(8))
    region_adcode: Mapped[str] = mapped_column(ForeignKey("reference_region.adcode"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("reference_gov_unit.id"), index=True)
    aliases: Mapped[list[GovUnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="GovUnitAlias.alias"
    )


class GovUnitAlias(Base):
    """Another name of a unit; an alias names one unit per region."""

    __tablename__ = "reference_gov_unit_alias"
    __table_args__ = (UniqueConstraint("region_adcode", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("reference_gov_unit.id", ondelete="CASCADE"), index=True)
    region_adcode: Mapped[str] = mapped_column(ForeignKey("reference_region.adcode"))
    alias: Mapped[str] = mapped_column(String(100))
    unit: Mapped[GovUnit] = relationship(back_populates="aliases")


class Industry(Base):
    """A GB/T 4754-2017 code: section (F), division (52), group (521) or class (5211)."""

    __tablename__ = "reference_industry"
    __table_args__ = (CheckConstraint(_one_of("level", INDUSTRY_LEVELS), name="level"),)

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("reference_industry.code"), index=True)
