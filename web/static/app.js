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
  document.addEventListener("htmx:afterRequest", function (e) {
    if (!e.target.classList || !e.target.classList.contains("element")) return;
    pending = Math.max(0, pending - 1);
    if (e.detail.failed && !e.detail.xhr.status) {
      say(e.target, "not-saved", "Not saved: the server could not be reached. Change the answer again to retry.");
    } else if (e.detail.failed && e.detail.xhr.status !== 422 && e.detail.xhr.status !== 409) {
      say(e.target, "not-saved", "Not saved: the server answered " + e.detail.xhr.status + ".");
    }
  });
  window.addEventListener("beforeunload", function (e) {
    if (pending > 0) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
})();
