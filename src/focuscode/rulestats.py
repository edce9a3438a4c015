"""How each keyword and pattern fares with the coders: fires, accepted, rejected, weight.

A rule suggestion names the rules that fired in its evidence; a coder's decision on it
copies that evidence. For every (segment, code) a rule fired on, each coder who looked
at the segment either accepted the code (or a subcode of it: the rule pointed at the
right theme) or did not: an explicit rejection, or a segment finished ("seen") without
the code. Those outcomes are the rule's record.

A rule that coders keep rejecting loses weight automatically: its acceptance rate,
smoothed towards what the calibrated score expected (PRIOR_STRENGTH decisions' worth),
shifts the log-odds of every suggestion it backs at the next `suggest`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .learning import _hierarchy
from .nlp.calibration import logit, rule_key

PRIOR_STRENGTH = 4.0  # decisions' worth of trust in the calibrated score before a rule's own record
DOWN_WEIGHTED = 0.8  # a weight below this is reported as down-weighted


@dataclass
class RuleRecord:
    code: str
    kind: str  # keyword | pattern
    label: str
    accepted: int = 0
    rejected: int = 0
    expected: float = 0.0  # sum of the base probabilities of the decided suggestions
    segments: set = field(default_factory=set)

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected

    @property
    def precision(self) -> float | None:
        return self.accepted / self.decided if self.decided else None

    def prior(self) -> float:
        return self.expected / self.decided if self.decided else 0.5

    def adjustment(self) -> float:
        """Log-odds shift for suggestions backed by this rule (0 without decisions)."""
        if not self.decided:
            return 0.0
        p0 = min(max(self.prior(), 0.02), 0.98)
        q = (self.accepted + PRIOR_STRENGTH * p0) / (self.decided + PRIOR_STRENGTH)
        return logit(q) - logit(p0)


def _decisions(db):
    """Per coder: (segment, code) pairs accepted (with ancestors), rejected, and the seen segments."""
    _, ancestors, _ = _hierarchy(db)
    covered: dict[str, set] = {}
    rejected: dict[str, set] = {}
    for sid, cid, coder, status in db.execute(
        "SELECT segment_id, code_id, coder, status FROM codings WHERE coder IS NOT NULL"
    ):
        if status == "accepted":
            covered.setdefault(coder, set()).update((sid, c) for c in [cid, *ancestors.get(cid, [])])
        else:
            rejected.setdefault(coder, set()).add((sid, cid))
    seen: dict[str, set] = {}
    for sid, coder in db.execute("SELECT segment_id, coder FROM seen"):
        seen.setdefault(coder, set()).add(sid)
    coders = sorted(set(covered) | set(rejected) | set(seen))
    return coders, covered, rejected, seen


def rule_records(db, *, decided_only: bool = True) -> dict[tuple[str, str, str], RuleRecord]:
    """(code, kind, label) -> RuleRecord from stored rule suggestions and the coders' decisions.

    With `decided_only` only segments some coder looked at are read (what `suggest` needs
    for the weights); otherwise every stored suggestion counts towards `segments` (fires).
    """
    names, _, _ = _hierarchy(db)
    coders, covered, rejected, seen = _decisions(db)
    sql = ("SELECT segment_id, code_id, coder, status, evidence, score FROM codings "
           "WHERE method = 'rules' AND evidence IS NOT NULL")
    if decided_only:
        if not coders:
            return {}
        sql += (" AND segment_id IN (SELECT segment_id FROM seen UNION "
                "SELECT segment_id FROM codings WHERE coder IS NOT NULL)")
    records: dict[tuple[str, str, str], RuleRecord] = {}
    counted: set = set()
    for sid, cid, who, status, evidence, score in db.execute(sql):
        try:
            ev = json.loads(evidence)
        except ValueError:
            continue
        matches = ev.get("matches") or []
        base = (ev.get("score") or {}).get("base", score if score is not None else 0.5)
        code = names.get(cid, "?")
        keys = {rule_key(m) for m in matches}
        for kind, label in keys:
            rec = records.get((code, kind, label))
            if rec is None:
                rec = records[(code, kind, label)] = RuleRecord(code, kind, label)
            if who is None:
                rec.segments.add(sid)
            judges = [who] if who is not None else coders
            for coder in judges:
                mark = (sid, cid, coder, kind, label)
                if mark in counted:
                    continue
                if (sid, cid) in covered.get(coder, ()):
                    rec.accepted += 1
                elif (sid, cid) in rejected.get(coder, ()) or sid in seen.get(coder, ()):
                    rec.rejected += 1
                else:
                    continue
                counted.add(mark)
                rec.expected += float(base)
    return records
