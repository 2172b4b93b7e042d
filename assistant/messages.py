"""Every Dutch text the assistant shows to users, in one place for review."""

from __future__ import annotations

NO_ANSWER = (
    "Daar heb ik in het kompas geen betrouwbaar antwoord op gevonden. "
    "Ik geef liever geen antwoord dan een gok. Probeer je vraag anders te formuleren, "
    "of kijk bij een van deze onderwerpen: {topics}."
)

ACUTE_DANGER = (
    "Is iemand nu in gevaar? Bel dan meteen 112. "
    "Blijf bij de persoon als dat veilig kan, ook voor jezelf, en confronteer niemand met je vermoeden. "
    "Is het gevaar niet acuut, bel dan de politie op 0900-8844, of Veilig Thuis op 0800-2000 (dag en nacht bereikbaar). "
    "Bij arbeidsuitbuiting kun je de Nederlandse Arbeidsinspectie bellen op 0800-5151. "
    "Wil iemand anoniem een tip geven, dan kan dat bij Meld Misdaad Anoniem op 0800-7000; die lijn is niet voor noodgevallen. "
    "Meld het daarna ook via de interne meldroute van je gemeente."
)

SOURCES_HEADING = "Bronnen"
CITATION_PREFIX = "Bron"

# Validation messages of the API and the chat.
QUESTION_EMPTY = "Stel een vraag: het vraagveld is leeg."
QUESTION_TOO_LONG = "Je vraag is te lang ({length} tekens). Houd het bij maximaal {limit} tekens."
QUESTION_NOT_TEXT = "Een vraag moet tekst zijn."
CARD_NOT_FOUND = "Kaart '{card_id}' bestaat niet."
INTERNAL_ERROR = "Er ging iets mis bij het beantwoorden. Probeer het opnieuw; blijft het misgaan, meld het dan bij je functioneel beheerder."
INDEX_BUILDING = "De index wordt nog opgebouwd. Probeer het over een minuut opnieuw."

CHAT_WELCOME = (
    "Welkom bij Kompas Assistent. Stel een vraag over de aanpak van mensenhandel in je gemeente: "
    "**Wat** is het, **hoe** pak je het aan, en **met wie** werk je samen? "
    "Elk antwoord noemt de kaarten waar het op steunt.\n\n"
    "Is iemand nu in gevaar? Bel dan meteen **112**."
)
CHAT_SOURCES = "Bronnen: {names}"

# Labels on a rendered card.
CARD_CHAPTER = "Hoofdstuk"
CARD_KIND = {"wat": "Wat?", "hoe": "Hoe?", "met-wie": "Met wie?"}
CARD_LEVEL = {"basis": "basis", "verdieping": "verdieping"}
CARD_SOURCES = "Bronnen"
CARD_REVIEWED = "Feiten gecontroleerd op {date}"
CARD_NO_YEAR = "z.j."
