// Pain-point keywords per stage (distinctive terms of negative comments), when the service has it.
import { ApiError, get } from "./api.js";
import { h, notice } from "./dom.js";
import { evidenceHref } from "./evidence.js";

const UNAVAILABLE = "痛点关键词暂不可用（topic analysis not available yet）。";

// A keyword opens the comments of its stage that contain it.
function term(t, top, filters) {
  const size = 1 + Math.round((t.count / top) * 3);
  return h("li", { class: `term s${size}`, title: (t.examples || []).join("\n") },
    h("a", { href: evidenceHref({ ...filters, q: t.term, with_comment: true }), "data-term": t.term },
      h("span", { class: "word", text: t.term }), h("span", { class: "count", text: `×${t.count}` })));
}

export async function renderTopics(panel, { journey, period }) {
  const target = panel.querySelector("#topics");
  let report;
  try {
    report = await get(`/v1/journeys/${encodeURIComponent(journey.key)}/topics`, { by: "stage", period, polarity: "negative" });
  } catch (error) {
    if (error instanceof ApiError && [404, 405, 501].includes(error.status) && error.body?.error !== "not_found") {
      return target.replaceChildren(notice(UNAVAILABLE, "notice unavailable"));
    }
    throw error;
  }
  const groups = report.groups || [];
  if (!groups.some((g) => g.terms && g.terms.length)) return target.replaceChildren(notice("本期间没有足够的负面评论。"));
  target.replaceChildren(...groups.map((g) => {
    const terms = g.terms || [];
    const top = Math.max(1, ...terms.map((t) => t.count));
    const examples = terms.slice(0, 3).flatMap((t) => (t.examples || []).slice(0, 1).map((e) => h("li", {}, h("b", { text: t.term }), "：", e)));
    return h("section", { class: "topic-card", "data-stage": g.key },
      h("h3", { text: g.label }),
      h("p", { class: "muted", text: `负面评论 ${g.comments} 条` }),
      terms.length ? h("ul", { class: "terms" }, terms.map((t) => term(t, top, { journey: journey.key, period, stage: g.key }))) : notice("无突出关键词"),
      examples.length ? h("details", {}, h("summary", { text: "示例评论" }), h("ul", { class: "examples" }, examples)) : null);
  }));
  if (report.sampled) target.append(notice(`评论较多，仅分析最新的 ${report.comments} 条。`));
}
