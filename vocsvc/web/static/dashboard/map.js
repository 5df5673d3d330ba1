// The journey map: stages as columns in order, touchpoints as cards, and the emotion curve.
import { get } from "./api.js";
import { lineChart } from "./charts.js";
import { fmt, h, notice } from "./dom.js";

// Besides the score bands (from /dashboard/settings, best first), the legend explains these two.
const OTHER_SWATCHES = [["none", "无数据"], ["low", "虚线边框：样本不足，结论仅供参考"]];

// The first band whose minimum the NPS reaches; without an NPS, the CSAT decides.
function band(nps, csat, bands) {
  if (nps && nps.n && nps.nps != null) return bands.find((b) => b.min_nps == null || nps.nps >= b.min_nps).key;
  if (csat && csat.n && csat.mean != null) return bands.find((b) => b.min_csat == null || csat.mean >= b.min_csat).key;
  return "none";
}

function metric(name, row, value, f) {
  if (!row || !row.n || value == null) return null;
  return h("div", { class: "metric" },
    h("dt", { text: name }),
    h("dd", {}, h("strong", { text: f(value) }), " ", h("span", { class: "ci", text: fmt.ci(row.ci_low, row.ci_high, f) })));
}

function card(tp, rows, misses, bands) {
  const nps = rows.nps[tp.key];
  const csat = rows.csat[tp.key];
  const senti = rows.sentiment[tp.key];
  const n = Math.max(nps?.n || 0, csat?.n || 0);
  const missed = misses.filter((m) => m.touchpoint === tp.key);
  const low = nps?.low_sample || csat?.low_sample;
  return h("article", { class: `tp ${band(nps, csat, bands)}${low ? " low" : ""}`, "data-touchpoint": tp.key },
    h("h3", { text: tp.name }),
    h("p", { class: "tp-meta", text: [tp.channel, tp.owner].filter(Boolean).join(" · ") }),
    tp.moment_of_truth ? h("span", { class: "badge", text: "关键时刻" }) : null,
    h("dl", {},
      metric("NPS", nps, nps?.nps, fmt.nps),
      metric("CSAT", csat, csat?.mean, (v) => fmt.num(v)),
      metric("情感", senti, senti?.mean, (v) => fmt.num(v)),
      h("div", { class: "metric" }, h("dt", { text: "n" }), h("dd", { text: String(n) }))),
    low ? h("p", { class: "flag", text: "样本不足，结论仅供参考" }) : null,
    missed.map((m) => h("p", { class: "flag miss", text: `${m.metric.toUpperCase()} 低于目标 ${m.target}${m.significantly_below ? "（显著）" : ""}` })),
  );
}

function weakest(st) {
  if (!st) return null;
  const why = st.nps && st.nps.n ? `NPS ${fmt.nps(st.nps.nps)}` : st.csat && st.csat.n ? `CSAT ${fmt.num(st.csat.mean)}` : "";
  return h("p", { class: "weakest", text: `最弱阶段：${st.label}（${why}，n=${st.n}）` });
}

function keyed(report) {
  return Object.fromEntries(report.rows.map((r) => [r.key, r]));
}

export async function renderMap(panel, { journey, period, bands, palette }) {
  const params = { period, by: "touchpoint" };
  const base = `/v1/journeys/${encodeURIComponent(journey.key)}`;
  const [nps, csat, sentiment, overview] = await Promise.all([
    get(`${base}/nps`, params), get(`${base}/csat`, params), get(`${base}/sentiment`, params), get(`${base}/overview`, { period }),
  ]);
  const rows = { nps: keyed(nps), csat: keyed(csat), sentiment: keyed(sentiment) };
  const stageRows = Object.fromEntries(overview.stages.map((st) => [st.key, st]));
  const misses = overview.moments_of_truth_below_target;

  panel.querySelector("#map-legend").replaceChildren(h("div", {},
    h("ul", { class: "bands" }, [...bands.map((b) => [b.key, b.description]), ...OTHER_SWATCHES].map(([cls, text]) =>
      h("li", {}, h("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), text))),
    weakest(stageRows[overview.weakest_stage])));
  panel.querySelector("#map").replaceChildren(
    ...journey.stages.map((stage) => {
      const st = stageRows[stage.key];
      return h("section", { class: "stage", "data-stage": stage.key, "aria-label": stage.name },
        h("header", {},
          h("h2", { text: stage.name }),
          h("p", { class: "muted", text: st ? `n=${st.n}${st.nps && st.nps.n ? ` · NPS ${fmt.nps(st.nps.nps)}` : ""}` : "" })),
        stage.touchpoints.map((tp) => card(tp, rows, misses, bands)));
    }),
  );

  const position = Object.fromEntries(journey.stages.map((st, i) => [st.key, i]));
  const points = overview.stages.map((st) => ({
    value: st.sentiment?.n ? st.sentiment.mean : null, lo: st.sentiment?.ci_low ?? null, hi: st.sentiment?.ci_high ?? null,
    n: st.sentiment?.n || 0, low: st.sentiment?.low_sample, colour: palette(position[st.key] ?? 0),
  }));
  const emotion = panel.querySelector("#emotion");
  if (points.every((p) => p.value == null)) emotion.replaceChildren(notice("本期间没有带情感分的评论。"));
  else {
    lineChart(emotion, {
      name: `emotion-${journey.key}-${period || "all"}`,
      label: "情绪曲线：各阶段评论平均情感", categories: overview.stages.map((st) => st.label),
      series: [{ name: "平均情感", colour: "#334155", points }], format: (v) => v.toFixed(2), domain: [0, 1],
      ref: { value: 0.5, label: "中性 0.5" }, size: "short",
    });
  }
}
