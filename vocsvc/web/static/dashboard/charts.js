// Charts drawn by Apache ECharts (loaded as /static/vendor/echarts.min.js, the global `echarts`):
// canvas rendering with real tooltips, CJK text, keyboard-free PNG export and an aria description.
// Every string that reaches a tooltip's HTML is escaped first; tooltips use classes, never inline
// style attributes (the page's CSP forbids them).
import { h } from "./dom.js";

const ec = () => globalThis.echarts;
export const esc = (text) => ec().format.encodeHTML(String(text ?? ""));
const TEXT = { fontFamily: "system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif" };
const HOLLOW_NOTE = "空心点：样本不足，结论仅供参考；竖线（横线）：95% 置信区间";

/** A tidy axis range around values (intervals included), padded, then clamped to `domain`. */
export function fitted(values, domain, pad = 0.08) {
  const finite = values.filter((v) => v != null && Number.isFinite(v));
  if (!finite.length) return domain || [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const margin = (hi - lo || Math.abs(hi) || 1) * pad;
  const step = niceStep((hi - lo + 2 * margin) / 5);
  lo = Math.floor((lo - margin) / step) * step;
  hi = Math.ceil((hi + margin) / step) * step;
  if (domain) [lo, hi] = [Math.max(domain[0], lo), Math.min(domain[1], hi)];
  return [Number(lo.toFixed(6)), Number(hi.toFixed(6)), step];
}

function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

// Interval whiskers (and dumbbell connectors) as a custom series. Each item is read from the
// closure ({x0, y0, x1, y1, colour, width}), not from ECharts' data store, which would coerce a
// mixed row of numbers and colours; the axes' ranges are set explicitly, so the items' stand-in
// values (their indexes) never stretch an axis.
function segments(name, items, colour, { xAxisIndex = 0, yAxisIndex = 0, caps = true, width = 1.5, z = 2 } = {}) {
  return {
    type: "custom", name, xAxisIndex, yAxisIndex, z, silent: true, tooltip: { show: false },
    data: items.map((_, i) => [i, i]), encode: { x: 0, y: 1 },
    renderItem: (params, api) => {
      const it = items[params.dataIndex];
      const a = api.coord([it.x0, it.y0]);
      const b = api.coord([it.x1, it.y1]);
      const style = { stroke: it.colour || colour, lineWidth: it.width || width };
      const children = [{ type: "line", shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style }];
      if (caps) {
        const vertical = Math.abs(a[0] - b[0]) < Math.abs(a[1] - b[1]);
        for (const p of [a, b]) {
          children.push({ type: "line", style,
            shape: vertical ? { x1: p[0] - 4, y1: p[1], x2: p[0] + 4, y2: p[1] } : { x1: p[0], y1: p[1] - 4, x2: p[0], y2: p[1] + 4 } });
        }
      }
      return { type: "group", children };
    },
  };
}

const seg = (x0, y0, x1, y1, colour, width) => ({ x0, y0, x1, y1, colour, width });

/** A point's symbol: filled, or hollow (white with a coloured ring) when its sample is small. */
function dot(value, colour, low, href) {
  const style = low ? { color: "#fff", borderColor: colour, borderWidth: 2 } : { color: colour };
  return { value, itemStyle: style, href, cursor: href ? "pointer" : "default" };
}

function downloadPng(chart, name) {
  const a = document.createElement("a");
  a.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
  a.download = `${name}.png`;
  document.body.append(a);
  a.click();
  a.remove();
}

/**
 * Replace `target`'s content with an ECharts chart: a figure with the chart, an optional note
 * (the legend's words: what a hollow dot or a line means) and a 导出 PNG button.
 */
export function mountChart(target, { name, label, option, note, size = "", extra = [], height }) {
  for (const old of target.querySelectorAll(".echart")) ec().getInstanceByDom(old)?.dispose();
  const box = h("div", { class: `echart ${size}`.trim(), "data-chart": name });
  if (height) box.style.height = `${height}px`; // through the CSSOM, which the CSP allows
  const button = h("button", { type: "button", class: "export", text: "导出 PNG" });
  const figure = h("figure", { class: "chart-figure" }, box,
    h("figcaption", { class: "chart-foot" }, note ? h("p", { class: "chart-note", text: note }) : null, extra, button));
  target.replaceChildren(figure);
  const chart = ec().init(box, null, { renderer: "canvas", locale: "ZH" });
  chart.setOption({
    animation: false, textStyle: TEXT,
    aria: { enabled: true, label: { description: label } },
    title: { text: label, left: 8, top: 4, textStyle: { fontSize: 14, fontWeight: 600 } },
    ...option,
  });
  button.addEventListener("click", () => downloadPng(chart, name));
  // A point with an href opens the answers behind it.
  chart.on("click", (event) => {
    const href = event.data?.href;
    if (href) location.assign(href);
  });
  new ResizeObserver(() => chart.resize()).observe(box);
  return chart;
}

function tooltipRow(colour, text, hollow) {
  return `<div class="tt-row"><span class="tt-dot${hollow ? " hollow" : ""}" data-colour="${esc(colour)}"></span>${text}</div>`;
}

// The tooltip's dots take their colour from a data attribute, set through the CSSOM once shown
// (an inline style attribute would be refused by the CSP).
function paintDots(chart) {
  const el = chart.getDom().querySelector(".tt-body");
  for (const d of el ? el.querySelectorAll(".tt-dot") : []) {
    if (d.classList.contains("hollow")) d.style.borderColor = d.dataset.colour;
    else d.style.backgroundColor = d.dataset.colour;
  }
}

/**
 * Categories on x, one line per series with 95% whiskers; points {value, lo, hi, n, low, note}.
 * series: [{name, colour, points}]; `domain` clamps the fitted y axis; `ref` a dashed line.
 */
export function lineChart(target, { name, label, categories, series, format = String, domain, ref, size }) {
  const all = series.flatMap((sr) => sr.points.flatMap((p) => [p.value, p.lo, p.hi]));
  if (ref) all.push(ref.value);
  const [min, max, step] = fitted(all, domain);
  const lines = series.map((sr, k) => ({
    type: "line", name: sr.name, color: sr.colour, symbol: "circle", symbolSize: 9, connectNulls: false,
    lineStyle: { width: 2.5, color: sr.colour }, z: 3,
    data: sr.points.map((p) => dot(p.value, p.colour || sr.colour, p.low, p.href)),
    markLine: k === 0 && ref ? { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#6b7280" },
      label: { formatter: ref.label, position: "insideEndTop" }, data: [{ yAxis: ref.value }] } : undefined,
  }));
  const whiskers = series.map((sr) => segments(`${sr.name} 区间`,
    sr.points.flatMap((p, i) => (p.lo == null || p.hi == null || p.value == null ? [] : [seg(i, p.lo, i, p.hi)])),
    sr.colour));
  const rows = (i) => series.map((sr) => {
    const p = sr.points[i];
    if (!p || p.value == null) return tooltipRow(sr.colour, `${esc(sr.name)}：无数据`, false);
    const ci = p.lo != null && p.hi != null ? ` [${format(p.lo)}, ${format(p.hi)}]` : "";
    return tooltipRow(sr.colour, `${esc(sr.name)}：<b>${format(p.value)}</b>${ci}，n=${p.n}${p.low ? "（样本不足）" : ""}${p.note ? esc(p.note) : ""}`, p.low);
  }).join("");
  const chart = mountChart(target, {
    name, label, size, note: HOLLOW_NOTE,
    option: {
      legend: series.length > 1 ? { top: 28, data: series.map((sr) => sr.name) } : undefined,
      grid: { left: 56, right: 24, top: series.length > 1 ? 64 : 44, bottom: 36 },
      tooltip: {
        trigger: "axis", confine: true, className: "tt-body",
        formatter: (items) => {
          const i = items[0].dataIndex;
          setTimeout(() => paintDots(chart));
          return `<div class="tt-title">${esc(categories[i])}</div>${rows(i)}`;
        },
      },
      xAxis: { type: "category", data: categories, boundaryGap: true },
      yAxis: { type: "value", min, max, interval: Math.abs(Math.round((max - min) / step) * step - (max - min)) < 1e-6 && Math.abs(Math.round(min / step) * step - min) < 1e-6 ? step : undefined, axisLabel: { formatter: (v) => format(v) } },
      series: [...lines, ...whiskers],
    },
  });
  return chart;
}

/**
 * Importance–performance scatter: x = performance, y = importance, crosshairs split the quadrants.
 * points: {label, x, y, xlo, xhi, ylo, yhi, quadrant}; quadrants as /dashboard/settings serves them.
 */
export function scatter(target, { name, label, points, xCross, yCross, xTitle, yTitle, quadrants, extra }) {
  const byKey = Object.fromEntries(quadrants.map((q) => [q.key, q]));
  const colour = (p) => byKey[p.quadrant]?.colour ?? "#4b5563";
  const [x0, x1] = fitted(points.flatMap((p) => [p.x, p.xlo, p.xhi]).concat(xCross), [1, 5], 0.06);
  const [y0, y1] = fitted(points.flatMap((p) => [p.y, p.ylo, p.yhi]).concat(yCross), [1, 5], 0.06);
  const whisker = points.flatMap((p) => [
    p.xlo != null && p.xhi != null ? seg(p.xlo, p.y, p.xhi, p.y, colour(p), 1) : null,
    p.ylo != null && p.yhi != null ? seg(p.x, p.ylo, p.x, p.yhi, colour(p), 1) : null,
  ].filter(Boolean));
  const corner = (q) => ({
    type: "text", silent: true, z: 10,
    ...(q.performing ? { right: 34 } : { left: 72 }), ...(q.important ? { top: 48 } : { bottom: 62 }),
    style: { text: q.label, fill: q.colour, font: `600 14px ${TEXT.fontFamily}` },
  });
  const cross = xCross != null && yCross != null;
  return mountChart(target, {
    name, label, size: "tall", extra,
    note: "点为各触点的顾客评分均值，细线为 95% 置信区间；虚线十字为各触点均值，把图分成四个象限。",
    option: {
      grid: { left: 64, right: 28, top: 44, bottom: 56 },
      graphic: cross ? quadrants.map(corner) : [],
      tooltip: {
        trigger: "item", confine: true, className: "tt-body",
        formatter: (item) => {
          const p = points[item.dataIndex];
          const ci = (lo, hi) => (lo != null && hi != null ? ` [${lo.toFixed(2)}, ${hi.toFixed(2)}]` : "");
          return `<div class="tt-title">${esc(p.label)}</div>` +
            `<div>表现 <b>${p.x.toFixed(2)}</b>${ci(p.xlo, p.xhi)}</div>` +
            `<div>重要性 <b>${p.y.toFixed(2)}</b>${ci(p.ylo, p.yhi)}</div>` +
            `<div>${esc(byKey[p.quadrant]?.label ?? "未分类")}</div>`;
        },
      },
      xAxis: { type: "value", min: x0, max: x1, name: xTitle, nameLocation: "middle", nameGap: 30, axisLabel: { formatter: (v) => v.toFixed(1) } },
      yAxis: { type: "value", min: y0, max: y1, name: yTitle, nameLocation: "middle", nameGap: 40, axisLabel: { formatter: (v) => v.toFixed(1) } },
      series: [
        {
          type: "scatter", name: "触点", symbolSize: 12, z: 4,
          data: points.map((p) => ({ value: [p.x, p.y], name: p.label, href: p.href, itemStyle: { color: colour(p), borderColor: "#fff", borderWidth: 1 } })),
          label: { show: true, formatter: (item) => item.name, position: "right", color: "#1f2937", fontSize: 12 },
          labelLayout: { moveOverlap: "shiftY" },
          markLine: cross ? { silent: true, symbol: "none", label: { show: false }, lineStyle: { type: "dashed", color: "#6b7280" },
            data: [{ xAxis: xCross }, { yAxis: yCross }] } : undefined,
        },
        segments("区间", whisker, "#9ca3af", { caps: false, z: 1 }),
      ],
    },
  });
}

/**
 * Dumbbells: per row, the customer's and the staff's mean (with intervals) on one 1–5 axis, for
 * importance (left) and performance (right); a dark connector marks a significant gap.
 * rows: {label, sides: {importance: {customer, internal, gap}, performance: {...}}}, each side
 * {mean, ci_low, ci_high, n} or null, each gap {value, ci_low, ci_high, q_value, significant} or null.
 */
export function dumbbell(target, { name, label, rows, colours }) {
  const panels = [["importance", "重要性"], ["performance", "表现"]];
  const cats = rows.map((r) => r.label);
  const values = rows.flatMap((r) => panels.flatMap(([k]) => ["customer", "internal"].flatMap((who) => {
    const side = r.sides[k][who];
    return side ? [side.mean, side.ci_low, side.ci_high] : [];
  })));
  const [min, max] = fitted(values, [1, 5], 0.04);
  const series = [];
  panels.forEach(([k], g) => {
    const connectors = rows.flatMap((r, i) => {
      const { customer: c, internal: s, gap } = r.sides[k];
      if (!c || !s) return [];
      return [seg(c.mean, i, s.mean, i, gap?.significant ? "#111827" : "#cbd5e1", gap?.significant ? 3 : 2)];
    });
    series.push(segments(`${k} 差距`, connectors, "#cbd5e1", { xAxisIndex: g, yAxisIndex: g, caps: false, z: 1 }));
    for (const [who, whoName] of [["customer", "顾客"], ["internal", "内部（员工）"]]) {
      const bars = rows.flatMap((r, i) => {
        const side = r.sides[k][who];
        const y = i + (who === "customer" ? -0.18 : 0.18);
        return side && side.ci_low != null && side.ci_high != null ? [seg(side.ci_low, y, side.ci_high, y)] : [];
      });
      series.push(segments(`${whoName} 区间`, bars, colours[who], { xAxisIndex: g, yAxisIndex: g, width: 1.2, z: 2 }));
      series.push({
        type: "scatter", name: whoName, xAxisIndex: g, yAxisIndex: g, symbolSize: 12, z: 4, color: colours[who],
        data: rows.map((r, i) => {
          const side = r.sides[k][who];
          return side ? { value: [side.mean, i + (who === "customer" ? -0.18 : 0.18)], row: i, panel: k } : { value: [null, i] };
        }),
      });
    }
  });
  const fmt2 = (v) => (v == null ? "–" : Number(v).toFixed(2));
  const sideText = (side) => (side ? `<b>${fmt2(side.mean)}</b> [${fmt2(side.ci_low)}, ${fmt2(side.ci_high)}]，n=${side.n}` : "无评分");
  const chart = mountChart(target, {
    name, label, height: Math.max(280, 150 + rows.length * 44),
    note: "每行一个触点：蓝点为顾客评分，橙点为内部员工评分，细线为 95% 置信区间；深色粗连线表示差距显著（多重比较校正后），浅色表示分不出差别。",
    option: {
      legend: { top: 28, data: ["顾客", "内部（员工）"] },
      grid: [{ left: 112, right: "52%", top: 84, bottom: 40 }, { left: "56%", right: 24, top: 84, bottom: 40 }],
      tooltip: {
        trigger: "item", confine: true, className: "tt-body",
        formatter: (item) => {
          const r = rows[item.data.row];
          if (!r) return "";
          const p = r.sides[item.data.panel];
          const gap = p.gap ? `差距（内部−顾客）${fmt2(p.gap.value)} [${fmt2(p.gap.ci_low)}, ${fmt2(p.gap.ci_high)}]，q=${p.gap.q_value ?? "–"}${p.gap.significant ? "，显著" : "，不显著"}` : "无法比较";
          setTimeout(() => paintDots(chart));
          return `<div class="tt-title">${esc(r.label)} · ${item.data.panel === "importance" ? "重要性" : "表现"}</div>` +
            tooltipRow(colours.customer, `顾客：${sideText(p.customer)}`) + tooltipRow(colours.internal, `内部：${sideText(p.internal)}`) + `<div>${gap}</div>`;
        },
      },
      title: [{ text: label, left: 8, top: 4, textStyle: { fontSize: 14, fontWeight: 600 } },
        { text: "重要性（1–5）", left: 112, top: 58, textStyle: { fontSize: 13 } }, { text: "表现（1–5）", left: "56%", top: 58, textStyle: { fontSize: 13 } }],
      xAxis: panels.map((_, g) => ({ type: "value", gridIndex: g, min, max, axisLine: { onZero: false }, axisLabel: { formatter: (v) => v.toFixed(1) } })),
      // A value axis (rows at 0, 1, …) rather than a category one: each row's two dots sit just
      // above and below its line.
      yAxis: panels.map((_, g) => ({
        type: "value", gridIndex: g, min: -1, max: rows.length, interval: 1, inverse: true, splitLine: { show: false },
        axisLabel: { show: g === 0, width: 110, overflow: "truncate", formatter: (v) => cats[v] ?? "" },
      })),
      series,
    },
  });
  return chart;
}
