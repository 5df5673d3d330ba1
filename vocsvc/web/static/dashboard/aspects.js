// Aspects per stage: what the comments talk about, how negative and positive, what changed (q),
// with example clauses; each aspect opens the comments behind it (aspect= in the evidence link).
import { get } from "./api.js";
import { fmt, h, notice } from "./dom.js";
import { evidenceHref } from "./evidence.js";

const AGAINST = { previous: "较上期", rest: "较旅程其他环节" };

function share(s) {
  return [h("strong", { text: fmt.pct(s.share) }), " ", h("span", { class: "ci", text: fmt.ci(s.ci_low, s.ci_high, fmt.pct) })];
}

// The negative share's change against one baseline; a significant rise is a problem to act on.
function change(row, against) {
  const c = row.changes.find((x) => x.against === against && x.side === "negative");
  if (!c || c.difference == null) return h("td", { class: "change", "data-against": against, text: "–" });
  const worse = c.significant && c.difference > 0;
  return h("td", { class: `change${c.significant ? (worse ? " worse" : " better") : ""}`, "data-against": against,
    title: `${AGAINST[against]}：基线 ${fmt.pct(c.baseline_share)}（${c.baseline_comments} 条）${fmt.ci(c.ci_low, c.ci_high, fmt.points) ? `，95% 区间 ${fmt.ci(c.ci_low, c.ci_high, fmt.points)}` : ""}` },
  fmt.points(c.difference), c.q_value == null ? null : h("span", { class: "q", text: ` · q=${fmt.q(c.q_value)}` }), c.significant ? " ★" : null);
}

function aspectRow(row, filters) {
  // As the review's action list: a significant rise of the negative share on 30 mentions or more.
  const problem = !row.low_sample && row.changes.some((c) => c.side === "negative" && c.significant && c.difference > 0);
  return h("tr", { "data-aspect": row.aspect, class: `${row.low_sample ? "low" : ""}${problem ? " problem" : ""}`.trim() || null },
    h("th", { scope: "row" }, h("a", { href: evidenceHref({ ...filters, aspect: row.aspect, with_comment: true }), text: row.label })),
    h("td", { class: "num" }, h("a", { href: evidenceHref({ ...filters, aspect: row.aspect, with_comment: true }), text: String(row.comments) })),
    h("td", { class: "negative" }, share(row.negative)),
    h("td", { class: "positive" }, share(row.positive)),
    change(row, "previous"), change(row, "rest"),
    h("td", { class: "examples" }, row.examples.length
      ? h("ul", {}, row.examples.map((e) => h("li", { class: e.polarity, "data-polarity": e.polarity }, e.polarity === "negative" ? "差：" : "好：", `“${e.text}”`)))
      : "–"));
}

function stageCard(group, filters) {
  const head = h("header", {}, h("h3", { text: group.label }),
    h("p", { class: "muted" }, `评论 ${group.comments} 条`,
      group.comments ? [" · ", h("a", { href: evidenceHref({ ...filters, with_comment: true }), text: "查看本阶段评论" })] : null));
  if (!group.aspects.length) {
    return h("section", { class: "aspect-card", "data-stage": group.key }, head,
      notice(group.comments ? "本阶段的评论没有提及可识别的方面。" : "本阶段本期间没有评论（无数据）。"));
  }
  return h("section", { class: "aspect-card", "data-stage": group.key }, head,
    h("div", { class: "table-wrap" }, h("table", { class: "data aspects" },
      h("caption", { class: "sr-only", text: `${group.label}：各方面的负面与正面占比` }),
      h("thead", {}, h("tr", {}, ["方面", "提及", "负面占比 [95% 区间]", "正面占比 [95% 区间]", "负面较上期 · q", "负面较其他环节 · q", "示例（已脱敏）"]
        .map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, group.aspects.map((row) => aspectRow(row, filters))))));
}

export async function renderAspects(panel, { journey, period }) {
  const target = panel.querySelector("#aspects");
  const report = await get(`/v1/journeys/${encodeURIComponent(journey.key)}/aspects`, { by: "stage", period });
  if (!report.groups.some((g) => g.aspects.length)) {
    return target.replaceChildren(notice(report.comments ? "本期间的评论没有提及可识别的方面。" : "本期间没有评论（无数据）。"));
  }
  const filters = { journey: journey.key, period };
  target.replaceChildren(
    ...report.groups.map((g) => stageCard(g, { ...filters, stage: g.key })),
    h("p", { class: "muted note", text: `共读取 ${report.comments} 条评论（全部，不抽样）。占比为提及该方面的评论中负面（正面）的比例，Wilson 95% 区间；q 为本页全部比较的 Benjamini–Hochberg 校正（与季度复盘相同），★ 为 q < 0.05，红色为负面显著上升（提及 30 条以上，即季度复盘“行动建议”所列）；灰色行：提及少于 30 条，仅供参考。` }));
}
