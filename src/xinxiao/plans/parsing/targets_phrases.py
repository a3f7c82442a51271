"""The words around a value: its subject (metric, scope, base year, predicate) and the object after it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from xinxiao.plans.parsing.targets_context import blank, find_scopes, named_region_at, take_base_year
from xinxiao.plans.parsing.targets_lexicon import alternation, lexicon, longest_suffix, words_pattern

_ALIAS_NOTE = re.compile(r"\([^()]*称[^()]*\)")  # (以下简称社零额) inside a subject
_LEAD_DEADLINE = (
    r"(?:到|至|截至)?\s*\d{4}\s*年(?:\s*\d{1,2}\s*月)?\s*(?:底|末)?\s*(?:前|以前)?|[\"“]?十.五[\"”]?(?:期间|时期|末)"
)
_FROM_VALUE = re.compile(r"(?:由|从)\s*\d+(?:\.\d+)?\s*\S{0,4}?(?=提高|提升|增长|增加|扩大|下降|降低|减少|上升|到|至)")
_GROWTH_NOUN = re.compile(r"^(?:年均增速|年均增长率|增速|增长率|增幅)$")
_OBJECT_STOP = re.compile(r"[,;。:!?\n]")
_OBJECT_SCOPE = re.compile(r"(全[州省市县区国盟旗])范围内的?")
_SPLIT = re.compile(r"[、和及与](?![^()]*\))")


@dataclass(frozen=True)
class Subject:
    """What the words before a value say: metric phrase, scope, base year and predicate words."""

    metric: str  # as printed, blanks removed; "" when the clause names none (力争年均增长10%)
    scope: str | None
    base_year: int | None
    tokens: tuple[str, ...]  # predicate words between metric and value, nearest the value first
    offset: int  # where the metric starts in the phrase (where the predicate starts when there is none)


@dataclass(frozen=True)
class Object:
    """The noun phrase after a value (1个以上新业态示范基地), split when it lists complete names."""

    items: tuple[str, ...]
    scope: str | None
    end: int


@cache
def _tail_pattern() -> re.Pattern[str]:
    lex = lexicon()
    words = (*lex.words.predicates, *lex.operator_words)
    return re.compile(rf"(?:{alternation(words)})\s*$")


@cache
def _lead_pattern(verbs: bool) -> re.Pattern[str]:
    # Single characters (在, 有, 为, 均) also start metrics (在线消费, 有效投资), so only words are skipped.
    lex = lexicon()
    words = (*lex.words.fillers, *((*lex.words.predicates, *lex.operator_words) if verbs else ()))
    leading = [w for w in words if len(w) > 1]
    return re.compile(rf"[\s,、:的]+|{_LEAD_DEADLINE}|{alternation(leading)}")


def compact(text: str) -> str:
    """``text`` without blanks and without edge punctuation.

    >>> compact(" 社零 额、")
    '社零额'
    """
    return re.sub(r"\s+", "", text).strip("、,:;的")


def _strip_tail(work: str) -> tuple[int, tuple[str, ...]]:
    tokens: list[str] = []
    end = len(work.rstrip())
    while end > 0 and (match := _tail_pattern().search(work, max(0, end - 24), end)) is not None:
        tokens.append(match[0].strip())
        end = len(work[: match.start()].rstrip())
    return end, tuple(tokens)


def _skip_lead(work: str, start: int, end: int, *, verbs: bool = True) -> int:
    return _read_lead(work, start, end, verbs=verbs)[0]


def _read_lead(work: str, start: int, end: int, *, verbs: bool = True) -> tuple[int, tuple[str, ...]]:
    """Skip the words that lead a subject (到2024年, 力争, 至少新增), returning them too."""
    words: list[str] = []
    while start < end and (match := _lead_pattern(verbs).match(work, start, end)) is not None and match.end() > start:
        words.append(match[0].strip())
        start = match.end()
    return start, tuple(w for w in words if w)


def _strip_fillers(text: str) -> str:
    fillers = lexicon().words.fillers
    while (hit := longest_suffix(text, fillers)) is not None:
        text = text[: -len(hit)]
    return text


def _split_at_verb(work: str, start: int, end: int) -> tuple[int, str | None]:
    """Start the metric after the last action verb (…原则上建设|使用面积); a place before it is a scope."""
    lex = lexicon()
    region = work[start:end]
    if lex.canonical(compact(region)) is not None:
        return start, None
    hits = [m for m in words_pattern(lex.words.action_verbs).finditer(region) if region[m.end() :].strip()]
    if not hits or hits[-1].start() == 0:
        return start, None
    soft = _skip_lead(work, 0, start, verbs=False)  # keep 新建 in 新建居住社区
    head = _strip_fillers(compact(work[soft : start + hits[-1].start()]))
    place = head if head and longest_suffix(head, lex.words.place_heads) else None
    return start + hits[-1].end(), place


def analyse_subject(phrase: str) -> Subject:
    """Read the words before a value: metric, scope, base year and predicate words.

    >>> s = analyse_subject("全州社会消费品零售总额年均增长")
    >>> s.metric, s.scope, s.tokens
    ('社会消费品零售总额', '全州', ('年均增长',))
    >>> s = analyse_subject("新建居住社区原则上建设使用面积不小于")
    >>> s.metric, s.scope, s.tokens
    ('使用面积', '新建居住社区', ('不小于', '新建'))
    >>> s = analyse_subject("力争每个县(市)均建成")
    >>> s.metric, s.scope, s.tokens
    ('', '每个县(市)', ('建成', '力争'))
    """
    work = _ALIAS_NOTE.sub(lambda m: " " * len(m[0]), phrase)
    work = _FROM_VALUE.sub(lambda m: " " * len(m[0]), work)  # 由40%提高到50%: 40% is where it starts
    base_year, work = take_base_year(work)
    scope, spans = find_scopes(work)
    for lo, hi in spans:
        work = blank(work, lo, hi)
    end, tokens = _strip_tail(work)
    start, lead = _read_lead(work, 0, end)
    tokens += lead  # 至少新增A级景区3个: an operator word may lead the subject
    if scope is None and (named := named_region_at(work, start)) is not None:
        scope, start = named, _skip_lead(work, start + len(named), end)
    start, place = _split_at_verb(work, start, end)
    metric = compact(work[start:end])
    offset = start + len(work[start:end]) - len(work[start:end].lstrip()) if metric else _predicate_start(work, end)
    return Subject(metric, scope or place, base_year, tokens, offset)


def _predicate_start(work: str, end: int) -> int:
    return end + len(work[end:]) - len(work[end:].lstrip())


def _is_noun_start(body: str) -> bool:
    words = lexicon().words
    starts_verb = body.startswith((*words.predicates, *words.action_verbs))
    return bool(body) and "\u4e00" <= body[0] <= "\u9fff" and not starts_verb


def read_object(text: str, pos: int, limit: int) -> Object | None:
    """The noun phrase that follows a value at ``pos`` (up to ``limit`` or the next , ; 。), if any.

    >>> read_object("1个文旅融合示范区、夜间文旅消费集聚区。", 2, 22).items
    ('文旅融合示范区', '夜间文旅消费集聚区')
    >>> o = read_object("1次全州范围内的汽车、家居家装家电消费促进活动", 2, 24)
    >>> o.items, o.scope
    (('汽车、家居家装家电消费促进活动',), '全州')
    """
    stop = _OBJECT_STOP.search(text, pos, limit)
    end = stop.start() if stop else limit
    end = pos + len(text[pos:end].rstrip(" \t\n、,的和及与"))
    body = text[pos:end].strip()
    body = body.removeprefix("的").strip()
    scope = None
    if (match := _OBJECT_SCOPE.match(body)) is not None:
        scope, body = match[1], body[match.end() :]
    body = compact(body)
    if not _is_noun_start(body) or len(body) > 40:
        return None
    items = tuple(compact(part) for part in _SPLIT.split(body))
    heads = lexicon().words.object_heads
    if len(items) < 2 or not all(longest_suffix(item, heads) for item in items):
        items = (body,)
    return Object(items, scope, end)


def is_growth_noun(word: str) -> bool:
    """Whether an object such as 增速 makes the value a growth rate (保持6%左右的增速).

    >>> is_growth_noun("增速"), is_growth_noun("示范基地")
    (True, False)
    """
    return _GROWTH_NOUN.match(word) is not None
