// The dashboard polls the admin API once a second with the token the user typed (kept in sessionStorage only).
"use strict";
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("sdock-token") || "";
let selected = null;

async function api(path, options = {}) {
  const res = await fetch(path, { ...options, headers: { Authorization: "Bearer " + token, ...(options.headers || {}) } });
  if (res.status === 401) throw new Error("unauthorized: check the admin token");
  if (!res.ok) throw new Error(res.status + " " + (await res.text()));
  return res;
}

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (cls) td.className = cls;
  return td;
}

function renderFunctions(functions) {
  const body = $("functions").tBodies[0];
  body.replaceChildren();
  for (const f of functions) {
    const row = body.insertRow();
    row.dataset.function = f.name;
    cell(row, f.name); cell(row, f.image); cell(row, f.mode); cell(row, f.route || "/function/" + f.name);
    cell(row, f.timeoutSeconds + "s"); cell(row, f.concurrency + " (+" + f.queue + " queued)");
    cell(row, f.inFlight); cell(row, f.queued);
    const button = document.createElement("button");
    button.className = "invoke"; button.textContent = "Invoke";
    button.onclick = () => api("/admin/functions/" + encodeURIComponent(f.name) + "/invoke", { method: "POST" }).then(refresh, showError);
    row.insertCell().appendChild(button);
  }
}

function renderCalls(calls) {
  const body = $("calls").tBodies[0];
  body.replaceChildren();
  for (const c of calls) {
    const row = body.insertRow();
    row.className = "call";
    row.dataset.id = c.id;
    cell(row, new Date(c.startedAt).toLocaleTimeString());
    cell(row, c.function); cell(row, c.kind); cell(row, c.method + " " + c.path);
    cell(row, c.status === 0 ? "running" : c.status, "status s" + String(c.status)[0]);
    cell(row, c.status === 0 ? "" : c.durationMs + " ms"); cell(row, c.exitCode); cell(row, c.id.slice(0, 12));
    row.onclick = () => { selected = c.id; showDetail(); };
  }
}

async function showDetail() {
  if (!selected) return;
  const call = await (await api("/admin/calls/" + selected)).json();
  $("detail").hidden = false;
  $("detail-id").textContent = selected;
  $("detail-error").textContent = call.error || "";
  $("detail-logs").textContent = call.logs || call.stderr || "(no stderr)";
}

function showError(e) { $("state").textContent = e.message; $("state").className = "state error"; }

async function refresh() {
  if (!token) return;
  try {
    const [status, functions, calls] = await Promise.all([
      api("/admin/status").then((r) => r.json()),
      api("/admin/functions").then((r) => r.json()),
      api("/admin/calls?limit=50").then((r) => r.json()),
    ]);
    $("config-error").hidden = !status.configError;
    $("config-error").textContent = status.configError ? "functions.yaml rejected, running config kept: " + status.configError : "";
    renderFunctions(functions);
    renderCalls(calls.calls);
    $("state").textContent = "live · " + functions.length + " function(s) · " + new Date().toLocaleTimeString();
    $("state").className = "state";
  } catch (e) { showError(e); }
}

$("login").onsubmit = (e) => {
  e.preventDefault();
  token = $("token").value;
  sessionStorage.setItem("sdock-token", token);
  refresh();
};
setInterval(refresh, 1000);
refresh();
