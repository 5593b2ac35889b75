"""A release as a bar chart with its 95% intervals (PNG or SVG bytes, for the web pages and reports).

Drawn with matplotlib's Agg backend in memory: no window, no file; the caller writes the bytes.
"""

from __future__ import annotations

import io

import matplotlib as mpl

mpl.use("Agg")  # no display: render to memory only

from matplotlib.figure import Figure  # after the backend is chosen

from sealkeeper.stats.budget import show
from sealkeeper.stats.errors import StatsError
from sealkeeper.stats.release import Release

FORMATS = ("png", "svg")


FONTS = ["DejaVu Sans", "Noto Sans CJK SC", "Noto Serif CJK SC"]  # Chinese labels fall back to Noto CJK
YLABEL = "count (with 95% interval)"


def subtitle(release: Release) -> str:
    return f"ε = {show(release.epsilon_micro)}, discrete Laplace (scale {release.scale:.3g})"


def render(release: Release, fmt: str, title: str = "", *, ylabel: str = YLABEL, note: str = "") -> bytes:
    """The chart's bytes. ``title``, ``ylabel`` and ``note`` (the line under the title; default: epsilon and
    mechanism in English) are given translated by pages in other languages. Text is drawn as paths: an SVG
    needs no font where it is shown."""
    if fmt not in FORMATS:
        raise StatsError(f"chart: format {fmt!r}; use one of {', '.join(FORMATS)}")
    cells = [c for c in release.cells if not c.key.endswith("|share")]
    values = [float(c.value) for c in cells]
    lower = [max(0.0, v - c.ci95[0]) for v, c in zip(values, cells, strict=True)]
    upper = [max(0.0, c.ci95[1] - v) for v, c in zip(values, cells, strict=True)]
    with mpl.rc_context({"font.family": FONTS, "svg.fonttype": "path"}):
        figure = Figure(figsize=(max(6.0, 0.35 * len(cells) + 2), 4.5), layout="constrained")
        axes = figure.subplots()
        axes.bar(range(len(cells)), values, yerr=[lower, upper], capsize=2, color="#4C72B0")
        axes.set_xticks(range(len(cells)), [c.key for c in cells], rotation=60, ha="right", fontsize=7)
        axes.set_ylabel(ylabel)
        axes.set_title(f"{title or release.query}\n{note or subtitle(release)}", fontsize=9)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()
