"""Charts for the report: themes by sector (bars) and code co-occurrence (heat map).

matplotlib runs on the Agg backend (no display needed) and DejaVu Sans, which
has every Dutch character (ë, é, ï, ’). Files are written atomically.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import FocuscodeError

SECTOR_COLORS = {"po": "#1f77b4", "vo": "#ff7f0e", "?": "#9e9e9e"}


def _pyplot():
    import logging

    import matplotlib

    # Another library may have turned on DEBUG logging for everything; font matching
    # chatter from matplotlib would then flood stderr.
    logging.getLogger("matplotlib").setLevel(logging.WARNING)

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 12})
    return plt


def _save(fig, path: Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise FocuscodeError(f"--plot needs a .png, .svg or .pdf file name, not '{path.name}'")
    if path.parent and not path.parent.exists():
        raise FocuscodeError("the folder for the chart does not exist", path=str(path))
    tmp = path.with_name(path.name + ".tmp" + path.suffix)
    try:
        fig.savefig(tmp, dpi=150, bbox_inches="tight")
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def themes_by_sector_chart(table, path: Path, *, title: str = "Thema's per sector", ylabel: str = "Aantal fragmenten") -> Path:
    """Grouped bars: one group per theme, one bar per sector. `table` is a StatsTable for 'sector'."""
    plt = _pyplot()
    rows = [r for r in table.rows if r["depth"] == 0]
    if not rows:
        raise FocuscodeError("nothing to plot: no codes in the codebook")
    values = table.values or ["?"]
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(rows) + 2), 4.5))
    width = 0.8 / len(values)
    for k, value in enumerate(values):
        xs = [i + (k - (len(values) - 1) / 2) * width for i in range(len(rows))]
        heights = [r["by"][value].segments for r in rows]
        bars = ax.bar(xs, heights, width, label=value, color=SECTOR_COLORS.get(value))
        ax.bar_label(bars, padding=2, fontsize=8)
    ax.set_xticks(range(len(rows)), [r["code"] for r in rows], rotation=20 if len(rows) > 5 else 0, ha="right" if len(rows) > 5 else "center")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(title="sector", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.12)
    try:
        return _save(fig, path)
    finally:
        plt.close(fig)


def heatmap_chart(matrix, path: Path, *, measure: str = "count", title: str | None = None) -> Path:
    plt = _pyplot()
    n = len(matrix.codes)
    if n == 0:
        raise FocuscodeError("nothing to plot: no codes in the codebook")
    data = matrix.values(measure)
    size = min(30.0, max(5.0, 0.55 * n + 2.5))  # a 262-code NVivo codebook must not ask for a 150-inch figure
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    # The diagonal (units per code) would swamp the colour scale: it is drawn grey and
    # labelled, and the colours show how codes occur together.
    import numpy as np

    shown = np.array(data, dtype=float)
    np.fill_diagonal(shown, np.nan)
    cmap = plt.get_cmap("Blues").with_extremes(bad="#e6e6e6")
    off = np.nanmax(shown) if n > 1 and not np.all(np.isnan(shown)) else 0
    vmax = (off if off > 0 else 1) if measure == "jaccard" else max(1, off)
    image = ax.imshow(shown, cmap=cmap, vmin=0, vmax=vmax)
    tick = 10 if n <= 30 else max(3, int(10 * 30 / n))
    ax.set_xticks(range(n), matrix.codes, rotation=45, ha="right", rotation_mode="anchor", fontsize=tick)
    ax.set_yticks(range(n), matrix.codes, fontsize=tick)
    top = vmax
    if n <= 25:
        for i in range(n):
            for j in range(n):
                v = data[i][j]
                text = f"{v:.2f}" if measure == "jaccard" else str(v)
                if not v and i != j and n > 12:
                    continue  # empty cells stay empty in a large matrix, so the pairs stand out
                ax.text(j, i, text, ha="center", va="center", fontsize=8 if n <= 12 else 6,
                        fontweight="bold" if i == j else "normal",
                        color="white" if i != j and v > 0.6 * top else "#222")
    level = {"segment": "fragment", "transcript": "transcript"}.get(matrix.level, matrix.level)
    ax.set_title(title or f"Samen voorkomen van codes per {level} ({'Jaccard' if measure == 'jaccard' else 'aantal'})")
    ax.set_xlabel(f"grijze diagonaal: aantal {level}en met de code" if measure == "count" else "grijze diagonaal: 1", fontsize=8, color="#555")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    try:
        return _save(fig, path)
    finally:
        plt.close(fig)
