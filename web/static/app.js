// Shareline's small behaviours on top of htmx, for the evaluation form. Every edit ends saved, or
// refused with the server's message on its field until fixed; the page asks before it is left
// with an edit not saved. One live region says what happened to each save.
(function () {
  "use strict";

  // Per form: gen counts edits, sent is the edit count a request in flight carries, busy the
  // requests (and retries) not finished, refused whether the last answer left a problem shown.
  var forms = new WeakMap();
  function state(form) {
    var st = forms.get(form);
    if (!st) {
      st = { gen: 0, sent: 0, busy: 0, refused: false };
      forms.set(form, st);
    }
    return st;
  }
  function isElementForm(el) {
    return el && el.tagName === "FORM" && el.classList.contains("element");
  }
  function unsettled(form) {
    var st = forms.get(form);
    return !!st && (st.busy > 0 || st.refused || st.gen !== st.sent);
  }

  function announce(form, text) {
    var region = document.getElementById("save-announcer");
    if (!region) return;
    var head = form.querySelector(".element-head h3, .element-head h4");
    region.textContent = (head ? head.textContent.trim() + ": " : "") + text;
  }
  function say(form, cls, text) {
    var status = form.querySelector(".save-status");
    if (!status) return;
    status.textContent = "";
    var span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    status.appendChild(span);
    announce(form, text);
  }

  // showErrors puts each message in its field's slot, clears the others, and marks the controls.
  function showErrors(form, errors) {
    var slots = form.querySelectorAll(".field-error[data-field]");
    for (var i = 0; i < slots.length; i++) {
      var slot = slots[i];
      var msg = (errors && errors[slot.getAttribute("data-field")]) || "";
      slot.textContent = msg;
      var controls = form.querySelectorAll('[aria-describedby~="' + slot.id + '"]');
      for (var j = 0; j < controls.length; j++) {
        if (msg) controls[j].setAttribute("aria-invalid", "true");
        else controls[j].removeAttribute("aria-invalid");
      }
    }
  }

  // incomplete finds what the browser holds but cannot send: a half-typed date or a number it
  // cannot read reach the server as an empty field, which would clear the stored answer.
  function incomplete(form) {
    var found = null;
    var inputs = form.querySelectorAll("input[type=date], input[type=number]");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (!input.validity || !input.validity.badInput) continue;
      var slot = document.getElementById(input.getAttribute("aria-describedby") || "");
      if (!slot) continue;
      found = found || {};
      found[slot.getAttribute("data-field")] = input.type === "date"
        ? "This date is not complete: finish it, or clear it to remove it."
        : "This is not a number: type digits, such as 12 or 99.5.";
    }
    return found;
  }

  function edited(e) {
    var form = e.target && e.target.form;
    if (isElementForm(form)) state(form).gen++;
  }
  document.addEventListener("input", edited, true);
  document.addEventListener("change", edited, true);

  document.addEventListener("htmx:configRequest", function (e) {
    var form = e.detail.elt;
    if (!isElementForm(form)) return;
    var st = state(form);
    var bad = incomplete(form);
    if (bad) {
      e.preventDefault();
      st.refused = true;
      st.sent = st.gen;
      showErrors(form, bad);
      var first = bad[Object.keys(bad)[0]];
      say(form, "not-saved", "Not saved: " + first);
      return;
    }
    st.sent = st.gen;
    st.busy++;
    say(form, "saving", "Saving…");
  });

  // A save that fails because the network or the database is down is retried with a growing
  // delay (1 s, 2 s, 4 s ... at most 30 s) until it succeeds or the person leaves the page; the
  // element says so meanwhile. Refusals (409, 422) are shown on their fields and not retried.
  var delays = new WeakMap();
  function retry(form) {
    var delay = Math.min(30000, (delays.get(form) || 500) * 2);
    delays.set(form, delay);
    var st = state(form);
    st.busy++;
    say(form, "not-saved", "Not saved, retrying in " + Math.round(delay / 1000) + " s…");
    setTimeout(function () {
      st.busy = Math.max(0, st.busy - 1);
      if (document.body.contains(form)) htmx.trigger(form, "submit");
    }, delay);
  }

  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!isElementForm(form)) return;
    var st = state(form);
    st.busy = Math.max(0, st.busy - 1);
    var code = e.detail.xhr ? e.detail.xhr.status : 0;
    if (!code || code === 502 || code === 503 || code === 504) {
      st.sent = -1; // the edit is not saved until a retry succeeds
      retry(form);
      return;
    }
    delays.delete(form);
    var status = form.querySelector(".save-status");
    var errors = null;
    if (code === 200 || code === 409 || code === 422) {
      try {
        errors = JSON.parse(status.getAttribute("data-errors") || "null");
      } catch (err) {
        errors = null;
      }
      showErrors(form, errors);
      st.refused = code !== 200 || (errors !== null && Object.keys(errors).length > 0);
      announce(form, status.textContent.replace(/\s+/g, " ").trim());
      return;
    }
    st.refused = true;
    say(form, "not-saved", "Not saved: the server answered " + code + ". Your edit is still here: press Save to try again.");
  });

  // "Take the current answer" gives up the person's refused edit on purpose: no question then.
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[data-discards-edit]");
    if (link && isElementForm(link.closest("form"))) forms.delete(link.closest("form"));
  });

  // Plain forms (data-unsaved) are questioned on leaving once edited, or when they came back
  // refused, until they are submitted.
  document.addEventListener("input", function (e) {
    var form = e.target && e.target.form;
    if (form && form.hasAttribute("data-unsaved")) form.setAttribute("data-unsaved", "edited");
  }, true);
  document.addEventListener("submit", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-unsaved")) e.target.setAttribute("data-unsaved", "sent");
  }, true);

  window.addEventListener("beforeunload", function (e) {
    var all = document.querySelectorAll("form.element");
    var pending = false;
    for (var i = 0; i < all.length; i++) {
      if (unsettled(all[i])) pending = true;
    }
    if (document.querySelector('form[data-unsaved="edited"], form[data-unsaved="refused"]')) pending = true;
    if (pending) {
      e.preventDefault();
      e.returnValue = "";
    }
  });


  // Conditional elements (data-when) are shown while their condition holds on the answers as
  // they stand in the form, and hidden otherwise, by the same rules as the server's scoring
  // (assess.Condition): a test holds when the element it names is asked, answered (not
  // "not applicable") and, with any_of, has one of those options chosen.
  function chosen(ref) {
    var box = document.querySelector('.asked[data-ref="' + ref + '"]');
    if (!box) return null;
    var values = [];
    var inputs = box.querySelectorAll('[name="value"], [name^="value."]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) continue;
      if (input.value.trim() !== "") values.push(input.value);
    }
    return values;
  }
  function askedNow(memo) {
    function has(ref) {
      if (ref in memo) return memo[ref];
      memo[ref] = false; // a cycle cannot hold (the server refuses them anyway)
      var box = document.querySelector('.asked[data-ref="' + ref + '"]');
      var when = box && box.getAttribute("data-when");
      var ok = !!box;
      if (ok && when) {
        try {
          ok = holds(JSON.parse(when));
        } catch (err) {
          ok = true;
        }
      }
      memo[ref] = ok;
      return ok;
    }
    function holds(c) {
      if (c.element) {
        if (!has(c.element)) return false;
        var values = chosen(c.element) || [];
        if (values.length === 0 || values.indexOf("not_applicable") >= 0) return false;
        if (!c.any_of) return true;
        return values.some(function (v) { return c.any_of.indexOf(v) >= 0; });
      }
      if (c.not) return !holds(c.not);
      if (c.all) return c.all.every(holds);
      if (c.any) return c.any.some(holds);
      return true;
    }
    return has;
  }
  function showAsked() {
    var boxes = document.querySelectorAll(".asked[data-when]");
    if (!boxes.length) return;
    var has = askedNow({});
    for (var i = 0; i < boxes.length; i++) {
      var show = has(boxes[i].getAttribute("data-ref"));
      if (boxes[i].hidden === show) boxes[i].hidden = !show;
    }
  }
  document.addEventListener("change", showAsked);
  document.addEventListener("input", showAsked);

  // The provider list: the providers ticked for comparison are kept in the URL (?sel=), so that
  // the selection survives paging, searching and filtering; the server renders it back.
  document.addEventListener("change", function (e) {
    var box = e.target;
    if (!box.matches || !box.matches("input[data-testid=compare-pick]")) return;
    var url = new URL(location.href);
    var sel = (url.searchParams.get("sel") || "").split(",").filter(Boolean);
    var at = sel.indexOf(box.value);
    if (box.checked && at < 0) sel.push(box.value);
    if (!box.checked && at >= 0) sel.splice(at, 1);
    var value = sel.join(",");
    function keep(u) {
      if (value) u.searchParams.set("sel", value);
      else u.searchParams.delete("sel");
      return u;
    }
    history.replaceState(null, "", keep(url).toString());
    var links = document.querySelectorAll(".pager a");
    for (var i = 0; i < links.length; i++) links[i].href = keep(new URL(links[i].href)).toString();
    var search = document.querySelector("form[role=search]");
    if (search) {
      var hidden = search.querySelector("input[data-compare-selection]");
      if (!hidden) {
        hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "sel";
        hidden.setAttribute("data-compare-selection", "");
        search.appendChild(hidden);
      }
      hidden.value = value;
      hidden.disabled = !value;
    }
    var count = document.querySelector("[data-testid=compare-count]");
    if (count) {
      var wording = count.getAttribute(sel.length === 0 ? "data-none" : sel.length === 1 ? "data-one" : "data-many");
      if (wording) count.textContent = wording.replace("{n}", String(sel.length));
    }
  });
})();
