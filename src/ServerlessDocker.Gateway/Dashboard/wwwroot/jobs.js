// The jobs part of the dashboard (uses app.js's api, cell and token): next run per job, its last runs, a run's output.
// Shown only when the gateway runs a scheduler; like app.js it writes every value with textContent.
"use strict";
let selectedJob = null;
let selectedRun = null;

function since(start, end) {
  if (!start) return "";
  const ms = (end ? new Date(end) : new Date()) - new Date(start);
  return ms < 60000 ? (ms / 1000).toFixed(1) + " s" : Math.round(ms / 1000) + " s";
}

function nextRun(job) {
  if (job.suspended) return "suspended";
  if (!job.nextRun) return "never";
  const s = Math.max(0, Math.round((new Date(job.nextRun) - new Date()) / 1000));
  return new Date(job.nextRun).toISOString().replace(".000Z", "Z") + " (in " + s + " s)";
}

function statusCell(row, status) { cell(row, status, "job-status j-" + status); }

function renderJobs(jobs) {
  const body = $("jobs").tBodies[0];
  body.replaceChildren();
  for (const j of jobs) {
    const row = body.insertRow();
    row.className = "job" + (j.name === selectedJob ? " selected" : "");
    row.dataset.job = j.name;
    cell(row, j.name); cell(row, j.schedule); cell(row, j.timeZone);
    cell(row, nextRun(j), "next-run"); cell(row, j.running.length, "running");
    const last = row.insertCell();
    last.className = "last-runs";
    for (const r of j.lastRuns) {
      const span = document.createElement("span");
      span.className = "j-" + r.status;
      span.textContent = r.status + " ";
      span.title = r.slot;
      last.appendChild(span);
    }
    const button = document.createElement("button");
    button.className = "run-now"; button.textContent = "Run now";
    button.onclick = (e) => { e.stopPropagation(); api("/admin/jobs/" + encodeURIComponent(j.name) + "/run", { method: "POST" }).then(refreshJobs, showError); };
    row.insertCell().appendChild(button);
    row.onclick = () => { selectedJob = j.name; selectedRun = null; $("job-run").hidden = true; refreshJobs(); };
  }
}

function renderRuns(runs) {
  $("job-runs-section").hidden = false;
  $("job-runs-name").textContent = selectedJob;
  const body = $("job-runs").tBodies[0];
  body.replaceChildren();
  for (const r of runs) {
    const row = body.insertRow();
    row.className = "job-run" + (r.id === selectedRun ? " selected" : "");
    row.dataset.run = r.id;
    cell(row, r.slots > 1 ? r.slot + " … " + r.slotTo + " (" + r.slots + ")" : r.slot);
    cell(row, r.attempt); statusCell(row, r.status); cell(row, r.exitCode);
    cell(row, since(r.startedAt, r.finishedAt)); cell(row, r.reason);
    row.onclick = () => { selectedRun = r.id; showRun(r); };
    if (r.id === selectedRun) showRun(r);
  }
}

function showRun(r) {
  $("job-run").hidden = false;
  $("job-run-id").textContent = r.id + " · " + r.status + (r.runName ? " · " + r.runName : "") + (r.node ? " · node " + r.node : "");
  $("job-run-stdout").textContent = r.stdout || "(no stdout)";
  $("job-run-stderr").textContent = r.stderr || "(no stderr)";
  for (const row of $("job-runs").tBodies[0].rows) row.classList.toggle("selected", row.dataset.run === r.id);
}

async function refreshJobs() {
  if (!token) return;
  try {
    const res = await fetch("/admin/jobs", { headers: { Authorization: "Bearer " + token } });
    // 404: this gateway runs no scheduler; the section stays hidden.
    if (res.status === 404) return;
    if (!res.ok) throw new Error(res.status === 401 ? "unauthorized: check the admin token" : res.status + " " + (await res.text()));
    const data = await res.json();
    $("jobs-section").hidden = data.jobs.length === 0;
    renderJobs(data.jobs);
    if (selectedJob) {
      const runs = await (await api("/admin/jobs/" + encodeURIComponent(selectedJob) + "/runs?limit=20")).json();
      renderRuns(runs.runs);
    }
  } catch (e) { showError(e); }
}

$("login").addEventListener("submit", () => refreshJobs());
setInterval(refreshJobs, 1000);
refreshJobs();
