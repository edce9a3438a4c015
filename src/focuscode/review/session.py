"""A coder's review session: every action is written at once, and can be undone.

Each action is its own short transaction, so Ctrl-C or a crash loses at most
the key being pressed, and another coder reviewing the same database only
waits for a moment (db.transaction waits for the lock and says so).

A decision may be about the whole turn or about a passage of it (sentences the
coder selected). The turn carries a code for this coder when any of the coder's
rows for that code is accepted, whole turn or passage; an action records every
row it changed, so undo restores exactly the rows as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..coding import check_coder, code_passage, set_decision
from ..db import now, transaction
from ..passages import Span, check_span, sentences
from ..segments import SegmentFilter, list_segments


@dataclass
class RowChange:
    coding_id: int
    old_status: str | None  # None: the action created the row
    span: Span | None


@dataclass
class Action:
    kind: str  # accept | reject | add | remove | memo | done
    segment_id: int
    code_id: int | None = None
    code: str | None = None
    span: Span | None = None  # the passage the coder acted on, None for the whole turn
    changes: list[RowChange] = field(default_factory=list)
    memo_id: int | None = None
    created: bool = False  # done: the segment was not marked seen before

    def describe(self) -> str:
        if self.kind == "memo":
            return f"memo on #{self.segment_id}"
        if self.kind == "done":
            return f"finished #{self.segment_id}"
        where = f" (passage {self.span[0]}:{self.span[1]})" if self.span else ""
        return f"{self.kind} {self.code} on #{self.segment_id}{where}"


@dataclass
class SegmentView:
    """Everything the screen shows about one segment."""

    row: dict
    before: dict | None
    after: dict | None
    suggestions: list[dict]  # best suggestion per code, with this coder's turn-level decision
    accepted: list[str]  # codes the turn carries for this coder (whole turn or a passage)
    rejected: list[str]  # codes this coder decided against, none of their rows accepted
    memos: list[dict]
    done: bool
    sentences: list[Span] = field(default_factory=list)
    passages: list[dict] = field(default_factory=list)  # this coder's coded passages: code, span, by start
    whole: list[str] = field(default_factory=list)  # codes this coder gave the whole turn


def evidence_sentences(suggestion: dict, text: str) -> list[Span]:
    """The sentences a suggestion's evidence lies in (rule suggestions store them), checked against the turn."""
    ev = suggestion.get("evidence")
    out = []
    for item in ev.get("sentences", []) if isinstance(ev, dict) else []:
        if (isinstance(item, (list, tuple)) and len(item) == 2 and all(isinstance(x, int) for x in item)
                and 0 <= item[0] < item[1] <= len(text)):
            out.append((item[0], item[1]))
    return out


@dataclass
class SentenceSelection:
    """Which sentences of a turn the coder has selected: none (the whole turn), one, or a range.

    `head` is the sentence that moves; `anchor` stays where the selection started,
    so extending goes either way from it."""

    sentences: list[Span]
    anchor: int | None = None
    head: int | None = None

    @property
    def active(self) -> bool:
        return self.head is not None

    def range(self) -> tuple[int, int] | None:
        """First and last selected sentence, 0-based."""
        if self.head is None:
            return None
        return min(self.anchor, self.head), max(self.anchor, self.head)

    def span(self, text: str) -> Span | None:
        """The selected passage in code points of `text`; None for the whole turn (also
        when the selection covers all of it)."""
        r = self.range()
        if r is None:
            return None
        return check_span(text, (self.sentences[r[0]][0], self.sentences[r[1]][1]))

    def move(self, step: int) -> bool:
        """Select the next (+1) or previous (-1) sentence alone; False when there is none."""
        if not self.sentences:
            return False
        if self.head is None:
            self.anchor = self.head = 0 if step > 0 else len(self.sentences) - 1
            return True
        target = self.head + step
        if not 0 <= target < len(self.sentences):
            self.anchor = self.head
            return False
        self.anchor = self.head = target
        return True

    def extend(self, step: int) -> bool:
        """Grow or shrink the selection at its moving end; starts at the first sentence."""
        if not self.sentences:
            return False
        if self.head is None:
            return self.move(step)
        target = self.head + step
        if not 0 <= target < len(self.sentences):
            return False
        self.head = target
        return True

    def select(self, span: Span) -> bool:
        """Select the sentences that `span` covers (a suggestion's evidence sentence)."""
        held = [i for i, (s, e) in enumerate(self.sentences) if s < span[1] and span[0] < e]
        if not held:
            return False
        self.anchor, self.head = held[0], held[-1]
        return True

    def clear(self) -> None:
        self.anchor = self.head = None


@dataclass
class ReviewSession:
    db: object
    coder: str
    on_wait: Callable[[str], None] | None = None
    all_suggestions: bool = False  # also show suggestions below the project's threshold
    undo_stack: list[Action] = field(default_factory=list)

    def __post_init__(self):
        self.coder = check_coder(self.coder)
        self.codes = {r[0]: r[1] for r in self.db.execute("SELECT id, name FROM codes")}

    def _tx(self):
        return transaction(self.db, on_wait=self.on_wait)

    # -- reading ------------------------------------------------------------------------------

    def view(self, segment_id: int) -> SegmentView:
        rows = list_segments(self.db, SegmentFilter(ids=[segment_id], all_suggestions=self.all_suggestions))
        row = rows[0]
        near = {
            r[0]: r[1]
            for r in self.db.execute(
                "SELECT ordinal, id FROM segments WHERE transcript_id = ? AND ordinal IN (?, ?)",
                [row["transcript_id"], row["ordinal"] - 1, row["ordinal"] + 1],
            )
        }
        context = {}
        if near:
            for r in list_segments(self.db, SegmentFilter(ids=list(near.values())), with_memos=False):
                context[r["ordinal"]] = r
        best: dict[str, dict] = {}
        # Every row of this coder counts, whole turn and passages: the turn carries a code when
        # any of them is accepted, and a rejected passage beside an accepted one changes nothing.
        statuses: dict[str, set[str]] = {}
        passages: list[dict] = []
        whole: list[str] = []
        for c in row["codings"]:
            if c["coder"] is None:
                if c["code"] not in best or (c["score"] or 0) > (best[c["code"]]["score"] or 0):
                    best[c["code"]] = dict(c)
            elif c["coder"] == self.coder:
                statuses.setdefault(c["code"], set()).add(c["status"])
                if c["status"] == "accepted":
                    if c["span"]:
                        passages.append({"code": c["code"], "span": tuple(c["span"]), "id": c["id"]})
                    elif c["code"] not in whole:
                        whole.append(c["code"])
        decisions = {code: "accepted" if "accepted" in found else "rejected" for code, found in statuses.items()}
        suggestions = sorted(best.values(), key=lambda c: -(c["score"] or 0))
        for s in suggestions:
            s["decision"] = decisions.get(s["code"], "pending")
            s["sentences"] = evidence_sentences(s, row["text"])
        done = self.db.execute("SELECT 1 FROM seen WHERE segment_id = ? AND coder = ?", [segment_id, self.coder]).fetchone()
        return SegmentView(
            row=row,
            before=context.get(row["ordinal"] - 1),
            after=context.get(row["ordinal"] + 1),
            suggestions=suggestions,
            accepted=[k for k, v in decisions.items() if v == "accepted"],
            rejected=[k for k, v in decisions.items() if v == "rejected"],
            memos=row.get("memos", []),
            done=bool(done),
            sentences=sentences(row["text"]),
            passages=sorted(passages, key=lambda p: (p["span"], p["code"])),
            whole=whole,
        )

    def code_id(self, name: str) -> int:
        return next(k for k, v in self.codes.items() if v == name)

    # -- writing: one transaction per action ----------------------------------------------------

    def _rows(self, segment_id: int, cid: int) -> dict[int, tuple[str, Span | None]]:
        """This coder's rows for one code on one turn: id -> (status, span)."""
        return {
            r[0]: (r[1], (r[2], r[3]) if r[2] is not None else None)
            for r in self.db.execute(
                "SELECT id, status, span_start, span_end FROM codings WHERE segment_id = ? AND code_id = ? AND coder = ?",
                [segment_id, cid, self.coder],
            )
        }

    def decide(self, kind: str, segment_id: int, code: str, span: Span | None = None) -> Action:
        """accept/add give the turn (span None) or one passage of it the code; reject/remove
        take it off: without a span the turn loses the code, every coded passage of it too
        (as `uncode`), with one only that passage does."""
        cid = self.code_id(code)
        with self._tx():
            if span is not None:
                text = self.db.execute("SELECT text FROM segments WHERE id = ?", [segment_id]).fetchone()[0]
                span = check_span(text, span)
            before = self._rows(segment_id, cid)
            if kind in ("accept", "add"):
                set_decision(self.db, segment_id, cid, self.coder, "accepted", span=span)
            else:
                # As `uncode`: joins this transaction, and treats the turn and a passage as the CLI does.
                code_passage(self.db, segment_id, code, self.coder, span=span, uncode=True)
            after = self._rows(segment_id, cid)
        changes = [
            RowChange(i, before[i][0] if i in before else None, status_span[1])
            for i, status_span in after.items()
            if i not in before or before[i][0] != status_span[0]
        ]
        action = Action(kind, segment_id, cid, code, span, changes)
        if changes:
            self.undo_stack.append(action)
        return action

    def memo(self, segment_id: int, text: str) -> Action:
        from ..memos import gate_memos

        gate_memos([(text.strip(), "memo", 1)])  # a memo naming a participant is not saved
        stamp = now()
        with self._tx():
            memo_id = self.db.table("memos").insert(
                {"target": "segment", "segment_id": segment_id, "coder": self.coder, "text": text.strip(),
                 "created_at": stamp, "updated_at": stamp}
            ).last_pk
        action = Action("memo", segment_id, memo_id=memo_id)
        self.undo_stack.append(action)
        return action

    def done(self, segment_id: int) -> Action:
        """The coder has looked at this segment: it counts for agreement and leaves the queue."""
        with self._tx():
            cur = self.db.execute("INSERT OR IGNORE INTO seen (segment_id, coder, at) VALUES (?, ?, ?)", [segment_id, self.coder, now()])
        action = Action("done", segment_id, created=cur.rowcount > 0)
        if action.created:
            self.undo_stack.append(action)
        return action

    def undo(self) -> Action | None:
        """Take back this session's last action; returns it, or None if there is none."""
        if not self.undo_stack:
            return None
        action = self.undo_stack[-1]
        with self._tx():
            if action.kind == "memo":
                self.db.execute("DELETE FROM memos WHERE id = ?", [action.memo_id])
            elif action.kind == "done":
                self.db.execute("DELETE FROM seen WHERE segment_id = ? AND coder = ?", [action.segment_id, self.coder])
            else:
                for change in reversed(action.changes):
                    self._undo_row(action, change)
        self.undo_stack.pop()
        return action

    def _undo_row(self, action: Action, change: RowChange) -> None:
        row = self.db.execute("SELECT status FROM codings WHERE id = ?", [change.coding_id]).fetchone()
        current = row[0] if row else None
        if change.old_status is None:
            self.db.execute("DELETE FROM codings WHERE id = ?", [change.coding_id])
        else:
            self.db.execute("UPDATE codings SET status = ?, updated_at = ? WHERE id = ?", [change.old_status, now(), change.coding_id])
        start, end = change.span or (None, None)
        self.db.execute(
            "INSERT INTO coding_events (coder, segment_id, code_id, action, old_status, new_status, coding_id, at, span_start, span_end) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            [self.coder, action.segment_id, action.code_id, "undo", current, change.old_status, change.coding_id, now(), start, end],
        )
