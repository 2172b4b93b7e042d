"""Question analysis: the question kind (Wat, Hoe or Met wie)."""

from __future__ import annotations

import re
from enum import Enum

from index.models import CardKind
from index.text import strip_accents


class AnswerKind(str, Enum):
    """The kind of an answer: one of the three question kinds, or a fixed safety or out-of-scope reply."""

    WAT = "wat"
    HOE = "hoe"
    MET_WIE = "met-wie"
    SAFETY = "safety"
    OUT_OF_SCOPE = "out-of-scope"


def normalise(question: str) -> str:
    """Lower-case, accent-free text with single spaces, for pattern matching."""
    return re.sub(r"\s+", " ", strip_accents(question.lower())).strip()


# Cue patterns per kind, checked in this order: "wie" questions often also start with "hoe"
# ("hoe bereik ik de politie?") and are still about a partner.
_MET_WIE = [
    r"\bmet wie\b", r"^wie\b", r"\bbij wie\b", r"\bwie (kan|moet|is|zijn|doet|betaalt|beslist|zit)\b",
    r"\bcontact op\b", r"\binschakel", r"\bschakel (ik|je|we)\b", r"\bwaar (meld|kan|moet) (ik|je|we)\b.*\bmeld",
    r"\bwaar meld\b", r"\bwelke (partner|organisatie|instantie|ngo)", r"\bpartners?\b", r"\bsamenwerk",
    r"\brol (van|heeft|speelt|spelen)\b", r"\bwat (doet|doen|kan) (de |het |een )?(politie|avim|comensha|riec|liec|veilig thuis|arbeidsinspectie|nla|fairwork|ind|nidos|ggd|marechaussee|kmar|om|openbaar ministerie|emm|fier|ckm|leger des heils|meld misdaad anoniem|nationaal rapporteur|vng|ccv|zorg- en veiligheidshuis)\b",
    r"\btelefoonnummer\b", r"\bbereik ik\b", r"\bbellen\b",
]
_HOE = [
    r"^hoe\b", r"\bhoe (kan|moet|doe|pak|richt|zet|begin|herken|organiseer|krijg|zorg|borg|meet|ga|werk|voorkom|verbind|regel|gebruik)",
    r"\bstappen\b", r"\bwat (moet|kan) (ik|je|we) doen\b", r"\baanpakken\b", r"\bin de praktijk\b", r"\bsignalen\b",
    r"\bherken", r"\bopzetten\b", r"\binrichten\b",
]
_WAT = [r"^wat (is|zijn|houdt|betekent|verandert|zegt|vraagt)\b", r"^welk(e)? (wet|artikel|vormen)", r"\bverschil\b", r"\bdefinitie\b"]

def _matches(patterns: list[str], text: str) -> bool:
    return any(re.search(pattern, text) for pattern in patterns)


def detect_kind(question: str) -> AnswerKind | None:
    """Return the kind that the question's wording shows, or None when no cue matches."""
    text = normalise(question)
    if _matches(_MET_WIE, text):
        return AnswerKind.MET_WIE
    if _matches(_HOE, text):
        return AnswerKind.HOE
    if _matches(_WAT, text):
        return AnswerKind.WAT
    return None


def classify_kind(question: str, fallback: CardKind | None = None) -> AnswerKind:
    """Classify a question as Wat, Hoe or Met wie from Dutch cue words.

    :param fallback: the kind to use when no cue matches, typically the kind of the best card.
    """
    detected = detect_kind(question)
    if detected is not None:
        return detected
    return AnswerKind(fallback.value) if fallback else AnswerKind.WAT
