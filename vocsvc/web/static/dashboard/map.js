// The journey map: stages as columns in order, touchpoints as cards, and the emotion curve.
import { get } from "./api.js";
import { lineChart } from "./charts.js";
import { fmt, h, notice } from "./dom.js";
import { evidenceHref } from "./evidence.js";

// Besides the score bands (from /dashboard/settings, best first), the legend explains these two.
const OTHER_SWATCHES = [["none", "无数据"], ["low", "虚线边框：样本不足，结论仅供参考"]];
const METRIC_NAMES = { nps: "NPS", csat: "CSAT", sentiment: "情感", aspect: "方面" };
// The words for each ranking verdict (vocsvc/analytics/ranking.py decides which applies).
const VERDICTS = {
  weakest: "最弱阶段", tied_weakest: "并列最弱（区间重叠，无法区分）", stronger: "", small_sample: "样本不足，未参与比较", no_data: "无数据",
};

function metric(name, row, value, f) {
  if (!row || !row.n || value == null) return null;
  return h("div", { class: "metric" },
    h("dt", { text: name }),
    h("dd", {}, h("strong", { text: f(value) }), " ", h("span", { class: "ci", text: fmt.ci(row.ci_low, row.ci_high, f) })));
}

// The card's colour and flags come from the API (one rule: vocsvc/analytics/cards.py).
function card(tp, stage, rows, status, filters) {
  const nps = rows.nps[tp.key];
  const csat = rows.csat[tp.key];
  const senti = rows.sentiment[tp.key];
  const n = Math.max(nps?.n || 0, csat?.n || 0);
  const band = status?.band || "none";
  return h("article", { class: `tp ${band}${status?.low_sample ? " low" : ""}`, "data-touchpoint": tp.key, "data-band": band },
    h("h3", { text: tp.name }),
    h("p", { class: "tp-meta", text: [tp.channel, tp.owner].filter(Boolean).join(" · ") }),
    tp.moment_of_truth ? h("span", { class: "badge", text: "关键时刻" }) : null,
    h("dl", {},
      metric("NPS", nps, nps?.nps, fmt.nps),
      metric("CSAT", csat, csat?.mean, (v) => fmt.num(v)),
      metric("情感", senti, senti?.mean, (v) => fmt.num(v)),
      h("div", { class: "metric" }, h("dt", { text: "n" }), h("dd", { text: String(n) }))),
    (status?.flags || []).map((f) => h("p", { class: `flag ${f.kind}`, "data-flag": f.kind, text: f.text })),
    n ? h("p", { class: "evidence" },
      h("a", { href: evidenceHref({ ...filters, stage: stage.key, touchpoint: tp.key }), text: `查看 ${n} 条回答` }), " · ",
      h("a", { href: evidenceHref({ ...filters, stage: stage.key, touchpoint: tp.key, only_detractors: true, with_comment: true }), text: "贬损者评论" }),
      senti?.mixed ? [" · ", h("a", { href: evidenceHref({ ...filters, stage: stage.key, touchpoint: tp.key, mixed: true }), text: `评分与评论矛盾 ${senti.mixed} 条` })] : null)
      : null,
  );
}

function scoreText(r) {
  if (r.score == null) return "";
  const used = r.metrics.map((m) => METRIC_NAMES[m] || m).join("、");
  return `${used} 综合得分 ${fmt.num(r.score)} ${fmt.ci(r.score_low, r.score_high, (v) => fmt.num(v))}`;
}

/** The ranking: who is weakest, whether it can be told apart, and every stage in order. */
function rankingSummary(ranking, names, filters, aspectEvidence) {
  if (!ranking || !ranking.stages?.length) return null;
  const label = (key) => names[key] || key;
  const weakest = ranking.weakest || [];
  const headline = !weakest.length ? "各阶段都没有足够的数据，无法判断最弱阶段。"
    : ranking.distinguishable ? `最弱阶段：${label(weakest[0])}（${scoreText(ranking.stages[0])}）`
      : `无法区分最弱阶段：${weakest.map(label).join("、")} 的得分区间重叠，差别可能只是抽样误差。`;
  return h("div", { class: "ranking" },
    h("p", { class: `weakest${ranking.distinguishable ? "" : " tie"}`, text: headline }),
    aspectEvidence === "rebuilding" ? h("p", { class: "muted", "data-note": "aspects-rebuilding", text: "评论方面数据正在重建，本次排序暂未计入各方面的好评率。" }) : null,
    h("details", {}, h("summary", { text: "各阶段排序（从弱到强）与规则" }),
      h("ol", { class: "rank-list" }, ranking.stages.map((r) => h("li", { "data-stage": r.key, "data-verdict": r.verdict },
        h("a", { href: evidenceHref({ ...filters, stage: r.key }) }, h("b", { text: r.label })), " ", scoreText(r) || "无数据", VERDICTS[r.verdict] ? ` · ${VERDICTS[r.verdict]}` : ""))),
      h("p", { class: "muted", text: ranking.rule })));
}

function keyed(report) {
  return Object.fromEntries(report.rows.map((r) => [r.key, r]));
}

export async function renderMap(panel, { journey, period, bands, palette }) {
  const filters = { journey: journey.key, period };
  const params = { period, by: "touchpoint" };
  const base = `/v1/journeys/${encodeURIComponent(journey.key)}`;
  const [nps, csat, sentiment, overview] = await Promise.all([
    get(`${base}/nps`, params), get(`${base}/csat`, params), get(`${base}/sentiment`, params), get(`${base}/overview`, { period }),
  ]);
  const rows = { nps: keyed(nps), csat: keyed(csat), sentiment: keyed(sentiment) };
  const stageRows = Object.fromEntries(overview.stages.map((st) => [st.key, st]));
  const cards = Object.fromEntries((overview.touchpoints || []).map((c) => [c.key, c]));
  const ranked = Object.fromEntries((overview.ranking?.stages || []).map((r) => [r.key, r]));
  const names = Object.fromEntries(journey.stages.map((st) => [st.key, st.name]));

  panel.querySelector("#map-legend").replaceChildren(h("div", {},
    h("ul", { class: "bands" }, [...bands.map((b) => [b.key, b.description]), ...OTHER_SWATCHES].map(([cls, text]) =>
      h("li", {}, h("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), text))),
    rankingSummary(overview.ranking, names, filters, overview.aspect_evidence)));
  panel.querySelector("#map").replaceChildren(
    ...journey.stages.map((stage) => {
      const st = stageRows[stage.key];
      const r = ranked[stage.key];
      const verdict = r ? VERDICTS[r.verdict] : "";
      return h("section", { class: `stage${r && ["weakest", "tied_weakest"].includes(r.verdict) ? " weak" : ""}`, "data-stage": stage.key, "aria-label": stage.name },
        h("header", {},
          h("h2", { text: stage.name }),
          verdict ? h("span", { class: `rank-badge ${r.verdict}`, text: verdict }) : null,
          h("p", { class: "muted", text: st ? `n=${st.n}${st.nps && st.nps.n ? ` · NPS ${fmt.nps(st.nps.nps)}` : ""}${r?.rank ? ` · 由弱到强第 ${r.rank}` : ""}` : "" }),
          st?.n ? h("a", { class: "evidence", href: evidenceHref({ ...filters, stage: stage.key }), text: "查看本阶段回答" }) : null),
        stage.touchpoints.map((tp) => card(tp, stage, rows, cards[tp.key], filters)));
    }),
  );

  const position = Object.fromEntries(journey.stages.map((st, i) => [st.key, i]));
  const points = overview.stages.map((st) => ({
    value: st.sentiment?.n ? st.sentiment.mean : null, lo: st.sentiment?.ci_low ?? null, hi: st.sentiment?.ci_high ?? null,
    n: st.sentiment?.n || 0, low: st.sentiment?.low_sample, colour: palette(position[st.key] ?? 0),
    href: evidenceHref({ ...filters, stage: st.key, with_comment: true }),
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
