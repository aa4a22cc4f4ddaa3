// The console's only script besides htmx. It does two things:
// 1. puts the session's CSRF token in the X-CSRF-Token header of every htmx request;
// 2. opens the live event stream of pages that ask for it (body data-live) and tells htmx
//    "staff:changed", so the fragments listening for it fetch themselves again.
"use strict";

document.addEventListener("htmx:config:request", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.ctx.request.headers["X-CSRF-Token"] = meta.content;
  }
});

document.addEventListener("DOMContentLoaded", () => {
  const url = document.body.dataset.live;
  if (!url) {
    return;
  }
  const source = new EventSource(url);
  source.addEventListener("ready", () => {
    document.body.dataset.liveReady = "true";
  });
  source.addEventListener("changed", () => {
    document.body.dispatchEvent(new CustomEvent("staff:changed"));
  });
});
