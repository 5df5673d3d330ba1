"""The importance-performance (IPA) chart as a self-contained SVG (pure; no web or db imports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from vocsvc.gaps.quadrants import BY_KEY, QUADRANTS

WIDTH, HEIGHT, PAD = 640, 460, 56


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
        for quadrant in QUADRANTS:  # its label in its corner of the plot
            corner_x = WIDTH - PAD - 6 if quadrant.performing else PAD + 6
            corner_y = PAD + 16 if quadrant.important else HEIGHT - PAD - 8
            anchor = "end" if quadrant.performing else "start"
            parts.append(
                f'<text x="{corner_x}" y="{corner_y}" text-anchor="{anchor}" '
                f'fill="{quadrant.colour}" '
                f'font-weight="bold">{quadrant.label}</text>'
            )
    for point in points:
        placed = BY_KEY.get(point.quadrant or "")
        colour = placed.colour if placed else "#495057"
        x, y = _x(point.performance), _y(point.importance)
        label = escape(point.label)
        dot = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}">'
        parts.append(f"{dot}<title>{label}</title></circle>")
        parts.append(f'<text x="{x + 7:.1f}" y="{y - 6:.1f}" fill="#212529">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)
