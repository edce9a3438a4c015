"""The report set the demo (and the project lead's walkthrough) produces in one go.

Summary in Markdown, Word and HTML, the stats table as Markdown and CSV, and
the two charts: themes by sector and the theme co-occurrence heat map.
"""

from __future__ import annotations

from pathlib import Path

from .render import write_summary
from .summary import SummaryOptions

BARS = "themas-per-sector.png"
HEATMAP = "samen-voorkomen.png"
STATS_MD = "statistieken.md"
STATS_CSV = "statistieken.csv"


def write_report(db, out_dir: str | Path, opts: SummaryOptions | None = None, formats=("md", "docx", "html")) -> list[Path]:
    from ..analysis.charts import heatmap_chart, themes_by_sector_chart
    from ..analysis.cooccurrence import cooccurrence
    from ..analysis.stats import code_stats, stats_markdown, write_stats_csv

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    opts = opts or SummaryOptions()
    written = [write_summary(db, opts, out, fmt) for fmt in formats]
    tables = code_stats(db, ("sector", "role", "source"))
    (out / STATS_MD).write_text("# Statistieken\n\n" + stats_markdown(tables), encoding="utf-8")
    write_stats_csv(tables, out / STATS_CSV)
    written += [out / STATS_MD, out / STATS_CSV]
    written.append(themes_by_sector_chart(tables[0], out / BARS))
    written.append(heatmap_chart(cooccurrence(db, themes_only=True), out / HEATMAP, measure="count"))
    return written
