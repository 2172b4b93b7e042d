"""Dutch text normalisation and tokenisation for the keyword channel."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

# Identifiers such as phone numbers ("0800-7000") stay whole; words split on anything else.
_TOKEN_PATTERN = re.compile(r"\d+(?:-\d+)+|\w+", re.UNICODE)
_STOPWORDS = frozenset(STOPWORDS_DUTCH)


def strip_accents(text: str) -> str:
    """Remove diacritics, so that "coördinator" and "coordinator" match."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into lower-case, accent-free, Dutch-stemmed tokens without stopwords.

    A hyphenated number ("0800-7000") yields the whole identifier and its parts, so both
    "0800-7000" and "0800 7000" find it.
    """
    tokens: list[str] = []
    for match in _TOKEN_PATTERN.finditer(strip_accents(text.lower())):
        token = match.group(0)
        if "-" in token:
            tokens.append(token)
            tokens.extend(token.split("-"))
            continue
        if token in _STOPWORDS or (len(token) < 2 and not token.isdigit()):
            continue
        tokens.append(token)
    stemmer = _stemmer()
    return [token if token[0].isdigit() else stemmer.stemWord(token) for token in tokens]
