"""The uncertain inputs of a sensitivity analysis, kept as data, and the design of runs they give.

A choice is one uncertain input, read from YAML as a list of mappings (``kind`` is ``discrete`` or ``noise``)::

    uncertainty:
      - {name: weights, kind: noise, step: aggregate, noise: 0.25, levels: [1, 2], replicates: 100}
      - name: normalisation
        kind: discrete
        step: normalise
        alternatives: [{f_n: n_minmax, l_u: [0, 100]}, {f_n: n_zscore, m_sd: [10, 2]}]
      - {name: aggregation, kind: discrete, step: aggregate, alternatives: [{f_ag: a_amean}, {f_ag: a_gmean}]}
      - {name: imputation, kind: discrete, step: impute, alternatives: [{f_i: i_mean}, null]}

A ``discrete`` alternative replaces the step's arguments (COINr's nested forms are flattened as in specs); ``null``
removes the step; a step the nominal spec lacks is inserted where COINr's order puts it. ``noise`` multiplies each
weight the aggregation uses (the ``weight`` step's result when there is one, else ``iMeta``'s) at the given
framework levels (default: every level below the index) by ``U(1 − noise, 1 + noise)``, as COINr's
``get_noisy_weights``; like COINr, ``replicates`` noisy weight sets are drawn once (from the seed) and each run
takes one of them. ``step`` of a noise choice is ``aggregate`` or ``weight``, which mean the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from xinxiao.core import InvalidInput
from xinxiao.indices.framework import Framework
from xinxiao.indices.spec import STEPS, BuildSpec, Step, flatten

KINDS = ("discrete", "noise")
NOISE_STEPS = ("aggregate", "weight")
_KEYS = {"name", "kind", "step", "alternatives", "noise", "levels", "replicates"}


@dataclass(frozen=True)
class Choice:
    """One uncertain input: alternative arguments for a step (``None`` = drop it), or noise on the weights."""

    name: str
    kind: Literal["discrete", "noise"]
    step: str
    alternatives: tuple[Mapping[str, Any] | None, ...] = ()
    noise: float = 0.0
    levels: tuple[int, ...] | None = None
    replicates: int = 100

    @property
    def size(self) -> int:
        """How many values the input takes: its alternatives, or its noisy weight sets."""
        return len(self.alternatives) if self.kind == "discrete" else self.replicates


def parse_choices(data: Any, source: str = "<choices>") -> tuple[Choice, ...]:
    """Check a list of uncertain inputs (from YAML) and return them; errors name the source and the entry.

    >>> entry = {"name": "imp", "kind": "discrete", "step": "impute", "alternatives": [{"f_i": "i_mean"}, None]}
    >>> c = parse_choices([entry])
    >>> c[0].alternatives, c[0].size
    (({'f_i': 'i_mean'}, None), 2)
    """
    if isinstance(data, Mapping):
        data = data.get("uncertainty")
    if not isinstance(data, Sequence) or isinstance(data, str) or not data:
        raise InvalidInput(f"{source}: the uncertain inputs must be a non-empty list", file=source)
    choices = tuple(_choice(item, number, source) for number, item in enumerate(data, start=1))
    _check_unique(choices, source)
    return choices


def _choice(item: Any, number: int, source: str) -> Choice:
    where = f"{source}: input {number}"
    if not isinstance(item, Mapping) or not isinstance(item.get("name"), str) or not item["name"]:
        raise InvalidInput(f"{where} must be a mapping with a name", file=source)
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        raise InvalidInput(f"{where} has unknown keys {unknown}", file=source, field=str(unknown[0]))
    kind, step = item.get("kind"), item.get("step")
    if kind not in KINDS:
        raise InvalidInput(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}", file=source, field="kind")
    if kind == "noise":
        return _noise(item, where, source)
    if step not in STEPS:
        raise InvalidInput(f"{where}: step {step!r} is not one of {', '.join(STEPS)}", file=source, field="step")
    return Choice(item["name"], "discrete", str(step), _alternatives(item.get("alternatives"), step, where, source))


def _alternatives(raw: Any, step: str, where: str, source: str) -> tuple[Mapping[str, Any] | None, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise InvalidInput(f"{where}: alternatives must be a non-empty list", file=source, field="alternatives")
    if any(alt is not None and not isinstance(alt, Mapping) for alt in raw):
        raise InvalidInput(f"{where}: each alternative is a mapping or null", file=source, field="alternatives")
    if step == "aggregate" and any(alt is None for alt in raw):
        raise InvalidInput(f"{where}: the aggregate step cannot be dropped", file=source, field="alternatives")
    return tuple(None if alt is None else flatten(alt) for alt in raw)


def _noise(item: Mapping[str, Any], where: str, source: str) -> Choice:
    step, noise, replicates = item.get("step", "aggregate"), item.get("noise"), item.get("replicates", 100)
    if step not in NOISE_STEPS:
        raise InvalidInput(f"{where}: noise applies at step aggregate or weight, not {step!r}", file=source)
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not 0 <= noise <= 1:
        raise InvalidInput(f"{where}: noise must be a number in [0, 1]", file=source, field="noise")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise InvalidInput(f"{where}: replicates must be a positive whole number", file=source, field="replicates")
    levels = item.get("levels")
    if levels is not None and (not isinstance(levels, Sequence) or not all(isinstance(v, int) for v in levels)):
        raise InvalidInput(f"{where}: levels must be a list of whole numbers", file=source, field="levels")
    return Choice(
        item["name"], "noise", str(step), (), float(noise), None if levels is None else tuple(levels), replicates
    )


def _check_unique(choices: tuple[Choice, ...], source: str) -> None:
    names = [c.name for c in choices]
    steps = [c.step for c in choices if c.kind == "discrete"]
    for label, values in (("name", names), ("discrete step", steps)):
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise InvalidInput(f"{source}: {label} {repeated[0]} is used by more than one input", file=source)


# --- the design: which value each run takes -----------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """The runs of an analysis: the value index each run takes per input, and each noise input's weight sets."""

    choices: tuple[Choice, ...]
    picks: np.ndarray
    noise: Mapping[str, np.ndarray]
    codes: tuple[str, ...]

    @property
    def runs(self) -> int:
        """The number of runs."""
        return int(self.picks.shape[0])

    def discrete_key(self, run: int) -> tuple[int, ...]:
        """The alternatives a run takes for the discrete inputs (runs with equal keys share a spec)."""
        return tuple(int(p) for c, p in zip(self.choices, self.picks[run], strict=True) if c.kind == "discrete")

    def variant(self, spec: BuildSpec, run: int) -> BuildSpec:
        """The spec of one run: the nominal spec with the run's alternatives in place."""
        params = {s.name: s.params for s in spec.steps}
        order = [s.name for s in spec.steps]
        for choice, pick in zip(self.choices, self.picks[run], strict=True):
            if choice.kind == "discrete":
                _apply(params, order, choice.step, choice.alternatives[int(pick)])
        return BuildSpec(tuple(Step(name, params[name]) for name in order), spec.source)

    def factors(self, runs: Sequence[int] | np.ndarray) -> np.ndarray:
        """The weight multipliers of some runs (runs × weight codes): the product over the noise inputs."""
        out = np.ones((len(runs), len(self.codes)))
        for column, choice in enumerate(self.choices):
            if choice.kind == "noise":
                out = out * self.noise[choice.name][self.picks[np.asarray(runs, dtype=int), column]]
        return out


def _apply(params: dict[str, Mapping[str, Any]], order: list[str], step: str, alt: Mapping[str, Any] | None) -> None:
    if alt is None:
        params.pop(step, None)
        if step in order:
            order.remove(step)
        return
    if step not in order:  # before the first step that comes later in COINr's order
        later = [i for i, name in enumerate(order) if STEPS.index(name) > STEPS.index(step)]
        order.insert(later[0] if later else len(order), step)
    params[step] = alt


def picks_from_samples(samples: np.ndarray, choices: Sequence[Choice]) -> np.ndarray:
    """Map samples in [0, 1) to value indices by floor: ``⌊x · size⌋`` (capped at ``size − 1``).

    >>> choice = Choice("n", "discrete", "normalise", ({"f_n": "n_minmax"}, {"f_n": "n_zscore"}, {"f_n": "n_rank"}))
    >>> picks_from_samples(np.array([[0.0], [0.34], [0.999]]), [choice]).ravel().tolist()
    [0, 1, 2]
    """
    sizes = np.array([c.size for c in choices])
    return np.asarray(np.minimum(np.floor(samples * sizes).astype(int), sizes - 1))


def noise_table(choice: Choice, framework: Framework, rng: np.random.Generator) -> np.ndarray:
    """A noise input's weight sets: replicates × weight codes multipliers, ``U(1 − n, 1 + n)`` at its levels."""
    levels = choice.levels or tuple(range(1, framework.max_level))
    noised = np.array([framework.levels.get(str(code)) in levels for code in framework.weights.index])
    table = np.ones((choice.replicates, len(noised)))
    table[:, noised] = 1 + (2 * rng.random((choice.replicates, int(noised.sum()))) - 1) * choice.noise
    return table


def make_design(choices: Sequence[Choice], samples: np.ndarray, framework: Framework, *, seed: int) -> Design:
    """The design of runs for samples in [0, 1): the value picks and the noise tables (drawn from the seed)."""
    tables = {
        c.name: noise_table(c, framework, np.random.default_rng([seed, position]))
        for position, c in enumerate(choices)
        if c.kind == "noise"
    }
    codes = tuple(str(code) for code in framework.weights.index)
    return Design(tuple(choices), picks_from_samples(samples, choices), tables, codes)
