// The page's only script (the Content-Security-Policy allows no inline script).
// Upload page: drag and drop, and the size check before anything is sent.
// Job page: live progress from the server's event stream; the page reloads when a state
// changes, so that the server renders every outcome.
"use strict";

function setupUpload() {
  const form = document.getElementById("upload");
  if (!form) return;
  const input = document.getElementById("workbook");
  const zone = document.getElementById("dropzone");
  const message = document.getElementById("client-error");
  const maxBytes = Number(form.dataset.maxBytes);

  function refuse(text) {
    message.textContent = text;
    message.classList.remove("hidden");
  }

  form.addEventListener("submit", (event) => {
    const file = input.files && input.files[0];
    if (!file) {
      event.preventDefault();
      refuse(message.dataset.noFile);
    } else if (file.size > maxBytes) {
      event.preventDefault();
      refuse(message.dataset.tooLarge);
    } else {
      message.classList.add("hidden");
      document.getElementById("uploading").classList.remove("hidden");
      document.getElementById("check-button").disabled = true;
    }
  });
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    if (event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      form.requestSubmit();
    }
  });
}

function show(id, text) {
  const element = document.getElementById(id);
  if (element && text !== undefined) element.textContent = text;
}

function update(state) {
  const task = state.task;
  if (!task || !task.progress) return;
  const p = task.progress;
  show("p-elapsed", task.elapsed.toFixed(1) + " s");
  const bar = document.getElementById("task-bar");
  if (bar && p.done !== undefined) {
    bar.max = p.total;  // a comparison: solves done out of all
    bar.value = p.done;
  } else if (bar && task.limit) {
    bar.value = Math.min(task.elapsed, bar.max);  // a solve: time out of its limit
  }
  if (p.objective !== undefined) show("p-objective", p.objective.toFixed(1));
  // A gap above 100 % early in the search says nothing useful to a reader.
  if (p.gap !== undefined) show("p-gap", p.gap > 1 ? "> 100 %" : (100 * p.gap).toFixed(2) + " %");
  if (p.placed !== undefined) show("p-placed", String(p.placed));
  // A re-plan's phase: the page carries each phase's name in the page's language.
  const phase = document.getElementById("p-phase");
  if (phase && p.phase) phase.textContent = phase.dataset[p.phase] || p.phase;
  if (p.done !== undefined) show("p-done", p.done + " / " + p.total);
}

function changed(page, state) {
  if (state.check !== page.dataset.check) return true;
  const section = document.getElementById("task");
  if (!state.task) return false;
  if (!section) return true;
  const position = state.task.position === null ? "" : String(state.task.position);
  return state.task.state !== section.dataset.state || position !== section.dataset.position;
}

function setupJob() {
  const page = document.getElementById("job");
  if (!page || page.dataset.busy !== "yes") return;
  const source = new EventSource("/job/" + page.dataset.job + "/events");
  source.onmessage = (event) => {
    const state = JSON.parse(event.data);
    if (changed(page, state)) {
      source.close();
      window.location.reload();
    } else {
      update(state);
    }
  };
}

document.addEventListener("DOMContentLoaded", () => {
  setupUpload();
  setupJob();
});
