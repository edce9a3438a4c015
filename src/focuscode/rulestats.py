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
import math
from dataclasses import dataclass, field

from .codes import code_tree
from .nlp.calibration import logit, rule_key

PRIOR_STRENGTH = 4.0  # decisions' worth of trust in the calibrated score before a rule's own record
DOWN_WEIGHTED = 0.67  # a weight (odds ratio) below this, after MIN_REJECTED rejections, is reported
MIN_REJECTED = 3


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


class Outcomes:
    """What each coder did with (segment, code) pairs: accepted (the code or a subcode), not, or never looked."""

    def __init__(self, db, coder: str | None = None):
        tree = code_tree(db, include_inactive=True)
        self.covered: dict[str, set] = {}
        self.rejected: dict[str, set] = {}
        self.seen: dict[str, set] = {}
        where, params = (" AND coder = ?", [coder]) if coder else ("", [])
        for sid, cid, who, status in db.execute(
            "SELECT segment_id, code_id, coder, status FROM codings WHERE coder IS NOT NULL" + where, params
        ):
            if status == "accepted":
                self.covered.setdefault(who, set()).update((sid, c) for c in tree.ancestors(cid))
            else:
                self.rejected.setdefault(who, set()).add((sid, cid))
        for sid, who in db.execute("SELECT segment_id, coder FROM seen" + (" WHERE coder = ?" if coder else ""), params):
            self.seen.setdefault(who, set()).add(sid)
        self.coders = sorted(set(self.covered) | set(self.rejected) | set(self.seen))

    def of(self, coder: str, segment_id: int, code_id: int) -> bool | None:
        """True accepted, False rejected or finished without it, None not decided."""
        if (segment_id, code_id) in self.covered.get(coder, ()):
            return True
        if (segment_id, code_id) in self.rejected.get(coder, ()) or segment_id in self.seen.get(coder, ()):
            return False
        return None


def rule_records(db, *, decided_only: bool = True) -> dict[tuple[str, str, str], RuleRecord]:
    """(code, kind, label) -> RuleRecord from stored rule suggestions and the coders' decisions.

    With `decided_only` only segments some coder looked at are read (what `suggest` needs
    for the weights); otherwise every stored suggestion counts towards `segments` (fires).
    """
    names = code_tree(db, include_inactive=True).names
    outcomes = Outcomes(db)
    coders = outcomes.coders
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
                accepted = outcomes.of(coder, sid, cid)
                if accepted is None:
                    continue
                if accepted:
                    rec.accepted += 1
                else:
                    rec.rejected += 1
                counted.add(mark)
                rec.expected += float(base)
    return records


GENERIC_ZIPF = 4.5  # a single word at least this frequent in Dutch at large is an everyday word
GENERIC_SHARE = 0.05  # ... and flagged when it fires in this share of the segments
LOW_PRECISION = 0.5  # ... or when coders accepted fewer than this share of its suggestions
MIN_DECIDED = 5  # decisions before a rule's precision is judged


def audit(db) -> dict:
    """Per keyword and pattern of the project's codebook: fires, codes, decisions, precision, weight, flags."""
    from .codes import require_codebook
    from .nlp.calibration import rule_key, zipf

    book = require_codebook(db)
    n_segments = db.execute(
        "SELECT count(*) FROM segments s LEFT JOIN participants p ON p.id = s.participant_id "
        "WHERE COALESCE(p.is_facilitator, 0) = 0"
    ).fetchone()[0]
    records = rule_records(db, decided_only=False)
    rules = []
    for code in book.walk():
        rules += [(code.name, *rule_key({"keyword": k.term})) for k in code.keywords]
        rules += [(code.name, *rule_key({"pattern": p})) for p in code.patterns]
    in_codes: dict[tuple[str, str], set[str]] = {}
    for code, kind, label in rules:
        in_codes.setdefault((kind, label), set()).add(code)
    out = []
    for code, kind, label in rules:
        rec = records.get((code, kind, label)) or RuleRecord(code, kind, label)
        fires = len(rec.segments)
        share = fires / n_segments if n_segments else 0.0
        frequency = zipf(label) if kind == "keyword" else None
        weight = round(math.exp(rec.adjustment()), 3)
        flags = []
        if fires == 0:
            flags.append("never fires")
        if kind == "keyword" and " " not in label and frequency is not None and frequency >= GENERIC_ZIPF and (
            share >= GENERIC_SHARE or (rec.decided >= MIN_DECIDED and rec.precision < LOW_PRECISION)
        ):
            flags.append("generic")
        if rec.decided >= MIN_DECIDED and rec.precision is not None and rec.precision < LOW_PRECISION:
            flags.append("low precision")
        if weight < DOWN_WEIGHTED and rec.rejected >= MIN_REJECTED:
            flags.append("down-weighted")
        if len(in_codes[(kind, label)]) > 1:
            flags.append("in several codes")
        out.append({
            "code": code, "kind": kind, "rule": label if kind == "keyword" else json.loads(label),
            "fires": fires, "share": round(share, 4), "in_codes": len(in_codes[(kind, label)]),
            "accepted": rec.accepted, "rejected": rec.rejected,
            "precision": round(rec.precision, 3) if rec.precision is not None else None,
            "weight": weight, "zipf": frequency, "flags": flags,
        })
    return {"segments": n_segments, "rules": out,
            "flagged": {flag: sum(1 for r in out if flag in r["flags"]) for flag in
                        ("generic", "never fires", "low precision", "down-weighted", "in several codes")}}
