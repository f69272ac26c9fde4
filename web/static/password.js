// Password fields: a button beside each that shows or hides what was typed, and, on the fields
// where a new password is chosen (data-strength), a meter rating it as it is typed. Both are added
// here, so that without JavaScript the fields are plain password inputs and the server's checks
// (length, the breached list, repeats) still decide.
(function () {
  "use strict";

  var minLength = 12;

  // rate gives 0 (unusable) to 4 (strong), and the words that say why. It is an estimate from
  // length, variety and repetition; the server alone knows the breached list.
  function rate(pw) {
    var chars = Array.from(pw);
    if (chars.length === 0) return { score: 0, text: "" };
    if (pw.trim() === "") return { score: 0, text: "Spaces alone are not a password." };
    if (chars.length < minLength) {
      return { score: 0, text: "Too short: " + chars.length + " of at least " + minLength + " characters." };
    }
    var distinct = new Set(chars).size;
    if (distinct <= 2) return { score: 0, text: "Too repetitive: use more different characters." };
    var kinds = 0;
    [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].forEach(function (re) {
      if (re.test(pw)) kinds++;
    });
    var words = pw.trim().split(/\s+/).length;
    var points = 0;
    if (chars.length >= 16) points++;
    if (chars.length >= 20) points++;
    if (kinds >= 3 || words >= 3) points++;
    if (distinct >= 10) points++;
    if (distinct < chars.length / 3) points--;
    var score = Math.max(1, Math.min(4, points));
    var names = ["", "Weak", "Fair", "Good", "Strong"];
    var hints = [
      "",
      " Longer is better: a passphrase of several words.",
      " Add length or another word.",
      "",
      "",
    ];
    return { score: score, text: names[score] + "." + hints[score] };
  }

  var counter = 0;
  function idOf(el, prefix) {
    if (!el.id) el.id = prefix + "-" + ++counter;
    return el.id;
  }

  function addToggle(input) {
    var focused = document.activeElement === input;
    var wrap = document.createElement("span");
    wrap.className = "password-field";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "reveal";
    button.setAttribute("aria-controls", idOf(input, "password"));
    // The button says what it will do: "Show" or "Hide", and to a screen reader "Show password".
    var verb = document.createElement("span");
    var noun = document.createElement("span");
    noun.className = "visually-hidden";
    noun.textContent = " password";
    button.appendChild(verb);
    button.appendChild(noun);
    function shown(on) {
      input.type = on ? "text" : "password";
      verb.textContent = on ? "Hide" : "Show";
      button.dataset.shown = on ? "true" : "false";
    }
    shown(false);
    button.addEventListener("click", function () {
      shown(input.type === "password");
    });
    // A password is never sent, or remembered by the browser, as visible text.
    if (input.form) {
      input.form.addEventListener("submit", function () {
        shown(false);
      });
    }
    wrap.appendChild(button);
    if (focused) input.focus();
    return wrap;
  }

  function addMeter(input, after) {
    var box = document.createElement("span");
    box.className = "strength";
    var meter = document.createElement("meter");
    meter.min = 0;
    meter.max = 4;
    meter.low = 2;
    meter.high = 3;
    meter.optimum = 4;
    meter.value = 0;
    meter.setAttribute("aria-label", "Password strength");
    var words = document.createElement("span");
    words.className = "strength-text";
    words.id = idOf(input, "password") + "-strength";
    words.setAttribute("aria-live", "polite");
    box.appendChild(meter);
    box.appendChild(words);
    after.parentNode.insertBefore(box, after.nextSibling);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + words.id);
    function update() {
      var r = rate(input.value);
      meter.value = r.score;
      box.dataset.score = String(r.score);
      words.textContent = r.text;
    }
    input.addEventListener("input", update);
    update();
  }

  function init() {
    document.querySelectorAll('input[type="password"]').forEach(function (input) {
      if (input.closest(".password-field")) return;
      var wrap = addToggle(input);
      if (input.hasAttribute("data-strength")) addMeter(input, wrap);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
