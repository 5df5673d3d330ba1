// Tiny DOM helpers. Every string goes in as text (textContent / text nodes), never as HTML.
const SVG_NS = "http://www.w3.org/2000/svg";

function build(node, attrs, kids) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === "text") node.textContent = String(v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid == null || kid === false) continue;
    node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return node;
}

/** An HTML element: h("td", {class: "x"}, "text", otherNode). */
export const h = (tag, attrs, ...kids) => build(document.createElement(tag), attrs, kids);
/** An SVG element. */
export const s = (tag, attrs, ...kids) => build(document.createElementNS(SVG_NS, tag), attrs, kids);

// Whole numbers as Python's format rounds them (ties to even on the exact double), so a share
// reads the same here as in the quarterly review (vocsvc/reviews/formatting.py).
const whole = (x) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x));

export const fmt = {
  nps: (v) => (v == null ? "–" : (v > 0 ? "+" : "") + Math.round(v)),
  num: (v, d = 2) => (v == null ? "–" : Number(v).toFixed(d)),
  ci: (lo, hi, f) => (lo == null || hi == null ? "" : `[${f(lo)}, ${f(hi)}]`),
  pct: (v) => (v == null ? "–" : `${whole(v * 100)}%`),
  // As the review prints them (vocsvc/reviews/formatting.py): q to three decimals, <0.001
  // below; a share's change in signed whole percentage points.
  q: (v) => (v == null ? "–" : v < 0.001 ? "<0.001" : v.toFixed(3)),
  points: (v) => (v == null ? "–" : whole(v * 100) === 0 ? "±0 个百分点" : `${v > 0 ? "+" : ""}${whole(v * 100)} 个百分点`),
};

/** A placeholder paragraph for "no data" and "not available" states. */
export const notice = (text, cls = "notice") => h("p", { class: cls, role: "note" }, text);
