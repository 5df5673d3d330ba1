// Follow-up: detractor cases per department (age, time to close, assign/contact/resolve) and the
// alerts that fired, each with its evidence.
import { ApiError, get, patch } from "./api.js";
import { fmt, h, notice } from "./dom.js";
import { evidenceHref } from "./evidence.js";

const STATUS = { open: "待联系", contacted: "已联系", resolved: "已解决" };
const NEXT = { open: ["contacted", "标记已联系"], contacted: ["resolved", "标记已解决"] };
const KINDS = { nps_drop: "NPS 下降", csat_drop: "CSAT 下降", negative_share_rise: "负面评论占比上升" };
const REASONS = { "nps<=6": "NPS ≤ 6", "csat<=2": "CSAT ≤ 2", "sentiment<0.2": "评论情感 < 0.2" };
const DAY = 86_400_000;
const PAGE = 20;

const hours = (v) => (v == null ? "–" : v < 48 ? `${fmt.num(v, 1)} 小时` : `${fmt.num(v / 24, 1)} 天`);
const table = (caption, head, rows) => h("table", { class: "data" }, h("caption", { text: caption }),
  h("thead", {}, h("tr", {}, head.map((t) => h("th", { scope: "col", text: t })))), h("tbody", {}, rows));

function statsTable(stats) {
  if (!stats.departments.length) return notice("本期间没有新开的跟进工单。");
  return table("各部门跟进情况（本期间新开的工单）；关闭时长为从开单到解决", ["部门", "未关闭", "其中未联系", "已解决", "关闭时长中位数", "P90"],
    stats.departments.map((d) => h("tr", { "data-department": d.department },
      h("th", { scope: "row", text: d.department || "（未指定）" }),
      h("td", { class: "num", text: d.open }), h("td", { class: "num", text: d.not_contacted }), h("td", { class: "num", text: d.closed }),
      h("td", { class: "num", text: hours(d.median_hours_to_resolve) }), h("td", { class: "num", text: hours(d.p90_hours_to_resolve) }))));
}

function caseRow(c, names, onChange) {
  const age = (Date.now() - new Date(c.opened_at).getTime()) / DAY;
  const message = h("span", { class: "case-msg", role: "status" });
  const act = async (body) => {
    message.textContent = "";
    try {
      onChange(await patch(`/v1/cases/${c.id}`, body));
    } catch (error) {
      message.textContent = error instanceof ApiError && error.status === 403 ? "无权限：需要经理及以上角色的密钥。" : `失败：${error.message}`;
    }
  };
  const assignee = h("input", { type: "text", name: "assignee", "aria-label": `工单 ${c.id} 的负责人`, placeholder: "负责人", value: c.assignee || "", maxlength: 200 });
  const next = NEXT[c.status];
  return h("tr", { "data-case": c.id, "data-status": c.status },
    h("td", { class: "num", text: c.id }),
    h("td", { text: c.department || "（未指定）" }),
    h("td", { text: `${names.stages[c.stage] || c.stage} · ${names.touchpoints[c.touchpoint] || c.touchpoint}` }),
    h("td", { text: c.reasons.map((r) => REASONS[r] || r).join("、") }),
    h("td", { class: "nowrap", text: STATUS[c.status] || c.status }),
    h("td", { class: "num nowrap", "data-age-days": age.toFixed(2), text: `${fmt.num(age, 1)} 天` }),
    h("td", { class: "actions" },
      h("form", { class: "assign", onsubmit: (e) => { e.preventDefault(); act({ assignee: assignee.value.trim() || null }); } },
        assignee, h("button", { type: "submit", text: "指派" })),
      next ? h("button", { type: "button", "data-action": next[0], text: next[1], onclick: () => act({ status: next[0] }) }) : null,
      h("a", { href: evidenceHref({ journey: c.journey, stage: c.stage, touchpoint: c.touchpoint, only_detractors: true, with_comment: true }), text: "相关回答" }),
      message));
}

function casesTable(items, names, onChange) {
  if (!items.length) return notice("没有未关闭的跟进工单。");
  return h("div", { class: "table-wrap" }, table("未关闭的工单（最新在前）；工龄从开单算起", ["编号", "部门", "阶段 · 触点", "开单原因", "状态", "工龄", "操作"],
    items.map((c) => caseRow(c, names, onChange))));
}

function estimate(kind, e) {
  const f = kind === "nps_drop" ? fmt.nps : kind === "csat_drop" ? (v) => fmt.num(v) : fmt.pct;
  return `${e.period}：${f(e.value)} ${fmt.ci(e.ci_low, e.ci_high, f)}，n=${e.n}`;
}

function alertItem(a, names) {
  const where = a.touchpoint ? names.touchpoints[a.touchpoint] || a.touchpoint : a.stage ? names.stages[a.stage] || a.stage : "整个旅程";
  const f = a.kind === "nps_drop" ? fmt.nps : a.kind === "csat_drop" ? (v) => fmt.num(v) : (v) => `${fmt.num(v * 100, 1)} 个百分点`;
  const ch = a.change;
  return h("li", { class: "alert-item", "data-alert": a.id },
    h("p", {}, h("b", { text: `${KINDS[a.kind] || a.kind}：${where}` }), " ",
      h("span", { class: "muted", text: new Date(a.fired_at).toLocaleString("zh-CN", { hour12: false }) })),
    h("ul", { class: "evidence-list" },
      h("li", { text: `上期 ${estimate(a.kind, a.previous)}` }),
      h("li", { text: `本期 ${estimate(a.kind, a.current)}` }),
      h("li", { text: `变化 ${f(ch.difference)} ${fmt.ci(ch.ci_low, ch.ci_high, f)}（${Math.round(ch.confidence * 100)}% 置信区间），p${ch.p_value < 0.001 ? " < 0.001" : ` = ${fmt.num(ch.p_value, 3)}`}` })),
    h("a", { href: evidenceHref({ journey: a.journey, stage: a.stage, touchpoint: a.touchpoint, period: a.current.period, only_detractors: a.kind !== "negative_share_rise" }), text: "查看本期回答" }));
}

export async function renderFollowup(panel, { journey, period }) {
  const names = {
    stages: Object.fromEntries(journey.stages.map((st) => [st.key, st.name])),
    touchpoints: Object.fromEntries(journey.stages.flatMap((st) => st.touchpoints.map((tp) => [tp.key, tp.name]))),
  };
  const [stats, open, contacted, alerts] = await Promise.all([
    get("/v1/cases/stats", { journey: journey.key, period }),
    get("/v1/cases", { journey: journey.key, status: "open", limit: 200 }),
    get("/v1/cases", { journey: journey.key, status: "contacted", limit: 200 }),
    get("/v1/alerts", { journey: journey.key, limit: 50 }),
  ]);
  const items = [...open.items, ...contacted.items].sort((a, b) => b.id - a.id);
  const casesBox = panel.querySelector("#cases");
  let department = "";
  let limit = PAGE;
  const departments = [...new Set(items.map((c) => c.department))].sort();
  const picker = h("select", { "aria-label": "按部门筛选工单", onchange: (e) => { department = e.target.value; limit = PAGE; draw(); } },
    h("option", { value: "", text: "全部部门" }), departments.map((d) => h("option", { value: d, text: d || "（未指定）" })));
  const draw = () => {
    const chosen = items.filter((c) => !department || c.department === department);
    const more = chosen.length > limit
      ? h("button", { type: "button", class: "more", text: `显示全部 ${chosen.length} 条`, onclick: () => { limit = Infinity; draw(); } }) : null;
    casesBox.replaceChildren(h("div", { class: "filters" }, h("label", {}, "部门 ", picker)), casesTable(chosen.slice(0, limit), names, redraw), ...(more ? [more] : []));
  };
  const redraw = (changed) => {
    const index = items.findIndex((c) => c.id === changed.id);
    if (changed.status === "resolved") items.splice(index, 1);
    else items[index] = changed;
    draw();
  };
  panel.querySelector("#case-stats").replaceChildren(statsTable(stats));
  draw();
  panel.querySelector("#alerts").replaceChildren(alerts.items.length
    ? h("ul", { class: "alerts" }, alerts.items.map((a) => alertItem(a, names)))
    : notice("还没有触发的预警。预警规则见 API：POST /v1/alerts/rules。"));
}
