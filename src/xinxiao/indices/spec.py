"""The build steps of an index, kept as data: COINr's function names and arguments, read from YAML.

A spec is a list of steps in order, each one of ``denominate``, ``impute``, ``screen``, ``treat``,
``normalise``, ``weight`` and ``aggregate`` (at most once each; ``aggregate`` last), with COINr's argument
names. COINr's nested forms (``global_specs: {f_n: …, f_n_para: {…}}``, ``f1_para``/``f_pass_para``) are
accepted beside the flat ones the issue's example uses::

    steps:
      - denominate: {}
      - impute: {f_i: i_mean_grp, use_group: SOME_group}
      - screen: {unit_screen: byNA, dat_thresh: 0.9}
      - treat: {winmax: 5, skew_thresh: 2, kurt_thresh: 3.5, f2: log_CT}
      - normalise: {f_n: n_minmax, l_u: [0, 100]}
      - aggregate: {f_ag: a_amean}

``weight`` is Xinxiao's: ``{method: entropy | critic | pca | sd | cv | equal | original | set, …}`` computes
the indicator weights from the normalised data before aggregation (COINr keeps weights in ``iMeta``: that
is ``original``, the default); ``combine: {subjective: original, method: linear, alpha: 0.5}`` combines them
with a subjective set (组合赋权) and ``ahp: {parent: {order, matrix}}`` sets a parent's child weights from a
pairwise comparison. ``score`` is Xinxiao's too: ``{method: topsis | grey_relational, …}`` scores the units
by an alternative method over the latest stage, beside the aggregation. A spec's SHA-256 (of its
canonical JSON) identifies it in runs and histories.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from xinxiao.core import InvalidInput

STEPS = ("denominate", "impute", "screen", "treat", "normalise", "weight", "aggregate", "score")
_NESTED = ("global_specs", "f1_para", "f_pass_para", "f_n_para", "f_i_para", "f_ag_para")


@dataclass(frozen=True)
class Step:
    """One build step: its COINr name and its arguments (nested COINr forms flattened)."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        """An argument, or ``default`` when the spec does not give it."""
        return self.params.get(key, default)


@dataclass(frozen=True)
class BuildSpec:
    """The ordered steps of a build and the source they came from."""

    steps: tuple[Step, ...]
    source: str = "<spec>"

    def step(self, name: str) -> Step | None:
        """The step of that name, if the spec has it."""
        return next((s for s in self.steps if s.name == name), None)

    def as_data(self) -> list[dict[str, Any]]:
        """The steps as plain data (as written back into ``run.json``)."""
        return [{s.name: dict(s.params)} for s in self.steps]

    @property
    def sha256(self) -> str:
        """A hash of the canonical steps: equal specs hash equal whatever the YAML layout."""
        text = json.dumps(self.as_data(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def flatten(params: Mapping[str, Any]) -> dict[str, Any]:
    """COINr's nested argument lists folded into one level (inner names win over outer ones).

    >>> flatten({"global_specs": {"f_n": "n_zscore", "f_n_para": {"m_sd": [10, 2]}}})
    {'f_n': 'n_zscore', 'm_sd': [10, 2]}
    """
    flat: dict[str, Any] = {}
    for key, value in params.items():
        if key in _NESTED and isinstance(value, Mapping):
            flat |= flatten(value)
        else:
            flat[key] = value
    return flat


def parse_steps(data: Any, source: str = "<spec>") -> BuildSpec:
    """Check a ``steps`` list (from YAML) and return the spec; errors name the source and the step.

    >>> parse_steps([{"normalise": {"f_n": "n_minmax"}}, {"aggregate": None}]).steps[1]
    Step(name='aggregate', params={})
    """
    if isinstance(data, Mapping):
        data = data.get("steps")
    if not isinstance(data, Sequence) or isinstance(data, str) or not data:
        raise InvalidInput(f"{source}: 'steps' must be a non-empty list", file=source, field="steps")
    steps = tuple(_step(item, number, source) for number, item in enumerate(data, start=1))
    _check_order(steps, source)
    return BuildSpec(steps, source)


def _step(item: Any, number: int, source: str) -> Step:
    if not isinstance(item, Mapping) or len(item) != 1:
        raise InvalidInput(f"{source}: step {number} must be one 'name: {{arguments}}' entry", file=source)
    ((name, params),) = item.items()
    if name not in STEPS:
        raise InvalidInput(
            f"{source}: step {number} '{name}' is not one of {', '.join(STEPS)}", file=source, field=str(name)
        )
    if params is not None and not isinstance(params, Mapping):
        raise InvalidInput(f"{source}: the arguments of step {number} '{name}' must be a mapping", file=source)
    return Step(str(name), flatten(params or {}))


def _check_order(steps: tuple[Step, ...], source: str) -> None:
    names = [s.name for s in steps]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InvalidInput(f"{source}: step {repeated[0]} appears more than once", file=source, field=repeated[0])
    building = [n for n in names if n != "score"]  # an alternative scorer may come before or after
    if "aggregate" in building and building[-1] != "aggregate":
        raise InvalidInput(f"{source}: aggregate must be the last step", file=source, field="aggregate")


def read_spec(path: Path) -> BuildSpec:
    """Read a SPEC.yaml file (a mapping with ``steps``, or the bare list)."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput(f"{path.name}: cannot read the spec ({exc})", file=path.name) from None
    return parse_steps(data, path.name)
