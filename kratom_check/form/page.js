/* The offline page: asks the questions as the terminal does, scores them with window.kratomCheck and shows
   the same report as `kratom-check --format html`. Nothing here names a question or a choice: the
   questionnaire data decides. Nothing is stored or sent; answers live in this page until it is closed. */
(function () {
  "use strict";

  // This script runs before the browser has read the questionnaire's data and the scorer further down the
  // file: it shows the first question at once from the page's own small data, and starts the scorer when the
  // whole page has been read (ready).
  var PAGE = JSON.parse(document.getElementById("kc-page").textContent);
  var KC = null;

  var app = document.getElementById("app");
  var bar = document.getElementById("settings");

  // -- text helpers ---------------------------------------------------------------------------------

  function esc(text) {
    // As Python's html.escape: the phone-number pattern below looks at these entities.
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function T() { return PAGE.text[state.lang] || PAGE.text[PAGE.languages[0]]; }
  function UI() { return T().ui; }
  function R() { return T().report; }
  function V() { return KC ? KC.view(state.lang, state.region) : PAGE.first[state.lang] || PAGE.first[PAGE.languages[0]]; }
  function questions() { return V().questions; }
  function shortName(q) { return q.short || q.text; }

  // -- language and country ------------------------------------------------------------------------

  function browserLanguage() {
    var wanted = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""]);
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || "").split("-")[0].toLowerCase();
      if (PAGE.languages.indexOf(code) >= 0) return code;
    }
    return PAGE.languages[0];
  }

  function browserRegion() {
    // As the terminal reads the locale: no country there gives the first (default) country's lines, a
    // country without confirmed lines gets the lines for anywhere else.
    // (kratomCheck.region chooses the same way; this runs before the scorer is there.)
    var codes = PAGE.regions[PAGE.languages[0]].map(function (region) { return region.code; });
    if (!codes.length) return null;
    var tag = String(navigator.language || "");
    var part = tag.split("-").slice(1).filter(function (p) { return /^([A-Za-z]{2}|[0-9]{3})$/.test(p); })[0];
    if (!part) return codes[0];
    var code = part.toUpperCase();
    code = PAGE.also_accepted[code] || code;
    if (codes.indexOf(code) >= 0) return code;
    return codes.indexOf(PAGE.elsewhere) >= 0 ? PAGE.elsewhere : codes[0];
  }

  // -- state ----------------------------------------------------------------------------------------

  var state;

  function fresh(lang, region) {
    return {
      lang: lang, region: region,
      chosen: {},        // question id -> choice ids (the order they are listed in)
      seen: {},          // question ids shown and answered or skipped
      index: 0, history: [], returnedTo: null,
      changing: false,   // asking one question again from the review, then any follow-up it opens
      warned: false,
      screen: "question", problem: "", result: null, made: null, status: ""
    };
  }

  // -- which questions are asked --------------------------------------------------------------------

  function askedIds(chosen) {
    if (!KC) return V().asked;
    return KC.askedQuestions(contract(chosen));
  }

  function applicable() {
    var out = {};
    var asked = askedIds(state.chosen);
    questions().forEach(function (q) {
      if (state.chosen[q.id] && asked.indexOf(q.id) >= 0) out[q.id] = state.chosen[q.id];
    });
    return out;
  }

  function contract(chosen) {
    var out = {};
    questions().forEach(function (q) {
      if (chosen[q.id]) out[q.id] = q.kind === "multiple" ? chosen[q.id].slice() : chosen[q.id][0];
    });
    return out;
  }

  function gaps() {
    return gapsIn(contract(applicable()));
  }

  function gapsIn(answers) {
    // The needed questions these answers (contract ids) leave open.
    var asked = KC.askedQuestions(answers);
    return questions().filter(function (q) {
      return q.required && !answers[q.id] && asked.indexOf(q.id) >= 0;
    }).map(function (q) { return q.id; });
  }

  function options() {
    // partial: an early report, or a warning sign in the middle of the questions, as the terminal scores them.
    return { lang: state.lang, region: state.region, partial: true };
  }

  function score() {
    return KC.score(contract(applicable()), options());
  }

  // -- the walk, as the terminal interview takes it ------------------------------------------------

  function advance(from) {
    // The next question to show from index `from` on, or -1 when none is left.
    var list = questions();
    for (var index = from; index < list.length; index++) {
      var q = list[index];
      if (askedIds(state.chosen).indexOf(q.id) < 0) {
        delete state.chosen[q.id];
        delete state.seen[q.id];
        continue;
      }
      if (state.changing && state.seen[q.id] && index !== state.returnedTo) continue;
      return index;
    }
    return -1;
  }

  function goTo(from) {
    var index = advance(from);
    if (index < 0) {
      state.changing = false;
      state.returnedTo = null;
      show("review");
      return;
    }
    state.index = index;
    show("question");
  }

  function answered(question, picked) {
    state.problem = "";
    if (picked.length) state.chosen[question.id] = picked; else delete state.chosen[question.id];
    state.seen[question.id] = true;
    state.history.push(state.index);
    if (picked.length && !state.warned) {
      var result = score();
      if (result.advice.act_now.length || result.advice.urgent_contacts.length) {
        state.warning = result;
        show("warning");
        return;
      }
    }
    goTo(state.index + 1);
  }

  function back() {
    state.problem = "";
    if (!state.history.length) {
      if (state.changing) { state.changing = false; show("review"); }
      return;
    }
    state.index = state.returnedTo = state.history.pop();
    show("question");
  }

  function change(questionId) {
    var index = questions().map(function (q) { return q.id; }).indexOf(questionId);
    state.changing = true;
    state.history = [];
    state.returnedTo = index;
    state.index = index;
    show("question");
  }

  function assessed() {
    // Scored ahead while the review is read (see prepare), or now.
    var answers = contract(applicable());
    var key = JSON.stringify([answers, state.lang, state.region]);
    if (state.prepared && state.prepared.key === key) return state.prepared;
    return {
      key: key, result: KC.score(answers, options()), plan: KC.plan(answers, options()), open: gapsIn(answers)
    };
  }

  function prepare() {
    if (state.screen === "review") state.prepared = assessed();
  }

  function toResult(done) {
    done = done || assessed();
    state.result = done.result;
    state.plan = done.plan;
    state.made = new Date();
    state.status = "";
    show("result");
  }

  // -- screens -------------------------------------------------------------------------------------

  function show(screen) {
    state.screen = screen;
    render(true);
    if (screen === "review") setTimeout(prepare, 0);
  }

  function render(moveFocus) {
    document.documentElement.lang = state.lang;
    document.title = V().title;
    renderSettings();
    var html = {
      question: questionScreen, warning: warningScreen, review: reviewScreen, result: resultScreen
    }[state.screen]();
    app.innerHTML = html;
    if (state.screen === "question") fillQuestion();
    if (state.screen === "result") fillReport(moveFocus);
    else if (moveFocus) focusOn();
  }

  function focusOn() {
    var target = app.querySelector("[data-focus]");
    if (target) {
      target.setAttribute("tabindex", "-1");
      target.focus();
    }
  }

  var settingsShown = "";
  var settingsLater = true;

  function renderSettings() {
    // The first question is painted without it: the selects cost the first frame a good part of its time.
    if (settingsLater) return;
    var ui = UI();
    var names = {en: "English", es: "Español"};
    var languages = PAGE.languages.map(function (code) {
      return "<option value=\"" + esc(code) + "\"" + (code === state.lang ? " selected" : "") + ">" +
        esc(names[code] || code) + "</option>";
    }).join("");
    var html = "<div><label for=\"kc-lang\">" + esc(ui.language) + "</label><select id=\"kc-lang\">" +
      languages + "</select></div>";
    var offered = PAGE.regions[state.lang] || [];
    if (offered.length) {
      var regions = offered.map(function (region) {
        var name = region.code === PAGE.elsewhere ? ui.elsewhere : region.name;
        return "<option value=\"" + esc(region.code) + "\"" + (region.code === state.region ? " selected" : "") +
          ">" + esc(name) + "</option>";
      }).join("");
      html += "<div><label for=\"kc-region\">" + esc(ui.country) + "</label><select id=\"kc-region\">" +
        regions + "</select></div>";
    }
    html += "<p class=\"offline\">" + esc(ui.offline) + "</p>";
    // Built again only when it changes: new selects cost the browser a fresh layout on every screen.
    if (html !== settingsShown) bar.innerHTML = settingsShown = html;
  }

  function questionScreen() {
    var ui = UI();
    var q = questions()[state.index];
    var chosen = state.chosen;
    var ids = askedIds(chosen);
    var order = questions().map(function (other) { return other.id; });
    var position = ids.filter(function (id) {
      var at = order.indexOf(id);
      return at >= 0 && at < state.index;
    }).length + 1;
    var first = !state.history.length && !state.changing;
    var type = q.kind === "multiple" ? "checkbox" : "radio";
    var choices = q.choices.map(function (choice, number) {
      var id = "kc-choice-" + number;
      return "<div class=\"choice\"><input type=\"" + type + "\" name=\"answer\" id=\"" + id + "\" value=\"" +
        esc(choice.id) + "\"><label for=\"" + id + "\">" + esc(choice.label) + "</label></div>";
    }).join("\n");
    var hint = (q.kind === "multiple" ? ui.pick_any : ui.pick_one) + (q.required ? "" : " " + ui.skip);
    var backButton = (first ? "" : "<button type=\"button\" data-action=\"back\">" + esc(ui.back) + "</button>");
    return (
      "<h1>" + esc(V().title) + "</h1>\n" +
      (first ? "<p>" + esc(V().intro) + "</p>\n" : "") +
      "<form id=\"kc-question\" data-question=\"" + esc(q.id) + "\" novalidate>\n" +
      "<p class=\"counter\">" + esc(fmt(R().counter, {position: position, total: ids.length})) + "</p>\n" +
      "<fieldset aria-describedby=\"kc-hint kc-problem\">\n" +
      "<legend data-focus elementtiming=\"question\">" + esc(q.text) + "</legend>\n" +
      "<details class=\"help\"><summary><span class=\"mark\" aria-hidden=\"true\">?</span>" + esc(ui.help) +
      "</summary><p>" + esc(q.help) + "</p></details>\n" +
      "<p class=\"hint\" id=\"kc-hint\">" + esc(hint) + "</p>\n" +
      choices + "\n</fieldset>\n" +
      "<p class=\"problem\" id=\"kc-problem\" role=\"alert\">" + esc(state.problem) + "</p>\n" +
      "<div class=\"actions\">" + backButton +
      "<button type=\"submit\" class=\"primary\">" + esc(ui.next) + "</button></div>\n</form>"
    );
  }

  function fillQuestion() {
    var q = questions()[state.index];
    var previous = state.pending || state.chosen[q.id] || [];
    state.pending = null;
    app.querySelectorAll("input[name=answer]").forEach(function (input) {
      input.checked = previous.indexOf(input.value) >= 0;
    });
  }

  function submitQuestion() {
    var q = questions()[state.index];
    var picked = [];
    app.querySelectorAll("input[name=answer]").forEach(function (input) {
      if (input.checked) picked.push(input.value);
    });
    var exclusive = q.choices.filter(function (c) { return c.exclusive && picked.indexOf(c.id) >= 0; });
    if (!picked.length && q.required) return problem(UI().needed, picked);
    if (exclusive.length && picked.length > 1) return problem(fmt(R().exclusive, {choice: exclusive[0].label}), picked);
    answered(q, picked);
  }

  function problem(message, picked) {
    state.problem = message;
    state.pending = picked;
    render(false);
    var first = app.querySelector("input[name=answer]");
    if (first) first.focus();
  }

  function resourceText(line) {
    return line.name + ": " + line.contact + ". " + line.text;
  }

  function warningScreen() {
    var ui = UI();
    var r = state.warning;
    var lines = [];
    r.red_flags.forEach(function (flag) { lines.push(esc(flag.text)); });
    r.advice.act_now.forEach(function (line) { lines.push(esc(line.text)); });
    lines.push(esc(r.level_meaning));
    r.advice.urgent_contacts.forEach(function (line) { lines.push(linkPhones(esc(resourceText(line)))); });
    return (
      "<section class=\"warning-now\" aria-labelledby=\"kc-now\">\n" +
      "<h2 id=\"kc-now\" data-focus>" + esc(heading("lead", r)) + "</h2>\n<ul>\n" +
      lines.map(function (line) { return "<li>" + line + "</li>"; }).join("\n") + "\n</ul>\n</section>\n" +
      "<div class=\"actions\">" +
      "<button type=\"button\" class=\"primary\" data-action=\"report-now\">" + esc(ui.report_now) + "</button>" +
      "<button type=\"button\" data-action=\"go-on\">" + esc(ui.go_on) + "</button>" +
      "<button type=\"button\" data-action=\"change-answer\">" + esc(ui.change_answer) + "</button></div>"
    );
  }

  function reviewScreen() {
    var ui = UI();
    var ids = askedIds(state.chosen);
    var rows = questions().filter(function (q) { return ids.indexOf(q.id) >= 0; }).map(function (q) {
      var chosen = state.chosen[q.id];
      var labels = chosen ? q.choices.filter(function (c) { return chosen.indexOf(c.id) >= 0; })
        .map(function (c) { return c.label; }).join("; ") : (q.required ? R().not_answered : R().skipped);
      return "<li><span>" + esc(shortName(q) + ": " + labels) + "</span><button type=\"button\" data-action=\"change\"" +
        " data-question=\"" + esc(q.id) + "\" aria-label=\"" + esc(ui.change + ": " + shortName(q)) + "\">" +
        esc(ui.change) + "</button></li>";
    });
    return (
      "<h1 data-focus>" + esc(R().headings.answers) + "</h1>\n<p>" + esc(ui.review_intro) + "</p>\n" +
      "<ol class=\"review\">\n" + rows.join("\n") + "\n</ol>\n" +
      "<div class=\"actions\"><button type=\"button\" class=\"primary\" data-action=\"result\">" +
      esc(ui.see_result) + "</button></div>"
    );
  }

  function resultScreen() {
    // The result and what it means first; the rest of the report is added once that is painted (fillReport).
    var ui = UI();
    return (
      "<article class=\"report\" id=\"kc-report\" aria-busy=\"true\">\n" +
      report(state.result, state.plan, state.made, "top") + "\n</article>\n" +
      "<p class=\"status\" role=\"status\">" + esc(state.status) + "</p>\n" +
      "<div class=\"actions\">" +
      (state.result.clinician ? "<button type=\"button\" data-action=\"print\">" + esc(ui.print) + "</button>" : "") +
      "<button type=\"button\" data-action=\"save\">" + esc(ui.save) + "</button>" +
      "<button type=\"button\" data-action=\"save-fhir\">" + esc(ui.save_fhir) + "</button>" +
      "<button type=\"button\" data-action=\"review\">" + esc(ui.review) + "</button>" +
      "<button type=\"button\" data-action=\"again\">" + esc(ui.again) + "</button></div>"
    );
  }

  var filling = 0;

  function fillReport(moveFocus) {
    // In the frame after the result was painted: the focus on the result (focus makes the browser lay the page
    // out at once), then the safety net, cautions, sources and the clinician's page. A newer render (another
    // language or country) takes over from an older one still waiting.
    var token = ++filling;
    requestAnimationFrame(function () {
      setTimeout(function () {
        var article = document.getElementById("kc-report");
        if (token !== filling || state.screen !== "result" || !article) return;
        if (moveFocus) focusOn();
        article.insertAdjacentHTML("beforeend", "\n" + report(state.result, state.plan, state.made, "rest"));
        article.removeAttribute("aria-busy");
        article.setAttribute("data-complete", "");
      }, 0);
    });
  }

  // -- the report: render/html.py, plan.py and text.py, from the JSON report -----------------------

  function heading(key, r) {
    var country = R().in_country[key];
    if (country && r.region) return fmt(country, {country: r.region.name});
    return R().headings[key];
  }

  function numbers(r, keys) {
    var order = r.sources.map(function (s) { return s.key; });
    var seen = [];
    keys.forEach(function (key) {
      var n = order.indexOf(key) + 1;
      if (seen.indexOf(n) < 0) seen.push(n);
    });
    seen.sort(function (a, b) { return a - b; });
    return "[" + seen.join(", ") + "]";
  }

  // render/html.py's pattern; the character before a number is matched, not looked behind at, since
  // Safari before 16.4 cannot read a look-behind (the whole script would not run).
  var PHONE = /(^|[^\p{L}\p{N}_&#+-])(\+?[0-9]+(?:[ -][0-9]+)*)(?![\p{L}\p{N}_-])/gu;

  function linkPhones(escaped) {
    return escaped.replace(PHONE, function (whole, before, shown) {
      var number = shown.replace(/[^+0-9]/g, "");
      if (number.replace(/^\++/, "").length < 3) return whole;
      return before + "<a href=\"tel:" + number + "\">" + shown + "</a>";
    });
  }

  function madeText(made) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    var date = made.getFullYear() + "-" + two(made.getMonth() + 1) + "-" + two(made.getDate());
    var time = two(made.getHours()) + ":" + two(made.getMinutes());
    var minutes = -made.getTimezoneOffset();
    var zone = "UTC";
    if (minutes) zone += (minutes >= 0 ? "+" : "-") + two(Math.floor(Math.abs(minutes) / 60)) + ":" + two(Math.abs(minutes) % 60);
    return fmt(R().made, {date: date, time: time, zone: zone});
  }

  function report(r, said, made, part) {
    // part: "top" (up to the result and what it means), "rest" (from the safety net on), or the whole report.
    var H = R().headings;
    function refs(line) { return "<span class=\"refs\">" + esc(numbers(r, line.sources)) + "</span>"; }
    function cited(line) { return esc(line.text) + " " + refs(line); }
    function resource(line) {
      return linkPhones(esc(line.name)) + ": " + linkPhones(esc(line.contact)) + ". " + esc(line.text) + " " +
        refs(line);
    }
    function item(it) {
      var refsHtml = "<span class=\"refs\">" + esc(numbers(r, it.sources)) + "</span>";
      var step = "<span class=\"next\">" + esc(H.next_step) + ": " + esc(it.next_step) + "</span>";
      if (it.folded) {
        return "<details><summary><strong>" + esc(it.title) + ".</strong></summary>" + esc(it.text) + " " +
          refsHtml + "</details>" + step;
      }
      return "<strong>" + esc(it.title) + ".</strong> " + esc(it.text) + " " + refsHtml + "<br>" + step;
    }
    function safetyLine(line) {
      if (line.own_sign) {
        return "<strong class=\"own\">" + esc(line.text) + " " + esc(R().own_sign) + "</strong> " + refs(line);
      }
      return cited(line);
    }
    function section(title, rows, numbered) {
      if (!rows.length) return "";
      var tag = numbered ? "ol" : "ul";
      return "<h2>" + esc(title) + "</h2>\n<" + tag + ">\n" +
        rows.map(function (row) { return "<li>" + row + "</li>"; }).join("\n") + "\n</" + tag + ">";
    }
    var contacts = "";
    if (r.advice.act_now.length || r.advice.urgent_contacts.length) {
      var lines = r.advice.act_now.map(cited).concat(r.advice.urgent_contacts.map(resource)).join("<br>");
      contacts = "<div class=\"contacts\">\n<h2>" + esc(heading("lead", r)) + "</h2>\n" + lines + "\n</div>";
    }
    var meaning = esc(r.level_meaning) + (r.unanswered.length ? "</p><p>" + esc(R().early) : "");
    var sources = r.sources.map(function (s) {
      var link = esc(s.url);
      var year = s.year === null || s.year === undefined ? R().undated : s.year;
      var text = s.title + ". " + s.publisher + ", " + year + ". " + s.url;
      return esc(text).split(link).join("<a href=\"" + link + "\">" + link + "</a>");
    });
    var notice = "<ul>" + r.notice.map(function (line) { return "<li>" + esc(line) + "</li>"; }).join("") +
      said.good_to_know.map(function (line) { return "<li>" + cited(line) + "</li>"; }).join("") + "</ul>";
    var areas = r.clinician ? r.clinician.areas : [];
    var top = [
      "<h1>" + esc(V().title) + "</h1>",
      made ? "<p class=\"made\">" + esc(madeText(made)) + "</p>" : "",
      contacts,
      "<div class=\"level level-" + esc(r.level) + "\">",
      "<h2 class=\"result\" data-focus elementtiming=\"result\">" + esc(H.result) + ": " + esc(r.level_title) + "</h2>",
      "<p>" + esc(said.told_us) + "</p>",
      "<p><strong>" + esc(H.next_step) + ": " + meaning + "</strong></p>",
      "</div>"
    ];
    if (part === "top") return top.join("\n");
    var rest = [
      section(H.safety_net, r.advice.safety_net.map(safetyLine)),
      section(H.cautions, said.items.map(item), true),
      section(H.areas, areas.map(esc)),
      section(H.next_steps, said.next_steps.map(cited)),
      "",
      section(heading("resources", r), r.advice.resources.map(resource)),
      r.clinician ? "" : answersTable(H.answers, answerRows(r), "h2"),
      "<h2>" + esc(H.notice) + "</h2>",
      notice,
      "",
      "<h2>" + esc(H.sources) + "</h2>",
      "<ol>\n" + sources.map(function (s) { return "<li>" + s + "</li>"; }).join("\n") + "\n</ol>",
      r.clinician ? clinicianPage(r, cited) : ""
    ];
    return (part === "rest" ? rest : top.concat(rest)).join("\n");
  }

  function answerRows(r) {
    return questions().filter(function (q) { return r.answers[q.id] !== undefined; }).map(function (q) {
      var chosen = [].concat(r.answers[q.id]);
      return [esc(q.text), esc(q.choices.filter(function (c) { return chosen.indexOf(c.id) >= 0; })
        .map(function (c) { return c.label; }).join("; "))];
    });
  }

  function answersTable(title, rows, level) {
    var H = R().headings;
    var body = rows.map(function (row) { return "<tr><td>" + row[0] + "</td><td>" + row[1] + "</td></tr>"; }).join("\n");
    return "<" + level + ">" + esc(title) + "</" + level + ">\n<table><thead><tr><th>" + esc(H.question) +
      "</th><th>" + esc(H.answer) + "</th></tr></thead><tbody>\n" + body + "\n</tbody></table>";
  }

  function clinicianPage(r, cited) {
    var C = R().clinician;
    var mark = esc(R().warning_mark);
    var rows = r.clinician.answers.map(function (row) {
      var question = esc(row.text) + (row.provenance ? "<br><small class=\"provenance\">" + esc(row.provenance) + "</small>" : "");
      return [question, row.chosen.map(function (c) {
        return c.warning_sign ? "<span class=\"warning\">" + esc(c.label) + " (" + mark + ")</span>" : esc(c.label);
      }).join("; ")];
    });
    var parts = [
      "<section class=\"clinician\">",
      "<h2>" + esc(C.page) + "</h2>",
      "<p>" + esc(R().clinician_intro) + "</p>",
      answersTable(C.answers, rows, "h3"),
      "<h3>" + esc(C.result) + "</h3>",
      "<p><strong>" + esc(r.level_title) + "</strong></p>",
      "<ul>" + r.clinician.areas.map(function (row) { return "<li>" + esc(row) + "</li>"; }).join("") + "</ul>"
    ];
    if (r.clinician.pointers.length) {
      parts.push("<h3>" + esc(C.pointers) + "</h3>");
      parts.push("<ul>" + r.clinician.pointers.map(function (line) { return "<li>" + cited(line) + "</li>"; })
        .join("") + "</ul>");
    }
    parts.push("</section>");
    return parts.join("\n");
  }

  // -- files to take away ---------------------------------------------------------------------------

  function isoLocal(made) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    var minutes = -made.getTimezoneOffset();
    var sign = minutes >= 0 ? "+" : "-";
    return made.getFullYear() + "-" + two(made.getMonth() + 1) + "-" + two(made.getDate()) + "T" +
      two(made.getHours()) + ":" + two(made.getMinutes()) + ":" + two(made.getSeconds()) + sign +
      two(Math.floor(Math.abs(minutes) / 60)) + ":" + two(Math.abs(minutes) % 60);
  }

  var YAML_WORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;

  function yamlScalar(id) {
    return YAML_WORDS.test(id) || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(id) ? "'" + id.replace(/'/g, "''") + "'" : id;
  }

  function answersYaml() {
    var answers = contract(applicable());
    var made = isoLocal(new Date());
    var header = [
      "# " + fmt(R().file_title, {title: V().title, version: V().version}),
      "# " + fmt(R().file_saved, {date: made})
    ];
    if (gaps().length) header.push("# " + R().file_missing);
    var body = Object.keys(answers).map(function (id) {
      var value = answers[id];
      if (Array.isArray(value)) return id + ":\n" + value.map(function (v) { return "- " + yamlScalar(v); }).join("\n");
      return id + ": " + yamlScalar(value);
    });
    return header.join("\n") + "\n" + (body.length ? body.join("\n") + "\n" : "{}\n");
  }

  function answersFhir() {
    var answers = applicable();
    var canonical = "urn:kratom-check:questionnaire:" + V().id + "|" + V().version;
    var items = questions().filter(function (q) { return answers[q.id]; }).map(function (q) {
      return {
        linkId: q.id,
        text: q.text,
        answer: answers[q.id].map(function (id) {
          var choice = q.choices.filter(function (c) { return c.id === id; })[0];
          return {valueCoding: {system: "urn:kratom-check:" + V().id + ":" + q.id, code: id,
                                display: choice ? choice.label : id}};
        })
      };
    });
    var response = {
      resourceType: "QuestionnaireResponse",
      questionnaire: canonical,
      status: gaps().length ? "in-progress" : "completed",
      authored: isoLocal(new Date()),
      item: items
    };
    return JSON.stringify(response, null, 2) + "\n";
  }

  function download(name, text, type) {
    // A download is a navigation to a blob: URL, not a fetch; the policy lets nothing leave the machine.
    var url = URL.createObjectURL(new Blob([text], {type: type}));
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    state.status = UI().saved;
    var status = app.querySelector(".status");
    if (status) status.textContent = state.status;
  }

  function printForClinician() {
    document.body.classList.add("only-clinician");
    window.print();
    document.body.classList.remove("only-clinician");
  }

  // -- events ---------------------------------------------------------------------------------------

  app.addEventListener("submit", function (event) {
    event.preventDefault();
    if (KC && event.target.id === "kc-question") submitQuestion();
  });

  app.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button || !KC) return;
    var action = button.getAttribute("data-action");
    if (action === "back") back();
    else if (action === "report-now") toResult();
    else if (action === "go-on") { state.warned = true; goTo(state.index + 1); }
    else if (action === "change-answer") { state.index = state.returnedTo = state.history.pop(); show("question"); }
    else if (action === "change") change(button.getAttribute("data-question"));
    else if (action === "result") {
      var done = assessed();
      var open = done.open;
      if (open.length) {
        // A needed question is still open (a changed answer brought it back): ask it first.
        open.forEach(function (id) { delete state.seen[id]; });
        state.changing = true; state.history = []; state.returnedTo = null; goTo(0);
      }
      else toResult(done);
    }
    else if (action === "print") printForClinician();
    else if (action === "save") download(R().answers_file, answersYaml(), "application/yaml");
    else if (action === "save-fhir") download(UI().fhir_file, answersFhir(), "application/fhir+json");
    else if (action === "review") show("review");
    else if (action === "again") { state = fresh(state.lang, state.region); goTo(0); }
  });

  bar.addEventListener("change", function (event) {
    if (event.target.id === "kc-lang") state.lang = event.target.value;
    else if (event.target.id === "kc-region") state.region = event.target.value;
    else return;
    if (state.screen === "question") {
      var picked = [];
      app.querySelectorAll("input[name=answer]").forEach(function (input) { if (input.checked) picked.push(input.value); });
      state.pending = picked;
    }
    if (state.screen === "result") {
      var done = assessed();
      state.result = done.result;
      state.plan = done.plan;
    }
    if (state.screen === "warning") state.warning = score();
    render(false);
    var select = document.getElementById(event.target.id);
    if (select) select.focus();
  });

  function ready() {
    showSettings();
    KC = window.kratomCheck;
    KC.load(JSON.parse(document.getElementById("kc-data").textContent));
    var shown = PAGE.first[state.lang] ? PAGE.first[state.lang].questions[0] : null;
    state.index = advance(0);
    var real = questions()[state.index];
    // The first screen came from the page's own data, made for the first country: shown again if the scorer's
    // words for this country differ and the person has not started on it.
    var same = shown && JSON.stringify([shown.text, shown.help, shown.choices.map(function (c) { return c.label; })]) ===
      JSON.stringify([real.text, real.help, real.choices.map(function (c) { return c.label; })]);
    if (state.screen === "question" && !same && !app.contains(document.activeElement)) render(false);
    document.documentElement.setAttribute("data-ready", "");
    // While the person reads, the scorer runs once, so the first answer is scored as fast as the others.
    setTimeout(function () { KC.score({}, options()); }, 0);
  }

  function showSettings() {
    if (!settingsLater) return;
    settingsLater = false;
    renderSettings();
  }

  state = fresh(browserLanguage(), browserRegion());
  state.index = 0;
  // The first question is shown at once, without taking the focus from the page; the language and country
  // follow in the frame after (their space is kept, so nothing moves).
  render(false);
  requestAnimationFrame(function () { setTimeout(showSettings, 0); });
  // The scorer's data is read once the first question has been painted (the frame after this one).
  document.addEventListener("DOMContentLoaded", function () {
    requestAnimationFrame(function () { setTimeout(ready, 0); });
  });
}());
