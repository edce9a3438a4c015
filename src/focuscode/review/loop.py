"""The review loop: read a key, act, redraw, until the queue is done or the coder quits."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..codes import match_codes
from ..errors import FocuscodeError
from .keys import ENTER, ESC
from .queue import ReviewFilter, build_queue
from .screen import frame, help_frame
from .session import ReviewSession


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
        self._show(frame(self.console, view, header=self._header(), message=self.message, cursor=self._cursor(view),
                         full_text=self.full_text, plain=self.plain))

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

    def _act(self, key: str, sid: int, view) -> bool:
        """Handle one key; returns False to quit."""
        s = self.session
        if key in ("q", ""):
            return False
        if key in ("a", "r") and view.suggestions:
            sug = view.suggestions[self._cursor(view)]
            kind = "accept" if key == "a" else "reject"
            s.decide(kind, sid, sug["code"])
            self._count(kind)
            self.message = f"{kind}ed {sug['code']}"
            self.cursor = None
        elif key == "A":
            pending = [x["code"] for x in view.suggestions if x["decision"] == "pending"]
            for code in pending:
                s.decide("accept", sid, code)
                self._count("accept")
            self.message = f"accepted {len(pending)}: {', '.join(pending)}" if pending else "nothing pending"
        elif key in ("a", "r"):
            self.message = "no suggestions here; c adds a code"
        elif key.isdigit() and key != "0":
            if int(key) <= len(view.suggestions):
                self.cursor = int(key) - 1
        elif key == "c":
            typed = self.keys.read_line("code (part of its name): ", self._echo)
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
            action = s.decide("add", sid, code)
            if action.old_status == "accepted":
                self.message = f"{code} was already one of your codes"
                return True
            self._count("add")
            self.message = f"added {code}"
        elif key == "x":
            if not view.accepted:
                self.message = "you have no code on this segment to remove"
                return True
            code = self._choose("remove:", view.accepted, view)
            if code is None:
                self.message = "cancelled"
                return True
            s.decide("remove", sid, code)
            self._count("remove")
            self.message = f"removed {code}"
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
            if action.segment_id in self.queue:
                self.pos = self.queue.index(action.segment_id)
            self.message = f"undone: {action.describe()}"
        elif key == "v":
            self.full_text = not self.full_text
        elif key in ("?", "h"):
            self._show(help_frame(self.console))
            self.keys.read_key()
        elif key == ESC:
            self.message = ""
        else:
            self.message = f"unknown key {key!r}; ? shows the keys"
        return True

    def _move(self, step: int) -> None:
        self.pos += step
        self.cursor = None
        self.full_text = False

    def run(self) -> ReviewSummary:
        try:
            while 0 <= self.pos < len(self.queue):
                sid = self.queue[self.pos]
                view = self.session.view(sid)
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
