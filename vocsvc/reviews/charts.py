"""The importance-performance (IPA) chart as a self-contained SVG (pure; no web or db imports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT, PAD = 640, 460, 56
QUADRANT_LABELS = {
    "concentrate_here": "重点改进",
    "keep_up_the_good_work": "继续保持",
    "low_priority": "低优先级",
    "possible_overkill": "可能过度投入",
}
QUADRANT_COLOURS = {
    "concentrate_here": "#d9480f",
    "keep_up_the_good_work": "#2b8a3e",
    "low_priority": "#868e96",
    "possible_overkill": "#1971c2",
}


@dataclass(frozen=True)
class IPAPoint:
    label: str
    importance: float
    performance: float
    quadrant: str | None


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
        f'aria-label="重要性-表现分析（IPA）" font-family="sans-serif" font-size="12">',
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
    if importance_cross is not None and performance_cross is not None:
        cx, cy = _x(performance_cross), _y(importance_cross)
        dashed = 'stroke="#495057" stroke-dasharray="4 3"'
        parts.append(f'<line x1="{cx:.1f}" y1="{PAD}" x2="{cx:.1f}" y2="{HEIGHT - PAD}" {dashed}/>')
        parts.append(f'<line x1="{PAD}" y1="{cy:.1f}" x2="{WIDTH - PAD}" y2="{cy:.1f}" {dashed}/>')
        corners: dict[str, tuple[float, float, str]] = {
            "concentrate_here": (PAD + 6, PAD + 16, "start"),
            "keep_up_the_good_work": (WIDTH - PAD - 6, PAD + 16, "end"),
            "low_priority": (PAD + 6, HEIGHT - PAD - 8, "start"),
            "possible_overkill": (WIDTH - PAD - 6, HEIGHT - PAD - 8, "end"),
        }
        for quadrant, (x, y, anchor) in corners.items():
            parts.append(
                f'<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{QUADRANT_COLOURS[quadrant]}" '
                f'font-weight="bold">{QUADRANT_LABELS[quadrant]}</text>'
            )
    for point in points:
        colour = QUADRANT_COLOURS.get(point.quadrant or "", "#495057")
        x, y = _x(point.performance), _y(point.importance)
        label = escape(point.label)
        dot = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}">'
        parts.append(f"{dot}<title>{label}</title></circle>")
        parts.append(f'<text x="{x + 7:.1f}" y="{y - 6:.1f}" fill="#212529">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)
