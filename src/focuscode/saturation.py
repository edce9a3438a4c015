"""Data saturation per transcript, after Guest, Namey & Chen (2020).

Guest G, Namey E, Chen M (2020). A simple method to assess and report thematic
saturation in qualitative research. PLOS ONE 15(5): e0232076. Their three
parameters, with a transcript (one focus group, interview or survey file) as
the data collection event:

- base size: the number of first transcripts that make up the knowledge base;
  the unique codes found in them are the denominator of every ratio;
- run length: the number of subsequent transcripts in which new information is
  looked for;
- new-information threshold: the share of new information, new codes in the
  run divided by the unique codes in the base, at or below which saturation is
  reached (the paper uses <= 5% and 0%).

The run is a rolling window: after transcript k (k >= base size) the run is
transcripts k+1 .. k+run, a code is new when none of transcripts 1 .. k had it,
and the base, so the denominator, stays the first `base` transcripts. The
first k whose run adds no more than the threshold is the saturation point; the
paper reports it as "k transcripts, plus `run` more to confirm". With fewer
than base + run transcripts, or no code in the base, saturation cannot be
assessed. Because the order of the transcripts matters, --bootstrap repeats the
assessment over random orders (seeded) and gives the median and range of k, as
the paper's own validation did.

Codes count as they were applied (a subcode is not its parent); themes count a
subcode as its top-level theme. Only accepted codings count (one coder's with
--coder), facilitator turns never.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FocuscodeError, UsageError

MAX_BOOTSTRAP = 10_000
MAX_BOOTSTRAP_WORK = 5_000_000  # orders x transcripts: each order is a pass in Python over its transcripts
_DATES = (
    (re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"), (0, 1, 2)),
    (re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"), (0, 1, 2)),
    (re.compile(r"(?<!\d)(\d{2})-(\d{2})-(\d{4})(?!\d)"), (2, 1, 0)),
)


@dataclass
class Verdict:
    """Guest et al.'s verdict on one order of transcripts (positions count from 1)."""

    base_codes: int
    runs: list[dict]  # after (k), new (codes), ratio, saturated
    saturated_after: int | None  # k, or None: not reached / not assessable
    assessable: bool


def first_appearances(code_sets: list[set]) -> list[set]:
    """For each transcript in order, the codes no earlier transcript had."""
    seen: set = set()
    out = []
    for codes in code_sets:
        out.append(set(codes) - seen)
        seen |= codes
    return out


def guest_verdict(code_sets: list[set], *, base: int, run: int, threshold: float) -> Verdict:
    """Apply base size, run length and threshold to the transcripts' code sets, in order."""
    n = len(code_sets)
    base_codes = set().union(*code_sets[:base]) if n >= base else set()
    if n < base + run or not base_codes:
        return Verdict(len(base_codes), [], None, False)
    seen = set().union(*code_sets[:base])
    runs = []
    for k in range(base, n - run + 1):  # k transcripts seen, the run is k+1 .. k+run
        new = set().union(*code_sets[k:k + run]) - seen
        ratio = len(new) / len(base_codes)
        ok = ratio <= threshold + 1e-12
        runs.append({"after": k, "new": sorted(new), "ratio": ratio, "saturated": ok})
        if ok:
            return Verdict(len(base_codes), runs, k, True)
        seen |= code_sets[k]
    return Verdict(len(base_codes), runs, None, True)


@dataclass
class SaturationOptions:
    coder: str | None = None
    order: str = "import"  # import, time, or transcript names separated by commas
    source: str | None = None
    base: int = 2
    run: int = 1
    threshold: float = 0.05
    bootstrap: int = 0
    seed: int = 0


@dataclass
class Saturation:
    options: SaturationOptions
    names: list[str]
    codes: list[set]
    themes: list[set]
    verdict: Verdict
    theme_verdict: Verdict
    bootstrap: dict | None = None
    new_codes: list[set] = field(default_factory=list)
    new_themes: list[set] = field(default_factory=list)

    @property
    def saturated_at(self) -> str | None:
        k = self.verdict.saturated_after
        return None if k is None else self.names[k - 1]

    def verdict_line(self, level: str = "codes") -> str:
        v = self.verdict if level == "codes" else self.theme_verdict
        o = self.options
        params = f"basis {o.base}, run {o.run}, drempel {o.threshold:.0%}"
        if not v.assessable:
            if len(self.names) < o.base + o.run:
                return f"niet te beoordelen: {len(self.names)} transcripten, minder dan basis + run ({params})"
            what = "codes" if level == "codes" else "thema's"
            return f"niet te beoordelen: geen {what} in de basis ({params})"
        last = v.runs[-1]
        new = _count_new(len(last["new"]), level)
        share = f"{last['ratio']:.0%} van {v.base_codes}"
        if v.saturated_after is None:
            return f"geen verzadiging bereikt ({params}): de laatste run voegt nog {new} toe ({share})"
        run = "het transcript daarna voegt" if o.run == 1 else f"de {o.run} transcripten daarna voegen"
        return f"verzadiging na {v.saturated_after} van {len(self.names)} transcripten ({params}): {run} {new} toe ({share})"

    def to_json(self) -> dict:
        o = self.options

        def verdict_json(v: Verdict, level: str) -> dict:
            return {
                "base_codes": v.base_codes,
                "assessable": v.assessable,
                "saturated_after": v.saturated_after,
                "saturated_at": None if v.saturated_after is None else self.names[v.saturated_after - 1],
                "runs": [{"after": self.names[r["after"] - 1], "run": self.names[r["after"]:r["after"] + o.run],
                          "new": r["new"], "ratio": round(r["ratio"], 4), "saturated": r["saturated"]} for r in v.runs],
                "verdict": self.verdict_line(level),
            }

        codes_cum = themes_cum = 0
        rows = []
        for name, new, new_t in zip(self.names, self.new_codes, self.new_themes):
            codes_cum += len(new)
            themes_cum += len(new_t)
            rows.append({"transcript": name, "new_codes": sorted(new), "cumulative": codes_cum,
                         "new_themes": sorted(new_t), "cumulative_themes": themes_cum})
        out = {
            "coder": o.coder, "order": o.order, "source": o.source, "base": o.base, "run": o.run,
            "threshold": o.threshold, "transcripts": rows,
            "saturated_at": self.saturated_at, **{k: v for k, v in verdict_json(self.verdict, "codes").items() if k != "saturated_at"},
            "themes": verdict_json(self.theme_verdict, "themes"),
        }
        if self.bootstrap is not None:
            out["bootstrap"] = self.bootstrap
        return out


def _count_new(n: int, level: str) -> str:
    if level == "codes":
        return f"{n} nieuwe code" if n == 1 else f"{n} nieuwe codes"
    return f"{n} nieuw thema" if n == 1 else f"{n} nieuwe thema's"


def _check(opts: SaturationOptions) -> None:
    if opts.base < 1:
        raise UsageError(f"--base must be 1 or more, not {opts.base}")
    if opts.run < 1:
        raise UsageError(f"--run must be 1 or more, not {opts.run}")
    if not 0 <= opts.threshold <= 1:
        raise UsageError(f"--threshold is a share between 0 and 1 (0.05 = 5%), not {opts.threshold}")
    if opts.bootstrap < 0 or opts.bootstrap > MAX_BOOTSTRAP:
        raise UsageError(f"--bootstrap must be between 0 (none) and {MAX_BOOTSTRAP:,}, not {opts.bootstrap}")


def _session_date(name: str) -> tuple | None:
    for pattern, (y, m, d) in _DATES:
        found = pattern.search(name)
        if found:
            parts = found.groups()
            return int(parts[y]), int(parts[m]), int(parts[d])
    return None


def _ordered(transcripts: list[tuple[int, str]], order: str) -> list[tuple[int, str]]:
    """transcripts: (id, name) in import order."""
    if order == "import":
        return transcripts
    if order == "time":
        dated = []
        for tid, name in transcripts:
            date = _session_date(name)
            if date is None:
                raise UsageError(f"--order time reads the session date from the transcript name (2024-03-12, 20240312 "
                                 f"or 12-03-2024), and '{name}' has none; use --order import or list the names")
            dated.append((date, tid, name))
        return [(tid, name) for _date, tid, name in sorted(dated)]
    wanted = [n.strip() for n in order.split(",") if n.strip()]
    by_name = {name: tid for tid, name in transcripts}
    if not wanted:
        raise UsageError("--order takes import, time or transcript names separated by commas")
    for name in wanted:
        if name not in by_name:
            listing = ", ".join(sorted(by_name)) or "none"
            raise UsageError(f"--order names transcript '{name}', which is not in the project (transcripts: {listing})")
    if len(set(wanted)) != len(wanted):
        twice = next(n for n in wanted if wanted.count(n) > 1)
        raise UsageError(f"--order names transcript '{twice}' twice")
    return [(by_name[name], name) for name in wanted]


def transcript_codes(db, opts: SaturationOptions) -> tuple[list[str], list[set], list[set]]:
    """Transcript names in the chosen order, with each one's set of codes and of themes."""
    from .analysis.units import COUNTED_SEGMENTS_SQL, COUNTED_SPEAKER, code_tree, codings_counted

    where, params = codings_counted(db, coder=opts.coder)
    sql = "SELECT id, name FROM transcripts" + (" WHERE source = ?" if opts.source else "") + " ORDER BY id"
    transcripts = [(r[0], r[1]) for r in db.execute(sql, [opts.source] if opts.source else [])]
    if opts.source and not transcripts:
        raise FocuscodeError(f"no transcripts with source '{opts.source}'")
    if not transcripts:
        raise FocuscodeError("no transcripts in the project yet; import some first")
    ordered = _ordered(transcripts, opts.order)
    tree = code_tree(db)
    found: dict[int, set[int]] = {}
    for tid, cid in db.execute(f"SELECT DISTINCT s.transcript_id, c.code_id FROM codings c {COUNTED_SEGMENTS_SQL} "
                               f"WHERE {where} AND {COUNTED_SPEAKER}", params):
        if cid in tree.names:
            found.setdefault(tid, set()).add(cid)
    codes = [{tree.names[c] for c in found.get(tid, ())} for tid, _ in ordered]
    themes = [{tree.names[tree.theme(c)] for c in found.get(tid, ())} for tid, _ in ordered]
    return [name for _, name in ordered], codes, themes


def assess(db, opts: SaturationOptions) -> Saturation:
    _check(opts)
    names, codes, themes = transcript_codes(db, opts)
    if not any(codes):
        who = f" by coder '{opts.coder}'" if opts.coder else ""
        raise FocuscodeError(f"no accepted codings{who} in these transcripts yet; nothing to assess")
    result = Saturation(
        options=opts, names=names, codes=codes, themes=themes,
        verdict=guest_verdict(codes, base=opts.base, run=opts.run, threshold=opts.threshold),
        theme_verdict=guest_verdict(themes, base=opts.base, run=opts.run, threshold=opts.threshold),
        new_codes=first_appearances(codes), new_themes=first_appearances(themes),
    )
    if opts.bootstrap:
        if opts.bootstrap * len(names) > MAX_BOOTSTRAP_WORK:
            raise UsageError(f"--bootstrap {opts.bootstrap} over {len(names):,} transcripts is too much work; use at most "
                             f"{MAX_BOOTSTRAP_WORK // len(names):,} orders")
        result.bootstrap = bootstrap_orders(codes, themes, opts)
    return result


def bootstrap_orders(codes: list[set], themes: list[set], opts: SaturationOptions) -> dict:
    """The verdict over `opts.bootstrap` random orders: how often saturation was reached,
    and the median and range of the number of transcripts at the saturation point."""
    import numpy as np

    rng = np.random.default_rng(opts.seed)
    points: dict[str, list[int]] = {"codes": [], "themes": []}
    assessable = {"codes": 0, "themes": 0}
    for _ in range(opts.bootstrap):
        order = rng.permutation(len(codes))
        for level, sets in (("codes", codes), ("themes", themes)):
            v = guest_verdict([sets[i] for i in order], base=opts.base, run=opts.run, threshold=opts.threshold)
            assessable[level] += v.assessable
            if v.saturated_after is not None:
                points[level].append(v.saturated_after)

    def summary(level: str) -> dict:
        ks = points[level]
        return {
            "orders": opts.bootstrap, "assessable": assessable[level], "reached": len(ks),
            "median": statistics.median(ks) if ks else None,
            "range": [min(ks), max(ks)] if ks else None,
        }

    return {"orders": opts.bootstrap, "seed": opts.seed, "codes": summary("codes"), "themes": summary("themes")}


def saturation_chart(result: Saturation, path: Path) -> Path:
    """Cumulative unique codes per transcript, new codes as bars, the saturation point marked."""
    from .analysis.charts import pyplot, save_figure

    plt = pyplot()
    xs = list(range(1, len(result.names) + 1))
    new = [len(s) for s in result.new_codes]
    cumulative = [sum(new[:i]) for i in xs]
    fig, ax = plt.subplots(figsize=(max(6, 0.7 * len(xs) + 2), 4.5))
    ax.bar(xs, new, color="#9ecae1", label="nieuwe codes")
    ax.plot(xs, cumulative, marker="o", color="#1f4e79", label="codes tot dan toe")
    k = result.verdict.saturated_after
    if k is not None:
        ax.axvline(k, color="#d62728", linestyle="--", label=f"verzadiging na {k}")
    ax.set_xticks(xs, result.names, rotation=30 if len(xs) > 4 else 0, ha="right" if len(xs) > 4 else "center", fontsize=8)
    o = result.options
    ax.set_title(f"Verzadiging (basis {o.base}, run {o.run}, drempel {o.threshold:.0%})")
    ax.set_ylabel("aantal codes")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    try:
        return save_figure(fig, path)
    finally:
        plt.close(fig)
