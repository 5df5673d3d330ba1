/*! vocsvc survey widget. <script src=".../embed.js" data-journey="retail" data-touchpoint="checkout"
  [data-lang="en"] [data-interval-days="30"] [data-target="#css-selector"] [data-channel data-segment data-respondent]>
  The script tag's data-state tells the host page: loading | shown | suppressed | sent | error. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !me.dataset.journey || !me.dataset.touchpoint) return;
  var D = me.dataset, EN = D.lang === "en", NS = "http://www.w3.org/2000/svg";
  var API = new URL(me.src, location.href).origin;
  // Sent with every request: the API's error messages then match the widget's language.
  var LANG = EN ? "en" : "zh-CN";
  var DAYS = D.intervalDays == null || D.intervalDays === "" ? 30 : +D.intervalDays;
  var STORE = "vocsvc:answered:" + D.journey + ":" + D.touchpoint;
  var L = EN ? {
    title: "Your feedback", send: "Submit", sending: "Sending…", thanks: "Thank you for your feedback!",
    thanks2: "It helps us do better.", retrying: "Connection problem, retrying…", retry: "Try again",
    failed: "Could not send your answer. Check your connection and try again.", check: "Please check:",
    count: function (n, max) { return n + " / " + max + " characters"; },
    empty: "Please answer at least one question.", recent: "You answered recently. Thank you!",
    pt: " points", nps: ["Not at all likely", "Extremely likely"], ces: ["Very difficult", "Very easy"],
    importance: ["Not important", "Very important"],
    csat: ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
  } : {
    title: "您的反馈", send: "提交", sending: "正在提交…", thanks: "感谢您的反馈！",
    thanks2: "您的意见会帮助我们做得更好。", retrying: "网络不稳定，正在重试…", retry: "重新提交",
    failed: "提交没有成功，请检查网络后重试。", check: "请检查：", empty: "请至少回答一个问题。",
    count: function (n, max) { return "已输入 " + n + " / " + max + " 字"; },
    recent: "您最近已经评价过，感谢您的支持！", pt: " 分", nps: ["完全不可能", "非常可能"],
    ces: ["非常困难", "非常容易"], importance: ["完全不重要", "非常重要"],
    csat: ["非常不满意", "不满意", "一般", "满意", "非常满意"]
  };
  // Sizes in px only: `rem` follows the host page's <html> (62.5% there halves the widget), and
  // the host's own rules (`* { font-size: 30px }`) reach the host element, which outranks :host
  // and would pass on by inheritance; the .w wrapper resets all of it inside the shadow root.
  var CSS = ":host{all:initial;display:block}" +
    ".w{all:initial;display:block;font:15px/1.5 system-ui,-apple-system,'PingFang SC'," +
    "'Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#1f2937;text-align:left}" +
    "*{box-sizing:border-box}.card{max-width:512px;margin:0 auto;padding:16px;background:#fff;" +
    "border:1px solid #e5e7eb;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08);container-type:inline-size}" +
    "h2{font-size:17px;margin:0}.sub{margin:0 0 12px;color:#6b7280;font-size:13px}" +
    ".q{margin:14px 0}.p{display:block;font-weight:600;margin-bottom:6px}" +
    ".g{display:grid;gap:4px}.g button{min-height:44px;min-width:40px;padding:0;border:1px solid #d1d5db;" +
    "border-radius:8px;background:#f9fafb;color:inherit;font:inherit;cursor:pointer}" +
    ".g button:hover{border-color:#2563eb}.g button[aria-checked=true]{background:#2563eb;" +
    "border-color:#2563eb;color:#fff}.f button[aria-checked=true]{background:#eff6ff;color:#1d4ed8}" +
    ".f svg{width:30px;height:30px;display:block;margin:auto}" +
    "button:focus-visible,textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}" +
    ".ends{display:flex;justify-content:space-between;gap:16px;font-size:12px;color:#6b7280;margin-top:3px}" +
    "textarea{display:block;width:100%;min-height:72px;padding:8px;border:1px solid #d1d5db;border-radius:8px;" +
    "font:inherit;color:inherit;resize:vertical}.e{color:#b91c1c;font-size:13px}.e:empty,.m:empty{display:none}" +
    ".cc{font-size:12px;color:#6b7280;text-align:right;margin-top:3px}.cc.near{color:#b45309;font-weight:600}" +
    ".m{margin:12px 0;padding:8px 12px;border-radius:8px;background:#fef2f2;color:#991b1b}" +
    ".m.i{background:#eff6ff;color:#1e40af}.m ul{margin:4px 0 0;padding-left:19px}" +
    ".go{display:block;width:100%;min-height:44px;margin-top:8px;border:0;border-radius:8px;background:#2563eb;color:#fff;" +
    "font:inherit;font-weight:600;cursor:pointer}.go:disabled{opacity:.6;cursor:progress}" +
    ".done{text-align:center;padding:24px 16px}.done h2:focus{outline:none}" +
    // 11 NPS buttons need 480 px to stay 40 px wide: narrower cards put them on two rows.
    "@container (max-width:479px){.n11{grid-template-columns:repeat(6,minmax(0,1fr))!important}}" +
    "@supports not (container-type:inline-size){@media (max-width:559px){.n11{grid-template-columns:repeat(6,minmax(0,1fr))!important}}}";

  function state(s) { me.setAttribute("data-state", s); }
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs) if (attrs[k] != null) k === "text" ? (e.textContent = attrs[k]) : e.setAttribute(k, attrs[k]);
    (kids || []).forEach(function (c) { c && e.appendChild(c); });
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function face(i) { // i = 0..4, frown to smile
    var s = svg("svg", { viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", "stroke-width": "1.6", "aria-hidden": "true" });
    s.appendChild(svg("circle", { cx: 12, cy: 12, r: 10 }));
    s.appendChild(svg("circle", { cx: 8.5, cy: 9.5, r: 1, fill: "currentColor" }));
    s.appendChild(svg("circle", { cx: 15.5, cy: 9.5, r: 1, fill: "currentColor" }));
    s.appendChild(svg("path", { d: "M7.5 16Q12 " + (13 + 1.5 * i) + " 16.5 16", "stroke-linecap": "round" }));
    return s;
  }
  function recent() {
    try { var t = +localStorage.getItem(STORE); return DAYS > 0 && t > 0 && Date.now() - t < DAYS * 864e5; }
    catch (e) { return false; }
  }
  function remember() { try { localStorage.setItem(STORE, String(Date.now())); } catch (e) { /* private mode */ } }
  function uuid() {
    var c = window.crypto;
    if (c && c.randomUUID) return c.randomUUID();
    var b = new Uint8Array(16), h = "";
    if (c && c.getRandomValues) c.getRandomValues(b); else for (var i = 0; i < 16; i++) b[i] = Math.random() * 256;
    for (var j = 0; j < 16; j++) h += (b[j] + 256).toString(16).slice(1);
    return h;
  }
  function mount() {
    var host = el("div", { "data-vocsvc-survey": D.journey + "/" + D.touchpoint }), t = D.target && document.querySelector(D.target);
    if (t) t.appendChild(host);
    else if (me.parentNode && me.parentNode !== document.head) me.parentNode.insertBefore(host, me.nextSibling);
    else document.body.appendChild(host);
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); root.adoptedStyleSheets = [sheet]; // CSP-safe
    } else root.appendChild(el("style", { text: CSS }));
    return root.appendChild(el("div", { "class": "w" }));
  }
  function note(text) {
    if (!D.target) return;
    mount().appendChild(el("div", { "class": "card done", role: "status" }, [el("p", { text: text })]));
  }

  // One scale question as an ARIA radiogroup: arrows move and select, Enter/Space/click select.
  function scale(q, answers) {
    var n = q.max - q.min + 1, faces = q.id === "csat", ends = L[q.id] || [], pid = "p-" + q.id;
    var group = el("div", { role: "radiogroup", "aria-labelledby": pid, "aria-describedby": "e-" + q.id,
      "class": "g " + (faces ? "f" : "n" + n) });
    group.style.gridTemplateColumns = "repeat(" + n + ",minmax(0,1fr))";
    var buttons = [];
    function pick(i, focus) {
      buttons.forEach(function (b, j) { b.setAttribute("aria-checked", String(i === j)); b.tabIndex = i === j ? 0 : -1; });
      answers[q.id] = q.min + i;
      if (focus) buttons[i].focus();
    }
    for (var i = 0; i < n; i++) {
      var v = q.min + i, label = faces ? v + L.pt + "，" + ends[i] : v + L.pt + (i === 0 ? "，" + ends[0] : i === n - 1 ? "，" + ends[1] : "");
      var b = el("button", { type: "button", role: "radio", "aria-checked": "false", "aria-label": label,
        tabindex: i ? "-1" : "0", title: faces ? ends[i] : null, text: faces ? null : String(v) });
      if (faces) b.appendChild(face(i));
      b.addEventListener("click", pick.bind(null, i, false));
      buttons.push(b); group.appendChild(b);
    }
    group.addEventListener("keydown", function (ev) {
      var cur = buttons.indexOf(ev.target), k = ev.key, to = -1;
      if (k === "ArrowRight" || k === "ArrowDown") to = (cur + 1) % n;
      else if (k === "ArrowLeft" || k === "ArrowUp") to = (cur - 1 + n) % n;
      else if (k === "Home") to = 0; else if (k === "End") to = n - 1;
      if (to >= 0) { ev.preventDefault(); pick(to, true); }
    });
    var kids = [el("span", { "class": "p", id: pid, text: EN ? q.prompt_en : q.prompt }), group];
    if (ends.length) kids.push(el("div", { "class": "ends", "aria-hidden": "true" }, [el("span", { text: ends[0] }), el("span", { text: ends[ends.length - 1] })]));
    kids.push(el("div", { "class": "e", id: "e-" + q.id }));
    return el("div", { "class": "q" }, kids);
  }

  function render(root, survey) {
    var answers = {}, key = null, busy = false;
    var msg = el("div", { "class": "m", role: "alert" }), info = el("div", { "class": "m i", role: "status" });
    var go = el("button", { type: "submit", "class": "go", text: L.send });
    var form = el("form", { "class": "card", novalidate: "", "aria-labelledby": "h" },
      [el("h2", { id: "h", text: L.title }), el("p", { "class": "sub", text: EN ? null : survey.touchpoint_name })]);
    var comment = null;
    survey.questions.forEach(function (q) {
      if (q.min != null && q.max != null) { form.appendChild(scale(q, answers)); return; }
      var max = survey.comment_max_length, count = el("div", { "class": "cc", id: "cc" });
      comment = el("textarea", { id: "c", maxlength: String(max), rows: "3", "aria-describedby": "cc e-" + q.id });
      var counted = function () {
        var n = comment.value.length, near = n >= max * 0.9;
        count.textContent = L.count(n, max);
        count.className = near ? "cc near" : "cc";
        // Announced only close to the limit: every keystroke read aloud would drown the typing.
        if (near) count.setAttribute("aria-live", "polite"); else count.removeAttribute("aria-live");
      };
      comment.addEventListener("input", counted); counted();
      form.appendChild(el("div", { "class": "q" }, [el("label", { "class": "p", "for": "c", text: EN ? q.prompt_en : q.prompt }), comment, count, el("div", { "class": "e", id: "e-" + q.id })]));
    });
    [info, msg, go].forEach(function (e) { form.appendChild(e); });
    root.appendChild(form);

    function clear() { msg.textContent = info.textContent = ""; form.querySelectorAll(".e").forEach(function (e) { e.textContent = ""; }); }
    function problems(body) {
      var list = el("ul"), details = (body && body.details) || [];
      msg.textContent = L.check;
      if (!details.length) list.appendChild(el("li", { text: (body && body.message) || "HTTP error" }));
      details.forEach(function (p) {
        var slot = root.querySelector("#e-" + cssId(p.field));
        if (slot) slot.textContent = p.message;
        list.appendChild(el("li", { text: (p.field && p.field !== "(body)" ? p.field + ": " : "") + p.message }));
      });
      msg.appendChild(list);
    }
    function done() {
      remember(); state("sent");
      var h = el("h2", { tabindex: "-1", text: L.thanks });
      form.replaceWith(el("div", { "class": "card done", role: "status" }, [h, el("p", { "class": "sub", text: L.thanks2 })]));
      h.focus();
    }
    function send(body, attempt) {
      var ctl = window.AbortController ? new AbortController() : null, timer = ctl && setTimeout(function () { ctl.abort(); }, 15000);
      return fetch(API + "/v1/public/responses", { method: "POST", mode: "cors", credentials: "omit", signal: ctl && ctl.signal,
        headers: { "Content-Type": "application/json", "Idempotency-Key": key, "Accept-Language": LANG }, body: JSON.stringify(body) })
        .then(function (r) {
          clearTimeout(timer);
          if (r.ok) return done();
          if (r.status >= 500 || r.status === 429) throw r;
          return r.json().catch(function () { return null; }).then(function (b) { problems(b); idle(); });
        })
        .catch(function (err) {
          clearTimeout(timer);
          if (attempt >= 4) { msg.textContent = L.failed; go.textContent = L.retry; idle(); return; }
          info.textContent = L.retrying;
          var wait = Math.min(8000, 600 * Math.pow(2, attempt)) * (0.75 + Math.random() / 2);
          var ra = err && err.headers && +err.headers.get("Retry-After");
          return new Promise(function (ok) { setTimeout(ok, ra ? ra * 1000 : wait); }).then(function () { return send(body, attempt + 1); });
        });
    }
    function idle() { busy = false; go.disabled = false; info.textContent = ""; if (go.textContent === L.sending) go.textContent = L.send; }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (busy) return;
      clear();
      var body = { journey: survey.journey, touchpoint: survey.touchpoint }, any = false;
      for (var k in answers) { body[k] = answers[k]; any = true; }
      var text = comment && comment.value.trim();
      if (text) { body.comment = text; any = true; }
      if (!any) { msg.textContent = L.empty; return; }
      ["channel", "segment", "respondent"].forEach(function (f) { if (D[f]) body[f] = D[f]; });
      key = key || uuid(); // one key per answer: every retry of it is counted once
      busy = true; go.disabled = true; go.textContent = L.sending;
      send(body, 0);
    });
    state("shown");
  }
  function cssId(s) { return String(s).replace(/[^a-z0-9_-]/gi, "_"); }

  function start() {
    if (recent()) { state("suppressed"); note(L.recent); return; }
    state("loading");
    var path = "/v1/public/journeys/" + encodeURIComponent(D.journey) + "/touchpoints/" + encodeURIComponent(D.touchpoint) + "/survey";
    fetch(API + path, { credentials: "omit", headers: { "Accept-Language": LANG } })
      .then(function (r) { if (!r.ok) throw new Error("survey " + r.status); return r.json(); })
      .then(function (survey) { render(mount(), survey); })
      .catch(function (e) { state("error"); if (window.console) console.warn("vocsvc: " + e.message); });
  }
  if (document.readyState === "loading" && (D.target || me.parentNode === document.head)) document.addEventListener("DOMContentLoaded", start);
  else start();
})();
