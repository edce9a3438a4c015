"""How a quote is attributed: role, sector and source; never a name or school."""

from __future__ import annotations

SOURCE_LABELS = {
    "nl": {"focusgroep": "focusgroep", "dialoogtafel": "dialoogtafel", "interview": "interview", "enquete": "enquête"},
    "en": {"focusgroep": "focus group", "dialoogtafel": "dialogue table", "interview": "interview", "enquete": "survey"},
}
UNKNOWN_ROLE = {"nl": "deelnemer", "en": "participant"}


def attribution(role: str | None, sector: str | None, source: str, lang: str = "nl") -> str:
    role = (role or "").strip()
    if not role or role == "onbekend":
        role = UNKNOWN_ROLE[lang]
    who = f"{role} {sector}" if sector else role
    return f"[{who}, {SOURCE_LABELS[lang].get(source, source)}]"


# Participant attributes that hold names or schools: never exported, never a --by.
PRIVATE_ATTRIBUTES = {"naam", "name", "voornaam", "achternaam", "school", "schoolnaam", "school_name",
                      "email", "e-mail", "mail", "telefoon", "phone", "adres", "address", "plaats", "woonplaats"}


def is_private(key: str) -> bool:
    return key.strip().lower().replace(" ", "_") in PRIVATE_ATTRIBUTES
