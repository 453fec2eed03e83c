// bpwalk's browser player: navigates the frames that bpwalk.export.web wrote as JSON.
// The keys mean what they mean in `bpwalk run` (bpwalk/walk/navigate.py): keep the two alike.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("bpwalk-data").textContent);
  const STYLES = Object.keys(D.styles), LANGS = Object.keys(D.words);
  const NEXT = ["right", "down", " ", "enter", "l", "j"], BACK = ["left", "up", "backspace", "p", "h", "k"];
  const S = { style: D.start.style, lang: D.start.lang, index: 0, mode: "normal", buffer: "",
              search: "", message: "", alarm: false, anchor: -1 };
  const $ = (sel, root) => (root || document).querySelector(sel);
  const words = () => D.words[S.lang];
  const say = (key, fields) => words()[key].replace(/\{(\w+)\}/g, (_, f) => String(fields[f]));
  const frames = () => D.styles[S.style].frames;
  const pageOf = (i) => D.styles[S.style][S.lang][i];
  const html = (ids) => ids.map((i) => D.pool[i]).join("");
  // the search form of a name, as bpwalk.walk.frames.normalize writes it
  const SUB = "₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹";
  const normalize = (t) => t.toLowerCase().replace(/[₀-₉⁰¹²³⁴-⁹]/g, (c) => String(SUB.indexOf(c) % 10))
    .replace(/[\s_.{}\\^()⁺+]/g, "");

  function shell() {
    const b = (key, word, text) => `<button type="button" data-key="${key}" data-word="${word}">${text}</button>`;
    document.body.insertAdjacentHTML("afterbegin", `
<div id="player">
 <header class="bar"><strong class="title"></strong>
  <div class="seg" id="styles" role="group">${STYLES.map((s) => `<button type="button" data-style="${s}"></button>`).join("")}</div>
  <div class="seg" id="langs" role="group">${LANGS.map((l) => `<button type="button" data-lang="${l}"></button>`).join("")}</div>
  <button type="button" id="help-button" data-key="?" data-word="web.help">?</button></header>
 <p id="rounding"></p>
 <div class="stage"><aside id="net"></aside>
  <article id="frame"><p class="where"></p><h2><span class="n"></span> <span class="label"></span></h2><div class="body"></div></article></div>
 <footer class="bar" id="controls">
  <div class="buttons">${b("g", "web.first", "⇤")}${b("[", "web.prev_phase", "[")}${b("left", "web.back", "←")}
   <span id="position"></span>${b("right", "web.next", "→")}${b("]", "web.next_phase", "]")}${b("G", "web.last", "⇥")}
   ${b("/", "web.search", "/")}</div>
  <input type="range" id="slider" min="1" value="1">
  <form id="search" hidden><input id="query" autocomplete="off" spellcheck="false"><small></small></form>
  <p id="status" role="status" aria-live="polite"></p></footer>
 <div id="help" role="dialog" hidden><div class="card"><h2></h2><table></table><p class="caption"></p>
  <button type="button" id="help-close"></button></div></div>
</div>
<div id="print"></div>`);
  }

  function labels() {
    document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
    $(".title").textContent = D.title;
    for (const el of document.querySelectorAll("[data-word]")) {
      el.title = words()[el.dataset.word];
      el.setAttribute("aria-label", el.title);
    }
    for (const el of document.querySelectorAll("[data-style]")) el.textContent = say("web.style." + el.dataset.style);
    for (const el of document.querySelectorAll("[data-lang]")) el.textContent = say("web.lang." + el.dataset.lang);
    $("#styles").setAttribute("aria-label", say("web.style"));
    $("#langs").setAttribute("aria-label", say("web.lang"));
    $("#query").placeholder = say("web.search_hint");
    $("#search small").textContent = say("prompt.search_how");
    $("#rounding").textContent = D.rounding[S.lang];
    $("#net").innerHTML = D.pool[D.network[S.lang]];
    const keys = [["→  " + say("key.space") + "  Enter  l  j  ↓", "help.next"], ["←  Backspace  p  h  k  ↑", "help.back"],
      ["g  Home  /  G  End", "help.ends"], ["]  [", "help.phase"], ["12 Enter", "help.jump"], ["/w5 Enter", "help.search"],
      ["n  N", "help.repeat"], ["?", "help.help"], ["Esc", "help.esc"]];
    $("#help h2").textContent = say("help.title");
    $("#help table").innerHTML = keys.map(([k, w]) => `<tr><th><kbd>${k}</kbd></th><td>${say(w)}</td></tr>`).join("");
    $("#help .caption").textContent = say("help.caption") + " · " + say("web.help.click");
    $("#help-close").textContent = say("web.close");
  }

  function draw() {
    const f = frames()[S.index], p = pageOf(S.index), count = frames().length;
    $("#frame .where").textContent = p.where;
    $("#frame .n").textContent = String(S.index + 1);
    $("#frame .label").innerHTML = D.pool[p.label];
    $("#frame .body").innerHTML = html(p.body);
    $("#position").textContent = `${S.index + 1} / ${count}`;
    $("#position").title = say("web.position", { n: S.index + 1, count });
    const slider = $("#slider");
    slider.max = String(count);
    slider.value = String(S.index + 1);
    slider.setAttribute("aria-label", $("#position").title);
    const [result, operands] = f.marks;
    for (const el of document.querySelectorAll("#net [data-n]")) {
      el.classList.toggle("hl-r", result.includes(el.dataset.n));
      el.classList.toggle("hl-o", operands.includes(el.dataset.n));
    }
    for (const el of document.querySelectorAll("[data-style]")) el.setAttribute("aria-pressed", String(el.dataset.style === S.style));
    for (const el of document.querySelectorAll("[data-lang]")) el.setAttribute("aria-pressed", String(el.dataset.lang === S.lang));
    const status = $("#status");
    status.textContent = S.mode === "number" ? say("prompt.number") + S.buffer + "   " + say("prompt.number_how") : S.message;
    status.classList.toggle("alarm", S.alarm);
    $("#help").hidden = S.mode !== "help";
    $("#search").hidden = S.mode !== "search";
    document.body.dataset.frame = String(S.index + 1);
    clearTimeout(hashTimer);
    hashTimer = setTimeout(setHash, 120);
  }

  // the address names the step shown, a moment after the last move: browsers ignore a page that
  // rewrites its address hundreds of times in a few seconds (a held arrow key)
  let hashTimer = 0;
  function setHash() {
    const hash = "#step-" + (S.index + 1) + (S.style !== D.start.style ? "&style=" + S.style : "")
      + (S.lang !== D.start.lang ? "&lang=" + S.lang : "");
    if (location.hash !== hash) {
      try { history.replaceState(null, "", hash); } catch (e) { location.replace(hash); }
    }
  }

  function tell(key, fields, alarm) { S.message = say(key, fields || {}); S.alarm = !!alarm; }

  function starts(i) { return frames()[i].section; }

  function find(query, forward) {
    const term = normalize(query), n = frames().length, step = forward ? 1 : -1;
    for (let d = 1; d <= n; d++) {
      const j = (((S.index + step * d) % n) + n) % n;
      if (frames()[j].terms.includes(term)) {
        const wrapped = forward ? j <= S.index : j >= S.index;
        S.index = j;
        S.search = query;
        if (wrapped) tell("nav.wrapped", { query });
        return;
      }
    }
    tell("nav.not_found", { query }, true);
  }

  function sectionStart(i) { while (!starts(i)) i--; return i; }

  function normalKey(k) {
    const last = frames().length - 1;
    if (k === "n" || k === "N") { if (!S.search) tell("nav.no_search"); else find(S.search, k === "n"); }
    else if (k === "esc") {
      if (S.search) { tell("nav.search_ended", { query: S.search }); S.search = ""; } else tell("web.esc");
    } else if (NEXT.includes(k)) { if (S.index === last) tell("nav.last_step"); else S.index++; }
    else if (BACK.includes(k)) { if (S.index === 0) tell("nav.first_step"); else S.index--; }
    else if (k === "g" || k === "home") S.index = 0;
    else if (k === "G" || k === "end") S.index = last;
    else if (k === "]") {
      let j = S.index + 1;
      while (j <= last && !starts(j)) j++;
      if (j > last) tell("nav.last_phase"); else S.index = j;
    } else if (k === "[") {
      const start = sectionStart(S.index);
      if (start < S.index) S.index = start;
      else if (start === 0) tell("nav.first_phase");
      else S.index = sectionStart(start - 1);
    } else if (/^[0-9]$/.test(k)) { S.mode = "number"; S.buffer = k; }
    else if (k === "/") { S.mode = "search"; $("#query").value = ""; }
    else if (k === "?") S.mode = "help";
    else if (k.length === 1) tell("nav.no_key", { key: "'" + k + "'" }, true);
    else return false;
    return true;
  }

  function numberKey(k) {
    if (/^[0-9]$/.test(k)) S.buffer += k;
    else if (k === "backspace") { S.buffer = S.buffer.slice(0, -1); if (!S.buffer) S.mode = "normal"; }
    else if (k === "esc") { S.mode = "normal"; S.buffer = ""; }
    else if (k === "enter") {
      const n = parseInt(S.buffer, 10), count = frames().length;
      S.mode = "normal"; S.buffer = "";
      if (n >= 1 && n <= count) S.index = n - 1; else tell("nav.no_step", { n, count }, true);
    } else { S.mode = "normal"; S.buffer = ""; return normalKey(k); }
    return true;
  }

  // one key, as bpwalk.walk.navigate.transition takes it; true: the key meant something here
  function press(k) {
    S.message = ""; S.alarm = false;
    let used = true;
    if (S.mode === "help") S.mode = "normal";
    else if (S.mode === "number") used = numberKey(k);
    else if (S.mode === "search") { if (k === "esc") S.mode = "normal"; }
    else used = normalKey(k);
    draw();
    if (S.mode === "search") $("#query").focus();
    return used;
  }

  const NAMES = { ArrowRight: "right", ArrowLeft: "left", ArrowUp: "up", ArrowDown: "down", Enter: "enter",
                  Backspace: "backspace", Escape: "esc", Home: "home", End: "end" };
  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;             // the browser's own shortcuts
    if (e.target.closest && e.target.closest("#search")) return; // typing a search
    if (e.target.tagName === "INPUT" && e.target.type === "range" && !["Escape", "Enter"].includes(e.key)) return;
    const k = NAMES[e.key] || (e.key.length === 1 ? e.key : null);
    if (k === null) return;
    if (k === " " && e.target.tagName === "BUTTON") return;     // Space presses a focused button
    if (press(k)) e.preventDefault();
  }

  function goToStep(step) { S.index = D.styles[S.style].at[step]; S.mode = "normal"; S.message = ""; draw(); }

  // another style shows the frame that holds the step shown; the step is kept, so that going
  // back to the first style returns to it and not to the start of the other style's frame
  function restyle(style, lang) {
    if (D.styles[S.style].at[S.anchor] !== S.index) S.anchor = frames()[S.index].first;
    S.style = style; S.lang = lang;
    S.index = D.styles[style].at[S.anchor];
    labels(); draw();
  }

  function fromHash() {
    const m = /^#step-(\d+)((?:&\w+=\w+)*)$/.exec(location.hash);
    if (!m) return;
    const params = new URLSearchParams(m[2].slice(1));
    const style = STYLES.includes(params.get("style")) ? params.get("style") : D.start.style;
    const lang = LANGS.includes(params.get("lang")) ? params.get("lang") : D.start.lang;
    if (style !== S.style || lang !== S.lang) { S.style = style; S.lang = lang; labels(); }
    S.index = Math.min(Math.max(parseInt(m[1], 10) - 1, 0), frames().length - 1);
    draw();
  }

  // every frame of the style and language shown, for printing
  function printAll() {
    const out = frames().map((f, i) => {
      const p = pageOf(i);
      return `<section class="frame"><p class="where">${p.where}</p><h2><span class="n">${i + 1}</span> ${D.pool[p.label]}</h2>${html(p.body)}</section>`;
    });
    document.getElementById("print").innerHTML = `<figure>${D.pool[D.network[S.lang]]}</figure>` + out.join("");
  }

  shell();
  labels();
  fromHash();
  draw();
  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", fromHash);
  window.addEventListener("beforeprint", printAll);
  if (window.matchMedia) window.matchMedia("print").addEventListener("change", (q) => { if (q.matches) printAll(); });
  document.body.addEventListener("click", (e) => {
    const el = e.target.closest("button, a");
    if (!el) { if (S.mode === "help" && e.target.id === "help") press("esc"); return; }
    if (el.dataset.key) press(el.dataset.key);
    else if (el.dataset.style) restyle(el.dataset.style, S.lang);
    else if (el.dataset.lang) restyle(S.style, el.dataset.lang);
    else if (el.id === "help-close") press("esc");
    else if (/^#s\d+$/.test(el.getAttribute("href") || "")) {  // an operand's link: the step it came from
      e.preventDefault();
      goToStep(parseInt(el.getAttribute("href").slice(2), 10) - 1);
    }
  });
  $("#slider").addEventListener("input", (e) => { S.index = parseInt(e.target.value, 10) - 1; S.message = ""; draw(); });
  $("#search").addEventListener("submit", (e) => {
    e.preventDefault();
    let query = $("#query").value.trim();
    S.mode = "normal"; S.message = ""; S.alarm = false;
    if (!query) query = S.search;                              // empty: the last search again, as in less
    if (query) find(query, true);
    draw();
    document.activeElement.blur();
  });
  $("#query").addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.preventDefault(); S.mode = "normal"; draw(); e.target.blur(); }
  });
  let touch = null;                                          // a swipe across the frame: next or back
  $("#frame").addEventListener("touchstart", (e) => { touch = e.changedTouches[0]; }, { passive: true });
  $("#frame").addEventListener("touchend", (e) => {
    const t = e.changedTouches[0];
    if (touch && Math.abs(t.clientX - touch.clientX) > 60 && Math.abs(t.clientY - touch.clientY) < 40)
      press(t.clientX < touch.clientX ? "right" : "left");
    touch = null;
  }, { passive: true });
})();
