/*
 * kratom-check's scorer for the offline page: the Python engine's scoring and report plan, in plain JavaScript.
 *
 * Generic, like the Python engine: it reads the questionnaire's data (kratom_check/form/data.py) and names no
 * question, choice or line of its own. No dependency, no network, no storage.
 *
 *   kratomCheck.load(data)                    the page's data; returns kratomCheck
 *   kratomCheck.score(answers, {lang, region, partial, clinician})
 *       the object `kratom-check --answers FILE --format json` prints, with `made` null.
 *       answers: {question id: choice id | [choice ids] | true/false (yes/no)}, read as the CLI reads an answers
 *       file (a choice may also be named by its label in any language).
 *       lang: "en" or "es"; a tag like "es-MX" or "es_MX.UTF-8" is read as its language, any other language as
 *       the first (see kratomCheck.language). region: "US", "GB", "ZZ", ... (UK is GB; an unknown
 *       code or none: see kratomCheck.region). partial: true leaves required questions unanswered (listed in
 *       `unanswered`, as an early report). clinician: false leaves the clinician's page out (--no-clinician).
 *       Invalid answers throw an Error named "AnswersError" whose `problems` lists every problem, as the CLI does.
 *   kratomCheck.plan(answers, options)        what the report says, as render/plan.py decides it:
 *       {told_us, items: [{ids, title, text, next_step, sources, folded}], next_steps, good_to_know}
 *   kratomCheck.questions(lang, region)       every question in order, with its texts and choices
 *   kratomCheck.asked(questionId, answers)    whether the question applies, given the answers so far
 *   kratomCheck.askedQuestions(answers)       the ids of the questions that apply, in order
 *   kratomCheck.regions(lang)                 [{code, name}] of every country, the default first, ZZ last
 *   kratomCheck.region(code)                  the country code used for a code (unknown: ZZ; none: the default)
 *   kratomCheck.language(tag)                 the language used for a tag ("es-MX": "es"; unknown: the first)
 *   kratomCheck.view(lang, region)            the questionnaire in one language and country (texts filled in)
 *   kratomCheck.t(lang, msgid, values)        one of the report's fixed strings, in the language, filled in
 */
var kratomCheck = (function () {
  "use strict";

  var FORMAT = "kratom-check-form-data";
  // Whitespace as Python's str.split() and re's \s see it.
  var WS = "\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var SPACES = new RegExp("[" + WS + "]+");
  // A sentence ends at . ! or ? before a space and more text (no look-behind: older Safari has none).
  var SENTENCE_END = new RegExp("[.!?][" + WS + "]+(?=[^" + WS + "])", "g");
  var EDGES = new RegExp("^[" + WS + "]+|[" + WS + "]+$", "g");
  var WORD = /[\p{L}\p{N}_]+/gu;

  var data = null;
  var views = {};
  var lookups = {};
  var settings = null;  // the engine's numbers and codes (data.settings): items in full, words in a long sentence...

  function has(object, key) {
    return object != null && Object.prototype.hasOwnProperty.call(object, key);
  }

  function load(given) {
    if (!given || given.format !== FORMAT || given.format_version !== 1) {
      throw new Error("kratomCheck.load: this is not kratom-check's form data (format_version 1).");
    }
    data = given;
    views = {};
    lookups = {};
    settings = given.settings;
    return api;
  }

  function loaded() {
    if (data === null) throw new Error("kratomCheck: call kratomCheck.load(data) first.");
    return data;
  }

  // --- Words ---------------------------------------------------------------------------------------------

  function language(lang) {
    var d = loaded();
    var code = typeof lang === "string" ? lang.split(/[-_.@]/)[0].toLowerCase() : "";
    return d.languages.indexOf(code) >= 0 ? code : d.languages[0];
  }

  function format(text, values) {
    return text.replace(/\{\{|\}\}|\{(\w+)\}/g, function (match, name) {
      if (match === "{{") return "{";
      if (match === "}}") return "}";
      return has(values, name) ? String(values[name]) : match;
    });
  }

  function t(lang, msgid, values) {
    var strings = loaded().strings[language(lang)] || {};
    var text = has(strings, msgid) ? strings[msgid] : msgid;
    return values ? format(text, values) : text;
  }

  function nt(lang, singular, plural, count, values) {
    return t(lang, count === 1 ? singular : plural, values);
  }

  function words(text) {
    return text.split(SPACES).filter(Boolean);
  }

  function sentences(text) {
    var joined = words(text).join(" ");
    var parts = [];
    var start = 0;
    var match;
    SENTENCE_END.lastIndex = 0;
    while ((match = SENTENCE_END.exec(joined)) !== null) {
      parts.push(joined.slice(start, match.index + 1));
      start = match.index + match[0].length;
    }
    parts.push(joined.slice(start));
    return parts.filter(Boolean);
  }

  // Python's str.casefold for a questionnaire's texts: upper then lower case folds ß to ss, ς to σ, ﬁ to fi.
  function casefold(text) {
    return text.toUpperCase().toLowerCase();
  }

  function key(sentence) {
    return (casefold(sentence).match(WORD) || []).join(" ");
  }

  function wordCount(sentenceKey) {
    return sentenceKey ? sentenceKey.split(" ").length : 0;
  }

  function strip(text) {
    return text.replace(EDGES, "");
  }

  // --- Conditions ----------------------------------------------------------------------------------------

  function holds(condition, answers) {
    if (condition.any) return condition.any.some(function (child) { return holds(child, answers); });
    if (condition.all) return condition.all.every(function (child) { return holds(child, answers); });
    if (condition.not) return !holds(condition.not, answers);
    var wanted = condition.is || condition.includes || [];
    var chosen = has(answers, condition.answer) ? answers[condition.answer] : [];
    return chosen.some(function (id) { return wanted.indexOf(id) >= 0; });
  }

  function leaves(condition) {
    if (condition.answer !== undefined) return [condition];
    var children = condition.not ? [condition.not] : condition.any || condition.all || [];
    return children.reduce(function (found, child) { return found.concat(leaves(child)); }, []);
  }

  // --- The questionnaire in one language and country (load/languages.py, load/regions.py) ------------------

  function regionCode(code) {
    var d = loaded();
    var codes = d.regions.map(function (region) { return region.code; });
    if (code === undefined || code === null || code === "") return codes[0];
    var asked = strip(String(code)).toUpperCase();
    asked = has(settings.also_accepted, asked) ? settings.also_accepted[asked] : asked;
    if (codes.indexOf(asked) >= 0) return asked;
    return codes.indexOf(settings.elsewhere) >= 0 ? settings.elsewhere : codes[0];
  }

  function view(lang, region) {
    var d = loaded();
    lang = language(lang);
    var code = d.regions.length ? regionCode(region) : null;
    var cacheKey = lang + "|" + code;
    if (has(views, cacheKey)) return views[cacheKey];
    var first = d.texts[d.languages[0]];
    var own = d.texts[lang] || {};
    function raw(textKey) {
      if (has(own, textKey)) return own[textKey];
      return has(first, textKey) ? first[textKey] : null;
    }
    var filled = code === null ? [] : [
      ["{emergency}", raw("regions." + code + ".emergency")],
      ["{emergency_room}", raw("regions." + code + ".emergency_room")],
    ];
    function text(textKey) {
      var value = raw(textKey);
      if (value === null || value.indexOf("{") < 0) return value;
      filled.forEach(function (pair) {
        if (pair[1] !== null) value = value.split(pair[0]).join(pair[1]);
      });
      return value;
    }
    function inRegion(item) {
      return !item.regions || item.regions.indexOf(code) >= 0;
    }
    function resource(prefix) {
      return function (item) {
        return {
          id: item.id, name: text(prefix + item.id + ".name"), contact: text(prefix + item.id + ".contact"),
          text: text(prefix + item.id + ".text"), levels: item.levels || null, lead_at: item.lead_at || [],
          sources: item.sources,
        };
      };
    }
    var chosen = d.regions.filter(function (item) { return item.code === code; })[0];
    var notice = [];
    for (var index = 0; raw("notice." + index) !== null; index++) notice.push(text("notice." + index));
    var built = {
      lang: lang,
      id: d.id,
      version: d.version,
      title: text("title"),
      intro: text("intro"),
      notice: notice,
      levels: d.levels.map(function (id) {
        var at = "levels." + id + ".";
        return { id: id, name: text(at + "name"), title: text(at + "title"), meaning: text(at + "meaning") };
      }),
      questions: d.questions.map(function (question) {
        var at = "questions." + question.id + ".";
        return {
          id: question.id, kind: question.kind, required: question.required !== false,
          text: text(at + "text"), help: text(at + "help"), short: text(at + "short"),
          ask_if: question.ask_if || null, ruler: !!question.ruler,
          adapted_from: question.adapted_from || null, validated_for_kratom: !!question.validated_for_kratom,
          choices: question.choices.map(function (choice) {
            return {
              id: choice.id, label: text(at + "choices." + choice.id), points: choice.points || {},
              exclusive: !!choice.exclusive, unknown: !!choice.unknown,
            };
          }),
        };
      }),
      factors: d.factors.map(function (factor) {
        return { id: factor.id, title: text("factors." + factor.id + ".title"), thresholds: factor.thresholds };
      }),
      overall: d.overall,
      rules: d.rules.map(function (rule) {
        var at = "rules." + rule.id + ".";
        return {
          id: rule.id, when: rule.when, level: rule.level, red_flag: text(at + "red_flag"),
          next_step: text(at + "next_step"), sources: rule.sources,
        };
      }),
      topics: d.topics.map(function (id) { return { id: id, title: text("topics." + id + ".title") }; }),
      cautions: d.cautions.filter(inRegion).map(function (caution) {
        var at = "cautions." + caution.id + ".";
        return {
          id: caution.id, when: caution.when, severity: caution.severity, title: text(at + "title"),
          text: text(at + "text"), next_step: text(at + "next_step"), sources: caution.sources,
          topic: caution.topic || "",
        };
      }),
      advice: d.advice.filter(inRegion).map(function (item) {
        return {
          id: item.id, kind: item.kind, levels: item.levels || null, when: item.when || null,
          text: text("advice." + item.id + ".text"), sources: item.sources, marks: item.marks || null,
        };
      }),
      resources: d.resources.map(resource("resources.")).concat(
        chosen ? chosen.resources.map(resource("regions." + code + ".resources.")) : []
      ),
      clinician: d.clinician.map(function (item) {
        return { id: item.id, when: item.when || null, text: text("clinician." + item.id + ".text"), sources: item.sources };
      }),
      region: chosen ? { code: code, name: text("regions." + code + ".name") } : null,
      sources: d.sources,
    };
    built.rank = {};
    built.levels.forEach(function (level, rank) { built.rank[level.id] = rank; });
    built.byId = {};
    built.questions.forEach(function (question) { built.byId[question.id] = question; });
    views[cacheKey] = built;
    return built;
  }

  function choiceOf(question, choiceId) {
    return question.choices.filter(function (choice) { return choice.id === choiceId; })[0] || null;
  }

  // --- Answers (ask/answers.py, contract ids only) ---------------------------------------------------------

  function allowed(lang, question) {
    var ids = question.choices.map(function (choice) { return choice.id; }).join(", ");
    return question.kind === "multiple" ? t(lang, "one or more of: {ids}", { ids: ids }) : t(lang, "one of: {ids}", { ids: ids });
  }

  // errors.shown: outside text as it may be echoed back, control characters visible, long text shortened.
  function shown(text) {
    var visible = Array.from(text).slice(0, 240).map(function (char) {
      var code = char.codePointAt(0);
      return code < 32 || (code >= 127 && code < 160) ? "\\x" + hex(code, 2) : char;
    }).join("");
    var points = Array.from(visible);
    return points.length <= 60 ? visible : points.slice(0, 59).join("") + "\u2026";
  }

  function hex(code, digits) {
    var text = code.toString(16);
    while (text.length < digits) text = "0" + text;
    return text;
  }

  var UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

  // Python's repr() of what an answers file can hold where a choice id belongs (text, a number, nothing).
  function repr(value) {
    if (value === null || value === undefined) return "None";
    if (typeof value === "boolean") return value ? "True" : "False";
    if (typeof value !== "string") return String(value);
    var quote = value.indexOf("'") >= 0 && value.indexOf('"') < 0 ? '"' : "'";
    var named = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
    named[quote] = "\\" + quote;
    return quote + Array.from(value).map(function (char) {
      if (has(named, char)) return named[char];
      if (char === " " || !UNPRINTABLE.test(char)) return char;
      var code = char.codePointAt(0);
      return code < 0x100 ? "\\x" + hex(code, 2) : code < 0x10000 ? "\\u" + hex(code, 4) : "\\U" + hex(code, 8);
    }).join("") + quote;
  }

  // A choice named by its label or another name, in any language, where no other choice of the question has it.
  function names(questionId) {
    if (has(lookups, questionId)) return lookups[questionId];
    var d = loaded();
    var question = d.questions.filter(function (q) { return q.id === questionId; })[0];
    var owners = new Map();
    question.choices.forEach(function (choice) {
      var textKey = "questions." + questionId + ".choices." + choice.id;
      var all = d.languages.map(function (lang) {
        return has(d.texts[lang], textKey) ? d.texts[lang][textKey] : d.texts[d.languages[0]][textKey];
      }).concat(choice.aliases || []);
      all.forEach(function (name) {
        var folded = casefold(name);
        if (!owners.has(folded)) owners.set(folded, []);
        if (owners.get(folded).indexOf(choice.id) < 0) owners.get(folded).push(choice.id);
      });
    });
    var found = new Map();
    owners.forEach(function (ids, folded) {
      if (ids.length === 1) found.set(folded, ids[0]);
    });
    lookups[questionId] = found;
    return found;
  }

  function idOf(question, item) {
    if (item === true) item = "yes";
    if (item === false) item = "no";
    // A ruler's choices are the numbers 0 to 10; a file may write them unquoted (Python reads an int as its digits).
    if (typeof item === "number" && Number.isSafeInteger(item)) item = String(item);
    if (typeof item !== "string") return null;
    var ids = question.choices.map(function (choice) { return choice.id; });
    if (ids.indexOf(item) >= 0) return item;
    var trimmed = strip(item);
    if (ids.indexOf(trimmed) >= 0) return trimmed;
    var named = names(question.id).get(casefold(trimmed));
    return named === undefined ? null : named;
  }

  function parseAnswer(lang, question, raw) {
    if (question.kind !== "multiple" && Array.isArray(raw)) return { problem: t(lang, "give one answer, not a list") };
    var items = Array.isArray(raw) ? raw : [raw];
    if (!items.length) return { problem: t(lang, "the list is empty") };
    var chosen = [];
    for (var index = 0; index < items.length; index++) {
      var item = items[index];
      var id = idOf(question, item);
      if (id === null) {
        if (item !== null && typeof item === "object") return { problem: t(lang, "a nested list or mapping is not a choice") };
        var parts = typeof item === "string" && item.indexOf(",") >= 0 ? item.split(",").map(strip) : [];
        if (question.kind === "multiple" && parts.length && parts.every(function (part) { return idOf(question, part); })) {
          return {
            problem: t(lang, "{value} is one text; write several choices as a list, like [{listed}]",
              { value: shown(repr(item)), listed: parts.join(", ") }),
          };
        }
        return { problem: t(lang, "{value} is not a choice", { value: shown(repr(item)) }) };
      }
      if (chosen.indexOf(id) < 0) chosen.push(id);
    }
    var exclusive = chosen.filter(function (id) { return choiceOf(question, id).exclusive; });
    if (chosen.length > 1 && exclusive.length) {
      return { problem: t(lang, "'{choice}' cannot be combined with other choices", { choice: exclusive[0] }) };
    }
    return { chosen: chosen };
  }

  function answersError(problems) {
    var error = new Error(problems.join("\n"));
    error.name = "AnswersError";
    error.problems = problems;
    return error;
  }

  function check(built, answers, partial) {
    var lang = built.lang;
    var name = "answers";
    if (answers === null || typeof answers !== "object" || Array.isArray(answers)) {
      var message = loaded().messages[Array.isArray(answers) ? "answers_list" : "answers_value"];
      throw answersError([t(lang, message, { name: name })]);
    }
    var problems = [];
    var unknown = Object.keys(answers).filter(function (id) { return !has(built.byId, id); });
    if (unknown.length) {
      var listed = unknown.slice(0, settings.max_listed).map(function (id) { return "'" + shown(id) + "'"; }).join(", ");
      if (unknown.length > settings.max_listed) {
        listed += " " + t(lang, "and {count} more", { count: unknown.length - settings.max_listed });
      }
      problems.push(nt(lang, "{keys} is not a question id (known: {known})", "{keys} are not question ids (known: {known})",
        unknown.length, { keys: listed, known: built.questions.map(function (q) { return q.id; }).join(", ") }));
    }
    var values = {};
    var missing = [];
    built.questions.forEach(function (question) {
      var raw = has(answers, question.id) ? answers[question.id] : null;
      if (question.ask_if && !holds(question.ask_if, values)) return;
      if (raw === null || raw === undefined) {
        if (question.required && partial) missing.push(question.id);
        else if (question.required) {
          problems.push(t(lang, "'{question}' needs an answer ({allowed})", { question: question.id, allowed: allowed(lang, question) }));
        }
        return;
      }
      var parsed = parseAnswer(lang, question, raw);
      if (parsed.problem) problems.push("'" + question.id + "': " + parsed.problem + " (" + allowed(lang, question) + ")");
      else values[question.id] = parsed.chosen;
    });
    if (problems.length) throw answersError(problems.map(function (problem) { return name + ": " + problem; }));
    return { values: values, missing: missing };
  }

  function normalised(answers) {
    var values = {};
    Object.keys(answers || {}).forEach(function (id) {
      var raw = answers[id];
      if (raw === null || raw === undefined) return;
      values[id] = (Array.isArray(raw) ? raw : [raw]).map(function (item) {
        return item === true ? "yes" : item === false ? "no" : item;
      });
    });
    return values;
  }

  // --- Scoring (score/reference.py) ---------------------------------------------------------------------

  function rankFor(total, thresholds, rank) {
    var reached = 0;
    Object.keys(thresholds).forEach(function (level) {
      if (total >= thresholds[level]) reached = Math.max(reached, rank[level]);
    });
    return reached;
  }

  function raisedBy(built, used, factorId) {
    var raised = [];
    Object.keys(used).forEach(function (questionId) {
      used[questionId].forEach(function (choiceId) {
        var choice = choiceOf(built.byId[questionId], choiceId);
        if (choice !== null && (choice.points[factorId] || 0) > 0) raised.push([questionId, choiceId]);
      });
    });
    return raised;
  }

  function assess(built, answers) {
    var rank = built.rank;
    var levelIds = built.levels.map(function (level) { return level.id; });
    var used = {};
    built.questions.forEach(function (question) {
      if (has(answers, question.id) && (!question.ask_if || holds(question.ask_if, used))) used[question.id] = answers[question.id];
    });
    var totals = built.factors.map(function () { return 0; });
    var index = {};
    built.factors.forEach(function (factor, position) { index[factor.id] = position; });
    Object.keys(used).forEach(function (questionId) {
      used[questionId].forEach(function (choiceId) {
        var choice = choiceOf(built.byId[questionId], choiceId);
        if (choice === null) return;
        Object.keys(choice.points).forEach(function (factorId) { totals[index[factorId]] += choice.points[factorId]; });
      });
    });
    var factorRanks = built.factors.map(function (factor, position) { return rankFor(totals[position], factor.thresholds, rank); });
    var combined = rankFor(totals.reduce(function (a, b) { return a + b; }, 0), built.overall.thresholds, rank);
    var firedRules = built.rules.filter(function (rule) { return holds(rule.when, used); });
    var highest = Math.max.apply(null, [combined].concat(factorRanks, firedRules.map(function (rule) { return rank[rule.level]; })));
    var level = levelIds[highest];

    var factors = built.factors.map(function (factor, position) {
      return {
        id: factor.id, title: factor.title, score: totals[position], level: levelIds[factorRanks[position]],
        raised_by: raisedBy(built, used, factor.id),
      };
    });
    var redFlags = firedRules.filter(function (rule) { return rule.red_flag; }).map(function (rule) {
      return { id: rule.id, text: rule.red_flag, sources: rule.sources, level: rule.level };
    });
    var cautions = built.cautions.filter(function (caution) { return holds(caution.when, used); })
      .map(function (caution, order) { return { caution: caution, order: order }; })
      .sort(function (a, b) { return (rank[b.caution.severity] - rank[a.caution.severity]) || (a.order - b.order); })
      .map(function (entry) {
        var c = entry.caution;
        return { id: c.id, text: c.text, sources: c.sources, severity: c.severity, next_step: c.next_step, title: c.title, topic: c.topic };
      });
    function applies(levels, when) {
      return (levels === null || levels.indexOf(level) >= 0) && (when === null || holds(when, used));
    }
    var advice = built.advice.filter(function (item) { return applies(item.levels, item.when); });
    function ofKind(kind) {
      return advice.filter(function (item) { return item.kind === kind; }).map(function (item) {
        return { id: item.id, text: item.text, sources: item.sources };
      });
    }
    var ownSigns = advice.filter(function (item) {
      return item.kind === "watch_for" && item.marks !== null && holds(item.marks, used);
    }).map(function (item) { return item.id; });
    var shownTopics = cautions.map(function (caution) { return caution.topic; }).filter(Boolean);
    var topicTitles = built.topics.filter(function (topic) { return shownTopics.indexOf(topic.id) >= 0; })
      .map(function (topic) { return [topic.id, topic.title]; });
    var shownResources = built.resources.filter(function (item) { return applies(item.levels, null); });
    function line(item) {
      return { id: item.id, text: item.text, sources: item.sources, name: item.name, contact: item.contact };
    }
    var lead = shownResources.filter(function (item) { return item.lead_at.indexOf(level) >= 0; }).map(line);
    var rest = shownResources.filter(function (item) { return item.lead_at.indexOf(level) < 0; }).map(line);
    var pointers = built.clinician.filter(function (item) { return applies(null, item.when); }).map(function (item) {
      return { id: item.id, text: item.text, sources: item.sources };
    });
    var fired = firedRules.filter(function (rule) { return rule.red_flag; });
    var firedLeaves = fired.reduce(function (found, rule) { return found.concat(leaves(rule.when)); }, []);
    var warningAnswers = [];
    Object.keys(used).forEach(function (questionId) {
      used[questionId].forEach(function (choiceId) {
        var behind = firedLeaves.some(function (leaf) {
          return leaf.answer === questionId && (leaf.is || leaf.includes || []).indexOf(choiceId) >= 0;
        });
        if (behind) warningAnswers.push([questionId, choiceId]);
      });
    });
    var actNow = ofKind("act_now");
    var safetyNet = ofKind("watch_for");
    var goodToKnow = ofKind("good_to_know");
    var steps = whatToDoNext(ofKind("menu"), ofKind("next_step"), ofKind("ask_clinician"));
    var nextSteps = steps[0];
    var ask = steps[1];
    var cited = [];
    [].concat(actNow, lead, safetyNet, cautions, nextSteps, ask, rest, goodToKnow, redFlags, pointers).forEach(function (item) {
      item.sources.forEach(function (sourceKey) { if (cited.indexOf(sourceKey) < 0) cited.push(sourceKey); });
    });
    var chosenLevel = built.levels[highest];
    var signStep = firedRules.filter(function (rule) { return rule.level === level && rule.next_step; })[0];
    return {
      questionnaire_id: built.id,
      questionnaire_version: built.version,
      level: level,
      level_title: chosenLevel.title,
      level_meaning: signStep ? signStep.next_step : chosenLevel.meaning,
      factors: factors,
      red_flags: redFlags,
      cautions: cautions,
      lead_resources: lead,
      next_steps: nextSteps,
      ask_clinician: ask,
      resources: rest,
      notice: built.notice,
      sources: cited,
      answers: used,
      act_now: actNow,
      safety_net: safetyNet,
      good_to_know: goodToKnow,
      combined_level: levelIds[combined],
      level_name: chosenLevel.name,
      clinician: pointers,
      warning_answers: warningAnswers,
      for_clinician: true,
      unanswered: [],
      own_signs: ownSigns,
      topic_titles: topicTitles,
    };
  }

  function factorQuestions(built, factorId) {
    return built.questions.filter(function (question) {
      return question.choices.some(function (choice) { return choice.points[factorId]; });
    }).map(function (question) { return question.id; });
  }

  function areasAsked(built, assessment) {
    if (!assessment.unanswered.length) return assessment.factors.map(function (factor) { return factor.id; });
    var answered = Object.keys(assessment.answers);
    return assessment.factors.filter(function (factor) {
      return factorQuestions(built, factor.id).some(function (id) { return answered.indexOf(id) >= 0; });
    }).map(function (factor) { return factor.id; });
  }

  function withoutClinician(assessment) {
    var kept = [];
    [].concat(assessment.act_now, assessment.lead_resources, assessment.safety_net, assessment.cautions,
      assessment.next_steps, assessment.ask_clinician, assessment.resources, assessment.good_to_know,
      assessment.red_flags).forEach(function (item) { kept = kept.concat(item.sources); });
    assessment.clinician = [];
    assessment.for_clinician = false;
    assessment.sources = assessment.sources.filter(function (sourceKey) { return kept.indexOf(sourceKey) >= 0; });
    return assessment;
  }

  // --- What the report says (render/plan.py) -------------------------------------------------------------

  function Said() {
    this.keys = {};
  }
  Said.prototype.note = function (text) {
    var keys = this.keys;
    sentences(text).forEach(function (sentence) {
      var sentenceKey = key(sentence);
      if (wordCount(sentenceKey) >= settings.repeat_words) keys[sentenceKey] = true;
    });
  };
  Said.prototype.newPart = function (text) {
    var keys = this.keys;
    var kept = [];
    sentences(text).forEach(function (sentence) {
      var sentenceKey = key(sentence);
      if (wordCount(sentenceKey) >= settings.repeat_words) {
        if (has(keys, sentenceKey)) return;
        keys[sentenceKey] = true;
      }
      kept.push(sentence);
    });
    return kept.join(" ");
  };

  function answerName(built, questionId, choiceId, withQuestion) {
    var question = built.byId[questionId];
    var choice = choiceOf(question, choiceId);
    var label = choice !== null ? choice.label : choiceId;
    var shared = built.questions.some(function (other) {
      return other.id !== questionId && other.choices.some(function (c) { return c.label === label; });
    });
    if (withQuestion || shared || words(label).length <= 1) return (question.short || question.text) + ": " + label;
    return label;
  }

  function toldUs(built, assessment) {
    var lang = built.lang;
    var rank = built.rank;
    var flags = assessment.red_flags.map(function (flag, order) { return { flag: flag, order: order }; })
      .sort(function (a, b) { return (rank[b.flag.level] - rank[a.flag.level]) || (a.order - b.order); })
      .map(function (entry) { return entry.flag; });
    if (flags.length && flags[0].level === assessment.level) {
      var signs = [];
      var meanings = [];
      flags.forEach(function (flag) {
        var parts = sentences(flag.text);
        signs.push(parts[0].replace(/\.+$/, ""));
        var fresh = parts.slice(1).filter(function (meaning) { return meanings.indexOf(meaning) < 0; });
        meanings = meanings.concat(fresh);
      });
      var told = t(lang, "You told us: {answers}.", { answers: signs.join("; ") });
      return flags.length <= settings.meanings_said ? [told].concat(meanings).join(" ") : told;
    }
    if (assessment.level === built.levels[0].id) return t(lang, "You told us nothing that raised the result.");
    var reached = assessment.factors.filter(function (f) { return f.level === assessment.level && f.raised_by.length; });
    if (!reached.length) reached = assessment.factors.filter(function (f) { return f.raised_by.length; });
    var answers = [];
    reached.map(function (factor, order) { return { factor: factor, order: order }; })
      .sort(function (a, b) {
        return (rank[b.factor.level] - rank[a.factor.level]) || (b.factor.score - a.factor.score) || (a.order - b.order);
      })
      .forEach(function (entry) {
        var named = entry.factor.raised_by.map(function (pair) { return answerName(built, pair[0], pair[1], true); });
        var fresh = named.filter(function (name) { return answers.indexOf(name) < 0; });
        answers = answers.concat(fresh);
      });
    if (!answers.length) return t(lang, "You told us nothing that raised the result.");
    var shownAnswers = answers.slice(0, settings.told_us_answers);
    var more = answers.length - shownAnswers.length;
    var text = shownAnswers.join("; ") + (more ? t(lang, ", and {count} more", { count: more }) : "");
    return t(lang, "You told us: {answers}.", { answers: text });
  }

  function items(assessment, said) {
    var groups = [];
    var byTopic = {};
    assessment.cautions.forEach(function (caution) {
      if (caution.topic && has(byTopic, caution.topic)) {
        byTopic[caution.topic].push(caution);
        return;
      }
      var group = [caution];
      groups.push(group);
      if (caution.topic) byTopic[caution.topic] = group;
    });
    var titles = {};
    assessment.topic_titles.forEach(function (pair) { titles[pair[0]] = pair[1]; });
    var number = 0;
    var built = [];
    groups.forEach(function (group) {
      var first = group[0];
      var title = group.length > 1 && has(titles, first.topic) ? titles[first.topic] : first.title;
      said.note(title);
      var text = group.map(function (c) { return said.newPart(c.text); }).filter(Boolean).join(" ");
      var step = group.map(function (c) { return said.newPart(c.next_step); }).filter(Boolean).join(" ");
      if (!(text || step)) return;
      var sources = [];
      group.forEach(function (caution) {
        caution.sources.forEach(function (sourceKey) { if (sources.indexOf(sourceKey) < 0) sources.push(sourceKey); });
      });
      number += 1;
      built.push({
        ids: group.map(function (c) { return c.id; }), title: title, text: text, next_step: step || first.next_step,
        sources: sources, folded: number > settings.full_items,
      });
    });
    return built;
  }

  function makePlan(built, assessment) {
    var lang = built.lang;
    var said = new Said();
    assessment.act_now.concat(assessment.safety_net).forEach(function (line) { said.note(line.text); });
    said.note(assessment.level_meaning);
    var told = toldUs(built, assessment);
    said.note(told);
    var made = items(assessment, said);
    if (assessment.level === built.levels[0].id && made.length) {
      told += " " + t(lang, "The main thing we noticed: {title}.", { title: made[0].title });
    }
    function fresh(lines) {
      return lines.map(function (line) { return { id: line.id, text: said.newPart(line.text), sources: line.sources }; })
        .filter(function (line) { return line.text; });
    }
    var asks = fresh(assessment.ask_clinician).map(function (line) {
      return { id: line.id, text: t(lang, "Ask a clinician: {question}", { question: line.text }), sources: line.sources };
    });
    var nextSteps = fresh(assessment.next_steps).concat(asks);
    return { told_us: told, items: made, next_steps: nextSteps, good_to_know: fresh(assessment.good_to_know) };
  }

  // --- The JSON report (render/data.py) ------------------------------------------------------------------

  function areaRows(built, assessment) {
    var lang = built.lang;
    var lowest = built.levels[0];
    var asked = areasAsked(built, assessment);
    var rows = [];
    var quiet = [];
    var unknown = [];
    var notAsked = [];
    assessment.factors.forEach(function (factor) {
      if (asked.indexOf(factor.id) < 0) {
        notAsked.push(factor.title);
        return;
      }
      if (factor.level === lowest.id) {
        var unsure = factorQuestions(built, factor.id).some(function (questionId) {
          return (assessment.answers[questionId] || []).some(function (choiceId) {
            var choice = choiceOf(built.byId[questionId], choiceId);
            return choice !== null && choice.unknown;
          });
        });
        (unsure ? unknown : quiet).push(factor.title);
        return;
      }
      var row = factor.title + ": " + built.levels[built.rank[factor.level]].name;
      if (factor.raised_by.length) {
        row += " (" + factor.raised_by.map(function (pair) { return answerName(built, pair[0], pair[1], false); }).join("; ") + ")";
      }
      rows.push(row);
    });
    if (quiet.length) rows.push(lowest.name + ": " + quiet.join(", "));
    if (unknown.length) rows.push(t(lang, "Not known, because you were not sure: {areas}", { areas: unknown.join(", ") }));
    if (notAsked.length) rows.push(t(lang, "Not asked: {areas}", { areas: notAsked.join(", ") }));
    var highestArea = Math.max.apply(null, assessment.factors.map(function (factor) { return built.rank[factor.level]; }));
    if (built.rank[assessment.combined_level] > highestArea) {
      rows.push(t(lang, "Together, these areas raise the result to {level}.",
        { level: built.levels[built.rank[assessment.combined_level]].name }));
    }
    return rows;
  }

  // The steps and the questions for a clinician: when steps fit what the person wants to do, they come first
  // and the list stops at menu_steps (score/reference.py, _what_to_do_next).
  function whatToDoNext(menu, steps, ask) {
    if (!menu.length) return [steps, ask];
    var texts = [];
    var kept = [];
    menu.concat(steps).map(function (line) { return [false, line]; })
      .concat(ask.map(function (line) { return [true, line]; }))
      .forEach(function (pair) {
        if (texts.indexOf(pair[1].text) < 0 && kept.length < settings.menu_steps) {
          texts.push(pair[1].text);
          kept.push(pair);
        }
      });
    return [
      kept.filter(function (pair) { return !pair[0]; }).map(function (pair) { return pair[1]; }),
      kept.filter(function (pair) { return pair[0]; }).map(function (pair) { return pair[1]; }),
    ];
  }

  // "Adapted from …; not validated for kratom." (render/clinician.py, provenance)
  function provenance(built, question) {
    if (!question.adapted_from) return null;
    var source = built.sources[question.adapted_from];
    var name = [source.title, source.publisher, source.year].filter(function (part) {
      return part !== null && part !== undefined && part !== "";
    }).join(", ");
    var note = question.validated_for_kratom
      ? "Adapted from {source}; validated for kratom."
      : "Adapted from {source}; not validated for kratom.";
    return t(built.lang, note, { source: name });
  }

  function clinicianDict(built, assessment) {
    if (!assessment.for_clinician) return null;
    var warnings = assessment.warning_answers.map(function (pair) { return pair[0] + "\u0000" + pair[1]; });
    return {
      answers: Object.keys(assessment.answers).map(function (questionId) {
        var question = built.byId[questionId];
        var row = {
          question: questionId,
          text: question.text,
          chosen: assessment.answers[questionId].map(function (choiceId) {
            var choice = choiceOf(question, choiceId);
            return {
              choice: choiceId, label: choice !== null ? choice.label : choiceId,
              warning_sign: warnings.indexOf(questionId + "\u0000" + choiceId) >= 0,
            };
          }),
        };
        var note = provenance(built, question);
        if (note) row.provenance = note;
        return row;
      }),
      areas: areaRows(built, assessment),
      pointers: assessment.clinician.map(function (line) { return { id: line.id, text: line.text, sources: line.sources.slice() }; }),
    };
  }

  function asDict(built, assessment) {
    function cited(line) {
      return { id: line.id, text: line.text, sources: line.sources.slice() };
    }
    function resource(line) {
      return { id: line.id, name: line.name, contact: line.contact, text: line.text, sources: line.sources.slice() };
    }
    var contract = {};
    built.questions.forEach(function (question) {
      if (has(assessment.answers, question.id)) {
        var chosen = assessment.answers[question.id];
        contract[question.id] = question.kind === "multiple" ? chosen.slice() : chosen[0];
      }
    });
    return {
      format: "kratom-check-report",
      format_version: 1,
      language: built.lang,
      made: null,
      region: built.region ? { code: built.region.code, name: built.region.name } : null,
      questionnaire: { id: assessment.questionnaire_id, version: assessment.questionnaire_version },
      level: assessment.level,
      level_name: assessment.level_name,
      level_title: assessment.level_title,
      level_meaning: assessment.level_meaning,
      told_us: makePlan(built, assessment).told_us,
      combined_level: assessment.combined_level,
      factors: assessment.factors.map(function (f) {
        return {
          id: f.id, title: f.title, score: f.score, level: f.level,
          raised_by: f.raised_by.map(function (pair) { return { question: pair[0], choice: pair[1] }; }),
        };
      }),
      red_flags: assessment.red_flags.map(function (flag) {
        var line = cited(flag);
        line.level = flag.level;
        return line;
      }),
      cautions: assessment.cautions.map(function (caution) {
        var line = cited(caution);
        line.title = caution.title;
        line.severity = caution.severity;
        line.next_step = caution.next_step;
        line.topic = caution.topic || null;
        return line;
      }),
      advice: {
        act_now: assessment.act_now.map(cited),
        urgent_contacts: assessment.lead_resources.map(resource),
        safety_net: assessment.safety_net.map(function (item) {
          var line = cited(item);
          line.own_sign = assessment.own_signs.indexOf(item.id) >= 0;
          return line;
        }),
        good_to_know: assessment.good_to_know.map(cited),
        next_steps: assessment.next_steps.map(cited),
        ask_clinician: assessment.ask_clinician.map(cited),
        resources: assessment.resources.map(resource),
      },
      notice: assessment.notice.slice(),
      unanswered: assessment.unanswered.slice(),
      saved_to_history: false,
      clinician: clinicianDict(built, assessment),
      since_last_check: null,
      sources: assessment.sources.map(function (sourceKey) {
        var source = built.sources[sourceKey];
        return {
          key: sourceKey, title: source.title, publisher: source.publisher,
          year: source.year === undefined ? null : source.year, url: source.url,
        };
      }),
      answers: contract,
    };
  }

  // --- The public API ------------------------------------------------------------------------------------

  function assessed(answers, options) {
    options = options || {};
    var built = view(options.lang, options.region);
    var checked = check(built, answers, !!options.partial);
    var assessment = assess(built, checked.values);
    assessment.unanswered = checked.missing;
    if (options.clinician === false) withoutClinician(assessment);
    return { built: built, assessment: assessment };
  }

  function score(answers, options) {
    var result = assessed(answers, options);
    return asDict(result.built, result.assessment);
  }

  function plan(answers, options) {
    var result = assessed(answers, options);
    return makePlan(result.built, result.assessment);
  }

  function questions(lang, region) {
    return view(lang, region).questions.map(function (question) {
      return {
        id: question.id, kind: question.kind, required: question.required, text: question.text,
        help: question.help, short: question.short, ask_if: question.ask_if,
        choices: question.choices.map(function (choice) {
          return { id: choice.id, label: choice.label, exclusive: choice.exclusive, unknown: choice.unknown };
        }),
      };
    });
  }

  function askedQuestions(answers) {
    var given = normalised(answers);
    var values = {};
    var applying = [];
    loaded().questions.forEach(function (question) {
      if (question.ask_if && !holds(question.ask_if, values)) return;
      applying.push(question.id);
      if (has(given, question.id)) values[question.id] = given[question.id];
    });
    return applying;
  }

  function asked(questionId, answers) {
    var found = loaded().questions.some(function (question) { return question.id === questionId; });
    if (!found) throw new Error("kratomCheck.asked: '" + questionId + "' is not a question id.");
    return askedQuestions(answers).indexOf(questionId) >= 0;
  }

  function regions(lang) {
    var d = loaded();
    return d.regions.map(function (region) { return view(lang, region.code).region; });
  }

  var api = {
    load: load,
    score: score,
    plan: plan,
    questions: questions,
    asked: asked,
    askedQuestions: askedQuestions,
    regions: regions,
    region: regionCode,
    language: language,
    view: view,
    t: t,
  };
  return api;
})();
if (typeof window !== "undefined") window.kratomCheck = kratomCheck;
