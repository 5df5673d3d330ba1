// The dashboard shell: journey and period selectors, tabs (kept in the URL hash), view loading.
import { get } from "./api.js";
import { renderAspects } from "./aspects.js";
import { h } from "./dom.js";
import { renderFollowup } from "./followup.js";
import { renderGaps } from "./gaps.js";
import { renderMap } from "./map.js";
import { fillPeriods, periodChoices } from "./periods.js";
import { renderResponses } from "./responses.js";
import { renderTopics } from "./topics.js";
import { renderTrend } from "./trend.js";

const VIEWS = { map: renderMap, trend: renderTrend, gaps: renderGaps, topics: renderTopics, aspects: renderAspects, responses: renderResponses, followup: renderFollowup };
const status = document.getElementById("status");
const journeySelect = document.getElementById("journey");
const periodSelect = document.getElementById("period");
const tabs = [...document.querySelectorAll('[role="tab"]')];
const journeys = new Map();
const rendered = {};
let settings = null;

function say(text, isError = false) {
  status.textContent = text;
  status.classList.toggle("error", isError);
}

async function journeyDef(key) {
  if (!journeys.has(key)) journeys.set(key, await get(`/v1/journeys/${encodeURIComponent(key)}`));
  return journeys.get(key);
}

function currentView() {
  const name = location.hash.slice(1);
  return name in VIEWS ? name : "map";
}

// Renders run one at a time, each for the selections current when it starts, so a slow
// earlier render can never overwrite a later one.
let queue = Promise.resolve();
function show() {
  queue = queue.then(render);
  return queue;
}

async function render() {
  const view = currentView();
  for (const tab of tabs) {
    const on = tab.dataset.view === view;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    document.getElementById(`view-${tab.dataset.view}`).hidden = !on;
  }
  const stamp = `${journeySelect.value}|${periodSelect.value}`;
  if (rendered[view] === stamp) return;
  const panel = document.getElementById(`view-${view}`);
  panel.reportError = (error) => say(`加载失败：${error.message}`, true);
  panel.setAttribute("aria-busy", "true");
  panel.dataset.state = "loading";
  say("正在加载…");
  try {
    const context = {
      journey: await journeyDef(journeySelect.value), period: periodSelect.value,
      timezone: settings.timezone,
      quadrants: settings.quadrants, bands: settings.score_bands,
      palette: (i) => settings.stage_palette[i % settings.stage_palette.length],
      sides: settings.side_colours,
    };
    await VIEWS[view](panel, context);
    rendered[view] = stamp;
    panel.dataset.state = "ready";
    say("");
  } catch (error) {
    panel.dataset.state = "error";
    say(`加载失败：${error.message}`, true);
  } finally {
    panel.removeAttribute("aria-busy");
  }
}

function wireTabs() {
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => { location.hash = tab.dataset.view; });
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      location.hash = next.dataset.view;
    });
  });
  window.addEventListener("hashchange", show);
}

async function start() {
  settings = await get("/dashboard/settings");
  const list = await get("/v1/journeys");
  if (!list.length) {
    say("还没有任何旅程：请先用 `vocsvc journeys sync` 导入旅程定义。");
    return;
  }
  journeySelect.replaceChildren(...list.map((j) => h("option", { value: j.key, text: j.name })));
  // An evidence link (evidence.js) names the journey and period to open with.
  const asked = new URLSearchParams(location.search);
  if (list.some((j) => j.key === asked.get("journey"))) journeySelect.value = asked.get("journey");
  fillPeriods(periodSelect, await periodChoices(settings, journeySelect.value), asked.has("period") ? asked.get("period") : null);
  journeySelect.addEventListener("change", async () => {
    // Which quarters have data depends on the journey.
    const keep = periodSelect.value;
    fillPeriods(periodSelect, await periodChoices(settings, journeySelect.value), keep);
    show();
  });
  periodSelect.addEventListener("change", show);
  wireTabs();
  await show();
}

start().catch((error) => say(`加载失败：${error.message}`, true));
