"""Every Dutch text the assistant shows to users, in one place for review."""

from __future__ import annotations

NO_ANSWER_NEAR = (
    "Daar heb ik in het kompas geen betrouwbaar antwoord op gevonden. "
    "Ik geef liever geen antwoord dan een gok. Deze kaarten komen het dichtst in de buurt; "
    "kijk of een ervan je vraag beantwoordt, of formuleer je vraag anders."
)

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

OWN_SITUATION = (
    "Het klinkt alsof dit over jouw eigen situatie gaat, of over iemand die je persoonlijk kent. "
    "Deze assistent is gemaakt voor beleidsmedewerkers en kan je niet persoonlijk helpen, maar anderen kunnen dat wel. "
    "Ben je of is iemand nu in gevaar, bel dan 112. "
    "Voor advies, ook anoniem en dag en nacht, kun je Veilig Thuis bellen op 0800-2000. "
    "De politie bereik je op 0900-8844. "
    "Gaat het om werk, dan kun je terecht bij FairWork (fairwork.nu) of de Nederlandse Arbeidsinspectie (0800-5151). "
    "Anoniem een tip geven kan bij Meld Misdaad Anoniem op 0800-7000. "
    "Deel hier geen namen of andere gegevens die iemand herkenbaar maken."
)

JUDGE_PARTY = (
    "Ik kan niet beoordelen of een bepaalde persoon of een bepaald bedrijf zich schuldig maakt aan mensenhandel. "
    "Dat onderzoeken de politie, de Nederlandse Arbeidsinspectie en het Openbaar Ministerie. "
    "Heb je signalen, meld ze dan bij de politie (0900-8844), bij de Arbeidsinspectie (0800-5151) als het om werk gaat, "
    "of anoniem bij Meld Misdaad Anoniem (0800-7000). "
    "Voor bestuurlijke stappen, zoals een Bibob-toets of een integrale controle, overleg je met het RIEC in je regio. "
    "Zet geen namen in deze chat."
)

LEGAL_ADVICE = (
    "Over een individuele zaak geef ik geen juridisch advies of advies over verblijf. "
    "Over een verblijfsvergunning beslist de IND; de zorgcoördinator mensenhandel in je regio of CoMensha begeleidt het slachtoffer in die procedure, "
    "en een advocaat kan persoonlijk juridisch advies geven. "
    "Over het delen van gegevens in een concrete zaak beslis je samen met de privacyfunctionaris of functionaris gegevensbescherming (FG) en de juridische afdeling van je gemeente. "
    "Over vervolging en straf in een lopende zaak beslissen alleen het Openbaar Ministerie en de rechter. "
    "Wat ik wel kan: de algemene regels en werkwijzen uit het kompas uitleggen."
)

CASE_MANAGEMENT = (
    "Ik kan zelf niets regelen voor een slachtoffer, zoals opvang, terugkeer of een melding. "
    "Dat loopt via de zorgcoördinator mensenhandel in je regio of via CoMensha. "
    "Is iemand nu in gevaar, bel dan 112. "
    "Wat ik wel kan: uitleggen hoe zorgcoördinatie, opvang en de verblijfsregeling in het algemeen werken."
)


# Validation messages of the API and the chat.
QUESTION_EMPTY = "Stel een vraag: het vraagveld is leeg."
QUESTION_TOO_LONG = "Je vraag is te lang ({length} tekens). Houd het bij maximaal {limit} tekens."
QUESTION_NOT_TEXT = "Een vraag moet tekst zijn."
THREAD_ID_INVALID = "Het veld 'thread_id' is ongeldig. Gebruik de thread_id uit een eerder antwoord, of laat het veld weg voor een nieuw gesprek."
THREAD_NOT_FOUND = "Dit gesprek bestaat niet (meer). Laat 'thread_id' weg om een nieuw gesprek te beginnen."
CARD_NOT_FOUND = "Kaart '{card_id}' bestaat niet."
INTERNAL_ERROR = "Er ging iets mis bij het beantwoorden. Probeer het opnieuw; blijft het misgaan, meld het dan bij je functioneel beheerder."

CHAT_SOURCES = "Bronnen: {names}"
CHAT_READ_MORE = "Lees verder"

# Labels on a rendered card.
CARD_CHAPTER = "Hoofdstuk"
CARD_KIND = {"wat": "Wat?", "hoe": "Hoe?", "met-wie": "Met wie?"}
CARD_LEVEL = {"basis": "basis", "verdieping": "verdieping"}
CARD_SOURCES = "Bronnen"
CARD_REVIEWED = "Feiten gecontroleerd op {date}"
CARD_NO_YEAR = "z.j."

# Instructions for the optional language model. Answers are checked afterwards; see assistant/llm.py.
LLM_SYSTEM_PROMPT = (
    "Je bent Kompas Assistent. Je helpt beleidsadviseurs van Nederlandse gemeenten bij de aanpak van mensenhandel. "
    "Beantwoord de vraag in helder Nederlands, in twee tot vijf zinnen, uitsluitend met informatie uit de genummerde kaarten. "
    "Zet achter elke zin het nummer van de kaart waar de zin op steunt, tussen blokhaken, bijvoorbeeld [1]. "
    "Noem geen cijfers, jaartallen, wetsartikelen of telefoonnummers die niet letterlijk in de kaarten staan. "
    "Staat het antwoord niet in de kaarten, zeg dat dan in één zin zonder nummer."
)
LLM_USER_PROMPT = "Kaarten:\n\n{cards}\n\nVraag: {question}"

# Workspace: login, notes and share links.
LOGIN_FAILED = "E-mailadres of wachtwoord klopt niet."
LOGIN_RATE_LIMITED = "Te veel mislukte pogingen. Wacht een kwartier en probeer het dan opnieuw."
LOGIN_REQUIRED = "Log in om dit te bekijken."
CSRF_FAILED = "Deze actie is geweigerd omdat de beveiligingscode ontbreekt of verlopen is. Laad de pagina opnieuw en probeer het nog eens."
NOT_FOUND = "Niet gevonden. De link of notitie bestaat niet, is verlopen of ingetrokken, of je hebt er geen toegang toe."
TEAM_REQUIRED = "Je bent lid van meerdere teams. Kies het team (team_id) waarin je dit wilt bewaren."
NO_TEAM = "Je bent nog geen lid van een team. Vraag je functioneel beheerder om je aan een team toe te voegen."
PERSONAL_DATA_WARNING = (
    "Let op: deze tekst lijkt persoonsgegevens te bevatten ({kinds}). Bewaar alleen wat echt nodig is. "
    "Wil je toch opslaan, bevestig dat dan."
)
PERSONAL_DATA_KINDS = {"bsn": "een BSN", "phone": "een telefoonnummer", "email": "een e-mailadres", "iban": "een IBAN"}
CHAT_SAVE_NOTE = "Bewaar als notitie"
CHAT_SAVE_ANYWAY = "Toch bewaren"
CHAT_SHARE = "Deel"
CHAT_NOTE_SAVED = "Het antwoord is bewaard als persoonlijke notitie. Je vindt het bij [Notities](/notities)."
CHAT_SHARED = "Dit gesprek is gedeeld met je team. Alleen ingelogde teamleden kunnen de link openen: [{url}]({url})"
CHAT_LOGGED_OUT = "Je bent uitgelogd. [Log opnieuw in](/login?next=/chat/) om verder te gaan."
EXPORT_FORMAT_INVALID = "Kies een geldig formaat: md, docx of pdf voor notities, json of md voor je gegevens."
ACCOUNT_DELETED = "Je account is verwijderd. Je persoonlijke notities en gesprekken zijn gewist; notities die je met je team deelde blijven zonder je naam bestaan."

# Downloads.
DOWNLOAD_PRODUCT = "Kompas Assistent"
DOWNLOAD_COMPASS_SUBTITLE = "Alle hoofdstukken en kaarten over de aanpak van mensenhandel: wat het is, hoe je het aanpakt en met wie je samenwerkt."
DOWNLOAD_CONTENT_VERSION = "Inhoudsversie {version}"
DOWNLOAD_TOC = "Inhoud"
DOWNLOAD_CHAPTER_CARDS = "Kaarten in dit hoofdstuk"
DOWNLOAD_GENERATED = "Gegenereerd op {date}"
DOWNLOAD_PAGE = "pagina {page} van {pages}"
DOWNLOAD_CHAPTER_NOT_FOUND = "Hoofdstuk '{chapter_id}' bestaat niet."

# Guided onboarding in the chat.
STARTERS = (
    ("Ik ben nieuw: leid me rond", "Ik ben nieuw: leid me rond"),
    ("Acuut gevaar?", "Wat doe ik bij acuut gevaar?"),
    ("Zoek iets op", "Waar meld ik een vermoedelijk slachtoffer van mensenhandel aan?"),
    ("Wat moet er in ons beleidsplan?", "Wat moet er in ons beleidsplan mensenhandel staan?"),
    ("Met wie werk ik samen?", "Met welke partners werkt een gemeente samen bij mensenhandel?"),
)
ONBOARDING_START_PHRASES = ("leid me rond", "ik ben nieuw", "rondleiding")
ONBOARDING_RESUME_PHRASES = ("ga verder", "verder met de rondleiding")
ONBOARDING_WELCOME = "Welkom! Ik leid je in een paar stappen door het kompas. Eerst drie korte vragen, zodat ik een route kan voorstellen."
ONBOARDING_INTAKE = {
    "role": ("Wat is je rol?", (("veiligheid", "Beleidsadviseur veiligheid"), ("sociaal", "Beleidsadviseur sociaal domein"), ("anders", "Iets anders"))),
    "duration": ("Hoe lang werk je al aan mensenhandel?", (("nieuw", "Net begonnen"), ("jaar", "Minder dan een jaar"), ("langer", "Langer"))),
    "stage": ("Hoe ver is je gemeente met de aanpak?", (("geen", "Nog geen aanpak"), ("basis", "Een basisaanpak"), ("verder", "Verder ontwikkelen"))),
}
ONBOARDING_ROUTES = {
    "basis": "Basis: de basiskaarten van elk hoofdstuk",
    "verdieping": "Verdieping: alle kaarten, ook de verdiepende",
}
ONBOARDING_PROPOSAL = "Ik stel de route **{route}** voor. Je kunt ook de andere route kiezen; je voortgang telt in beide."
ONBOARDING_CHAPTER = "**Hoofdstuk {number} van {total}: {title}**\n\n{intro}\n\nLees verder: {links}"
ONBOARDING_REFLECTION = "Reflectievraag: **{question}**\n\nTyp je antwoord in de chat. Ik bewaar het als persoonlijke notitie bij dit hoofdstuk."
ONBOARDING_REFLECTION_SAVED = "Je antwoord is bewaard als persoonlijke notitie. Nu een korte check."
ONBOARDING_CHECK = "Check {number} van {total}: uit welke kaart komt deze zin?\n\n> {sentence}"
ONBOARDING_CHECK_RIGHT = "Goed! De zin komt uit de kaart **{title}**. [1]"
ONBOARDING_CHECK_WRONG = "Niet helemaal. De zin komt uit de kaart **{title}**: {summary} [1]"
ONBOARDING_CHAPTER_DONE = "Hoofdstuk **{title}** is afgerond. Je voortgang staat ook op je [leerpad](/leerpad)."
ONBOARDING_DONE = "Je hebt de rondleiding afgerond. Bekijk je [overzicht](/leerpad/certificaat). Je kunt me altijd iets vragen."
ONBOARDING_PAUSED = "De rondleiding is gepauzeerd. Typ **ga verder** of kies de knop als je verder wilt; je kunt nu ook gewoon vragen stellen."
ONBOARDING_WELCOME_BACK = "Welkom terug. Je was in de rondleiding bij **{title}**."
ONBOARDING_CONTINUE = "Verder met de rondleiding"
ONBOARDING_BUTTONS = {"next": "Volgende", "more": "Meer hierover", "skip": "Sla over", "pause": "Pauzeer", "resume": "Ga verder"}
ONBOARDING_MORE = "{sentence} [1]"
ONBOARDING_NO_MORE = "Er is in dit hoofdstuk geen extra kaart meer. Kies Volgende om door te gaan."
