"""Safety and scope: questions that get a fixed, reviewed reply instead of a retrieval answer.

The patterns run on normalised text (lower case, no accents). They are checked in order of
urgency: acute danger first, then someone's own situation, then requests the assistant must
decline (judging a named party, individual legal or immigration advice, case management).
"""

from __future__ import annotations

import re
from enum import Enum

from assistant.analysis import normalise


class Scope(str, Enum):
    """The reason a question gets a fixed reply; ``IN_SCOPE`` means the compass answers it."""

    IN_SCOPE = "in-scope"
    ACUTE_DANGER = "acute-danger"
    OWN_SITUATION = "own-situation"
    JUDGE_PARTY = "judge-party"
    LEGAL_ADVICE = "legal-advice"
    CASE_MANAGEMENT = "case-management"


_PERSON = r"(client|cliente|clienten|vrouw|man|meisje|jongen|slachtoffer|persoon|bewoner|werknemer|medewerker|jongere|kind)"
_PARTY = r"(werkgever|bedrijf|uitzendbureau|persoon|man|vrouw|eigenaar|massagesalon|nagelstudio|seksbedrijf|club|restaurant|buurman|ondernemer|huisbaas|firma|kweker|teler|boer|klusbedrijf|pand|zaak)"
_RELATIVE = r"(buurjongen|buurmeisje|buurman|buurvrouw|dochter|zoon|nichtje|neefje|vriendin|vriend|zus|broer|moeder|vader|kleinzoon|kleindochter|klasgenoot|collega)"

_PATTERNS: list[tuple[Scope, list[str]]] = [
    (Scope.ACUTE_DANGER, [
        r"\bacu(u|)te?\b", r"\bdirect gevaar\b", r"\bnu in gevaar\b", r"\bin levensgevaar\b", r"\bnoodgeval", r"\bspoed\b",
        r"\b(wordt|worden|word) (nu |op dit moment |net )?(vastgehouden|opgesloten|bedreigd|mishandeld|geslagen|meegenomen)\b",
        r"\b(staat|zit|is) (hier )?nu\b.*\b(balie|bureau|deur|gevaar|bang|bloed|gewond)",
        r"\bop dit moment\b.*\b(gevaar|bedreigd|vastgehouden|bang|gewond)",
        r"\bkan niet weg\b.*\b(nu|hier|vast)\b", r"\b(moet|bel) ik 112\b", r"\bmoet ik de politie bellen\b.*\bnu\b",
        r"\b(right now|immediate danger|in danger now|being held)\b",
    ]),
    (Scope.OWN_SITUATION, [
        r"\bik (word|ben) (uitgebuit|gedwongen|bedreigd|vastgehouden|mishandeld|geslagen|verkocht|gechanteerd|afgeperst)",
        r"\bmijn (baas|werkgever|vriend|vriendje|pooier|uitzendbureau|huisbaas|chef|manager)\b.*\b(houdt|heeft|pakt|neemt|dwingt|slaat|bedreigt|betaalt|laat)",
        r"\b(ik|wij|we) (moet|moeten) (werken|seks|drugs)\b.*\b(zonder|anders|voor hem|voor haar|van mijn|terwijl)",
        r"\bik krijg (geen|bijna geen|te weinig|nooit) (loon|salaris|geld|betaald)",
        r"\bmijn (paspoort|id|identiteitsbewijs|bankpas|pinpas)\b.*\b(afgepakt|afgenomen|ingenomen|houdt|heeft|kwijt)",
        r"\bik (durf|kan|mag) niet (weg|naar huis|naar de politie|stoppen)",
        r"\bik (heb|zit met) een schuld bij\b",
        rf"\bmijn {_RELATIVE}\b.*\b(drugs|rondbreng|loverboy|uitgebuit|dwingt|gedwongen|moet werken|prostitu|seks|geld (moet|verdienen)|pakketjes|koerier)",
        r"\bi am (being )?(forced|exploited|trafficked|threatened)", r"\bmy (boss|employer)\b.*\b(passport|pay|threaten)",
    ]),
    (Scope.JUDGE_PARTY, [
        rf"\b(is|zijn|was) (deze|die|dit|dat|het|mijn|onze|de) (specifieke )?{_PARTY}\b.*\b(schuldig|mensenhandelaar|crimineel|fout|uitbuiter|dader|pooier|verdacht|betrouwbaar|te vertrouwen|in de fout)",
        r"\bschuldig aan (mensenhandel|uitbuiting)\b",
        rf"\b(pleegt|doet|begaat) (deze|die|dit|dat|het|mijn|onze|de)? ?{_PARTY}\b.*\b(mensenhandel|uitbuiting)",
        rf"\b(kun|kan) (je|jij|u) (checken|nagaan|controleren|zeggen|uitzoeken|beoordelen) of\b.*\b{_PARTY}",
        rf"\bbuit (deze|die|dit|dat|het|mijn|onze|de) {_PARTY}\b.*\buit\b",
        rf"\b{_PARTY} [a-z0-9.&-]+ (een |aan )?(mensenhandel|uitbuit|schuldig|crimineel)",
        r"\b(is|zijn) ([a-z]+ ){1,3}(bv|b\.v\.|vof|nv)\b",
        r"\bis (this|that) (company|employer|person)\b.*\b(guilty|trafficker|exploiting)",
    ]),
    (Scope.LEGAL_ADVICE, [
        rf"\b(krijgt|krijg|kan|mag) (deze|die|mijn|onze|dit|dat|de|het|een) ([a-z]+ )?{_PERSON}\b.*\b(verblijfsvergunning|vergunning|asiel|status|blijven|verblijf)",
        r"\bmag ik (het|zijn|haar|dit|dat|de|hun)? ?(bsn|dossier|gegevens|naam|adres|medische)\b.*\bdelen",
        r"\bschrijf (een|het|mijn|ons) (bibob-?besluit|besluit|bezwaar|beschikking|aangifte|verweer)",
        r"\b(strafmaat|straf|celstraf)\b.*\b(lopende zaak|onze zaak|deze zaak|die zaak|de dader|de verdachte)",
        r"\bseponeren\b", r"\bsepot\b.*\b(deze|onze|die) zaak",
        r"\b(wat zijn|heeft) (haar|zijn|mijn|onze) (client|cliente|kansen|rechten)\b.*\b(ind|verblijf|asiel|procedure|zaak)",
        r"\b(juridisch|persoonlijk) advies (over|voor) (deze|mijn|onze|een concrete)\b",
        r"\b(will|can) (my|this|the) client (get|stay|obtain)\b",
    ]),
    (Scope.CASE_MANAGEMENT, [
        r"\b(regel|organiseer|boek|bel|meld) (jij|u)\b", r"\bkun (jij|je|u) (voor mij|voor haar|voor hem|voor ons)\b",
        r"\bkun (jij|je|u) (de terugkeer|opvang|een opvangplek|een plek|een melding|de melding|de aangifte)\b.*\b(regelen|doen|maken|vinden|regelen)",
        r"\b(regel|regelt) (jij|je|u) (de|een) (terugkeer|opvang|opvangplek|melding|aangifte)",
    ]),
]


def classify_scope(question: str) -> Scope:
    """Return why ``question`` needs a fixed reply, or ``Scope.IN_SCOPE`` when the compass answers it."""
    text = normalise(question)
    for scope, patterns in _PATTERNS:
        if any(re.search(pattern, text) for pattern in patterns):
            return scope
    return Scope.IN_SCOPE
