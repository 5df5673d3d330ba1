// NPS by stage over the quarters up to the selected one, each with its 95% interval.
import { get } from "./api.js";
import { lineChart } from "./charts.js";
import { fmt, h, notice } from "./dom.js";

/** The last day (YYYY-MM-DD) of a quarter label such as 2026Q3; today for "all time". */
export function lastDay(period) {
  const m = /^(\d{4})Q([1-4])$/.exec(period || "");
  if (!m) return null;
  const end = new Date(Date.UTC(Number(m[1]), Number(m[2]) * 3, 0));
  return end.toISOString().slice(0, 10);
}

export async function renderTrend(panel, { journey, period }) {
  const report = await get(`/v1/journeys/${encodeURIComponent(journey.key)}/trend`, {
    metric: "nps", interval: "quarter", by: "stage", periods: 4, until: lastDay(period),
  });
  const target = panel.querySelector("#trend");
  const series = report.series.filter((sr) => sr.points.some((p) => p.n > 0));
  if (!series.length) {
    target.replaceChildren(notice("这些季度没有 NPS 回答。"));
    return;
  }
  const categories = series[0].points.map((p) => p.period);
  const chart = lineChart({
    label: "各阶段 NPS 按季度的趋势", categories, format: fmt.nps, domain: [-100, 100],
    series: series.map((sr) => ({
      name: sr.label,
      points: sr.points.map((p) => ({ value: p.value, lo: p.ci_low, hi: p.ci_high, n: p.n, low: p.low_sample })),
    })),
    ref: { value: 0, label: "NPS 0" }, height: 340,
  });
  const table = h("table", { class: "data" },
    h("caption", { text: "数据表：NPS [95% 置信区间]，n；* 表示与上一季度的变化显著" }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "阶段" }), categories.map((c) => h("th", { scope: "col", text: c })))),
    h("tbody", {}, series.map((sr) => h("tr", {},
      h("th", { scope: "row", text: sr.label }),
      sr.points.map((p) => h("td", {
        text: p.n ? `${fmt.nps(p.value)} ${fmt.ci(p.ci_low, p.ci_high, fmt.nps)} n=${p.n}${p.change?.significant ? " *" : ""}` : "–",
      }))))));
  target.replaceChildren(chart, h("details", {}, h("summary", { text: "查看数据表" }), table));
}
