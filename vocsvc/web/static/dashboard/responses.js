// The response browser: filters, newest submission first, "load more" pages and the CSV export.
// Its filters live in the page URL under the API's own names (stage, touchpoint, q,
// only_detractors, with_comment, aspect, mixed; journey and period beside them), so a card or a
// keyword elsewhere can link to the answers behind it and a filtered view can be shared.
import { apiUrl, get } from "./api.js";
import { fmt, h, notice } from "./dom.js";

const SENTIMENT = { positive: "正面", negative: "负面", neutral: "中性" };
const FLAGS = [["only_detractors", "只看贬损者（NPS 0–6 或 CSAT 1–2）"], ["with_comment", "只看有评论的"],
  ["mixed", "只看评论与评分矛盾的"]];
const LINKED = ["stage", "touchpoint", "q", "aspect", ...FLAGS.map(([name]) => name)];
let dateFormat = null;
let loads = 0;
// The filters a link brought, applied once, when the journey it names is shown (the URL is
// rewritten from the form only after that, so a link is not lost while another journey shows).
let pending = new URLSearchParams(location.search);
const vocabularies = new Map();

function options(select, items, keep) {
  select.replaceChildren(h("option", { value: "", text: "全部" }), ...items.map(([value, text]) => h("option", { value, text })));
  select.value = items.some(([v]) => v === keep) ? keep : "";
}

function row(r, names) {
  const sentiment = r.sentiment_label ? `${SENTIMENT[r.sentiment_label] || r.sentiment_label} ${fmt.num(r.sentiment)}` : "–";
  const aspects = r.aspects.map((a) => names.aspects[a.aspect] || a.aspect);
  return h("tr", { "data-id": r.id, class: r.mixed ? "mixed" : null },
    h("td", { class: "nowrap", text: dateFormat.format(new Date(r.submitted_at)) }),
    h("td", { text: names.stages[r.stage] || r.stage }),
    h("td", { text: names.touchpoints[r.touchpoint] || r.touchpoint }),
    ["nps", "csat", "ces", "importance"].map((k) => h("td", { class: "num", text: r[k] ?? "–" })),
    // How the comment was read, beside it: the comment cell holds the customer's words only.
    h("td", { class: "nowrap reading" }, sentiment,
      r.mixed ? h("span", { class: "tag mixed", title: "评论的语气与评分相反", text: " · 矛盾" }) : null,
      aspects.length ? h("div", { class: "tag aspects", text: [...new Set(aspects)].join("、") }) : null),
    h("td", { class: "comment", text: r.comment || "" }),
    h("td", { text: names.segments[r.segment] || r.segment || "" }),
    h("td", { text: r.channel || "" }));
}

// The controls dashboard.html does not have yet, added once before the export links.
function addControls(form) {
  if (form.elements.q) return;
  const exportLink = form.querySelector("#export");
  const controls = [
    h("label", {}, "搜索评论 ", h("input", { type: "search", name: "q", maxlength: 200, placeholder: "如：排队" })),
    h("label", {}, "方面 ", h("select", { name: "aspect" }, h("option", { value: "", text: "全部" }))),
    ...FLAGS.map(([name, text]) => h("label", { class: "check" }, h("input", { type: "checkbox", name, value: "true" }), text)),
  ];
  exportLink.before(...controls);
  exportLink.after(h("a", { id: "export-zh", class: "button", href: "#", download: "" }, "中文列名导出"));
}

function readLink(form, query) {
  for (const name of LINKED) {
    const field = form.elements[name];
    if (!query.has(name) || !field) continue;
    const value = query.get(name);
    if (field.type === "checkbox") field.checked = ["1", "true", "yes", "on"].includes(value.toLowerCase());
    else field.value = value;
  }
}

function writeLink(params) {
  const url = new URL(location.href);
  for (const name of ["journey", "period", ...LINKED]) {
    const value = params[name];
    if (value == null || value === "" || value === false) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  history.replaceState(history.state, "", url);
}

async function vocabulary(base) {
  if (!vocabularies.has(base)) vocabularies.set(base, await get(`${base}/responses/filters`));
  return vocabularies.get(base);
}

export async function renderResponses(panel, { journey, period, timezone }) {
  dateFormat = new Intl.DateTimeFormat("zh-CN", { timeZone: timezone, dateStyle: "short", timeStyle: "short", hour12: false });
  const form = panel.querySelector("#filters");
  const body = panel.querySelector("#responses tbody");
  const more = panel.querySelector("#more");
  const base = `/v1/journeys/${encodeURIComponent(journey.key)}`;
  addControls(form);
  const { aspects } = await vocabulary(base);
  const names = {
    stages: Object.fromEntries(journey.stages.map((st) => [st.key, st.name])),
    touchpoints: Object.fromEntries(journey.stages.flatMap((st) => st.touchpoints.map((tp) => [tp.key, tp.name]))),
    segments: Object.fromEntries(journey.personas.map((p) => [p.key, p.name])),
    aspects: Object.fromEntries(aspects.map((a) => [a.key, a.name])),
  };
  let cursor = null;

  function filters() {
    const data = new FormData(form);
    const params = { period, stage: data.get("stage"), touchpoint: data.get("touchpoint"), segment: data.get("segment"),
      q: (data.get("q") || "").trim(), aspect: data.get("aspect") };
    for (const [name] of FLAGS) params[name] = data.get(name) ? "true" : null;
    return params;
  }
  function fillTouchpoints() {
    const stage = form.elements.stage.value;
    const tps = journey.stages.filter((st) => !stage || st.key === stage).flatMap((st) => st.touchpoints);
    options(form.elements.touchpoint, tps.map((tp) => [tp.key, tp.name]), form.elements.touchpoint.value);
  }
  async function load(reset) {
    const current = filters();
    const params = { ...current, limit: 50, cursor: reset ? null : cursor };
    const ticket = ++loads;
    panel.querySelector("#export").href = apiUrl(`${base}/responses.csv`, current).href;
    panel.querySelector("#export-zh").href = apiUrl(`${base}/responses.csv`, { ...current, names: "zh" }).href;
    if (!pending) writeLink({ ...current, journey: journey.key });
    panel.dataset.filters = "loading";
    const page = await get(`${base}/responses`, params);
    if (ticket !== loads) return; // the filters changed while this page was loading
    if (reset) body.replaceChildren();
    body.append(...page.items.map((r) => row(r, names)));
    if (reset && !page.items.length) body.append(h("tr", {}, h("td", { colspan: 11 }, notice("没有符合条件的回答。"))));
    cursor = page.next_cursor;
    more.hidden = cursor == null;
    panel.dataset.filters = "ready";
  }

  const link = pending && (!pending.has("journey") || pending.get("journey") === journey.key) ? pending : null;
  options(form.elements.stage, journey.stages.map((st) => [st.key, st.name]),
    link && link.has("stage") ? link.get("stage") : form.elements.stage.value);
  fillTouchpoints();
  options(form.elements.segment, journey.personas.map((p) => [p.key, p.name]), form.elements.segment.value);
  options(form.elements.aspect, aspects.map((a) => [a.key, a.name]), form.elements.aspect.value);
  if (link) {
    pending = null;
    readLink(form, link);
    fillTouchpoints();
    readLink(form, link); // the touchpoint exists only once its stage's list is filled
  }
  let typing = null;
  form.oninput = (event) => {
    if (event.target.name !== "q") return;
    clearTimeout(typing);
    typing = setTimeout(() => load(true).catch(panel.reportError), 300);
  };
  form.onchange = (event) => {
    if (event.target.name === "q") return; // handled as it is typed
    if (event.target.name === "stage") fillTouchpoints();
    load(true).catch(panel.reportError);
  };
  form.onsubmit = (event) => event.preventDefault();
  more.onclick = () => load(false).catch(panel.reportError);
  await load(true);
}
