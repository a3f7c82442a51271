"""Pydantic shapes of alert rules, alerts, notes and runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xinxiao.core import Page
from xinxiao.monitoring.alert_rules import FEED_RULE_KINDS, PARAMS, RuleKind, Status
from xinxiao.monitoring.schema import FeedKind

AlertState = Literal["open", "acknowledged", "closed"]


class RuleSpec(BaseModel):
    """A rule's definition, as written in ``alert_rules.yaml`` or posted to the API; ``params`` are normalised."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$", max_length=60)
    name: str = Field(min_length=1, max_length=200)
    kind: RuleKind
    indicator_id: str | None = Field(None, max_length=60)
    feed_kind: FeedKind | None = None
    region_adcode: str = Field(pattern=r"^\d{6}$")
    params: dict[str, Any] = Field(default_factory=dict)
    enabled: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> RuleSpec:
        if self.kind in FEED_RULE_KINDS:
            if not self.feed_kind or self.indicator_id:
                raise ValueError(f"a {self.kind} rule names a feed_kind and no indicator_id")
        elif not self.indicator_id or self.feed_kind:
            raise ValueError(f"a {self.kind} rule names an indicator_id and no feed_kind")
        self.params = normalise_params(self.kind, self.params)
        return self


def normalise_params(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters of a ``kind`` rule checked and with defaults filled in; ``ValueError`` names the field."""
    try:
        return PARAMS[kind].model_validate(params).model_dump(exclude_none=True)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in ("params", *error["loc"]))
        raise ValueError(f"{where}: {error['msg']}") from None


class RuleUpdate(BaseModel):
    """Fields an administrator may change on a stored rule (code, kind and subject are fixed)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    params: dict[str, Any] | None = None
    enabled: bool | None = None


class RuleRead(BaseModel):
    """A stored rule."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: str
    indicator_id: str | None
    feed_kind: str | None
    region_adcode: str
    params: dict[str, Any]
    enabled: bool
    version: int
    updated_at: datetime


class NoteRead(BaseModel):
    """A 处置 note (or the trace of an acknowledge, close, reopen or escalation)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    text: str
    author_id: int | None
    created_at: datetime


class AlertRead(BaseModel):
    """One firing of a rule."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    rule_id: int
    rule_version: int
    region_adcode: str
    indicator_id: str | None
    period_key: str
    status: Status
    state: AlertState
    value: float | None
    baseline: float | None
    message: str
    fired_at: datetime
    acknowledged_by: int | None
    acknowledged_at: datetime | None
    synthetic: bool = False  # the values behind it are synthetic (demo data)


class AlertDetail(AlertRead):
    """An alert with the data snapshot behind it and its notes."""

    snapshot: dict[str, Any]
    notes: list[NoteRead]
    rule: RuleRead


AlertPage = Page[AlertRead]


class AlertFilter(BaseModel):
    """Inbox filters; ``region`` narrows the caller's scope."""

    status: Status | None = None
    state: AlertState | None = None
    region: str | None = Field(None, pattern=r"^\d{6}$")
    kind: RuleKind | None = None


class NoteCreate(BaseModel):
    """A 处置 note."""

    text: str = Field(min_length=1, max_length=4000)


class ActionBody(BaseModel):
    """An optional note with an acknowledge, close or reopen."""

    note: str = Field("", max_length=4000)


class Evaluation(BaseModel):
    """What one rule gave in a run; ``outcome`` says what was stored (nothing on a dry run)."""

    rule_id: int
    code: str
    region_adcode: str
    status: Status
    period_key: str
    value: float | None
    baseline: float | None
    message: str
    outcome: Literal["green", "new", "escalated", "existing", "dry_run", "error"]
    alert_id: int | None = None
    snapshot: dict[str, Any]


class RunReport(BaseModel):
    """Every evaluated rule of a run and the counts by status."""

    as_of: str
    dry_run: bool
    evaluations: list[Evaluation]

    @property
    def firing(self) -> list[Evaluation]:
        """The non-green evaluations."""
        return [e for e in self.evaluations if e.status != "green"]


class LoadReport(BaseModel):
    """What loading a rule file did, by rule code."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]
