// The response browser: filters, newest first, "load more" pages and the CSV export link.
import { apiUrl, get } from "./api.js";
import { fmt, h, notice } from "./dom.js";

const SENTIMENT = { positive: "正面", negative: "负面", neutral: "中性" };
let dateFormat = null;
let loads = 0;

function options(select, items, keep) {
  select.replaceChildren(h("option", { value: "", text: "全部" }), ...items.map(([value, text]) => h("option", { value, text })));
  select.value = items.some(([v]) => v === keep) ? keep : "";
}

function row(r, names) {
  const sentiment = r.sentiment_label ? `${SENTIMENT[r.sentiment_label] || r.sentiment_label} ${fmt.num(r.sentiment)}` : "–";
  return h("tr", { "data-id": r.id },
    h("td", { class: "nowrap", text: dateFormat.format(new Date(r.submitted_at)) }),
    h("td", { text: names.stages[r.stage] || r.stage }),
    h("td", { text: names.touchpoints[r.touchpoint] || r.touchpoint }),
    ["nps", "csat", "ces", "importance"].map((k) => h("td", { class: "num", text: r[k] ?? "–" })),
    h("td", { class: "nowrap", text: sentiment }),
    h("td", { class: "comment", text: r.comment || "" }),
    h("td", { text: names.segments[r.segment] || r.segment || "" }),
    h("td", { text: r.channel || "" }));
}

export async function renderResponses(panel, { journey, period, timezone }) {
  dateFormat = new Intl.DateTimeFormat("zh-CN", { timeZone: timezone, dateStyle: "short", timeStyle: "short", hour12: false });
  const form = panel.querySelector("#filters");
  const body = panel.querySelector("#responses tbody");
  const more = panel.querySelector("#more");
  const names = {
    stages: Object.fromEntries(journey.stages.map((st) => [st.key, st.name])),
    touchpoints: Object.fromEntries(journey.stages.flatMap((st) => st.touchpoints.map((tp) => [tp.key, tp.name]))),
    segments: Object.fromEntries(journey.personas.map((p) => [p.key, p.name])),
  };
  const base = `/v1/journeys/${encodeURIComponent(journey.key)}`;
  let cursor = null;

  function filters() {
    const data = new FormData(form);
    return { period, stage: data.get("stage"), touchpoint: data.get("touchpoint"), segment: data.get("segment") };
  }
  function fillTouchpoints() {
    const stage = form.elements.stage.value;
    const tps = journey.stages.filter((st) => !stage || st.key === stage).flatMap((st) => st.touchpoints);
    options(form.elements.touchpoint, tps.map((tp) => [tp.key, tp.name]), form.elements.touchpoint.value);
  }
  async function load(reset) {
    const params = { ...filters(), limit: 50, cursor: reset ? null : cursor };
    const ticket = ++loads;
    panel.querySelector("#export").href = apiUrl(`${base}/responses.csv`, filters()).href;
    const page = await get(`${base}/responses`, params);
    if (ticket !== loads) return; // the filters changed while this page was loading
    if (reset) body.replaceChildren();
    body.append(...page.items.map((r) => row(r, names)));
    if (reset && !page.items.length) body.append(h("tr", {}, h("td", { colspan: 11 }, notice("没有符合条件的回答。"))));
    cursor = page.next_cursor;
    more.hidden = cursor == null;
  }

  options(form.elements.stage, journey.stages.map((st) => [st.key, st.name]), form.elements.stage.value);
  fillTouchpoints();
  options(form.elements.segment, journey.personas.map((p) => [p.key, p.name]), form.elements.segment.value);
  form.onchange = (event) => {
    if (event.target.name === "stage") fillTouchpoints();
    load(true).catch(panel.reportError);
  };
  form.onsubmit = (event) => event.preventDefault();
  more.onclick = () => load(false).catch(panel.reportError);
  await load(true);
}
