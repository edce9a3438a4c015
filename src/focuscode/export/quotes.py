"""Choosing representative quotes for a theme.

Quotes come from accepted codings only (unless asked otherwise), are whole
sentences of a readable length, and are spread over participants and sectors.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-Ý\"'‘“(\[])")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def trim_quote(text: str, min_words: int = 15, max_words: int = 80, focus: tuple[int, int] | None = None) -> str | None:
    """Whole sentences within the word limits, '[...]' where sentences were cut.

    Keeps the sentence window around `focus` (a character span, e.g. the rule
    evidence) when given; returns None when no window reaches min_words.
    """
    parts = sentences(text)
    if not parts:
        return None
    counts = [len(p.split()) for p in parts]
    if sum(counts) <= max_words:
        return " ".join(parts) if sum(counts) >= min_words else None
    anchor = 0
    if focus is not None:
        pos = 0
        flat = " ".join(text.split())
        for i, p in enumerate(parts):
            start = flat.find(p, pos)
            if start <= focus[0] < start + len(p) + 1:
                anchor = i
                break
            pos = max(pos, start)
    best = None
    for lo in range(len(parts)):
        total = 0
        for hi in range(lo, len(parts)):
            total += counts[hi]
            if total > max_words:
                break
            if total >= min_words and lo <= anchor <= hi:
                span = (hi - lo, total)
                if best is None or span > best[0]:
                    best = (span, lo, hi)
    if best is None:
        return None
    _, lo, hi = best
    out = " ".join(parts[lo : hi + 1])
    if lo > 0:
        out = "[...] " + out
    if hi < len(parts) - 1:
        out = out + " [...]"
    return out


def pick_quotes(candidates: list[dict], n: int, *, min_words: int = 15, max_words: int = 80) -> list[dict]:
    """candidates: dicts with text, participant_key, sector, source, score, span.

    Deterministic: ranked by score then by id; one quote per participant;
    alternating over sectors and sources while the data allow.
    """
    ranked = []
    for c in candidates:
        quote = trim_quote(c["text"], min_words, max_words, c.get("span"))
        if quote:
            ranked.append({**c, "quote": quote})
    ranked.sort(key=lambda c: (-(c.get("score") or 0.0), c["id"]))
    chosen: list[dict] = []
    used_people: set = set()
    groups: dict[tuple, list[dict]] = {}
    for c in ranked:
        groups.setdefault((c.get("sector") or "", c.get("source") or ""), []).append(c)
    order = sorted(groups, key=lambda g: groups[g][0]["id"] if groups[g] else 0)
    # Round-robin over sector/source groups, best first within each.
    while len(chosen) < n and any(groups[g] for g in order):
        progressed = False
        for g in sorted(order, key=lambda g: (sum(1 for c in chosen if (c.get("sector") or "", c.get("source") or "") == g), -(groups[g][0].get("score") or 0) if groups[g] else 0, g)):
            while groups[g] and groups[g][0]["participant_key"] in used_people:
                groups[g].pop(0)
            if groups[g] and len(chosen) < n:
                c = groups[g].pop(0)
                chosen.append(c)
                used_people.add(c["participant_key"])
                progressed = True
                break
        if not progressed:
            break
    return chosen
