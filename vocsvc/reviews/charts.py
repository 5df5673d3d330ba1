"""The review's charts as self-contained SVG (pure; no web or db imports): IPA and trend.

Labels are placed so that none overlaps another label or a dot: text widths are estimated
(a CJK character is one em, other characters about 0.6 em), candidate spots are tried in turn,
and a label that finds none is moved further out with a leader line to its dot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from vocsvc.gaps.quadrants import BY_KEY, QUADRANTS
from vocsvc.reviews import formatting

WIDTH, HEIGHT, PAD = 640, 460, 56
FONT = 12
# Stage colours by position in the journey: stable from quarter to quarter (colour-blind safe).
STAGE_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#6c757d")

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class IPAPoint:
    label: str
    importance: float
    performance: float
    quadrant: str | None


@dataclass(frozen=True)
class TrendLine:
    """One stage's values per period (None: no answer), and which are low-sample."""

    label: str
    values: Sequence[float | None]
    low_sample: Sequence[bool]


# A CJK font's glyph box reaches about 1.16 em above the baseline and 0.29 em below (Noto Sans
# CJK's ascent and descent), more than the em itself: label boxes are that tall.
ASCENT, DESCENT = 1.16, 0.29


def text_width(text: str, size: float = FONT) -> float:
    """Estimated rendered width: CJK and full-width characters one em, others 0.6 em."""
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    anchors: Sequence[tuple[float, float, str]],
    area: Box,
    reserved: Sequence[Box] = (),
    size: float = FONT,
) -> list[tuple[float, float, bool]]:
    """(x, baseline y, leader line needed) of each label by its dot, overlapping nothing.

    Labels, dots and `reserved` boxes never overlap; a label takes the first free spot around its
    dot, else one further out (drawn with a leader line). Every label stays inside `area`.
    """
    taken: list[Box] = [*reserved, *((x - 6, y - 6, x + 6, y + 6) for x, y, _ in anchors)]
    placed: list[tuple[float, float, bool]] = [(0.0, 0.0, False)] * len(anchors)
    near = ((8, -4), (-8, -4), (8, 12), (-8, 12), (0, -10), (0, 20), (8, -16), (-8, -16))
    far = [(sx * 14, sy * step) for step in range(24, 240, 12) for sy in (-1, 1) for sx in (1, -1)]
    for i in sorted(range(len(anchors)), key=lambda i: (anchors[i][1], anchors[i][0])):
        x, y, text = anchors[i]
        width, height = text_width(text, size), size * (ASCENT + DESCENT)

        def box_at(left: float, baseline: float) -> Box:
            return (left, baseline - ASCENT * size, left + width, baseline + DESCENT * size)  # noqa: B023

        def free(box: Box) -> bool:
            inside = area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1]
            return inside and box[3] <= area[3] and not any(_overlaps(box, b) for b in taken)

        found = None
        for n, (dx, dy) in enumerate([*near, *far]):
            left = x + dx if dx > 0 else (x + dx - width if dx < 0 else x - width / 2)
            if free(box_at(left, y + dy)):
                found = (left, y + dy, n >= len(near))
                break
        if found is None:  # a crowded plot: the first free row from the bottom, with a leader
            baseline = area[3] - 2
            while baseline - ASCENT * size > area[1] and not free(box_at(area[0] + 2, baseline)):
                baseline -= height
            found = (area[0] + 2, baseline, True)
        taken.append(box_at(found[0], found[1]))
        placed[i] = found
    return placed


def _x(performance: float) -> float:
    return PAD + (performance - 1) / 4 * (WIDTH - 2 * PAD)


def _y(importance: float) -> float:
    return HEIGHT - PAD - (importance - 1) / 4 * (HEIGHT - 2 * PAD)


def ipa_svg(
    points: Sequence[IPAPoint], importance_cross: float | None, performance_cross: float | None
) -> str:
    """Performance on x, importance on y (both 1–5), crosshairs at the means; labels escaped."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="重要性-表现分析（IPA）" font-family="sans-serif" font-size="{FONT}">',
        f'<rect x="{PAD}" y="{PAD}" width="{WIDTH - 2 * PAD}" height="{HEIGHT - 2 * PAD}" '
        'fill="#fff" stroke="#adb5bd"/>',
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 14}" text-anchor="middle">'
        "顾客感知表现（CSAT 1–5）</text>",
        f'<text transform="translate(16 {HEIGHT / 2}) rotate(-90)" text-anchor="middle">'
        "顾客认为的重要性（1–5）</text>",
    ]
    for tick in range(1, 6):
        parts.append(
            f'<text x="{_x(tick):.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle">{tick}</text>'
        )
        parts.append(f'<text x="{PAD - 10}" y="{_y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    reserved: list[Box] = []
    if importance_cross is not None and performance_cross is not None:
        cx, cy = _x(performance_cross), _y(importance_cross)
        dashed = 'stroke="#495057" stroke-dasharray="4 3"'
        parts.append(f'<line x1="{cx:.1f}" y1="{PAD}" x2="{cx:.1f}" y2="{HEIGHT - PAD}" {dashed}/>')
        parts.append(f'<line x1="{PAD}" y1="{cy:.1f}" x2="{WIDTH - PAD}" y2="{cy:.1f}" {dashed}/>')
        for quadrant in QUADRANTS:  # its label in its corner of the plot
            corner_x = WIDTH - PAD - 6 if quadrant.performing else PAD + 6
            corner_y = PAD + 16 if quadrant.important else HEIGHT - PAD - 8
            anchor = "end" if quadrant.performing else "start"
            parts.append(
                f'<text x="{corner_x}" y="{corner_y}" text-anchor="{anchor}" '
                f'fill="{quadrant.colour}" '
                f'font-weight="bold" class="quadrant">{quadrant.label}</text>'
            )
            width = text_width(quadrant.label)
            left = corner_x - width if quadrant.performing else corner_x
            reserved.append((left - 2, corner_y - ASCENT * FONT - 2, left + width + 2,
                             corner_y + DESCENT * FONT + 2))  # fmt: skip
    anchors = [(_x(p.performance), _y(p.importance), p.label) for p in points]
    area: Box = (PAD + 2, PAD + 2, WIDTH - PAD - 2, HEIGHT - PAD - 2)
    # The quadrant names keep their corners; point labels are placed around them.
    spots = place_labels(anchors, area, reserved)
    for point, (x, y, _), (lx, ly, leader) in zip(points, anchors, spots, strict=True):
        placed = BY_KEY.get(point.quadrant or "")
        colour = placed.colour if placed else "#495057"
        label = escape(point.label)
        dot = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}">'
        parts.append(f"{dot}<title>{label}</title></circle>")
        if leader:
            parts.append(
                f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{lx:.1f}" y2="{ly - 4:.1f}" '
                'stroke="#adb5bd" stroke-width="0.8"/>'
            )
        parts.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="start" fill="#212529" '
            f'class="point-label">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


TREND_W, TREND_H = 680, 300
T_LEFT, T_RIGHT, T_TOP, T_BOTTOM = 52, 150, 24, 46
STEP = {"nps": 10.0, "csat": 0.25}


def trend_svg(metric: str, periods: Sequence[str], lines: Sequence[TrendLine]) -> str:
    """One line per stage over the periods; y fitted to the data; hollow dots: n < 30."""
    values = [v for line in lines for v in line.values if v is not None]
    title = "NPS" if metric == "nps" else "CSAT（1–5）"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {TREND_W} {TREND_H}" role="img" '
        f'aria-label="{title} 各阶段趋势" font-family="sans-serif" font-size="{FONT}">'
    ]
    if not values or not periods:
        parts.append(
            f'<text x="{TREND_W / 2}" y="{TREND_H / 2}" text-anchor="middle">'
            f"{formatting.NO_DATA}</text></svg>"
        )
        return "".join(parts)
    step = STEP[metric]
    low = (min(values) // step) * step
    high = (max(values) // step + 1) * step
    if metric == "csat":
        low, high = max(1.0, low), min(5.0, high)
    if metric == "nps":
        low, high = max(-100.0, low), min(100.0, high)
    plot_w = TREND_W - T_LEFT - T_RIGHT
    plot_h = TREND_H - T_TOP - T_BOTTOM

    def x(i: int) -> float:
        return T_LEFT + (plot_w * (i + 0.5) / len(periods))

    def y(v: float) -> float:
        return T_TOP + plot_h * (1 - (v - low) / (high - low or 1))

    ticks = round((high - low) / step)
    every = max(1, ticks // 6)
    for k in range(0, ticks + 1, every):
        v = low + k * step
        parts.append(
            f'<line x1="{T_LEFT}" y1="{y(v):.1f}" x2="{T_LEFT + plot_w}" y2="{y(v):.1f}" '
            'stroke="#e9ecef"/>'
            f'<text x="{T_LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#495057">'
            f"{formatting.score(v, metric)}</text>"
        )
    for i, label in enumerate(periods):
        parts.append(
            f'<text x="{x(i):.1f}" y="{TREND_H - T_BOTTOM + 18}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for index, line in enumerate(lines):
        colour = STAGE_COLOURS[index % len(STAGE_COLOURS)]
        drawn = [(i, v) for i, v in enumerate(line.values) if v is not None]
        path = " ".join(f"{'M' if j == 0 else 'L'}{x(i):.1f},{y(v):.1f}"
                        for j, (i, v) in enumerate(drawn))  # fmt: skip
        if len(drawn) > 1:
            parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, v in drawn:
            fill = "#fff" if line.low_sample[i] else colour
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="4" fill="{fill}" '
                f'stroke="{colour}" stroke-width="2"><title>{escape(line.label)} '
                f"{escape(periods[i])}: {formatting.score(v, metric)}</title></circle>"
            )
        ly = T_TOP + 8 + index * 18
        lx = TREND_W - T_RIGHT + 16
        parts.append(
            f'<rect x="{lx}" y="{ly - 9}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{lx + 20}" y="{ly - 3}">{escape(line.label)}</text>'
        )
    ly = T_TOP + 8 + len(lines) * 18 + 6
    parts.append(
        f'<circle cx="{TREND_W - T_RIGHT + 23}" cy="{ly - 6}" r="4" fill="#fff" stroke="#495057" '
        f'stroke-width="2"/><text x="{TREND_W - T_RIGHT + 36}" y="{ly - 2}" fill="#495057">'
        "空心点：n &lt; 30</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
