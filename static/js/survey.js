/* The staff survey, improved when JavaScript runs. The form works the same without this file.
 *
 * - Answers are kept in this browser's localStorage as they are given, under the survey's link,
 *   and come back after a reload, a closed tab or a lost connection. The thank-you page deletes
 *   them, so the next person on a shared device starts empty. Nothing but the answers, the role,
 *   the school and the page's submission id is kept: no time, no name.
 * - The submission id is kept with the answers, so a reload and resubmit is still one response.
 * - A progress bar counts the statements answered.
 * - The final submit goes once per tap: a double tap sends one request (the server also
 *   stores one response per submission id, whatever arrives).
 */
(function () {
  "use strict";

  var PREFIX = "journeys-survey:";

  function openStore() {
    try {
      var store = window.localStorage;
      store.setItem(PREFIX + "probe", "1");
      store.removeItem(PREFIX + "probe");
      return store;
    } catch (error) {
      return null; // private mode or storage disabled: the survey still works, it just forgets
    }
  }

  var store = openStore();

  function read(key) {
    if (!store) return null;
    try {
      return JSON.parse(store.getItem(PREFIX + key) || "null");
    } catch (error) {
      return null;
    }
  }

  function write(key, state) {
    if (!store) return;
    try {
      store.setItem(PREFIX + key, JSON.stringify(state));
    } catch (error) {
      /* storage full: nothing to do, the form still holds the answers */
    }
  }

  function forget(key) {
    if (store) store.removeItem(PREFIX + key);
  }

  function revealJsOnly(root) {
    var hidden = root.querySelectorAll(".js-only");
    for (var i = 0; i < hidden.length; i++) hidden[i].hidden = false;
  }

  function answerFields(form) {
    var values = {};
    for (var i = 0; i < form.elements.length; i++) {
      var field = form.elements[i];
      if (!field.name || field.type === "hidden" || field.type === "submit" || field.type === "button") continue;
      if (field.type === "radio") {
        if (field.checked) values[field.name] = field.value;
      } else if (field.tagName === "SELECT") {
        values[field.name] = field.value;
      }
    }
    return values;
  }

  function restore(form, values) {
    Object.keys(values).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!field) return;
      if (field.tagName === "SELECT") {
        field.value = values[name];
        return;
      }
      var radios = field.length !== undefined ? field : [field];
      for (var i = 0; i < radios.length; i++) {
        if (radios[i].value === values[name]) radios[i].checked = true;
      }
    });
  }

  function itemNames(form) {
    var names = {};
    var radios = form.querySelectorAll("input[type=radio]");
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].name !== "role") names[radios[i].name] = true;
    }
    return Object.keys(names);
  }

  function surveyForm(form) {
    var key = form.dataset.surveyKey;
    var idField = form.elements.namedItem("submission_id");
    var saved = read(key);
    // A fresh page (GET) takes what this browser kept; a page the server re-drew from a post
    // (an error, "Change my answers") already shows the latest answers and wins.
    if (form.dataset.fresh === "true" && saved) {
      if (saved.submission_id) idField.value = saved.submission_id;
      restore(form, saved.values || {});
    }

    var names = itemNames(form);
    var bar = document.getElementById("survey-progress-bar");
    var text = document.getElementById("survey-progress-text");

    function save() {
      write(key, { submission_id: idField.value, values: answerFields(form) });
    }

    function progress() {
      var values = answerFields(form);
      var answered = names.filter(function (name) { return values[name] !== undefined; }).length;
      bar.value = answered;
      text.textContent = text.dataset.template
        .replace("{n}", String(answered))
        .replace("{total}", text.dataset.total);
    }

    form.addEventListener("change", function () {
      save();
      progress();
    });

    var clear = document.getElementById("survey-clear");
    if (clear) {
      clear.addEventListener("click", function () {
        if (!window.confirm(clear.dataset.confirm)) return;
        var fields = form.querySelectorAll("input[type=radio]");
        for (var i = 0; i < fields.length; i++) fields[i].checked = false;
        var selects = form.querySelectorAll("select");
        for (var j = 0; j < selects.length; j++) selects[j].value = "";
        var words = form.querySelectorAll("textarea"); // the open questions (never kept here)
        for (var k = 0; k < words.length; k++) words[k].value = "";
        save();
        progress();
      });
    }

    save();
    progress();
    revealJsOnly(document);
    document.getElementById("survey-progress").hidden = false;
  }

  function submitOnce(form) {
    var sending = false;
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && button.value === "edit") return;
      if (sending) {
        event.preventDefault();
        return;
      }
      sending = true;
      if (button) button.setAttribute("aria-disabled", "true");
      // A dropped connection leaves the page here: let a later tap try again.
      window.setTimeout(function () {
        sending = false;
        if (button) button.removeAttribute("aria-disabled");
      }, 8000);
    });
    window.addEventListener("pageshow", function () {
      sending = false;
    });
  }

  // The server re-drew the form with a problem: take keyboard and screen-reader focus to it.
  var problems = document.getElementById("error-summary");
  if (problems) problems.focus();

  var done = document.getElementById("survey-done");
  if (done) forget(done.dataset.surveyKey);

  var form = document.getElementById("survey-form");
  if (form) surveyForm(form);

  var review = document.getElementById("review-form");
  if (review) submitOnce(review);
})();
