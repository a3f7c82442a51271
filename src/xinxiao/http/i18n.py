"""Chinese-first interface text with an English switch; the catalogue is data (messages.yaml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGES = ("zh", "en")
CATALOGUE = Path(__file__).parent / "messages.yaml"


@lru_cache
def catalogue() -> dict[str, dict[str, str]]:
    """Message id → {zh, en}."""
    data: dict[str, dict[str, str]] = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    return data


def translate(key: str, lang: str) -> str:
    """The text of ``key`` in ``lang`` (falls back to Chinese, then to the key itself)."""
    entry = catalogue().get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry.get("zh") or key


def pick_language(query: str | None, cookie: str | None, default: str) -> str:
    """The page language: ``?lang=`` first, then the cookie, then the default.

    >>> pick_language(None, "en", "zh"), pick_language("zh", "en", "zh"), pick_language(None, "fr", "zh")
    ('en', 'zh', 'zh')
    """
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return default
