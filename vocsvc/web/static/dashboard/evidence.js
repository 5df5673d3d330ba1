// Links from a number to the answers behind it: the response browser, filtered by query
// parameters. The names are agreed with the response browser: journey, stage, touchpoint,
// period, q (text search), only_detractors, with_comment, aspect, mixed.
export const EVIDENCE_PARAMS = ["journey", "stage", "touchpoint", "period", "q", "only_detractors", "with_comment", "aspect", "mixed"];

/** The dashboard URL that opens the response browser with these filters (unknown keys dropped). */
export function evidenceHref(filters) {
  const url = new URL("/dashboard", location.origin);
  for (const name of EVIDENCE_PARAMS) {
    const v = filters[name];
    if (v == null || v === "" || v === false) continue;
    url.searchParams.set(name, v === true ? "1" : String(v));
  }
  url.hash = "responses";
  return url.pathname + url.search + url.hash;
}
