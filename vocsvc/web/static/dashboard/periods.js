// The period selector: quarters newest first, the one in progress marked, quarters without any
// answer labelled 无数据 (and not selectable); the default is the last complete quarter.
import { get } from "./api.js";
import { h } from "./dom.js";

const quarterName = (q) => q.replace("Q", " 年第 ") + " 季度";

// Answers per quarter for a journey, from the trend API (the journey's NPS, CSAT and sentiment n;
// an answer without any score or comment counts nowhere, and opens nothing to look at).
async function countsByQuarter(journeyKey, quarters) {
  const base = `/v1/journeys/${encodeURIComponent(journeyKey)}/trend`;
  const reports = await Promise.all(["nps", "csat", "sentiment"].map((metric) =>
    get(base, { metric, interval: "quarter", by: "journey", periods: quarters.length }).catch(() => null)));
  const counts = Object.fromEntries(quarters.map((q) => [q, 0]));
  for (const report of reports) {
    for (const point of report?.series?.[0]?.points || []) {
      if (point.period in counts) counts[point.period] = Math.max(counts[point.period], point.n || 0);
    }
  }
  return counts;
}

/**
 * What the selector offers: [{value, text, current, empty}], newest first, then 全部时间.
 * settings.periods (if the API serves it: {label, complete?, has_data?, n?}) wins over our count.
 */
export async function periodChoices(settings, journeyKey) {
  const served = Array.isArray(settings.periods) ? settings.periods.filter((p) => p && typeof p.label === "string") : null;
  const quarters = served ? served.map((p) => p.label) : settings.quarters;
  const counts = await countsByQuarter(journeyKey, quarters);
  return quarters.map((q, i) => {
    const info = served?.[i] || {};
    const current = info.complete === false || (info.complete == null && i === 0);
    const empty = info.has_data === false || (info.has_data == null && !(info.n ?? counts[q]));
    const text = `${quarterName(q)}${current ? "（进行中）" : ""}${empty ? " · 无数据" : ""}`;
    return { value: q, text, current, empty };
  });
}

/** Fill the select; keep `wanted` when it is offered with data, else the last complete quarter. */
export function fillPeriods(select, choices, wanted) {
  const allEmpty = choices.every((c) => c.empty);
  select.replaceChildren(
    ...choices.map((c) => h("option", { value: c.value, text: c.text, disabled: c.empty && !allEmpty, "data-current": c.current || null, "data-empty": c.empty || null })),
    h("option", { value: "", text: "全部时间" }),
  );
  const usable = choices.filter((c) => !c.empty || allEmpty);
  const pick = (wanted === "" ? { value: "" } : null) || usable.find((c) => c.value === wanted)
    || usable.find((c) => !c.current) || usable[0] || { value: "" };
  select.value = pick.value;
}
