"""Server-side SVG charts (bar, line, heatmap) as strings, for the pages and
the PDF report. Accessible: role="img" with <title> and <desc> referenced by
aria-labelledby, and the numbers themselves in <title> of every mark so that
screen readers and tooltips can read them. No JavaScript, no external fonts."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from html import escape

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import number_format
from django.utils.translation import gettext as _

_ids = itertools.count(1)
# Ten colours apart (the wellbeing chart has seven indicators and a company's own questions).
PALETTE = ("#1f6f8b", "#e07a1f", "#4c9a2a", "#a23b72", "#6c5b7b", "#c0392b", "#222222",
           "#0d9488", "#b8860b", "#5b6ee1")


def _fmt(v: float | None) -> str:
    """A number in the active language's notation, grouped: '1,793' / '67.85' in English,
    '1 793' / '67,85' in French, '1.793' / '67,85' in Dutch and German."""
    if v is None:
        return "—"
    if abs(v) >= 100:
        return number_format(round(v), 0, use_l10n=True, force_grouping=True)
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    places = len(text.partition(".")[2])
    return number_format(float(text), places, use_l10n=True, force_grouping=True)


def _frame(title: str, desc: str, width: int, height: int, body: str) -> str:
    n = next(_ids)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="chart-t{n} chart-d{n}" font-family="sans-serif" font-size="11">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>'
        f'{body}</svg>'
    )


def bar_chart(*, title: str, desc: str, labels: Sequence[str], values: Sequence[float | None],
              unit: str = "", width: int = 560, bar_height: int = 22) -> str:
    """Horizontal bars, one per label (None shows as a gap with a dash)."""
    label_w, pad = 170, 8
    height = pad * 2 + max(1, len(labels)) * (bar_height + 6)
    top = max([v for v in values if v is not None] or [0]) or 1
    plot_w = width - label_w - 70
    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = pad + i * (bar_height + 6)
        w = 0 if value is None else max(0.0, value) / top * plot_w
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end">'
            f'{escape(str(label)[:28])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{PALETTE[0]}">'
            f'<title>{escape(str(label))}: {_fmt(value)} {escape(unit)}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_height * 0.7:.1f}">'
            f'{_fmt(value)} {escape(unit)}</text>'
        )
    return _frame(title, desc, width, height, "".join(parts))


# The legend's text at 11 px sans-serif: a generous mean width per character, so that
# wide letters and accents do not run into the next name.
LEGEND_CHAR_W = 6.4


def line_chart(*, title: str, desc: str, labels: Sequence[str],
               series: dict[str, Sequence[float | None]], unit: str = "",
               width: int = 640, height: int = 240) -> str:
    """One line per series over the labels (x axis); None breaks the line. The legend
    wraps onto as many rows as its names need (the chart grows taller), so that none
    runs into the next or off the picture."""
    left, right, top_pad, bottom = 48, 12, 12, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    legend: list[tuple[str, float, int]] = []  # (text, x, row)
    lx, row = 0.0, 0
    for name in series:
        text = f"{name} ({unit})" if unit else name
        item_w = 14 + len(text) * LEGEND_CHAR_W + 16
        if lx and left + lx + item_w > width - right:
            row, lx = row + 1, 0.0
        legend.append((text, left + lx, row))
        lx += item_w
    height += row * 16
    values = [v for s in series.values() for v in s if v is not None]
    top = max(values or [0]) or 1
    n = max(1, len(labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i / n * plot_w, top_pad + plot_h - v / top * plot_h

    parts = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" '
             f'y2="{top_pad + plot_h}" stroke="#888"/>',
             f'<text x="{left - 4}" y="{top_pad + 8}" text-anchor="end">{_fmt(top)}</text>',
             f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end">0</text>']
    step = max(1, len(labels) // 8)
    for i in range(0, len(labels), step):
        x, _y = xy(i, 0)
        # The last label ends at the axis' end, not half beyond the picture.
        anchor = "end" if i == len(labels) - 1 and i else "middle"
        parts.append(f'<text x="{x:.1f}" y="{top_pad + plot_h + 16}" text-anchor="{anchor}">'
                     f'{escape(str(labels[i]))}</text>')
    for k, (name, vals) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        segments: list[list[tuple[float, float]]] = []
        current: list[tuple[float, float]] = []
        for i, v in enumerate(vals):
            if v is None:
                if current:
                    segments.append(current)
                current = []
                continue
            current.append(xy(i, v))
        if current:
            segments.append(current)
        for seg in segments:
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2">'
                         f'<title>{escape(name)}</title></polyline>')
        text, x, legend_row = legend[k]
        y = top_pad + plot_h + 26 + legend_row * 16
        parts.append(f'<rect x="{x:.0f}" y="{y}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14:.0f}" y="{y + 9}">{escape(text)}</text>')
    return _frame(title, desc, width, height, "".join(parts))


def heatmap(*, title: str, desc: str, row_labels: Sequence[str], col_labels: Sequence[str],
            matrix: Sequence[Sequence[float | None]], unit: str = "", cell: int = 22) -> str:
    """Rows x columns of shaded cells; darker is more. None is hatched grey."""
    left, top_pad = 90, 22
    width = left + len(col_labels) * cell + 10
    height = top_pad + len(row_labels) * cell + 10
    top = max([v for row in matrix for v in row if v is not None] or [0]) or 1
    parts = []
    for j, label in enumerate(col_labels):
        parts.append(f'<text x="{left + j * cell + cell / 2:.1f}" y="{top_pad - 6}" '
                     f'text-anchor="middle" font-size="9">{escape(str(label))}</text>')
    for i, label in enumerate(row_labels):
        y = top_pad + i * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell * 0.65:.1f}" text-anchor="end">'
                     f'{escape(str(label))}</text>')
        for j, v in enumerate(matrix[i]):
            x = left + j * cell
            if v is None:
                fill = "#ddd"
            else:
                level = max(0.0, min(1.0, v / top))
                shade = int(245 - level * 200)
                fill = f"rgb({shade},{int(250 - level * 140)},{int(255 - level * 90)})"
            parts.append(f'<rect x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" '
                         f'fill="{fill}"><title>{escape(str(label))} {escape(str(col_labels[j]))}: '
                         f'{_fmt(v)} {escape(unit)}</title></rect>')
    return _frame(title, desc, width, height, "".join(parts))


# Monday first, in the active language when shown (Django's own translations: 'lun',
# 'ma', 'Mo').
WEEKDAYS = tuple(WEEKDAYS_ABBR[d] for d in range(7))


def attendance_heatmap(weekday_hour: Sequence[Sequence[float]], *, title: str) -> str:
    return heatmap(title=title,
                   desc=_("Presence hours by weekday (rows) and hour of day (columns)."),
                   row_labels=WEEKDAYS, col_labels=[str(h) for h in range(24)],
                   matrix=weekday_hour, unit="h")
