// Shareline's small behaviours on top of htmx: say "saving" while a save is in flight, say
// "not saved" when the network fails, and warn before leaving with a save still pending.
(function () {
  "use strict";
  var pending = 0;

  function statusOf(form) {
    return form && form.querySelector ? form.querySelector(".save-status") : null;
  }

  function say(form, cls, text) {
    var st = statusOf(form);
    if (!st) return;
    st.textContent = "";
    var span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    st.appendChild(span);
  }

  document.addEventListener("htmx:beforeRequest", function (e) {
    if (!e.target.classList || !e.target.classList.contains("element")) return;
    pending++;
    say(e.target, "saving", "Saving…");
  });
  // A save that fails because the network or the database is down is retried with a growing
  // delay (1 s, 2 s, 4 s ... at most 30 s) until it succeeds or the person leaves the page; the
  // element says so meanwhile. Refusals (409, 422) are shown and not retried.
  var retries = new WeakMap();
  function retry(form) {
    var delay = Math.min(30000, (retries.get(form) || 500) * 2);
    retries.set(form, delay);
    pending++;
    say(form, "not-saved", "Not saved, retrying in " + Math.round(delay / 1000) + " s…");
    setTimeout(function () {
      pending = Math.max(0, pending - 1);
      if (document.body.contains(form)) htmx.trigger(form, "submit");
    }, delay);
  }

  document.addEventListener("htmx:afterRequest", function (e) {
    if (!e.target.classList || !e.target.classList.contains("element")) return;
    pending = Math.max(0, pending - 1);
    var status = e.detail.xhr ? e.detail.xhr.status : 0;
    // A network error comes with detail.error set and status 0, not with detail.failed.
    var failed = e.detail.failed || e.detail.error || !status;
    if (!failed) {
      retries.delete(e.target);
    } else if (!status || status === 503 || status === 502 || status === 504) {
      retry(e.target);
    } else if (status !== 422 && status !== 409) {
      say(e.target, "not-saved", "Not saved: the server answered " + status + ".");
    }
  });
  window.addEventListener("beforeunload", function (e) {
    if (pending > 0) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
})();
