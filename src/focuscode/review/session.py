"""A coder's review session: every action is written at once, and can be undone.

Each action is its own short transaction, so Ctrl-C or a crash loses at most
the key being pressed, and another coder reviewing the same database only
waits for a moment (db.transaction waits for the lock and says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..coding import check_coder, set_decision
from ..db import now, transaction
from ..segments import SegmentFilter, list_segments


@dataclass
class Action:
    kind: str  # accept | reject | add | remove | memo | done
    segment_id: int
    code_id: int | None = None
    code: str | None = None
    old_status: str | None = None
    coding_id: int | None = None
    memo_id: int | None = None
    created: bool = False

    def describe(self) -> str:
        if self.kind == "memo":
            return f"memo on #{self.segment_id}"
        if self.kind == "done":
            return f"finished #{self.segment_id}"
        return f"{self.kind} {self.code} on #{self.segment_id}"


@dataclass
class SegmentView:
    """Everything the screen shows about one segment."""

    row: dict
    before: dict | None
    after: dict | None
    suggestions: list[dict]  # best suggestion per code, with this coder's decision
    accepted: list[str]
    rejected: list[str]
    memos: list[dict]
    done: bool


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
        decisions: dict[str, str] = {}
        for c in row["codings"]:
            if c["coder"] is None:
                if c["code"] not in best or (c["score"] or 0) > (best[c["code"]]["score"] or 0):
                    best[c["code"]] = dict(c)
            elif c["coder"] == self.coder:
                decisions[c["code"]] = c["status"]
        suggestions = sorted(best.values(), key=lambda c: -(c["score"] or 0))
        for s in suggestions:
            s["decision"] = decisions.get(s["code"], "pending")
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
        )

    def code_id(self, name: str) -> int:
        return next(k for k, v in self.codes.items() if v == name)

    # -- writing: one transaction per action ----------------------------------------------------

    def decide(self, kind: str, segment_id: int, code: str) -> Action:
        """accept/add set the code; reject/remove record a rejection."""
        status = "accepted" if kind in ("accept", "add") else "rejected"
        cid = self.code_id(code)
        with self._tx():
            existing = self.db.execute(
                "SELECT status FROM codings WHERE segment_id = ? AND code_id = ? AND coder = ?", [segment_id, cid, self.coder]
            ).fetchone()
            old, coding_id = set_decision(self.db, segment_id, cid, self.coder, status)
        action = Action(kind, segment_id, cid, code, old, coding_id, created=existing is None)
        if old != status:
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
                row = self.db.execute("SELECT status FROM codings WHERE id = ?", [action.coding_id]).fetchone()
                current = row[0] if row else None
                if action.created:
                    self.db.execute("DELETE FROM codings WHERE id = ?", [action.coding_id])
                else:
                    self.db.execute(
                        "UPDATE codings SET status = ?, updated_at = ? WHERE id = ?", [action.old_status, now(), action.coding_id]
                    )
                self.db.execute(
                    "INSERT INTO coding_events (coder, segment_id, code_id, action, old_status, new_status, coding_id, at) "
                    "VALUES (?,?,?,?,?,?,?,?)",
                    [self.coder, action.segment_id, action.code_id, "undo", current, action.old_status, action.coding_id, now()],
                )
        self.undo_stack.pop()
        return action
