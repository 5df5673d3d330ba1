// NPS, CSAT or sentiment by stage over the quarters (or months) up to the selected period.
import { get } from "./api.js";
import { lineChart } from "./charts.js";
import { fmt, h, notice } from "./dom.js";
import { evidenceHref } from "./evidence.js";

/** The last day (YYYY-MM-DD) of a quarter label such as 2026Q3; null for "all time". */
export function lastDay(period) {
  const m = /^(\d{4})Q([1-4])$/.exec(period || "");
  if (!m) return null;
  const end = new Date(Date.UTC(Number(m[1]), Number(m[2]) * 3, 0));
  return end.toISOString().slice(0, 10);
}

const METRICS = {
  nps: { name: "NPS", format: fmt.nps, domain: [-100, 100], ref: { value: 0, label: "NPS 0" } },
  csat: { name: "CSAT", format: (v) => fmt.num(v), domain: [1, 5], ref: null },
  sentiment: { name: "情感", format: (v) => fmt.num(v), domain: [0, 1], ref: { value: 0.5, label: "中性 0.5" } },
};
const INTERVALS = { quarter: { name: "季度", periods: 4 }, month: { name: "月", periods: 12 } };

export async function renderTrend(panel, context) {
  const controls = panel.querySelector("#trend-controls");
  if (!controls.dataset.wired) {
    controls.dataset.wired = "1";
    controls.addEventListener("change", async () => {
      panel.dataset.state = "loading";
      try {
        await draw(panel, panel.trendContext);
        panel.dataset.state = "ready";
      } catch (error) {
        panel.dataset.state = "error";
        panel.reportError(error);
      }
    });
  }
  panel.trendContext = context;
  await draw(panel, context);
}

async function draw(panel, { journey, period, palette }) {
  const controls = panel.querySelector("#trend-controls");
  const metric = METRICS[controls.metric.value] ? controls.metric.value : "nps";
  const interval = INTERVALS[controls.interval.value] ? controls.interval.value : "quarter";
  const spec = METRICS[metric];
  const report = await get(`/v1/journeys/${encodeURIComponent(journey.key)}/trend`, {
    metric, interval, by: "stage", periods: INTERVALS[interval].periods, until: lastDay(period),
  });
  const target = panel.querySelector("#trend");
  panel.querySelector("#trend-title").firstChild.textContent = `各阶段 ${spec.name} 按${INTERVALS[interval].name} `;
  const series = report.series.filter((sr) => sr.points.some((p) => p.n > 0));
  if (!series.length) {
    target.replaceChildren(notice(`这些${INTERVALS[interval].name}没有 ${spec.name} 数据。`));
    return;
  }
  const position = Object.fromEntries(journey.stages.map((st, i) => [st.key, i]));
  const categories = series[0].points.map((p) => p.period);
  const star = (p) => (p.change?.significant ? `；与上期相比变化显著（q=${p.change.q_value}）` : "");
  lineChart(target, {
    name: `trend-${journey.key}-${metric}-${interval}`,
    label: `各阶段 ${spec.name} 按${INTERVALS[interval].name}的趋势`, categories, format: spec.format,
    domain: spec.domain, ref: spec.ref,
    series: series.map((sr) => ({
      name: sr.label, colour: palette(position[sr.key] ?? 0),
      points: sr.points.map((p) => ({
        value: p.n ? p.value : null, lo: p.ci_low, hi: p.ci_high, n: p.n, low: p.low_sample, note: star(p),
        href: evidenceHref({ journey: journey.key, stage: sr.key, period: p.period }),
      })),
    })),
  });
  const table = h("table", { class: "data" },
    h("caption", { text: `数据表：${spec.name} [95% 置信区间]，n；* 表示与上一期的变化显著` }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "阶段" }), categories.map((c) => h("th", { scope: "col", text: c })))),
    h("tbody", {}, series.map((sr) => h("tr", { "data-stage": sr.key },
      h("th", { scope: "row", text: sr.label }),
      sr.points.map((p) => h("td", {}, p.n
        ? h("a", { href: evidenceHref({ journey: journey.key, stage: sr.key, period: p.period }),
          text: `${spec.format(p.value)} ${fmt.ci(p.ci_low, p.ci_high, spec.format)} n=${p.n}${p.change?.significant ? " *" : ""}` })
        : "无数据"))))));
  target.append(h("details", {}, h("summary", { text: "查看数据表" }), table));
}
