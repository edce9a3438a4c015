"""Charts for the report: themes by sector (bars) and code co-occurrence (heat map).

matplotlib runs on the Agg backend (no display needed) and DejaVu Sans, which
has every Dutch character (ë, é, ï, ’). Files are written atomically.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import FocuscodeError

UNKNOWN_COLOR = "#9e9e9e"  # a sector the study does not declare, or '?'


def pyplot():
    import logging

    import matplotlib

    # Another library may have turned on DEBUG logging for everything; font matching
    # chatter from matplotlib would then flood stderr.
    logging.getLogger("matplotlib").setLevel(logging.WARNING)

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    # svg.fonttype none: an SVG chart keeps its labels as text, editable in Word or Inkscape.
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 12, "svg.fonttype": "none"})
    return plt


def save_figure(fig, path: Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise FocuscodeError(f"--plot needs a .png, .svg or .pdf file name, not '{path.name}'")
    if path.parent and not path.parent.exists():
        raise FocuscodeError("the folder for the chart does not exist", path=str(path))
    tmp = path.with_name(path.name + ".tmp" + path.suffix)
    try:
        fig.savefig(tmp, dpi=150, bbox_inches="tight")
        tmp.replace(path)
    except OSError as exc:
        raise FocuscodeError(f"cannot write the chart: {(exc.strerror or str(exc)).lower()}", path=str(path)) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


MAX_VALUES = 12  # bars per theme; beyond this the smallest values are drawn as one "overig" bar


def _bar_values(table, rows) -> tuple[list[str], dict[str, list[int]]]:
    """The values drawn (the largest MAX_VALUES - 1 plus 'overig' when there are more)
    and the segment counts per theme row. Segments add up across values: each segment
    has one value per dimension."""
    heights = {v: [r["by"][v].segments for r in rows] for v in table.values}
    if len(table.values) <= MAX_VALUES:
        return list(table.values), heights
    ranked = sorted(table.values, key=lambda v: (-sum(heights[v]), v.lower()))
    keep, rest = ranked[: MAX_VALUES - 1], ranked[MAX_VALUES - 1 :]
    shown = [v for v in table.values if v in keep]
    other = f"overig ({len(rest)} waarden)"
    heights[other] = [sum(heights[v][i] for v in rest) for i in range(len(rows))]
    return [*shown, other], heights


def themes_by_dimension_chart(tables, path: Path, *, title: str = "Thema's per {dimension}",
                              ylabel: str = "Aantal fragmenten") -> Path:
    """Grouped bars, one panel per StatsTable: one group per theme, one bar per value of
    the table's dimension (sector, functie, source...), so the chart shows what --by asked."""
    plt = pyplot()
    tables = list(tables)
    rows_of = [[r for r in t.rows if r["depth"] == 0] for t in tables]
    if not tables:
        raise FocuscodeError("nothing to plot: no attribute to plot the themes by")
    if not rows_of[0]:
        raise FocuscodeError("nothing to plot: no codes in the codebook")
    if not any(t.values for t in tables):
        raise FocuscodeError("nothing to plot: no coded segments yet (import transcripts and code them first)")
    n_themes = len(rows_of[0])
    fig, axes = plt.subplots(len(tables), 1, figsize=(max(6, 1.6 * n_themes + 2), 4.5 * len(tables)), squeeze=False)
    for ax, table, rows in zip(axes[:, 0], tables, rows_of):
        values, heights = _bar_values(table, rows)
        width = 0.8 / max(1, len(values))
        palette = plt.get_cmap("tab20").colors if len(values) > 10 else plt.get_cmap("tab10").colors
        for k, value in enumerate(values):
            xs = [i + (k - (len(values) - 1) / 2) * width for i in range(len(rows))]
            color = _sector_color(plt, table, value) if table.dimension == "sector" else palette[k % len(palette)]
            bars = ax.bar(xs, heights[value], width, label=value, color=color)
            ax.bar_label(bars, padding=2, fontsize=8 if len(values) <= 6 else 6)
        ax.set_xticks(range(len(rows)), [r["code"] for r in rows], rotation=20 if len(rows) > 5 else 0,
                      ha="right" if len(rows) > 5 else "center")
        ax.set_ylabel(ylabel)
        ax.set_title(title.format(dimension=table.dimension))
        if values:
            ax.legend(title=table.dimension, frameon=False, fontsize=8 if len(values) > 6 else 10)
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(y=0.12)
    fig.tight_layout()
    try:
        return save_figure(fig, path)
    finally:
        plt.close(fig)


def _sector_color(plt, table, value: str):
    """A sector keeps its colour whichever sectors a chart shows: the study's order picks it."""
    declared = list(getattr(table, "declared", ()) or ())
    if value not in declared:
        return UNKNOWN_COLOR
    colors = plt.get_cmap("tab10" if len(declared) <= 10 else "tab20").colors
    return colors[declared.index(value) % len(colors)]


def themes_by_sector_chart(table, path: Path, *, title: str = "Thema's per sector", ylabel: str = "Aantal fragmenten") -> Path:
    """Grouped bars: one group per theme, one bar per sector. `table` is a StatsTable for 'sector'."""
    return themes_by_dimension_chart([table], path, title=title, ylabel=ylabel)


MAX_PANELS = 12  # heat maps in one chart with --by


def heatmap_chart(matrix, path: Path, *, measure: str = "count", title: str | None = None) -> Path:
    """A heat map of a co-occurrence Matrix, or one panel per value for the list that
    cooccurrence_by() returns."""
    plt = pyplot()
    matrices = matrix if isinstance(matrix, list) else [matrix]
    if not any(m.units for m in matrices):
        raise FocuscodeError("nothing to plot: no coded segments yet (import transcripts and code them first)")
    if len(matrices) > MAX_PANELS:
        raise FocuscodeError(f"too many values to plot one heat map each ({len(matrices)}; at most {MAX_PANELS}): "
                             "choose an attribute with fewer values, or leave out --plot")
    n = len(matrices[0].codes)
    if n == 0:
        raise FocuscodeError("nothing to plot: no codes in the codebook")
    size = min(30.0, max(5.0, 0.55 * n + 2.5))  # a 262-code NVivo codebook must not ask for a 150-inch figure
    cols = min(3, len(matrices))
    rows = -(-len(matrices) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=((size + 1.2) * cols, size * rows), squeeze=False)
    for ax in axes.flat[len(matrices):]:
        ax.set_visible(False)
    for ax, m in zip(axes.flat, matrices):
        _heatmap(plt, fig, ax, m, measure, title if len(matrices) == 1 else None)
    if len(matrices) > 1:
        fig.tight_layout()
    try:
        return save_figure(fig, path)
    finally:
        plt.close(fig)


def _heatmap(plt, fig, ax, matrix, measure: str, title: str | None) -> None:
    n = len(matrix.codes)
    data = matrix.values(measure)
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
    default = f"Samen voorkomen van codes per {level} ({'Jaccard' if measure == 'jaccard' else 'aantal'})"
    if getattr(matrix, "by", None):
        default = f"{matrix.by} = {matrix.value}: {default}"
    ax.set_title(title or default)
    ax.set_xlabel(f"grijze diagonaal: aantal {level}en met de code" if measure == "count" else "grijze diagonaal: 1", fontsize=8, color="#555")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
