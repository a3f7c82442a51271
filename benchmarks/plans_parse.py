"""Benchmark: parse 1,000 synthetic plan documents (the seeds and variants under random extraction defects).

Prints one JSON line: documents/s of ``parse_plan`` beside a baseline in the same process, a naive
regex pass that splits lines and pulls out ``(…牵头…)``/``(责任单位:…)`` clauses with no normalisation,
no section tree, no unit resolution and no targets — the floor of this work.

    .venv/bin/python benchmarks/plans_parse.py --documents 1000
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import time
from pathlib import Path

from xinxiao.plans import parse_plan
from xinxiao.plans.parsing.mutations import mutate

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "plans"
NAIVE_CLAUSE = re.compile(r"[(（]([^()（）]*?(?:牵头|责任单位)[^()（）]*)[)）]")


def corpus(count: int) -> list[str]:
    """``count`` documents: each a seed or variant with 0–4 random defects, reproducibly."""
    sources = [p.read_text(encoding="utf-8") for p in sorted([*DATA.glob("*.txt"), *DATA.glob("variants/*.txt")])]
    return [mutate(sources[i % len(sources)], seed=i, n=i % 5) for i in range(count)]


def naive(text: str) -> int:
    """Split lines and count responsibility clauses with one regex."""
    return sum(len(NAIVE_CLAUSE.findall(line)) for line in text.splitlines())


def main() -> None:
    """Build the corpus, time both passes, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1000)
    args = parser.parse_args()
    documents = corpus(args.documents)
    parse_plan(documents[0])  # load OpenCC, the YAML tables and the registry before timing
    start = time.perf_counter()
    clauses = sum(naive(d) for d in documents)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    plans = [parse_plan(d) for d in documents]
    seconds = time.perf_counter() - start
    result = {
        "benchmark": "plans_parse",
        "documents": len(documents),
        "characters": sum(len(d) for d in documents),
        "xinxiao": {
            "seconds": round(seconds, 2),
            "documents_per_s": round(len(documents) / seconds, 1),
            "tasks": sum(len(p.tasks) for p in plans),
            "targets": sum(len(p.targets) for p in plans),
            "internal_errors": sum(1 for p in plans for w in p.warnings if w.code == "internal_error"),
        },
        "baseline_regex_clauses": {
            "seconds": round(baseline, 3),
            "documents_per_s": round(len(documents) / baseline, 1),
            "clauses": clauses,
        },
        "python": platform.python_version(),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
