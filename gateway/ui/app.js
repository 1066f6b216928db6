// xner projection viewer: plain JavaScript, no build step. Reads one page of a finished job at a time from
// GET /v1/jobs/{id}/sentences and the job's counts from GET /v1/jobs/{id}/summary (see docs/viewer.md).
"use strict";

const PAGE_SIZE = 25;
const POLL_MS = 500;
const FIXED_HUES = { PER: 210, LOC: 130, ORG: 30, MISC: 285, DATE: 180, GPE: 95, NORP: 330 };

const state = { job: "", lang: "", status: "", offset: 0, total: 0, matched: 0 };
const $ = (id) => document.getElementById(id);

function hue(label) {
  if (label in FIXED_HUES) return FIXED_HUES[label];
  let h = 0;
  for (const ch of label) h = (h * 31 + ch.codePointAt(0)) % 360;
  return h;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "style") node.setAttribute("style", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").classList.toggle("error", isError);
}

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  const key = $("key").value.trim();
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(path, { ...options, headers });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    throw new Error(`${response.status}: ${message}`);
  }
  return body;
}

function query(extra = {}) {
  const params = new URLSearchParams();
  if (state.lang) params.set("lang", state.lang);
  for (const [k, v] of Object.entries(extra)) if (v !== "" && v !== null && v !== undefined) params.set(k, v);
  return params.toString();
}

function syncUrl() {
  const params = new URLSearchParams();
  params.set("job", state.job);
  if (state.lang) params.set("lang", state.lang);
  if (state.status) params.set("status", state.status);
  if (state.offset) params.set("offset", state.offset);
  history.replaceState(null, "", `?${params}`);
}

// ---- opening a job -------------------------------------------------------------------------------------------

async function openJob(job) {
  state.job = job.trim();
  $("job").value = state.job;
  say("Loading…");
  try {
    const info = await api(`/v1/jobs/${encodeURIComponent(state.job)}`);
    if (info.status === "queued" || info.status === "running") {
      say(`Job ${info.status}: ${info.progress.done}/${info.progress.total} steps done…`);
      const polled = state.job;
      setTimeout(() => state.job === polled && openJob(polled), POLL_MS); // unless another job was opened meanwhile
      return;
    }
    chooseLanguage(info.languages);
    await loadSummary();
    await loadPage();
    say(info.errors.length ? `Job ${info.status}; ${info.errors.length} step(s) failed: ${info.errors[0].reason}` : "");
  } catch (error) {
    say(error.message, true);
  }
}

function chooseLanguage(languages) {
  const select = $("lang");
  select.replaceChildren(...languages.map((code) => el("option", { value: code }, code)));
  if (!languages.includes(state.lang)) state.lang = languages[0];
  select.value = state.lang;
  $("lang-label").hidden = languages.length < 2;
}

function percent(x) {
  return x === null || x === undefined ? "" : (100 * x).toFixed(1);
}

async function loadSummary() {
  const summary = await api(`/v1/jobs/${encodeURIComponent(state.job)}/summary?${query()}`);
  const box = $("summary");
  const chips = el("div", { class: "chips" }, el("span", {}, `${summary.sentences} sentences`));
  for (const [status, n] of Object.entries(summary.status_counts)) {
    chips.append(el("span", { class: `badge ${status}`, "data-count": status }, `${status} ${n}`));
  }
  const evaluation = summary.evaluation;
  const head = ["type", "source", "projected"];
  if (evaluation) head.push("gold", "P", "R", "F1");
  const table = el("table", { id: "per-type" }, el("tr", {}, ...head.map((h) => el("th", {}, h))));
  for (const [label, counts] of Object.entries(summary.per_type)) {
    const cells = [el("span", { class: "badge", style: `background: hsl(${hue(label)} 85% 90%)` }, label)];
    cells.push(String(counts.source), String(counts.projected));
    if (evaluation) {
      const scores = evaluation.per_type[label] || {};
      cells.push(String(counts.gold), percent(scores.precision), percent(scores.recall), percent(scores.f1));
    }
    table.append(el("tr", { "data-type": label }, ...cells.map((c) => el("td", {}, c))));
  }
  if (evaluation) {
    const o = evaluation.overall;
    table.append(
      el("tr", { class: "overall" }, ...["all", "", "", String(o.support), percent(o.precision), percent(o.recall),
        percent(o.f1)].map((c) => el("td", {}, c))),
    );
  }
  const note = evaluation
    ? el("p", {}, `P/R/F1 against the target's gold labels (seqeval semantics, ${summary.evaluated_sentences} sentences).`)
    : el("p", {}, "No gold target labels in this job: give the target as CoNLL or JSONL with labels to see P/R/F1.");
  box.replaceChildren(chips, table, note);
  box.hidden = false;
}

async function loadPage() {
  const page = await api(
    `/v1/jobs/${encodeURIComponent(state.job)}/sentences?${query({ offset: state.offset, limit: PAGE_SIZE, status: state.status })}`,
  );
  state.total = page.total;
  state.matched = page.matched;
  const list = $("sentences");
  list.replaceChildren(...page.sentences.map(renderSentence));
  $("controls").hidden = false;
  const last = Math.min(state.offset + page.sentences.length, page.matched);
  $("range").textContent = page.matched
    ? `${state.offset + 1}–${last} of ${page.matched}${state.status ? ` (${page.total} in all)` : ""}`
    : `no sentences match (${page.total} in all)`;
  $("prev").disabled = state.offset === 0;
  $("next").disabled = last >= page.matched;
  for (const button of $("filter").querySelectorAll("button")) {
    button.classList.toggle("active", button.dataset.status === state.status);
  }
  syncUrl();
  requestAnimationFrame(drawAllLinks);
}

// ---- one sentence ---------------------------------------------------------------------------------------------

function spanText(tokens, span) {
  return tokens.slice(span.start, span.end).join(" ");
}

function renderRow(side, tokens, spans, marks = {}) {
  const row = el("div", { class: `row ${side}`, dir: "auto", "data-side": side });
  const starts = new Map(spans.map((span, k) => [span.start, [span, k]]));
  const misses = marks.misses || new Set();
  let i = 0;
  while (i < tokens.length) {
    const token = (j) =>
      el("span", { class: `tok${misses.has(j) ? " miss" : ""}`, "data-i": j, title: misses.has(j) ? "missed gold span" : null }, tokens[j]);
    const found = starts.get(i);
    if (!found) {
      row.append(token(i));
      i += 1;
      continue;
    }
    const [span, k] = found;
    let tag = span.label;
    if (typeof span.score === "number") tag += ` · ${span.score.toFixed(2)}`;
    const wrong = span.correct === false;
    const group = el("span", {
      class: `ent${wrong ? " fp" : ""}`,
      style: `--hue: ${hue(span.label)}`,
      "data-label": span.label,
      "data-k": k,
      "data-source": span.source ?? null,
      title: wrong ? `${span.label}: false positive (no gold span with these bounds and label)` : span.label,
    }, el("span", { class: "tag", dir: "ltr" }, wrong ? `✗ ${tag}` : tag)); // own dir: ignored by the row's dir=auto
    const words = el("span", { class: "words" });
    for (let j = span.start; j < span.end; j += 1) words.append(token(j));
    group.append(words);
    row.append(group);
    i = span.end;
  }
  return row;
}

function missedTokens(gold) {
  const tokens = new Set();
  for (const span of gold ? gold.misses : []) for (let j = span.start; j < span.end; j += 1) tokens.add(j);
  return tokens;
}

function renderSentence(sentence) {
  const item = el("li", { class: `sentence ${sentence.status}`, "data-index": sentence.index, "data-status": sentence.status });
  item.append(
    el("header", {},
      el("span", { class: "index" }, `#${sentence.index + 1}`),
      el("span", { class: `badge ${sentence.status}` }, sentence.status),
      el("span", { class: "reason" }, sentence.reason || "")),
  );
  const pair = el("div", { class: "pair" });
  if (sentence.source) {
    pair.append(el("div", { class: "side" }, "source"), renderRow("source", sentence.source.tokens, sentence.source.spans));
  }
  pair.append(
    el("div", { class: "side" }, "target"),
    renderRow("target", sentence.target.tokens, sentence.target.spans, { misses: missedTokens(sentence.gold) }),
  );
  if (sentence.source && sentence.links) {
    pair.prepend(document.createElementNS("http://www.w3.org/2000/svg", "svg"));
    pair.firstChild.setAttribute("class", "links");
    pair.dataset.links = JSON.stringify(sentence.links);
  }
  item.append(pair, renderNotes(sentence));
  wireHover(pair);
  return item;
}

function renderNotes(sentence) {
  const notes = el("div", { class: "notes" });
  const source = sentence.source;
  if (sentence.lost.length) {
    const list = el("ul", {});
    for (const lost of sentence.lost) {
      const text = source ? `“${spanText(source.tokens, lost)}” ` : "";
      list.append(el("li", {}, `${text}${lost.label}: ${lost.reason}`));
    }
    notes.append("Not projected:", list);
  }
  if (sentence.gold && sentence.gold.misses.length) {
    const list = el("ul", {});
    for (const miss of sentence.gold.misses) {
      list.append(el("li", { class: "bad" }, `“${spanText(sentence.target.tokens, miss)}” ${miss.label}`));
    }
    notes.append("Missed gold spans:", list);
  }
  if (!source && sentence.status === "failed") notes.append("The source of a failed chunk is not in its result.");
  return notes;
}

// ---- alignment links: SVG lines between token boxes, and hover highlighting ---------------------------------------

function drawLinks(pair) {
  const svg = pair.querySelector("svg.links");
  if (!svg) return;
  const links = JSON.parse(pair.dataset.links);
  const box = pair.getBoundingClientRect();
  const source = pair.querySelector(".row.source");
  const target = pair.querySelector(".row.target");
  const lines = [];
  for (const [i, j] of links) {
    const a = source.querySelector(`.tok[data-i="${i}"]`);
    const b = target.querySelector(`.tok[data-i="${j}"]`);
    if (!a || !b) continue;
    const ra = a.getBoundingClientRect();
    const rb = b.getBoundingClientRect();
    const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
    line.setAttribute("x1", (ra.left + ra.width / 2 - box.left).toFixed(1));
    line.setAttribute("y1", (ra.bottom - box.top).toFixed(1));
    line.setAttribute("x2", (rb.left + rb.width / 2 - box.left).toFixed(1));
    line.setAttribute("y2", (rb.top - box.top).toFixed(1));
    line.setAttribute("class", "link");
    line.dataset.s = i;
    line.dataset.t = j;
    lines.push(line);
  }
  svg.replaceChildren(...lines);
}

function drawAllLinks() {
  for (const pair of document.querySelectorAll("#sentences .pair")) drawLinks(pair);
}

function wireHover(pair) {
  const clear = () => pair.querySelectorAll(".hl").forEach((node) => node.classList.remove("hl"));
  pair.addEventListener("mouseover", (event) => {
    clear();
    const token = event.target.closest(".tok");
    const entity = event.target.closest(".ent");
    if (!token && !entity) return;
    const side = (token || entity).closest(".row").dataset.side;
    const other = side === "source" ? "target" : "source";
    const [mine, theirs] = side === "source" ? ["s", "t"] : ["t", "s"];
    const indices = token ? [token.dataset.i] : [...entity.querySelectorAll(".tok")].map((t) => t.dataset.i);
    for (const i of indices) {
      pair.querySelector(`.row.${side} .tok[data-i="${i}"]`).classList.add("hl");
      for (const line of pair.querySelectorAll(`line[data-${mine}="${i}"]`)) {
        line.classList.add("hl");
        const partner = pair.querySelector(`.row.${other} .tok[data-i="${line.dataset[theirs]}"]`);
        if (partner) partner.classList.add("hl");
      }
    }
    if (entity && side === "source") {
      const match = pair.querySelector(`.row.target .ent[data-source="${entity.dataset.k}"]`);
      if (match) match.classList.add("hl");
    }
  });
  pair.addEventListener("mouseleave", clear);
}

// ---- projecting a pasted or uploaded pair (a normal job: POST /v1/projections, parallel mode) ------------------

async function projectPair(event) {
  event.preventDefault();
  const body = {
    source_lang: $("pair-source-lang").value.trim(),
    target_lang: $("pair-target-lang").value.trim(),
    corpus: { format: $("pair-source-format").value, data: $("pair-source").value },
    target: { format: $("pair-target-format").value, data: $("pair-target").value },
    options: { method: $("pair-method").value },
  };
  try {
    say("Submitting…");
    const accepted = await api("/v1/projections", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    Object.assign(state, { lang: "", status: "", offset: 0 });
    $("pair").open = false;
    await openJob(accepted.job_id);
  } catch (error) {
    say(error.message, true);
  }
}

function readInto(fileInput, textarea) {
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0];
    if (file) textarea.value = await file.text();
  });
}

// ---- wiring -----------------------------------------------------------------------------------------------------

function init() {
  const params = new URLSearchParams(location.search);
  $("key").value = sessionStorage.getItem("xner-key") || "";
  $("key").addEventListener("change", () => sessionStorage.setItem("xner-key", $("key").value.trim()));
  $("open-form").addEventListener("submit", (event) => {
    event.preventDefault();
    Object.assign(state, { lang: "", status: "", offset: 0 });
    openJob($("job").value);
  });
  $("lang").addEventListener("change", async () => {
    Object.assign(state, { lang: $("lang").value, offset: 0 });
    try {
      await loadSummary();
      await loadPage();
    } catch (error) {
      say(error.message, true);
    }
  });
  $("filter").addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    Object.assign(state, { status: button.dataset.status, offset: 0 });
    await loadPage().catch((error) => say(error.message, true));
  });
  $("prev").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    loadPage().catch((error) => say(error.message, true));
  });
  $("next").addEventListener("click", () => {
    state.offset += PAGE_SIZE;
    loadPage().catch((error) => say(error.message, true));
  });
  $("pair-form").addEventListener("submit", projectPair);
  readInto($("pair-source-file"), $("pair-source"));
  readInto($("pair-target-file"), $("pair-target"));
  let pending = false;
  window.addEventListener("resize", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      drawAllLinks();
    });
  });
  if (params.get("job")) {
    state.lang = params.get("lang") || "";
    state.status = params.get("status") || "";
    state.offset = Math.max(0, parseInt(params.get("offset") || "0", 10) || 0);
    openJob(params.get("job"));
  }
}

init();
