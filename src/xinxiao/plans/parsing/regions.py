"""Which region issued a document: the longest region name found in the issuer, title or source."""

from __future__ import annotations

from functools import lru_cache

from xinxiao.reference import load_divisions


@lru_cache
def _names() -> list[tuple[str, str]]:
    """(name, adcode) for provinces and prefecture-level divisions, full and short forms, longest first."""
    pairs: dict[str, str] = {}
    for division in load_divisions():
        if division.level == "county" or division.is_pseudo:
            continue
        for name in {division.name, division.short_name}:
            if len(name) >= 2:
                pairs.setdefault(name, division.adcode)
    return sorted(pairs.items(), key=lambda pair: -len(pair[0]))


def detect_region(*texts: str | None) -> str | None:
    """The adcode of the first text (in the order given) that names a province or prefecture.

    >>> detect_region("迪庆藏族自治州人民政府", None), detect_region("", "湖北省以新业态新模式引领新型消费")
    ('533400', '420000')
    >>> detect_region("某单位") is None
    True
    """
    for text in texts:
        if not text:
            continue
        for name, adcode in _names():
            if name in text:
                return adcode
    return None
