"""Holiday, promotion, event and voucher windows: definitions as data, one stored row per year.

``data/windows.yaml`` defines each window by a rule (lunar days around 春节, the statutory holiday
period, fixed calendar days, or explicit dates per year). ``seed_windows`` writes the rows for the
years asked, audited, and is idempotent: an unchanged definition writes nothing, a changed one
updates its row. Windows are reference information, so a user sees the national windows and those
of any region on their own line of the tree (their prefecture's events as a county user, and every
county's windows as a prefecture user).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any, Final

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao import reference
from xinxiao.core import NATIONAL, InvalidInput, NotFound, Principal, Role, Scope, record_write, snapshot
from xinxiao.monitoring.models import Window
from xinxiao.reference import region_tree

WINDOWS_FILE: Final = "windows.yaml"
KINDS: Final = ("holiday", "promotion", "event", "voucher")
ENTITY: Final = "monitoring_window"
_FIELDS: Final = (
    "name_zh",
    "name_en",
    "kind",
    "start_date",
    "end_date",
    "alignment",
    "budget_yuan",
    "note",
    "synthetic",
)


@dataclass(frozen=True, slots=True)
class WindowDef:
    """One window definition of ``windows.yaml``."""

    code: str
    name_zh: str
    name_en: str
    kind: str
    region: str
    alignment: str
    rule: Mapping[str, Any]
    dates: Mapping[int, tuple[date, date]] = field(default_factory=dict)
    approximate: bool = False
    example: bool = False
    synthetic: bool = False
    budget_yuan: float | None = None
    note: str = ""

    def dates_for(self, year: int) -> tuple[date, date] | None:
        """The window's first and last day in ``year``; None when the rule cannot say (no guessing).

        >>> window_defs()["spring_festival"].dates_for(2024)
        (datetime.date(2024, 2, 3), datetime.date(2024, 2, 17))
        """
        if year in self.dates:
            return self.dates[year]
        if "lunar" in self.rule:
            festival = reference.calendar.spring_festival(year)
            spec = self.rule["lunar"]
            return festival - timedelta(days=int(spec["before"])), festival + timedelta(days=int(spec["after"]))
        if "fixed" in self.rule:
            spec = self.rule["fixed"]
            return _month_day(spec["start"], year), _month_day(spec["end"], year)
        return _statutory(str(self.rule["statutory"]), year)

    def row_note(self, year: int) -> str:
        """The note stored with a year's row, flagging approximate and example dates."""
        flags = []
        if self.approximate and year not in self.dates:
            flags.append("日期为近似值, 可在 windows.yaml 中修订")
        if self.example:
            flags.append("示例日期, 可配置")
        return "; ".join([*flags, self.note]) if flags else self.note


def _month_day(text: str, year: int) -> date:
    month, day = (int(part) for part in str(text).split("-"))
    return date(year, month, day)


def _statutory(name: str, year: int) -> tuple[date, date] | None:
    if year not in reference.calendar.covered_years():
        return None
    periods = [p for p in reference.calendar.holiday_periods(year) if name in p.name.split("、")]
    return (periods[0].first, periods[0].last) if periods else None


@cache
def window_defs() -> dict[str, WindowDef]:
    """The shipped window definitions by code, checked once."""
    text = resources.files("xinxiao.monitoring").joinpath("data", WINDOWS_FILE).read_text("utf-8")
    return {d.code: d for d in load_window_defs(text)}


def load_window_defs(text: str, *, filename: str = WINDOWS_FILE) -> list[WindowDef]:
    """Parse and check window definitions; ``InvalidInput`` names the file, line, window and field."""
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{filename}: not valid YAML: {exc}", file=filename) from None
    entries = data.get("windows") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InvalidInput(f"{filename}: needs a list 'windows'", file=filename)
    lines = _lines(root)
    defs = [_window(entry, filename, lines[i] if i < len(lines) else 0) for i, entry in enumerate(entries)]
    codes = [(d.code, d.region) for d in defs]
    if len(set(codes)) != len(codes):
        raise InvalidInput(f"{filename}: a window code appears twice for one region", file=filename, field="code")
    return defs


def _lines(root: Any) -> list[int]:
    for key, value in getattr(root, "value", []):
        if key.value == "windows" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _window(entry: Any, filename: str, line: int) -> WindowDef:
    code = str(entry.get("code", "")) if isinstance(entry, dict) else ""

    def fail(field_name: str, reason: str) -> InvalidInput:
        detail = f"{filename} line {line}: window {code!r}, field {field_name!r}: {reason}"
        return InvalidInput(detail, file=filename, line=line, window=code, field=field_name)

    if not isinstance(entry, dict):
        raise fail("-", "each window must be a mapping")
    for name in ("code", "name_zh", "name_en", "kind", "region", "alignment", "rule"):
        if entry.get(name) in (None, ""):
            raise fail(name, "is required")
    _check_values(entry, fail)
    defn = WindowDef(
        code=code,
        name_zh=str(entry["name_zh"]),
        name_en=str(entry["name_en"]),
        kind=str(entry["kind"]),
        region=str(entry["region"]),
        alignment=str(entry["alignment"]),
        rule=dict(entry["rule"]),
        dates=_explicit_dates(entry.get("dates") or {}, fail),
        approximate=bool(entry.get("approximate", False)),
        example=bool(entry.get("example", False)),
        synthetic=bool(entry.get("synthetic", False)),
        budget_yuan=float(entry["budget_yuan"]) if entry.get("budget_yuan") is not None else None,
        note=" ".join(str(entry.get("note") or "").split()),
    )
    _check_rule(defn, fail)
    return defn


def _check_values(entry: Mapping[str, Any], fail: Any) -> None:
    if entry["kind"] not in KINDS:
        raise fail("kind", f"{entry['kind']!r} must be one of {list(KINDS)}")
    if entry["alignment"] not in ("lunar", "calendar"):
        raise fail("alignment", "must be lunar or calendar")
    region = str(entry["region"])
    if region != NATIONAL and region_tree().get(region) is None:
        raise fail("region", f"unknown adcode {region!r}")
    rule = entry["rule"]
    if not isinstance(rule, dict) or len(rule) != 1 or next(iter(rule)) not in ("lunar", "statutory", "fixed"):
        raise fail("rule", "must be exactly one of lunar, statutory, fixed")


def _explicit_dates(raw: Mapping[Any, Any], fail: Any) -> dict[int, tuple[date, date]]:
    dates: dict[int, tuple[date, date]] = {}
    for year, pair in raw.items():
        try:
            first, last = (d if isinstance(d, date) else date.fromisoformat(str(d)) for d in pair)
        except (TypeError, ValueError):
            raise fail("dates", f"{year}: needs [start, end] as YYYY-MM-DD") from None
        if last < first or first.year != int(year):
            raise fail("dates", f"{year}: {first} … {last} is not a window in that year")
        dates[int(year)] = (first, last)
    return dates


def _check_rule(defn: WindowDef, fail: Any) -> None:
    try:
        first, last = defn.dates_for(2024) or (date(2024, 1, 1), date(2024, 1, 1))
    except (KeyError, TypeError, ValueError) as exc:
        raise fail("rule", f"cannot compute the dates: {exc}") from None
    if last < first:
        raise fail("rule", "the window ends before it starts")


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What ``seed_windows`` did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: tuple[str, ...] = ()


def seed_windows(
    session: Session, *, actor: Principal, years: Iterable[int], defs: Iterable[WindowDef] | None = None
) -> SeedReport:
    """Write the windows of ``years`` (only those inside the actor's scope), audited; idempotent."""
    actor.require(Role.analyst, Role.officer)
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    skipped: list[str] = []
    for defn in defs if defs is not None else window_defs().values():
        if not actor.scope.covers(defn.region) and actor.scope.prefix:
            continue
        for year in sorted(set(years)):
            span = defn.dates_for(year)
            if span is None:
                skipped.append(f"{defn.code}/{year}")
                continue
            counts[_upsert(session, actor, defn, year, span)] += 1
    session.flush()
    return SeedReport(**counts, skipped=tuple(skipped))


def _upsert(session: Session, actor: Principal, defn: WindowDef, year: int, span: tuple[date, date]) -> str:
    values = {
        "name_zh": defn.name_zh, "name_en": defn.name_en, "kind": defn.kind, "start_date": span[0],
        "end_date": span[1], "alignment": defn.alignment, "budget_yuan": defn.budget_yuan,
        "note": defn.row_note(year)[:500] or None, "synthetic": defn.synthetic,
    }  # fmt: skip
    key = {"code": defn.code, "year": year, "region_adcode": defn.region}
    row = session.scalars(select(Window).filter_by(**key)).one_or_none()
    if row is None:
        row = Window(**key, **values)
        session.add(row)
        session.flush()
        _audit(session, actor, row, "create", None)
        return "inserted"
    if all(getattr(row, name) == values[name] for name in _FIELDS):
        return "unchanged"
    before = snapshot(row)
    for name in _FIELDS:
        setattr(row, name, values[name])
    session.flush()
    _audit(session, actor, row, "update", before)
    return "updated"


def _audit(session: Session, actor: Principal, row: Window, action: str, before: dict[str, Any] | None) -> None:
    record_write(
        session, actor=actor, action=action, entity=ENTITY, entity_id=row.id, region_adcode=row.region_adcode,
        before=before, after=snapshot(row),
    )  # fmt: skip


def visible(scope: Scope, region: str) -> bool:
    """Whether a window of ``region`` concerns a user of ``scope``: same line of the region tree.

    >>> visible(Scope("533401"), "533400"), visible(Scope("533400"), "533422"), visible(Scope("533401"), "533422")
    (True, True, False)
    """
    return scope.covers(region) or Scope(region).covers(scope.adcode)


def list_windows(
    session: Session, *, actor: Principal, year: int | None = None, kind: str | None = None
) -> list[Window]:  # fmt: skip
    """The windows that concern the actor's region, by start date."""
    query = select(Window).order_by(Window.start_date, Window.code)
    if year is not None:
        query = query.where(Window.year == year)
    if kind is not None:
        query = query.where(Window.kind == kind)
    return [w for w in session.scalars(query) if visible(actor.scope, w.region_adcode)]


def get_window(session: Session, *, actor: Principal, code: str, year: int, region: str | None = None) -> Window:
    """One window by code and year (the most local one visible, or the one of ``region``); else ``NotFound``."""
    query = select(Window).where(Window.code == code, Window.year == year)
    if region is not None:
        query = query.where(Window.region_adcode == region)
    rows = [w for w in session.scalars(query) if visible(actor.scope, w.region_adcode)]
    if not rows:
        raise NotFound(f"活动窗口 {code} {year} 不存在或不在您的管辖范围内")
    return max(rows, key=lambda w: len(Scope(w.region_adcode).prefix))


def previous_window(session: Session, window: Window) -> tuple[date, date]:
    """Last year's window: the stored row of the year before, else this one's dates aligned by its rule."""
    query = select(Window).filter_by(code=window.code, year=window.year - 1, region_adcode=window.region_adcode)
    row = session.scalars(query).one_or_none()
    if row is not None:
        return row.start_date, row.end_date
    return aligned_dates(window.start_date, window.end_date, window.alignment, window.year - 1)


def aligned_dates(first: date, last: date, alignment: str, year: int) -> tuple[date, date]:
    """A window moved to ``year``: same distance from 春节 (lunar) or same calendar days.

    >>> aligned_dates(date(2024, 2, 3), date(2024, 2, 17), "lunar", 2023)
    (datetime.date(2023, 1, 15), datetime.date(2023, 1, 29))
    """
    if alignment == "lunar":
        shift = reference.calendar.spring_festival(year) - reference.calendar.spring_festival(
            first.year + (first.month == 12)
        )
        return first + shift, last + shift
    years = first.year - year
    return _replace_year(first, first.year - years), _replace_year(last, last.year - years)


def _replace_year(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=year, day=28)
