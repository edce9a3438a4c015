"""What an export may show of a participant: role, sector and source, never a name or school.

How a quote is attributed is the study's to say: vocabulary.Vocabulary.attribution."""

from __future__ import annotations

# Participant attributes that hold names or schools: never exported, never a --by.
PRIVATE_ATTRIBUTES = {"naam", "name", "voornaam", "achternaam", "school", "schoolnaam", "school_name",
                      "email", "e-mail", "mail", "telefoon", "phone", "adres", "address", "plaats", "woonplaats"}


def is_private(key: str) -> bool:
    return key.strip().lower().replace(" ", "_") in PRIVATE_ATTRIBUTES
