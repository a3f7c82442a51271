"""Writing a build to a directory in the COINr-compatible layout: one CSV per stage, ranks, treatment, run.json.

Each file is written to a temporary name and moved into place, so a file in the directory is always whole.
CSVs are UTF-8 with a BOM (Excel opens them with the Chinese names intact), numbers at full precision.
``run.json`` records the spec, the SHA-256 of every input file and the library versions, so a build can be
re-run exactly and a different result traced to its cause.
"""

from __future__ import annotations

import json
import os
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from xinxiao.core import file_sha256, utcnow
from xinxiao.indices.pipeline import Build, stage_table

LIBRARIES = ("xinxiao", "numpy", "pandas", "scipy")


def versions() -> dict[str, str]:
    """The installed versions of Xinxiao and the numerical libraries a build depends on."""
    return {name: metadata.version(name) for name in LIBRARIES}


def run_record(result: Build, inputs: dict[str, Path]) -> dict[str, Any]:
    """What ``run.json`` holds: spec, its hash, input hashes, versions, units, stages, weights."""
    weights = result.weights if result.weights is not None else result.framework.weights
    return {
        "spec": result.spec.as_data(),
        "spec_sha256": result.spec.sha256,
        "inputs": {role: {"file": path.name, "sha256": file_sha256(path)} for role, path in inputs.items()},
        "versions": versions(),
        "units": int(result.data.indicators.shape[0]),
        "removed_units": result.removed,
        "stages": list(result.stages),
        "weights": {str(k): float(v) for k, v in weights.items()},
        "created_at": utcnow().isoformat(),
    }


def write_build(result: Build, out: Path, *, inputs: dict[str, Path]) -> list[Path]:
    """Write every stage, ``ranks.csv``, ``treatment.csv`` and ``run.json`` into ``out``; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = [_csv(stage_table(frame), out / f"{name}.csv") for name, frame in result.stages.items()]
    if "aggregated" in result.stages:
        written.append(_csv(stage_table(result.ranks()), out / "ranks.csv"))
    written.append(_csv(_treatment(result), out / "treatment.csv"))
    if result.scores is not None:
        written.append(_csv(stage_table(result.scores), out / "scores.csv"))
    if result.screening is not None:
        written.append(_csv(result.screening.reset_index(), out / "screening.csv"))
    record = json.dumps(run_record(result, inputs), ensure_ascii=False, indent=2)
    written.append(_atomic(out / "run.json", record.encode("utf-8")))
    return written


def _treatment(result: Build) -> pd.DataFrame:
    if result.treatment is None:  # no treat step: say so per indicator rather than leave the file out
        codes = list(result.framework.indicators)
        return pd.DataFrame({"iCode": codes, "status": ["not treated (no treat step)"] * len(codes)})
    return result.treatment.reset_index()


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    return _atomic(path, frame.to_csv(index=False, float_format="%.12g").encode("utf-8-sig"))


def _atomic(path: Path, data: bytes) -> Path:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    return path
