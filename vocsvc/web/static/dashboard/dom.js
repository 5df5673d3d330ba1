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

export const fmt = {
  nps: (v) => (v == null ? "–" : (v > 0 ? "+" : "") + Math.round(v)),
  num: (v, d = 2) => (v == null ? "–" : Number(v).toFixed(d)),
  ci: (lo, hi, f) => (lo == null || hi == null ? "" : `[${f(lo)}, ${f(hi)}]`),
  pct: (v) => (v == null ? "–" : `${Math.round(v * 100)}%`),
};

/** A placeholder paragraph for "no data" and "not available" states. */
export const notice = (text, cls = "notice") => h("p", { class: cls, role: "note" }, text);
