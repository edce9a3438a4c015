"""Finding codes by what a coder typed: used by review's code picker and by unknown-code errors."""


def match_codes(query: str, names: list[str], limit: int = 9) -> list[str]:
    """Codes for what the coder typed: exact, then containing it, then fuzzy (typos)."""
    import unicodedata

    def norm(s: str) -> str:
        s = unicodedata.normalize("NFKD", s.lower())
        return "".join(ch for ch in s if not unicodedata.combining(ch) and ch.isalnum())

    q = norm(query)
    if not q:
        return []
    exact = [n for n in names if norm(n) == q]
    if exact:
        return exact[:1]
    contains = [n for n in names if q in norm(n)]
    if contains:
        # Codes that start with what was typed first: "over" -> "overlegstructuur" before "zicht ... over".
        return sorted(contains, key=lambda n: not norm(n).startswith(q))[:limit]
    from rapidfuzz import fuzz, process

    found = process.extract(q, {n: norm(n) for n in names}, scorer=fuzz.WRatio, limit=limit, score_cutoff=70)
    return [m[2] for m in found]
