"""Quantitative targets (指标) in normalised plan text: metric, kind, operator, value, unit and context.

``extract_targets`` reads each clause (up to ; or 。) for printed values — ``136.54亿元``, ``6%左右``,
``1 个以上``, ``1-2个``, ``翻一番``, ``全覆盖`` — and reads the words around each: the metric before it (or
the noun after it, 1个以上新业态示范基地), the predicate (年均增长 → annual growth, 占比 → share), the
firmness word (确保, 力争, 争取), the deadline (到2024年, 2022年底前, “十四五”期间, a bare 2025年,), the base
year (比2020年) and the scope (全州, 每个县(市), 武汉市). Numbers that are not targets — years, dates,
document numbers, ordinals (第5次), 5G, 24时, quoted names, subsidies — are left alone. Vocabulary
lives in ``data/metrics.yaml``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from xinxiao.plans.parsing.model import Operator, Target, TargetKind
from xinxiao.plans.parsing.targets_context import (
    Clause,
    Mark,
    blank,
    clauses,
    deadline_marks,
    firmness_at,
    firmness_marks,
    fold,
    last_before,
    quoted,
)
from xinxiao.plans.parsing.targets_lexicon import lexicon, longest_suffix, words_pattern
from xinxiao.plans.parsing.targets_phrases import Object, Subject, analyse_subject, is_growth_noun, read_object
from xinxiao.plans.parsing.targets_values import Group, Value, cover_is_stated, find_values, respectively, year_list

_ALIAS_NOTE = re.compile(
    r"\(\s*(?:以下)?(?:简称|下称|称)\s*:?\s*[\"“「]?(?P<short>[^()\"“”「」,;。\s]{1,12}?)[\"”」]?\s*\)"
)
_NAME_RUN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9+]+$")
_CHUNK_END = re.compile(r"[,:;。]")
_INDEX = "指数"
_LOOKBACK = 200  # how far from a value its words are looked for (bounds the work on run-on text)


def _abbreviates(short: str, full: str) -> bool:
    chars = iter(full)
    return all(char in chars for char in short)


def _full_name(run: str, short: str) -> str:
    known = longest_suffix(run, lexicon().aliases)
    if known is not None:
        return known
    for start in range(len(run) - len(short), -1, -1):
        if run[start] == short[0] and _abbreviates(short, run[start:]):
            return run[start:]
    return analyse_subject(run).metric or run


def find_metric_aliases(text: str) -> dict[str, str]:
    """Document-local metric aliases: ``X(以下简称Y)`` and ``X(简称Y)`` give ``{Y: X}``.

    >>> find_metric_aliases("到2024年,全州社会消费品零售总额(以下简称社零额)年均增长6%")
    {'社零额': '社会消费品零售总额'}
    >>> find_metric_aliases("数字经济核心产业增加值(简称“数字核心产值”)")
    {'数字核心产值': '数字经济核心产业增加值'}
    """
    folded = fold(text)
    found: dict[str, str] = {}
    for match in _ALIAS_NOTE.finditer(folded):
        run = _NAME_RUN.search(folded, max(0, match.start() - 40), match.start())
        if run is not None and (full := _full_name(run[0], match["short"])) and full != match["short"]:
            found[match["short"]] = full
    return found


@dataclass
class _Doc:
    text: str
    folded: str
    aliases: Mapping[str, str]
    deadlines: list[Mark] = field(default_factory=list)
    firmness: list[Mark] = field(default_factory=list)

    def clause_text(self, clause: Clause) -> str:
        return self.text[clause.start : clause.end].strip()


@dataclass
class _Carry:
    """What a sentence has said so far: its last metric and scope carry to later values."""

    metric: str | None = None
    scope: str | None = None


def extract_targets(
    text: str,
    *,
    aliases: Mapping[str, str] | None = None,
    default_deadline: str | None = None,
    default_scope: str | None = None,
) -> list[Target]:
    """The quantitative targets of a normalised text, in printed order; spans index ``text``.

    >>> [t] = extract_targets("到2024年,全州社会消费品零售总额年均增长6%左右。")
    >>> t.metric, t.kind, t.operator, t.value, t.unit, t.deadline, t.scope
    ('社会消费品零售总额', 'annual_growth', '~', 6.0, '%', '2024', '全州')
    >>> found = extract_targets("新增限额以上单位12家以上,力争突破20家")
    >>> [(t.metric, t.operator, t.value, t.unit, t.firmness) for t in found]
    [('限额以上单位', '>=', 12.0, '家', 'plain'), ('限额以上单位', '>', 20.0, '家', 'strive')]
    """
    folded = fold(text)
    doc = _Doc(text, folded, dict(aliases or {}), deadline_marks(folded), firmness_marks(folded))
    values = find_values(folded, quoted(folded))
    starts = [v.start for v in values]
    targets: list[Target] = []
    carry, sentence = _Carry(), -1
    for clause in clauses(folded):
        if clause.sentence != sentence:
            carry, sentence = _Carry(), clause.sentence
        lo, hi = bisect.bisect_left(starts, clause.start), bisect.bisect_left(starts, clause.end)
        inner = [v for v in values[lo:hi] if v.end <= clause.end]
        targets.extend(_clause_targets(doc, clause, inner, carry))
    return [replace(t, deadline=t.deadline or default_deadline, scope=t.scope or default_scope) for t in targets]


def _clause_targets(doc: _Doc, clause: Clause, values: list[Value], carry: _Carry) -> list[Target]:
    groups = respectively(doc.folded, clause, values)
    found: list[Target] = []
    index, previous_end = 0, clause.start
    while index < len(values):
        if index in groups:
            members = [values[i] for i in groups[index].members]
            made = _group_targets(doc, clause, groups[index], members, previous_end, carry)
            index += len(members)
        else:
            limit = values[index + 1].start if index + 1 < len(values) else clause.end
            made = _value_targets(doc, clause, values[index], (previous_end, limit), carry)
            index += 1
        found.extend(made)
        if made:  # the next subject starts after this value and the object it took; 4大类 made none
            previous_end = max(values[index - 1].end, *(t.span[1] for t in made))
    return found


def _chunk_start(doc: _Doc, clause: Clause, pos: int, previous_end: int) -> int:
    """Where the words of a value start: after the last , or : before it, or after the previous value."""
    lo = max(clause.start, previous_end, pos - _LOOKBACK)
    return max(lo, *(doc.folded.rfind(edge, lo, pos) + 1 for edge in ",:"))


def _skipped(doc: _Doc, clause: Clause, value: Value, chunk: int) -> bool:
    """Values that are not targets: ordinals (第5次), from-values (由20%), prices (元/平方米), subsidies."""
    before = _char_before(doc.folded, value.start)
    after = doc.folded[value.end : value.end + 1]
    if before in ("第", "从", "由") or after in ("/", "每"):
        return True
    if not value.unit.endswith("元"):
        return False
    stop = min(clause.end, value.end + _LOOKBACK)
    chunk_end = _CHUNK_END.search(doc.folded, value.end, stop)
    words = doc.folded[chunk : chunk_end.start() if chunk_end else stop]
    return words_pattern(lexicon().words.incentives).search(words) is not None


def _char_before(text: str, pos: int) -> str:
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return text[pos - 1] if pos > 0 else ""


def _value_targets(doc: _Doc, clause: Clause, value: Value, bounds: tuple[int, int], carry: _Carry) -> list[Target]:
    """The targets of one value; ``bounds`` are where its subject may start and its object must end."""
    previous_end, limit = bounds
    chunk = _chunk_start(doc, clause, value.start, previous_end)
    if _skipped(doc, clause, value, chunk) or (value.form == "cover" and not cover_is_stated(doc.folded, chunk, value)):
        return []
    subject = analyse_subject(doc.folded[chunk : value.start])
    if value.form == "number" and not value.unit and not _is_index(subject, doc):
        return []
    obj, tokens = _object(doc, value, limit, subject)
    span = (min(chunk + subject.offset, value.start), obj.end if obj and _uses_object(subject, obj) else value.end)
    scope = subject.scope or (obj.scope if obj else None) or carry.scope
    found = [
        _target(doc, clause, value, metric, tokens, span, scope=place or scope, base_year=subject.base_year)
        for metric, place in _metrics(doc, clause, value, subject, obj, carry)
    ]
    _remember(carry, [t.metric for t in found], scope)
    return found


def _object(doc: _Doc, value: Value, limit: int, subject: Subject) -> tuple[Object | None, tuple[str, ...]]:
    """The object after a value, and the predicate words (保持6%左右的增速: 增速 is a predicate, not an object)."""
    obj = read_object(doc.folded, value.end, limit) if value.form == "number" else None
    if obj is not None and is_growth_noun(obj.items[0]):
        return None, (obj.items[0], *subject.tokens)
    return obj, subject.tokens


def _is_index(subject: Subject, doc: _Doc) -> bool:
    """A bare number is a target only after an index (消费者信心指数达到110)."""
    name = lexicon().canonical(subject.metric, doc.aliases)
    spec = lexicon().metrics.get(name or "")
    is_index = (spec is not None and spec.unit == "") or subject.metric.endswith(_INDEX)
    return is_index and bool(subject.tokens)


def _uses_object(subject: Subject, obj: Object) -> bool:
    return not subject.metric or longest_suffix(subject.metric, lexicon().words.attributes) is not None


def _metrics(
    doc: _Doc, clause: Clause, value: Value, subject: Subject, obj: Object | None, carry: _Carry
) -> list[tuple[str, str | None]]:
    """The metric names of a value, each with the scope it implies (only 全覆盖 implies one)."""
    if value.form == "cover":
        return [_coverage_metric(doc, subject.metric)]
    if obj is not None and subject.metric and _uses_object(subject, obj):
        return [(_canonical(doc, obj.items[0] + subject.metric), None)]
    if obj is not None and not subject.metric:
        return [(_canonical(doc, item), None) for item in obj.items]
    metric = subject.metric or carry.metric or _metric_named_before(doc, clause, value.start)
    return [(_canonical(doc, metric), None)]


def _canonical(doc: _Doc, phrase: str) -> str:
    """The known name of a metric phrase (限上单位数量 is 限额以上单位), else the phrase itself."""
    lex = lexicon()
    bare = re.sub(r"(?:数量|个数|总数|数)$", "", phrase)
    return lex.canonical(phrase, doc.aliases) or (bare != phrase and lex.canonical(bare, doc.aliases)) or phrase


def _coverage_metric(doc: _Doc, phrase: str) -> tuple[str, str | None]:
    """实现5G网络县(市)、开发区和乡镇所在地全覆盖: metric 5G网络覆盖率, scope 县(市)、开发区和乡镇所在地."""
    lex = lexicon()
    known = [a for a in (*doc.aliases, *lex.aliases) if phrase.startswith(a)]
    if known:
        alias = max(known, key=len)
        name, rest = _canonical(doc, alias), phrase[len(alias) :]
    else:
        place = longest_suffix(phrase, lex.words.coverage_scopes)
        name, rest = (phrase[: -len(place)], place) if place and len(place) < len(phrase) else (phrase, "")
    name = name if name.endswith("覆盖率") else f"{name}覆盖率"
    return name, rest.strip("、,的") or None


def _metric_named_before(doc: _Doc, clause: Clause, pos: int) -> str:
    """The last known metric named earlier in the sentence (网络零售额稳步增长,2022年、…分别达到…)."""
    names = (*doc.aliases, *lexicon().aliases)
    window = doc.folded[max(clause.sentence, pos - _LOOKBACK) : pos]
    hits = list(words_pattern(names).finditer(window))
    return hits[-1][0] if hits else ""


def _remember(carry: _Carry, metrics: list[str], scope: str | None) -> None:
    carry.metric = next((m for m in reversed(metrics) if m), carry.metric)
    carry.scope = scope or carry.scope


def _kind(value: Value, tokens: tuple[str, ...], metric: str) -> TargetKind:
    """Kind from the printed form, the unit and the predicate words (年均增长, 占比, 覆盖率)."""
    lex, words = lexicon(), lexicon().words
    unit_kind = lex.units[value.unit].kind if value.unit in lex.units else None
    if value.form == "cover":
        return "coverage"
    if value.form in ("fan", "benchmark") or unit_kind == "relative":
        return "relative"
    if unit_kind not in ("percent", "points"):
        return "count" if unit_kind == "count" else "level"
    is_share = any(w in metric for w in words.share)
    if any(w in metric for w in words.coverage):
        return "coverage"
    if any(t in words.level_markers for t in tokens):
        return "share" if is_share else "level"
    if unit_kind == "percent" and any(t in words.annual_growth for t in tokens):
        return "annual_growth"
    if unit_kind == "percent" and any(t in words.yoy_growth for t in tokens):
        return "yoy_growth"
    spec = lex.metrics.get(metric)
    return "share" if is_share else (spec.kind if spec and spec.kind in ("share", "coverage") else "level")


def _operator(value: Value, tokens: tuple[str, ...]) -> Operator:
    lex = lexicon()
    if value.high is not None:
        return "range"
    if value.operator is not None:
        return value.operator
    if value.suffix:
        return lex.suffix_operators[value.suffix]
    return next((lex.operator_words[t] for t in tokens if t in lex.operator_words), "=")


def _number(value: Value, tokens: tuple[str, ...]) -> float | None:
    """增长1倍 doubles (2 倍 of the base); every other value is as printed."""
    grows = any(t in lexicon().words.yoy_growth or t in ("提高", "增加", "扩大") for t in tokens)
    if value.unit == "倍" and value.form == "number" and grows and value.value is not None:
        return value.value + 1
    return value.value


def _target(
    doc: _Doc,
    clause: Clause,
    value: Value,
    metric: str,
    tokens: tuple[str, ...],
    span: tuple[int, int],
    *,
    scope: str | None,
    base_year: int | None,
    deadline: str | None = None,
) -> Target:
    mark = last_before(doc.deadlines, clause.sentence, value.start)
    return Target(
        metric=metric,
        kind=_kind(value, tokens, metric),
        operator=_operator(value, tokens),
        value=_number(value, tokens),
        unit=value.unit,
        text=doc.clause_text(clause),
        span=span,
        value_high=value.high,
        firmness=firmness_at(doc.folded, doc.firmness, clause, value.start),
        deadline=deadline or (mark.value if mark else None),
        base_year=base_year,
        scope=scope,
    )


def _listed(phrase: str, count: int) -> list[str]:
    """The ``count`` names listed in a phrase: split at 、 first, so 文化和旅游总收入 stays whole."""
    for separator in ("、", "[、和及与]"):
        items = [item for item in re.split(separator, phrase) if item]
        if len(items) == count:
            return items
    return []


def _group_targets(
    doc: _Doc, clause: Clause, group: Group, members: list[Value], previous_end: int, carry: _Carry
) -> list[Target]:
    """X、Y分别达到A、B and 2022年、2023年分别达到A、B: one target per listed value."""
    chunk = _chunk_start(doc, clause, group.at, previous_end)
    years, years_span = year_list(doc.folded, chunk, group.at)
    before = doc.folded[chunk : group.at]
    if years_span is not None and len(years) == len(members):
        before = blank(before, years_span[0] - chunk, years_span[1] - chunk)
    else:
        years = year_list(doc.folded, clause.sentence, chunk)[0]
    subject = analyse_subject(before)
    tokens = analyse_subject(doc.folded[group.at + 2 : members[0].start]).tokens + subject.tokens
    items = _listed(subject.metric, len(members))
    fallback = subject.metric or carry.metric or _metric_named_before(doc, clause, group.at)
    metrics = [_canonical(doc, item) for item in items] if len(items) == len(members) else [_canonical(doc, fallback)]
    scope = subject.scope or carry.scope
    found = [
        _target(
            doc,
            clause,
            value,
            metrics[index % len(metrics)],
            tokens,
            (value.start, value.end),
            scope=scope,
            base_year=subject.base_year,
            deadline=years[index] if len(years) == len(members) else None,
        )
        for index, value in enumerate(members)
    ]
    _remember(carry, metrics, scope)
    return found
