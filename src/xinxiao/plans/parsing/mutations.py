"""Seeded text mutations that inject the defects real plan documents arrive with, for the fuzz suite.

Each mutation is a pure function of the text and a seed: the same seed gives the same text. They mimic
what PDF and web extraction do to a plan: spaces inside CJK runs, full-width forms, Taiwan traditional
characters, lines wrapped at the page width, lost ordinals, page noise, and responsibility clauses
split across lines or cut short. ``mutate`` applies a random mix of them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from functools import cache

import opencc

Mutation = Callable[..., str]

_CLAUSE_KEYS = ("牵头", "负责", "责任单位", "配合")
_INNER = r"(?:[^()（）〔〕\n]|[(（][^()（）\n]*[)）])"
_CLAUSE = re.compile(rf"[(（〔]{_INNER}{{2,400}}?[)）〕]")
_PAREN_NUMERAL = re.compile(r"(^|\n|。)([ \t　]*[(（])[一二三四五六七八九十百]+(?=[)）])")
_TOP_NUMERAL = re.compile(r"(^|\n)([ \t　]*)[一二三四五六七八九十百]+(?=、)")
_NAV_BARS = (
    "首页 | 政务公开 | 政策文件 | 解读回应 | 互动交流",
    "国务院| 省政府 登录| 注册 繁体 无障碍阅读 长者模式",
    "您当前的位置: 首页 > 政府信息公开 > 政策文件",
    "索引号: 533400-0000/2022-00316 | 主题分类: 综合政务",
)
_FOOTERS = ("扫一扫在手机上查看当前页面", "【打印本页】 【关闭窗口】", "相关链接: 政策解读")


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 -- reproducible test data, not cryptography


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def insert_cjk_spaces(text: str, *, seed: int = 0, rate: float = 0.03) -> str:
    """Put a space between two CJK characters with probability ``rate`` (as PDFs do: ``扩容 提质``).

    >>> insert_cjk_spaces("扩容提质, 5G", rate=1.0)
    '扩 容 提 质, 5G'
    """
    rng = _rng(seed)
    out = []
    for i, char in enumerate(text):
        out.append(char)
        if i + 1 < len(text) and _is_cjk(char) and _is_cjk(text[i + 1]) and rng.random() < rate:
            out.append(" ")
    return "".join(out)


def to_fullwidth(text: str, *, seed: int = 0, rate: float = 1.0) -> str:
    """Turn ASCII letters, digits and punctuation into their full-width forms, each with probability ``rate``.

    >>> to_fullwidth("(一)增长6%,1.82亿元")
    '（一）增长６％，１．８２亿元'
    """
    rng = _rng(seed)
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and rng.random() < rate else c for c in text)


@cache
def _s2twp() -> opencc.OpenCC:
    return opencc.OpenCC("s2twp")


def to_traditional(text: str, *, seed: int = 0, rate: float = 1.0) -> str:
    """Convert lines to Taiwan traditional characters and vocabulary (OpenCC s2twp), each with probability ``rate``.

    >>> to_traditional("推动互联网应用,优化软件服务。由省发展改革委牵头")
    '推動網際網路應用,最佳化軟體服務。由省發展改革委牽頭'
    """
    rng = _rng(seed)
    lines = text.split("\n")
    return "\n".join(_s2twp().convert(line) if rng.random() < rate else line for line in lines)


def wrap_lines(text: str, *, seed: int = 0, width: tuple[int, int] = (22, 40)) -> str:
    """Break every line longer than a page width (drawn from ``width``) into several, as PDF extraction does.

    >>> wrap_lines("一二三四五六七八九十", width=(4, 4))
    '一二三四\\n五六七八\\n九十'
    """
    rng = _rng(seed)
    page = rng.randint(*width)
    out = []
    for line in text.split("\n"):
        while len(line) > page:
            cut = max(1, page + rng.randint(-2, 2)) if width[0] != width[1] else page
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


def drop_numerals(text: str, *, seed: int = 0, rate: float = 0.5) -> str:
    """Lose heading numerals with probability ``rate``: ``(三)`` becomes ``()`` and ``二、`` becomes ``、``.

    >>> drop_numerals("一、总体要求\\n二、主要任务\\n(一)加快发展。(二)扩大消费", rate=1.0)
    '、总体要求\\n、主要任务\\n()加快发展。()扩大消费'
    """
    rng = _rng(seed)

    def lose(match: re.Match[str]) -> str:
        return match.group(1) + match.group(2) if rng.random() < rate else match.group(0)

    return _TOP_NUMERAL.sub(lose, _PAREN_NUMERAL.sub(lose, text))


def _page_positions(text: str, rng: random.Random, count: int) -> list[int]:
    """Where page breaks go: line ends when there are enough lines, else after a 。."""
    breaks = [m.start() for m in re.finditer("\n", text)]
    if len(breaks) < 2 * count:
        breaks = [m.end() for m in re.finditer("。", text)]
    return sorted(rng.sample(breaks, min(count, len(breaks))))


def add_page_noise(text: str, *, seed: int = 0, pages: int = 3) -> str:
    """Add a navigation bar or 索引号 row on top, page numbers (``— 3 —``) at ``pages`` breaks, and a web footer.

    >>> noisy = add_page_noise("第一段。第二段。第三段。", pages=2)
    >>> noisy.splitlines()[0] in _NAV_BARS, "— 1 —" in noisy, noisy.count("—") == 4
    (True, True, True)
    """
    rng = _rng(seed)
    out, last = [rng.choice(_NAV_BARS), "\n"], 0
    for number, position in enumerate(_page_positions(text, rng, pages), start=1):
        out += [text[last:position], f"\n— {number} —\n"]
        last = position
    out += [text[last:], "\n", rng.choice(_FOOTERS)]
    return "".join(out)


def _clauses(text: str) -> list[re.Match[str]]:
    """Bracketed responsibility clauses (one level of nested brackets allowed: 各县(市)人民政府)."""
    return [m for m in _CLAUSE.finditer(text) if any(key in m.group(0) for key in _CLAUSE_KEYS)]


def split_clause_across_lines(text: str, *, seed: int = 0, rate: float = 0.5) -> str:
    """Break responsibility clauses across lines with probability ``rate``, after a separator when there is one.

    >>> split_clause_across_lines("办好展会。(责任单位:省商务厅,各市州人民政府)", rate=1.0)
    '办好展会。(责任单位:省商务厅,\\n各市州人民政府)'
    """
    rng = _rng(seed)
    out, last = [], 0
    for match in _clauses(text):
        if rng.random() >= rate:
            continue
        inner = range(match.start() + 2, match.end() - 1)
        after_separator = [i for i in inner if text[i - 1] in "、,，:：;；"]
        cut = rng.choice(after_separator or list(inner))
        out += [text[last:cut], rng.choice(("\n", "\n\n"))]
        last = cut
    return "".join(out) + text[last:]


def truncate_clause(text: str, *, seed: int = 0, count: int = 1) -> str:
    """Cut ``count`` responsibility clauses short, losing their tail and closing bracket.

    >>> truncate_clause("扩大消费。(州商务局牵头,州财政局配合)\\n下一项。", seed=3)
    '扩大消费。(州商务局牵头,州财政\\n下一项。'
    """
    rng = _rng(seed)
    found = _clauses(text)
    chosen = sorted(rng.sample(found, min(count, len(found))), key=lambda m: m.start())
    out, last = [], 0
    for match in chosen:
        cut = rng.randint(match.start() + 2, match.end() - 2)
        out.append(text[last:cut])
        last = match.end()
    return "".join(out) + text[last:]


MUTATIONS: dict[str, Mutation] = {
    "truncate_clause": truncate_clause,
    "split_clause_across_lines": split_clause_across_lines,
    "drop_numerals": drop_numerals,
    "to_traditional": to_traditional,
    "to_fullwidth": to_fullwidth,
    "insert_cjk_spaces": insert_cjk_spaces,
    "wrap_lines": wrap_lines,
    "add_page_noise": add_page_noise,
}
"""Every mutation by name, in the order ``mutate`` applies them (clauses are cut before lines are wrapped)."""


def choose_mutations(seed: int, n: int = 3, *, only: Sequence[str] | None = None) -> list[str]:
    """The names of the ``n`` mutations ``mutate`` applies for a seed, in application order.

    >>> choose_mutations(7, 2) == choose_mutations(7, 2), len(choose_mutations(1, 20))
    (True, 8)
    """
    pool = list(only) if only is not None else list(MUTATIONS)
    picked = set(_rng(seed).sample(pool, min(n, len(pool))))
    return [name for name in MUTATIONS if name in picked]


def mutate(text: str, seed: int, n: int = 3, *, only: Sequence[str] | None = None) -> str:
    """Apply a seeded random mix of ``n`` mutations (from ``only`` when given) to a text.

    >>> text = "一、目标\\n(一)扩大消费。(州商务局牵头,州财政局配合)"
    >>> mutate(text, 5) == mutate(text, 5), mutate(text, 5, 0) == text
    (True, True)
    >>> mutate(text, 1, 1, only=["to_traditional"])
    '一、目標\\n(一)擴大消費。(州商務局牽頭,州財政局配合)'
    """
    for index, name in enumerate(choose_mutations(seed, n, only=only)):
        text = MUTATIONS[name](text, seed=seed * 31 + index)
    return text
