"""The review loop: read a key, act, redraw, until the queue is done or the coder quits."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ...codes import match_codes
from ...errors import FocuscodeError
from ...review import ReviewFilter, ReviewSession, build_queue
from ...review.session import SentenceSelection
from .keys import ENTER, ESC
from .screen import frame, help_frame, sentence_label


@dataclass
class ReviewSummary:
    coder: str
    queued: int
    done_before: int
    actions: dict[str, int] = field(default_factory=dict)
    finished: int = 0  # segments marked done in this session
    left: int = 0
    interrupted: bool = False

    def as_json(self) -> dict:
        return dict(self.__dict__)


class ReviewLoop:
    def __init__(self, db, coder: str, keys, console, f: ReviewFilter | None = None):
        self.console = console
        self.keys = keys
        self.filter = f or ReviewFilter()
        self.session = ReviewSession(db, coder, on_wait=self._waiting, all_suggestions=self.filter.all_suggestions)
        queue = build_queue(db, self.session.coder, self.filter)
        self.queue = queue.segment_ids
        self.summary = ReviewSummary(self.session.coder, len(self.queue), queue.done_before)
        self.pos = 0
        self.cursor: int | None = None  # None: the first pending suggestion
        self.full_text = False
        self.message = f"resuming: {queue.done_before} done before" if queue.done_before else ""
        self.finished: set[int] = set()
        self.plain = bool(os.environ.get("NO_COLOR")) or console.no_color or not console.is_terminal
        self.active_codes = [r[0] for r in db.execute("SELECT name FROM codes WHERE active = 1 ORDER BY position, id")]
        # The sentences selected in the current segment; a new segment starts on the whole turn.
        self.selection = SentenceSelection([])
        self.selection_of: int | None = None

    # -- drawing ----------------------------------------------------------------------------------

    def _waiting(self, message: str) -> None:
        self.console.print(message, style="bold", markup=False)

    def _echo(self, text: str) -> None:
        # Typed characters go where the screen is (stderr under --json), never into stdout data.
        self.console.file.write(text)
        self.console.file.flush()

    def _show(self, lines) -> None:
        if self.console.is_terminal:
            self.console.clear()
        else:
            self.console.print("─" * min(self.console.width, 80), style="dim", markup=False)
        for line in lines:
            self.console.print(line, no_wrap=True, crop=True, overflow="crop", markup=False, highlight=False)

    def _header(self) -> str:
        left = len(self.queue) - len(self.finished)
        return (f"review · {self.session.coder} · segment {self.pos + 1}/{len(self.queue)} · {left} left"
                f" · {self.summary.done_before + len(self.finished)} done · ? help")

    def _draw(self, view) -> None:
        sel = self.selection
        focus = view.sentences[sel.head] if sel.active else None
        self._show(frame(self.console, view, header=self._header(), message=self.message, cursor=self._cursor(view),
                         full_text=self.full_text, plain=self.plain, selected=self._selected(view), focus=focus))

    def _selected(self, view):
        """The selected sentences as a span of the turn, to draw them; None when none is selected."""
        r = self.selection.range()
        if r is None:
            return None
        return view.sentences[r[0]][0], view.sentences[r[1]][1]

    # -- acting -----------------------------------------------------------------------------------

    def _count(self, kind: str) -> None:
        self.summary.actions[kind] = self.summary.actions.get(kind, 0) + 1

    def _cursor(self, view) -> int:
        if self.cursor is not None and self.cursor < len(view.suggestions):
            return self.cursor
        for i, sug in enumerate(view.suggestions):
            if sug["decision"] == "pending":
                return i
        return 0

    def _choose(self, title: str, options: list[str], view) -> str | None:
        """A numbered choice on the message line, so the frame keeps its size; one key picks."""
        if len(options) == 1:
            return options[0]
        # Only as many as fit on the one message line of an 80-column screen.
        shown: list[str] = []
        room = self.console.width - len(title) - 24
        for i, name in enumerate(options[:9], start=1):
            item = f"{i} {name}"
            if shown and len(", ".join(shown + [item])) > room:
                break
            shown.append(item)
        options = options[: len(shown)]
        self.message = f"{title} {', '.join(shown)}  (other key: cancel)"
        self._draw(view)
        key = self.keys.read_key()
        if key.isdigit() and 1 <= int(key) <= len(options[:9]):
            return options[int(key) - 1]
        return None

    def _target(self, view) -> tuple[tuple[int, int] | None, str]:
        """What a, A, c act on: the selected passage and how to name it, or (None, '') for the whole turn."""
        span = self.selection.span(view.row["text"])
        return span, (f" for {sentence_label(view.sentences, span)}" if span else "")

    def _act(self, key: str, sid: int, view) -> bool:
        """Handle one key; returns False to quit."""
        s = self.session
        if key in ("q", ""):
            return False
        span, where = self._target(view)
        if key in ("a", "r") and view.suggestions:
            sug = view.suggestions[self._cursor(view)]
            kind = "accept" if key == "a" else "reject"
            # Rejecting is about the turn: the coder says the code is not in it, so no passage keeps it.
            action = s.decide(kind, sid, sug["code"], span if kind == "accept" else None)
            self._count(kind)
            self.message = f"{kind}ed {sug['code']}" + (where if kind == "accept" else " (whole turn)" if span else "")
            if not action.changes:
                self.message += " (it was already)"
            self.cursor = None
        elif key == "A":
            pending = [x["code"] for x in view.suggestions if x["decision"] == "pending"]
            for code in pending:
                s.decide("accept", sid, code, span)
                self._count("accept")
            self.message = f"accepted {len(pending)}{where}: {', '.join(pending)}" if pending else "nothing pending"
        elif key in ("a", "r"):
            self.message = "no suggestions here; c adds a code"
        elif key.isdigit() and key != "0":
            if int(key) <= len(view.suggestions):
                self.cursor = int(key) - 1
        elif key == "c":
            typed = self.keys.read_line(f"code{where} (part of its name): ", self._echo)
            if typed is None or not typed.strip():
                self.message = "cancelled"
                return True
            found = match_codes(typed, self.active_codes)
            if not found:
                self.message = f"no code matches '{typed}'"
                return True
            code = self._choose(f"'{typed}':", found, view)
            if code is None:
                self.message = "cancelled"
                return True
            action = s.decide("add", sid, code, span)
            if not action.changes:
                self.message = f"{code} was already one of your codes{where}"
                return True
            self._count("add")
            self.message = f"added {code}{where}"
        elif key == "x":
            self._remove(sid, view, span)
        elif key in ("]", "j", "[", "k", "}", "J", "{", "K"):
            self._select(key, view)
        elif key == "e":
            self._evidence(view)
        elif key == "m":
            text = self.keys.read_line("memo: ", self._echo)
            if text is None or not text.strip():
                self.message = "no memo written"
                return True
            s.memo(sid, text)
            self._count("memo")
            self.message = "memo saved"
        elif key in (ENTER, " ", "n"):
            s.done(sid)
            self.finished.add(sid)
            self._count("done")
            self._move(1)
            self.message = ""
        elif key == "s":
            self._count("skip")
            self._move(1)
            self.message = "skipped"
        elif key == "b":
            if self.pos == 0:
                self.message = "this is the first segment"
            else:
                self._move(-1)
        elif key == "u":
            action = s.undo()
            if action is None:
                self.message = "nothing to undo in this session"
                return True
            self._count("undo")
            if action.kind == "done":
                self.finished.discard(action.segment_id)
            if action.segment_id in self.queue and self.queue.index(action.segment_id) != self.pos:
                self.pos = self.queue.index(action.segment_id)
                self.cursor = None
            self.message = f"undone: {action.describe()}"
        elif key == "v":
            self.full_text = not self.full_text
        elif key in ("?", "h"):
            self._show(help_frame(self.console))
            self.keys.read_key()
        elif key == ESC:
            if self.selection.active:
                self.selection.clear()
                self.message = "whole turn"
            else:
                self.message = ""
        else:
            self.message = f"unknown key {key!r}; ? shows the keys"
        return True

    def _remove(self, sid: int, view, span) -> None:
        """x: one of the coder's codes off the turn (its passages too), or one coded passage.
        With sentences selected, only the passages in them are offered."""
        options: dict[str, tuple[str, tuple[int, int] | None]] = {}
        if span is None:
            for code in view.accepted:
                has_passages = any(p["code"] == code for p in view.passages)
                options[f"{code} (turn)" if has_passages else code] = (code, None)
        for number, p in enumerate(view.passages, start=1):
            if span is None or (p["span"][0] < span[1] and span[0] < p["span"][1]):
                options[f"{p['code']} ⟦{number}"] = (p["code"], p["span"])
        if not options:
            self.message = ("no coded passage in the selected sentences" if span
                            else "you have no code on this segment to remove")
            return
        label = self._choose("remove:", list(options), view)
        if label is None:
            self.message = "cancelled"
            return
        code, passage = options[label]
        self.session.decide("remove", sid, code, passage)
        self._count("remove")
        self.message = f"removed {code}" + (f" from {sentence_label(view.sentences, passage, 'part of ')}" if passage else "")

    def _select(self, key: str, view) -> None:
        if len(view.sentences) < 2:
            self.message = "this turn is one sentence: a, c and x act on all of it"
            return
        sel = self.selection
        step = 1 if key in ("]", "j", "}", "J") else -1
        moved = sel.move(step) if key in ("]", "j", "[", "k") else sel.extend(step)
        if moved:
            self.message = ""
        else:
            self.message = f"that is the {'last' if step > 0 else 'first'} sentence (Esc: whole turn)"

    def _evidence(self, view) -> None:
        """Select the sentence the marked suggestion's evidence lies in; again: its next one."""
        if not view.suggestions:
            self.message = "no suggestions here"
            return
        sug = view.suggestions[self._cursor(view)]
        spans = sug.get("sentences") or []
        if not spans:
            self.message = f"{sug['code']} points at no sentence: a accepts it for the whole turn"
            return
        current = self._selected(view)
        later = [sp for sp in spans if current is None or sp[0] > current[0]]
        target = (later or spans)[0]
        self.selection.select(target)
        self.message = f"{sug['code']}: its evidence is in {sentence_label(view.sentences, target)} (a: accept for it)"

    def _move(self, step: int) -> None:
        self.pos += step
        self.cursor = None
        self.full_text = False
        self.selection_of = None

    def run(self) -> ReviewSummary:
        try:
            while 0 <= self.pos < len(self.queue):
                sid = self.queue[self.pos]
                view = self.session.view(sid)
                if self.selection_of != sid:
                    self.selection, self.selection_of = SentenceSelection(view.sentences), sid
                self._draw(view)
                key = self.keys.read_key()
                try:
                    if not self._act(key, sid, view):
                        break
                except FocuscodeError as exc:
                    # e.g. the database stayed locked: nothing was written, the coder can retry.
                    self.message = f"not saved: {exc.message}"
        except KeyboardInterrupt:
            self.summary.interrupted = True
        self.summary.finished = len(self.finished)
        self.summary.left = len(self.queue) - len(self.finished)
        return self.summary


def run_review(db, coder: str, *, keys, console, f: ReviewFilter | None = None) -> ReviewSummary:
    """Walk the coder through the queue; every action is already saved when this returns."""
    return ReviewLoop(db, coder, keys, console, f).run()
