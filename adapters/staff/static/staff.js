// The console's only script besides htmx. It does three things:
// 1. puts the session's CSRF token in the X-CSRF-Token header of every htmx request;
// 2. opens the live event stream of pages that ask for it (body data-live) and tells htmx
//    "staff:changed", so the fragments listening for it fetch themselves again;
// 3. empties a reply or note form once htmx has sent it.
"use strict";

document.addEventListener("htmx:config:request", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.ctx.request.headers["X-CSRF-Token"] = meta.content;
  }
});

// A reply or note sent with htmx leaves an empty form for the next one.
document.addEventListener("htmx:after:request", (event) => {
  const form = event.target instanceof Element ? event.target.closest("form[data-reset]") : null;
  if (form) {
    form.reset();
  }
});

document.addEventListener("DOMContentLoaded", () => {
  const url = document.body.dataset.live;
  if (!url) {
    return;
  }
  const source = new EventSource(url);
  // Once listening, fetch once more: what changed between the page and the stream shows too.
  source.addEventListener("ready", () => {
    document.body.dataset.liveReady = "true";
    document.body.dispatchEvent(new CustomEvent("staff:changed"));
  });
  source.addEventListener("changed", () => {
    document.body.dispatchEvent(new CustomEvent("staff:changed"));
  });
});
