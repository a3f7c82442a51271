"""The parser's measuring stick: the scoring itself, the gold files' consistency, and the text mutations."""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from xinxiao.plans.parsing.evaluation import (
    PRF,
    Gold,
    GoldUnit,
    evaluate,
    evaluate_file,
    find_cases,
    fold,
    load_gold,
    report,
)
from xinxiao.plans.parsing.model import ParsedPlan, Target, Task, UnitRef
from xinxiao.plans.parsing.mutations import (
    MUTATIONS,
    add_page_noise,
    choose_mutations,
    drop_numerals,
    insert_cjk_spaces,
    mutate,
    split_clause_across_lines,
    to_fullwidth,
    to_traditional,
    truncate_clause,
    wrap_lines,
)
from xinxiao.reference import unit_registry

DATA = Path(__file__).parents[1] / "data" / "plans"
SEED000, SEED002 = DATA / "seed000_diqing.gold.json", DATA / "seed002_hubei.gold.json"
CASES = find_cases(DATA)
GOLD_IDS = [gold.name.removesuffix(".gold.json") for _, gold in CASES]
REGISTRY = unit_registry()
TW2SP = opencc.OpenCC("tw2sp")


def perfect_parse(gold: Gold) -> ParsedPlan:
    """The ParsedPlan a flawless parser would return for a gold file."""
    tasks = [
        Task(
            id=task.id,
            title=task.title,
            text="",
            span=(0, 0),
            units=[UnitRef(u.name or "", u.printed or u.name or "", "lead", not u.unresolved) for u in task.lead_units]
            + [UnitRef(u.name or "", u.printed or u.name or "", "co", not u.unresolved) for u in task.co_units],
        )
        for task in gold.tasks
    ]
    targets = [
        Target(t.metric, t.kind, t.operator, t.value, t.unit, t.text, (0, 0), t.value_high, t.firmness, t.deadline,
               t.base_year, t.scope, t.task_id)
        for t in gold.targets
    ]  # fmt: skip
    doc = gold.doc
    header = {name: value[0] if isinstance(value, list) else value for name, value in doc.model_dump().items()}
    return ParsedPlan(raw="", text="", **header, tasks=tasks, targets=targets)


def without_units(plan: ParsedPlan, drop: Callable[[str, UnitRef], bool]) -> ParsedPlan:
    """A copy of the plan without the units ``drop`` selects (by task id and unit)."""
    tasks = [dataclasses.replace(t, units=[u for u in t.units if not drop(t.id, u)]) for t in plan.tasks]
    return dataclasses.replace(plan, tasks=tasks)


def document(text_path: Path) -> str:
    """The comparison form of a document, folded as printed and with Taiwan forms made mainland."""
    text = text_path.read_text("utf-8")
    return fold(text) + "\n" + fold(TW2SP.convert(text))


# --- scoring ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text_path", "gold_path"), CASES, ids=GOLD_IDS)
def test_a_perfect_parse_scores_one_everywhere(text_path: Path, gold_path: Path) -> None:
    scores = evaluate_file(text_path, gold_path, lambda _: perfect_parse(load_gold(gold_path)))
    assert all(prf.f1 == 1.0 for prf in scores.measures().values()), report(scores)
    assert all(acc.value == 1.0 for acc in scores.attributes.values()), report(scores)


def test_a_missing_unit_lowers_recall_only() -> None:
    gold = load_gold(SEED000)
    plan = without_units(perfect_parse(gold), lambda task, unit: task == "二.(一).1" and unit.name == "州总工会")
    scores = evaluate(plan, gold)
    assert scores.co_units.missed == ("二.(一).1 州总工会",)
    assert (scores.co_units.precision, scores.lead_units.recall) == (1.0, 1.0)
    assert scores.co_units.recall == pytest.approx(1 - 1 / (scores.co_units.tp + 1))


def test_an_extra_unit_lowers_precision_only() -> None:
    gold = load_gold(SEED002)
    plan = perfect_parse(gold)
    plan.tasks[0].units.append(UnitRef("省财政厅", "省财政厅", "co", True))
    scores = evaluate(plan, gold)
    assert (scores.co_units.extra, scores.co_units.recall) == (("二.(一) 省财政厅",), 1.0)
    assert scores.co_units.precision < 1.0


def test_a_swapped_role_costs_both_roles_but_not_units() -> None:
    gold = load_gold(SEED002)
    plan = perfect_parse(gold)
    plan.tasks[0].units = [
        dataclasses.replace(u, role="co" if u.role == "lead" else "lead") for u in plan.tasks[0].units
    ]
    scores = evaluate(plan, gold)
    assert scores.lead_units.fn == 1 and scores.lead_units.fp == len(gold.tasks[0].co_units)
    assert scores.units.f1 == 1.0


UNITS = {"lead_units", "co_units", "units"}
WRAPPED_TITLE = "迪庆州培育发展新型消费释放消费潜力\n三年行动方案(2022-2024年)"


@pytest.mark.parametrize(
    ("change", "measure", "precision", "recall", "touched"),
    [
        (lambda p: p.tasks.pop(0), "tasks", 1.0, 21 / 22, UNITS),  # 20 tasks and the 2 optional ones, parsed
        (lambda p: p.tasks.append(Task("二.(一).21", "", "", (0, 0))), "tasks", 22 / 23, 1.0, set()),
        (lambda p: p.tasks.pop(-1), "tasks", 1.0, 1.0, set()),  # 三.(二) is optional: a parse may leave it out
        (lambda p: p.targets.pop(0), "targets", 1.0, 11 / 12, set()),
        (lambda p: setattr(p.targets[1], "value", 136.5), "targets", 11 / 12, 11 / 12, set()),
        (lambda p: setattr(p.targets[1], "metric", "全州文化和旅游总收入"), "targets", 1.0, 1.0, set()),  # contains it
        (lambda p: setattr(p.targets[0], "metric", "社零额"), "targets", 1.0, 1.0, set()),  # an alias
        (lambda p: setattr(p.targets[0], "task_id", "二.(一).1"), "targets", 11 / 12, 11 / 12, set()),
        (lambda p: setattr(p, "title", None), "header", 1.0, 4 / 5, set()),
        (lambda p: setattr(p, "title", WRAPPED_TITLE), "header", 1.0, 1.0, set()),  # blanks and dashes fold
        (lambda p: setattr(p, "issuer", "迪庆州人民政府办公室"), "header", 4 / 5, 4 / 5, set()),
        (lambda p: setattr(p, "doc_number", "迪政发〔2022〕1号"), "header", 5 / 6, 1.0, set()),
    ],
)
def test_one_change_moves_one_measure(
    change: Any, measure: str, precision: float, recall: float, touched: set[str]
) -> None:
    gold = load_gold(SEED000)
    plan = perfect_parse(gold)
    change(plan)
    scores = evaluate(plan, gold).measures()
    assert (scores[measure].precision, scores[measure].recall) == pytest.approx((precision, recall))
    assert all(prf.f1 == 1.0 for name, prf in scores.items() if name not in {measure, *touched})


@pytest.mark.parametrize("role", ["lead", "co"])
def test_a_unit_of_either_role_counts_in_the_role_parsed(role: str) -> None:
    gold = load_gold(DATA / "variants" / "variant_e_clause_styles.gold.json")
    plan = perfect_parse(gold)
    plan.tasks[-1].units = [dataclasses.replace(u, role=role) for u in plan.tasks[-1].units]  # 二.(六)
    scores = evaluate(plan, gold)
    assert (scores.lead_units.f1, scores.co_units.f1) == (1.0, 1.0)


def test_a_unit_of_labelled_role_is_missed_in_the_other() -> None:
    gold = load_gold(DATA / "variants" / "variant_e_clause_styles.gold.json")
    plan = perfect_parse(gold)
    plan.tasks[0].units = [dataclasses.replace(u, role="lead") for u in plan.tasks[0].units]  # 二.(一)
    scores = evaluate(plan, gold)
    assert (scores.co_units.fn, scores.lead_units.fp, scores.units.f1) == (2, 2, 1.0)


@pytest.mark.parametrize(("members", "co_recall"), [(17, 1.0), (16, 285 / 286)])
def test_a_garbled_collective_may_be_repaired(members: int, co_recall: float) -> None:
    gold = load_gold(SEED002)  # 三.(九) prints 各 州人民政府: kept as printed, or repaired to 各市州人民政府
    plan = without_units(perfect_parse(gold), lambda task, unit: unit.name == "各州人民政府")
    nine = next(t for t in plan.tasks if t.id == "三.(九)")
    nine.units += [UnitRef(name, name, "co", True) for name in plan.tasks[0].co_units[-17:][:members]]
    scores = evaluate(plan, gold)
    assert scores.co_units.recall == pytest.approx(co_recall)
    assert scores.co_units.precision == pytest.approx(1.0 if members == 17 else 285 / 301)


def test_an_optional_task_counts_when_parsed() -> None:
    gold = load_gold(SEED000)
    plan = without_units(perfect_parse(gold), lambda task, unit: task == "三.(一)" and unit.role == "co")
    scores = evaluate(plan, gold)
    assert scores.co_units.fn == len(gold.tasks[20].co_units) > 20


@pytest.mark.parametrize(
    ("attribute", "value", "accuracy"),
    [
        ("firmness", "must", 11 / 12),
        ("kind", "yoy_growth", 11 / 12),
        ("operator", "=", 11 / 12),
        ("deadline", "2024-12-31", 1.0),  # by the end of the year named
        ("deadline", "2025", 11 / 12),
        ("value_high", 7.0, 11 / 12),
    ],
)
def test_target_attributes_are_checked_on_matched_pairs(attribute: str, value: object, accuracy: float) -> None:
    gold = load_gold(SEED000)
    plan = perfect_parse(gold)
    setattr(plan.targets[0], attribute, value)
    scores = evaluate(plan, gold)
    assert scores.targets.f1 == 1.0
    assert scores.attributes[f"target.{attribute}"].value == pytest.approx(accuracy)


@pytest.mark.parametrize(
    ("prf", "precision", "recall", "f1"),
    [
        (PRF(0), 1.0, 1.0, 1.0),
        (PRF(0, missed=("a",)), 0.0, 0.0, 0.0),
        (PRF(0, extra=("a",)), 0.0, 0.0, 0.0),
        (PRF(3, missed=("a",), extra=("b",)), 0.75, 0.75, 0.75),
        (PRF(1, missed=("a", "b", "c")), 1.0, 0.25, 0.4),
    ],
)
def test_precision_recall_f1(prf: PRF, precision: float, recall: float, f1: float) -> None:
    assert (prf.precision, prf.recall, prf.f1) == pytest.approx((precision, recall, f1))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_recall_of_units_is_the_share_kept(data: st.DataObject) -> None:
    gold = load_gold(SEED000)
    plan = perfect_parse(gold)
    pairs = sorted({(t.id, u.name) for t in plan.tasks for u in t.units})
    dropped = set(data.draw(st.lists(st.sampled_from(pairs), max_size=40, unique=True)))
    scores = evaluate(without_units(plan, lambda task, unit: (task, unit.name) in dropped), gold)
    assert scores.units.recall == pytest.approx(1 - len(dropped) / len(pairs))
    assert scores.units.precision == 1.0


def test_the_report_names_every_measure_and_attribute() -> None:
    gold = load_gold(SEED000)
    text = report(evaluate(perfect_parse(gold), gold))
    for name in ("tasks", "lead_units", "co_units", "targets", "header", "target.firmness", "task.title"):
        assert re.search(rf"^{re.escape(name)} ", text, re.MULTILINE), name


def test_evaluate_wants_expanded_collectives() -> None:
    gold = Gold.model_validate({"tasks": [{"id": "1", "title": "", "lead_units": [{"expand": "州直有关部门"}]}]})
    with pytest.raises(ValueError, match="expand"):
        evaluate(ParsedPlan(raw="", text=""), gold)


# --- the gold files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold_path", "tasks", "optional", "lead", "co", "targets"),
    [(SEED000, 20, 2, 20, 150, 12), (SEED002, 15, 0, 15, 286, 1)],
    ids=["seed000", "seed002"],
)
def test_seed_gold_counts(gold_path: Path, tasks: int, optional: int, lead: int, co: int, targets: int) -> None:
    gold = load_gold(gold_path)
    required = [task for task in gold.tasks if not task.optional]
    assert (len(required), len(gold.tasks) - len(required)) == (tasks, optional)
    assert sum(len(t.lead_units) for t in required) == lead  # optional tasks expand 州直有关部门: registry-sized
    assert sum(len(t.co_units) for t in required) == co
    assert len(gold.targets) == targets


@pytest.mark.parametrize(("text_path", "gold_path"), CASES, ids=GOLD_IDS)
def test_every_gold_unit_resolves_or_is_flagged(text_path: Path, gold_path: Path) -> None:
    gold = load_gold(gold_path)
    region = gold.doc.region_adcode
    assert region is not None
    for task in gold.tasks:
        for unit in (*task.lead_units, *task.co_units):
            found = REGISTRY.resolve(unit.name or "", region_adcode=region)
            if unit.unresolved:
                assert found is None, f"{task.id} {unit.name} resolves: drop its unresolved flag"
                continue
            assert found is not None and found.name == unit.name, f"{task.id} {unit.name} is not canonical"
            if unit.printed:
                printed = REGISTRY.resolve(TW2SP.convert(unit.printed), region_adcode=region)
                assert printed == found, f"{task.id} printed {unit.printed} is not {unit.name}"


@pytest.mark.parametrize(("text_path", "gold_path"), CASES, ids=GOLD_IDS)
def test_collective_members_belong_to_their_collective(text_path: Path, gold_path: Path) -> None:
    gold = load_gold(gold_path)
    region = gold.doc.region_adcode or ""
    for task in gold.tasks:
        for unit in (*task.lead_units, *task.co_units):
            if unit.collective:
                members = REGISTRY.expand_collective(unit.collective, region_adcode=region)
                assert members is not None, unit.collective
                assert unit.name in [m.name for m in members] or (members == [] and unit.name == unit.collective)


@pytest.mark.parametrize(("text_path", "gold_path"), CASES, ids=GOLD_IDS)
def test_gold_titles_and_targets_are_in_the_document(text_path: Path, gold_path: Path) -> None:
    gold, text = load_gold(gold_path), document(text_path)
    for task in gold.tasks:
        assert fold(task.title) in text, task.id
        assert len({u.name for u in (*task.lead_units, *task.co_units)}) == len(task.lead_units) + len(task.co_units)
    for target in gold.targets:
        assert fold(target.text) in text, target.text
        if target.value is not None and target.kind not in {"coverage", "relative"}:
            assert f"{target.value:g}" in fold(target.text), target.text
        assert (target.operator == "range") == (target.value_high is not None), target.text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda g: g["tasks"].append(dict(g["tasks"][0])), "task ids repeat"),
        (lambda g: g["targets"][0].update(task_id="九.(九)"), "unknown tasks"),
        (lambda g: g["tasks"][0]["lead_units"].append({"name": "州商务局", "expand": "州直有关部门"}), "either a name"),
        (lambda g: g["targets"][0].update(kind="growth"), "kind"),
        (lambda g: g.update(extra_field=1), "extra"),
    ],
)
def test_malformed_gold_files_are_refused(change: Any, message: str, tmp_path: Path) -> None:
    data = json.loads(SEED000.read_text("utf-8"))
    change(data)
    path = tmp_path / "bad.gold.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(ValidationError, match=message):
        load_gold(path)


def test_an_unknown_collective_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.gold.json"
    path.write_text(json.dumps({"doc": {"region_adcode": "420000"}, "tasks": [
        {"id": "1", "title": "", "co_units": [{"expand": "州直有关部门"}]}]}), "utf-8")  # fmt: skip
    with pytest.raises(ValueError, match="no collective"):
        load_gold(path)


def test_gold_units_may_be_written_as_plain_names() -> None:
    assert GoldUnit.model_validate("省商务厅") == GoldUnit(name="省商务厅")


# --- mutations ---------------------------------------------------------------------------------------

SEED_TEXTS = [(DATA / "seed000_diqing.txt").read_text("utf-8"), (DATA / "seed002_hubei.txt").read_text("utf-8")]
ALPHABET = "一二三四五六七八九十州商务局牵头配合责任单位、,;:。()（）1.2%亿元 \n各县市人民政府按照职责分工负责abc"
texts = st.one_of(
    st.text(alphabet=ALPHABET, max_size=300),
    st.builds(lambda seed, start: seed[start : start + 800], st.sampled_from(SEED_TEXTS), st.integers(0, 6000)),
)
seeds = st.integers(0, 2**32)


def _cjk_numerals_removed(text: str) -> str:
    return re.sub("[一二三四五六七八九十百]", "", text)


@settings(max_examples=60, deadline=None)
@given(texts, seeds, st.sampled_from(sorted(MUTATIONS)))
def test_mutations_are_reproducible_from_the_seed(text: str, seed: int, name: str) -> None:
    assert MUTATIONS[name](text, seed=seed) == MUTATIONS[name](text, seed=seed)


@settings(max_examples=60, deadline=None)
@given(texts, seeds)
def test_mutations_only_add_what_they_say(text: str, seed: int) -> None:
    assert insert_cjk_spaces(text, seed=seed, rate=0.3).replace(" ", "") == text.replace(" ", "")
    assert wrap_lines(text, seed=seed).replace("\n", "") == text.replace("\n", "")
    assert split_clause_across_lines(text, seed=seed, rate=1.0).replace("\n", "") == text.replace("\n", "")
    assert unicodedata.normalize("NFKC", to_fullwidth(text, seed=seed)) == unicodedata.normalize("NFKC", text)
    dropped = drop_numerals(text, seed=seed, rate=1.0)
    assert _cjk_numerals_removed(dropped) == _cjk_numerals_removed(text) and len(dropped) <= len(text)


@settings(max_examples=40, deadline=None)
@given(texts, seeds, st.integers(1, 5))
def test_page_noise_surrounds_the_text_without_changing_it(text: str, seed: int, pages: int) -> None:
    noisy = add_page_noise(text, seed=seed, pages=pages)
    body = noisy.split("\n", 1)[1].rsplit("\n", 1)[0]
    assert re.sub(r"\n— \d+ —\n", "", body) == text
    assert noisy.count(" —\n") <= pages


@settings(max_examples=40, deadline=None)
@given(texts, seeds, st.integers(1, 3))
def test_truncation_cuts_inside_clauses_only(text: str, seed: int, count: int) -> None:
    cut = truncate_clause(text, seed=seed, count=count)
    clauses = re.findall(r"[(（〔][^\n]*?[)）〕]", text)
    assert len(text) - sum(map(len, clauses)) <= len(cut) <= len(text)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(SEED_TEXTS), seeds, st.integers(0, len(MUTATIONS)))
def test_mutate_keeps_a_seed_within_bounds(text: str, seed: int, n: int) -> None:
    mutated = mutate(text, seed, n)
    assert mutated == mutate(text, seed, n)
    assert 0.8 * len(text) <= len(mutated) <= 2.5 * len(text)
    assert len(choose_mutations(seed, n)) == n


@pytest.mark.parametrize(
    ("mutation", "text", "expected"),
    [
        (insert_cjk_spaces, "扩容提质", "扩容提质"),
        (to_fullwidth, "(一)6%", "(一)6%"),
        (drop_numerals, "二、任务\n(三)消费", "二、任务\n(三)消费"),
        (split_clause_across_lines, "(州商务局牵头,州财政局配合)", "(州商务局牵头,州财政局配合)"),
        (to_traditional, "网络零售额", "网络零售额"),
    ],
)
def test_a_zero_rate_leaves_the_text_alone(mutation: Callable[..., str], text: str, expected: str) -> None:
    assert mutation(text, seed=1, rate=0.0) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("、依托数字技术\n()大力发展", "、依托数字技术\n()大力发展"),
        ("一、目标\n(十五)构建机制", "、目标\n()构建机制"),
        ("第(三)项不是标题", "第(三)项不是标题"),  # only headings lose numerals
        ("。(二)扩大消费", "。()扩大消费"),
    ],
)
def test_drop_numerals_touches_headings(text: str, expected: str) -> None:
    assert drop_numerals(text, rate=1.0) == expected


def test_mutate_can_be_limited_to_some_mutations() -> None:
    text = SEED_TEXTS[0]
    assert choose_mutations(3, 5, only=["wrap_lines", "drop_numerals"]) == ["drop_numerals", "wrap_lines"]
    assert mutate(text, 3, 5, only=["wrap_lines"]).replace("\n", "") == text.replace("\n", "")
