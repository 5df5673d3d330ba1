// Hand-written SVG charts: a category line chart with intervals and an IPA scatter.
// Labels are SVG <text> (the browser's CJK fonts), tooltips are <title> elements, all set as text.
import { h, s } from "./dom.js";

export const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];
const W = 760;
const M = { l: 52, r: 20, t: 18, b: 44 };

function scale(d0, d1, r0, r1) {
  return (v) => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0);
}

function ticks(lo, hi, count = 5) {
  const raw = (hi - lo) / count || 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-6; v += step) out.push(Number(v.toFixed(6)));
  return out;
}

function extent(values, pad, clamp) {
  const finite = values.filter((v) => v != null && Number.isFinite(v));
  if (!finite.length) return clamp || [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const margin = (hi - lo || Math.abs(hi) || 1) * pad;
  lo -= margin;
  hi += margin;
  if (clamp) [lo, hi] = [Math.max(clamp[0], lo), Math.min(clamp[1], hi)];
  return [lo, hi];
}

function yAxis(svg, y, lo, hi, right, format) {
  for (const t of ticks(lo, hi)) {
    svg.append(
      s("line", { x1: M.l, x2: right, y1: y(t), y2: y(t), class: "grid" }),
      s("text", { x: M.l - 8, y: y(t) + 4, "text-anchor": "end", class: "tick", text: format(t) }),
    );
  }
}

function legend(series) {
  if (series.length < 2) return null;
  return h("ul", { class: "chart-legend" },
    series.map((sr, i) => h("li", {}, h("span", { class: `swatch c${i % PALETTE.length}`, "aria-hidden": "true" }), sr.name)));
}

/**
 * Categories on x, one line per series; each point {value, lo, hi, n, low}. Intervals are a
 * shaded band (`band: true`) or error bars. `ref` draws a dashed reference line.
 */
export function lineChart({ label, categories, series, format = String, domain, band = false, ref, height = 300 }) {
  const H = height;
  const all = series.flatMap((sr) => sr.points.flatMap((p) => [p.value, p.lo, p.hi]));
  if (ref) all.push(ref.value);
  const [lo, hi] = domain || extent(all, 0.08);
  const step = (W - M.l - M.r) / categories.length;
  const x = (i) => M.l + step * (i + 0.5);
  const y = scale(lo, hi, H - M.b, M.t);
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "chart-svg" });
  yAxis(svg, y, lo, hi, W - M.r, format);
  categories.forEach((c, i) => svg.append(s("text", { x: x(i), y: H - M.b + 22, "text-anchor": "middle", class: "tick", text: c })));
  if (ref) {
    svg.append(
      s("line", { x1: M.l, x2: W - M.r, y1: y(ref.value), y2: y(ref.value), class: "ref" }),
      s("text", { x: W - M.r - 4, y: y(ref.value) - 6, "text-anchor": "end", class: "tick", text: ref.label }),
    );
  }
  series.forEach((sr, k) => {
    const colour = PALETTE[k % PALETTE.length];
    const dx = band ? 0 : (k - (series.length - 1) / 2) * Math.min(8, step / (series.length + 1));
    const pts = sr.points.map((p, i) => ({ ...p, cx: x(i) + dx }));
    if (band) {
      const ok = pts.filter((p) => p.lo != null && p.hi != null);
      if (ok.length > 1) {
        const d = ok.map((p, i) => `${i ? "L" : "M"}${p.cx},${y(p.hi)}`).join("") +
          ok.slice().reverse().map((p) => `L${p.cx},${y(p.lo)}`).join("") + "Z";
        svg.append(s("path", { d, fill: colour, class: "band" }));
      }
    }
    let d = "";
    pts.forEach((p, i) => {
      if (p.value == null) return;
      d += `${d && pts[i - 1] && pts[i - 1].value != null ? "L" : "M"}${p.cx},${y(p.value)}`;
    });
    svg.append(s("path", { d, stroke: colour, class: "line" }));
    pts.forEach((p, i) => {
      if (p.value == null) return;
      const g = s("g", { class: "point" });
      if (!band && p.lo != null && p.hi != null) {
        g.append(
          s("line", { x1: p.cx, x2: p.cx, y1: y(p.lo), y2: y(p.hi), stroke: colour, class: "whisker" }),
          s("line", { x1: p.cx - 3, x2: p.cx + 3, y1: y(p.lo), y2: y(p.lo), stroke: colour, class: "whisker" }),
          s("line", { x1: p.cx - 3, x2: p.cx + 3, y1: y(p.hi), y2: y(p.hi), stroke: colour, class: "whisker" }),
        );
      }
      const interval = p.lo != null && p.hi != null ? ` [${format(p.lo)}, ${format(p.hi)}]` : "";
      g.append(
        s("circle", { cx: p.cx, cy: y(p.value), r: 4.5, stroke: colour, fill: p.low ? "#fff" : colour },
          s("title", { text: `${sr.name} · ${categories[i]}：${format(p.value)}${interval}，n=${p.n}${p.low ? "（样本不足）" : ""}` })),
      );
      svg.append(g);
    });
  });
  return h("figure", { class: "chart-figure" }, svg, legend(series));
}

// Greedy label placement: the first of a few spots around the point that overlaps no placed label.
function labelSpot(placed, px, py, width) {
  const spots = [[8, -6, "start"], [-8, -6, "end"], [8, 16, "start"], [-8, 16, "end"], [8, -20, "start"], [8, 30, "start"]];
  for (const [dx, dy, anchor] of spots) {
    const left = anchor === "start" ? px + dx : px + dx - width;
    const box = { l: left, r: left + width, t: py + dy - 12, b: py + dy + 2 };
    if (!placed.some((o) => box.l < o.r && box.r > o.l && box.t < o.b && box.b > o.t)) {
      placed.push(box);
      return { x: px + dx, y: py + dy, anchor };
    }
  }
  return { x: px + 8, y: py - 6, anchor: "start" };
}

/**
 * Importance–performance scatter: x = performance, y = importance, crosshairs split the quadrants.
 * points: {label, x, y, xlo, xhi, ylo, yhi, quadrant}; quadrants: [{key, label, colour, important,
 * performing}] as /dashboard/settings serves them (the two flags say which corner is whose).
 */
export function scatter({ label, points, xCross, yCross, xTitle, yTitle, quadrants, height = 420 }) {
  const H = height;
  const xs = points.flatMap((p) => [p.x, p.xlo, p.xhi]).concat(xCross);
  const ys = points.flatMap((p) => [p.y, p.ylo, p.yhi]).concat(yCross);
  const [x0, x1] = extent(xs, 0.06, [1, 5]);
  const [y0, y1] = extent(ys, 0.06, [1, 5]);
  const x = scale(x0, x1, M.l, W - M.r);
  const y = scale(y0, y1, H - M.b, M.t);
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "chart-svg" });
  yAxis(svg, y, y0, y1, W - M.r, (v) => v.toFixed(1));
  for (const t of ticks(x0, x1)) svg.append(s("text", { x: x(t), y: H - M.b + 18, "text-anchor": "middle", class: "tick", text: t.toFixed(1) }));
  svg.append(
    s("text", { x: (M.l + W - M.r) / 2, y: H - 6, "text-anchor": "middle", class: "axis-title", text: xTitle }),
    s("text", { x: 14, y: (M.t + H - M.b) / 2, "text-anchor": "middle", class: "axis-title", transform: `rotate(-90 14 ${(M.t + H - M.b) / 2})`, text: yTitle }),
  );
  if (xCross != null && yCross != null) {
    svg.append(
      s("line", { x1: x(xCross), x2: x(xCross), y1: M.t, y2: H - M.b, class: "ref" }),
      s("line", { x1: M.l, x2: W - M.r, y1: y(yCross), y2: y(yCross), class: "ref" }),
    );
    for (const q of quadrants) {
      svg.append(s("text", {
        x: q.performing ? W - M.r - 6 : M.l + 6, y: q.important ? M.t + 14 : H - M.b - 8,
        "text-anchor": q.performing ? "end" : "start", class: "quadrant", "data-quadrant": q.key, fill: q.colour, text: q.label,
      }));
    }
  }
  const byKey = Object.fromEntries(quadrants.map((q) => [q.key, q]));
  const placed = [];
  for (const p of points) {
    const colour = byKey[p.quadrant]?.colour ?? "#4b5563";
    const spot = labelSpot(placed, x(p.x), y(p.y), p.label.length * 12.5);
    const g = s("g", { class: "point" });
    if (p.xlo != null && p.xhi != null) g.append(s("line", { x1: x(p.xlo), x2: x(p.xhi), y1: y(p.y), y2: y(p.y), stroke: colour, class: "whisker faint" }));
    if (p.ylo != null && p.yhi != null) g.append(s("line", { x1: x(p.x), x2: x(p.x), y1: y(p.ylo), y2: y(p.yhi), stroke: colour, class: "whisker faint" }));
    g.append(
      s("circle", { cx: x(p.x), cy: y(p.y), r: 5.5, fill: colour, stroke: "#fff" },
        s("title", { text: `${p.label}：表现 ${p.x.toFixed(2)}，重要性 ${p.y.toFixed(2)}，${byKey[p.quadrant]?.label ?? "未分类"}` })),
      s("text", { x: spot.x, y: spot.y, "text-anchor": spot.anchor, class: "point-label", text: p.label }),
    );
    svg.append(g);
  }
  return h("figure", { class: "chart-figure" }, svg);
}
