"""`xinxiao indices build` on COINr-shaped input: every file, ranks, hashes, exact re-runs, clear errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from xinxiao.cli import app

COINR = Path(__file__).parents[1] / "data" / "indices" / "coinr"
FILES = ["raw", "denominated", "imputed", "screened", "treated", "normalised", "aggregated"]


def _run(out: Path, imeta: Path = COINR / "iMeta.csv", spec: Path = COINR / "SPEC.yaml") -> object:
    args = ["indices", "build", "--idata", str(COINR / "iData.csv"), "--imeta", str(imeta)]
    return CliRunner().invoke(app, [*args, "--spec", str(spec), "--out", str(out)])


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"uCode": str})


def test_build_writes_every_stage_ranks_treatment_and_run(tmp_path: Path) -> None:
    result = _run(tmp_path / "out")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    for name in [*FILES, "ranks", "treatment"]:
        assert (out / f"{name}.csv").exists(), name
    meta = pd.read_csv(COINR / "iMeta.csv")
    indicators = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    aggregates = meta.loc[meta["Type"] == "Aggregate", "iCode"].tolist()
    for name in FILES[:-1]:
        assert _read(out / f"{name}.csv").columns.tolist() == ["uCode", *indicators], name
    assert _read(out / "aggregated.csv").columns.tolist() == ["uCode", *indicators, *aggregates]
    treatment = _read(out / "treatment.csv")
    assert treatment["iCode"].tolist() == indicators
    assert {"passed", "winsorised"} <= set(treatment["status"])


def test_ranks_follow_the_scores_with_ties_sharing_the_better_rank(tmp_path: Path) -> None:
    _run(tmp_path)
    scores = _read(tmp_path / "aggregated.csv").set_index("uCode")
    ranks = _read(tmp_path / "ranks.csv").set_index("uCode")
    for code in ranks.columns:
        expected = scores[code].rank(ascending=False, method="min")
        pd.testing.assert_series_equal(ranks[code], expected.astype(ranks[code].dtype), check_names=False)
    assert ranks["Index"].min() == 1


def test_screened_units_are_gone_from_later_stages(tmp_path: Path) -> None:
    spec = tmp_path / "screen-first.yaml"  # COINr's build_example_coin screens before imputing
    spec.write_text("steps:\n  - screen: {dat_thresh: 0.9}\n  - impute: {f_i: i_median}\n  - normalise: {}\n", "utf-8")
    assert _run(tmp_path, spec=spec).exit_code == 0
    raw = _read(tmp_path / "raw.csv")
    screened = _read(tmp_path / "screened.csv")
    removed = sorted(set(raw["uCode"]) - set(screened["uCode"]))
    run = json.loads((tmp_path / "run.json").read_text("utf-8"))
    assert removed == sorted(run["removed_units"]) == ["MLT"]  # MLT lacks three of twelve (< 90 %)
    assert "MLT" not in set(_read(tmp_path / "normalised.csv")["uCode"])
    screening = _read(tmp_path / "screening.csv").set_index("uCode")
    assert screening.loc["MLT", "Dat_Avail"] == 0.75


def test_run_json_records_spec_inputs_and_versions(tmp_path: Path) -> None:
    _run(tmp_path)
    run = json.loads((tmp_path / "run.json").read_text("utf-8"))
    for role, name in (("idata", "iData.csv"), ("imeta", "iMeta.csv"), ("spec", "SPEC.yaml")):
        digest = hashlib.sha256((COINR / name).read_bytes()).hexdigest()
        assert run["inputs"][role] == {"file": name, "sha256": digest}
    assert [next(iter(step)) for step in run["spec"]] == [
        "denominate",
        "impute",
        "screen",
        "treat",
        "normalise",
        "aggregate",
    ]
    assert {"xinxiao", "numpy", "pandas", "scipy"} <= set(run["versions"])
    assert len(run["spec_sha256"]) == 64


def test_a_rerun_writes_identical_files(tmp_path: Path) -> None:
    _run(tmp_path / "one")
    _run(tmp_path / "two")
    for name in [*FILES, "ranks", "treatment"]:
        assert (tmp_path / "one" / f"{name}.csv").read_bytes() == (tmp_path / "two" / f"{name}.csv").read_bytes()


def test_a_bad_imeta_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "iMeta.csv"
    text = (COINR / "iMeta.csv").read_text("utf-8").replace("1,Renew,", "1,Renew,", 1)
    lines = text.splitlines()
    lines[3] = lines[3].replace(",Physical,Indicator", ",Nowhere,Indicator")
    bad.write_text("\n".join(lines) + "\n", "utf-8")
    result = _run(tmp_path / "out", imeta=bad)
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception)
    message = str(result.exception)
    assert "iMeta.csv" in message and "4" in message and "Parent" in message
    assert not (tmp_path / "out").exists()
