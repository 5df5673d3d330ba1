// Importance–performance analysis (IPA) from the gap-analysis API, when the service has it.
import { ApiError, get } from "./api.js";
import { dumbbell, scatter } from "./charts.js";
import { fmt, h, notice, s } from "./dom.js";
import { evidenceHref } from "./evidence.js";

const UNAVAILABLE = "差距分析暂不可用（gap analysis not available yet）。";

// A gap with its interval and whether it survives the journey-wide BH correction.
function gapText(gap) {
  if (!gap) return "无内部评分";
  const two = (v) => fmt.num(v);
  return `${fmt.num(gap.value)} ${fmt.ci(gap.ci_low, gap.ci_high, two)}${gap.significant ? "（显著）" : "（不显著）"}`;
}

const mean = (side) => (side && typeof side === "object" ? side.mean : side);

// The quadrant's name after a dot of its colour (the definitions come from /dashboard/settings).
function quadrantTag(quadrant) {
  if (!quadrant) return h("span", { class: "quadrant-tag", text: "–" });
  return h("span", { class: "quadrant-tag", "data-quadrant": quadrant.key },
    s("svg", { class: "dot", viewBox: "0 0 10 10", "aria-hidden": "true" }, s("circle", { cx: 5, cy: 5, r: 5, fill: quadrant.colour })),
    quadrant.label);
}

const NO_STAFF = "本期间还没有员工内部评分：导入后（POST /v1/assessments，每个触点多位评分人）这里会对比员工与顾客的判断。";

// Internal vs customer importance and performance per touchpoint, as dumbbells.
function renderDumbbell(target, report, names, { journey, period, sides }) {
  const rows = report.rows
    .filter((r) => r.internal_importance || r.internal_performance)
    .map((r) => ({
      label: r.label || names[r.touchpoint] || r.touchpoint, touchpoint: r.touchpoint,
      sides: {
        importance: { customer: r.customer_importance, internal: r.internal_importance, gap: r.importance_gap },
        performance: { customer: r.customer_performance, internal: r.internal_performance, gap: r.performance_gap },
      },
    }));
  if (!rows.length) return target.replaceChildren(notice(NO_STAFF));
  const significant = report.rows.filter((r) => r.importance_gap?.significant || r.performance_gap?.significant).length;
  return dumbbell(target, {
    name: `gaps-${journey.key}-${period}`, rows, colours: sides,
    label: `内部与顾客的差距（${significant} 个触点差距显著）`,
  });
}

export async function renderGaps(panel, { journey, period, quadrants, sides }) {
  const chart = panel.querySelector("#ipa");
  const table = panel.querySelector("#ipa-table");
  const bells = panel.querySelector("#gap-dumbbell");
  table.replaceChildren();
  bells.replaceChildren();
  if (!period) return chart.replaceChildren(notice("差距分析按季度计算：请在上方选择一个季度。"));
  let report;
  try {
    report = await get(`/v1/journeys/${encodeURIComponent(journey.key)}/gaps`, { period });
  } catch (error) {
    if (error instanceof ApiError && [404, 405, 501].includes(error.status) && error.body?.error !== "not_found") {
      return chart.replaceChildren(notice(UNAVAILABLE, "notice unavailable"));
    }
    throw error;
  }
  const names = Object.fromEntries(journey.stages.flatMap((st) => st.touchpoints.map((tp) => [tp.key, tp.name])));
  renderDumbbell(bells, report, names, { journey, period, sides });
  const rows = report.rows.filter((r) => mean(r.customer_importance) != null && mean(r.customer_performance) != null);
  if (!rows.length) return chart.replaceChildren(notice("本期间没有足够的重要性和满意度评分。"));
  const points = rows.map((r) => ({
    href: evidenceHref({ journey: journey.key, period, stage: r.stage, touchpoint: r.touchpoint }),
    label: r.label || names[r.touchpoint] || r.touchpoint, quadrant: r.quadrant,
    x: mean(r.customer_performance), xlo: r.customer_performance.ci_low, xhi: r.customer_performance.ci_high,
    y: mean(r.customer_importance), ylo: r.customer_importance?.ci_low, yhi: r.customer_importance?.ci_high,
  }));
  scatter(chart, {
    name: `ipa-${journey.key}-${period}`, label: "重要性–表现象限图", points, quadrants,
    xCross: report.performance_crosshair, yCross: report.importance_crosshair,
    xTitle: "顾客感知表现（CSAT 均值）", yTitle: "顾客自评重要性（均值）",
    extra: h("ul", { class: "chart-legend quadrant-legend" }, quadrants.map((q) => h("li", {}, quadrantTag(q)))),
  });
  const sorted = rows.slice().sort((a, b) => (a.priority ?? 999) - (b.priority ?? 999));
  const two = (v) => fmt.num(v);
  table.replaceChildren(h("table", { class: "data" },
    h("caption", { text: "按优先级排序（1 = 最先处理）；区间为 95% 置信区间" }),
    h("thead", {}, h("tr", {}, ["优先级", "触点", "阶段", "重要性", "表现", "象限", "重要性差距（内部−顾客）", "表现差距（内部−顾客）"].map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, sorted.map((r) => h("tr", {},
      h("td", { text: r.priority ?? "–" }),
      h("th", { scope: "row" }, h("a", { href: evidenceHref({ journey: journey.key, period, stage: r.stage, touchpoint: r.touchpoint }), text: r.label || names[r.touchpoint] || r.touchpoint })),
      h("td", { text: r.stage_label || r.stage }),
      h("td", { text: `${two(mean(r.customer_importance))} ${fmt.ci(r.customer_importance.ci_low, r.customer_importance.ci_high, two)}` }),
      h("td", { text: `${two(mean(r.customer_performance))} ${fmt.ci(r.customer_performance.ci_low, r.customer_performance.ci_high, two)}` }),
      h("td", {}, quadrantTag(quadrants.find((q) => q.key === r.quadrant))),
      h("td", { text: gapText(r.importance_gap) }),
      h("td", { text: gapText(r.performance_gap) }),
    )))));
}
