"""Offline page benchmark: the size of `kratom-check export form`'s file, and how fast it answers in a browser.

Run it with `python benchmarks/form.py` after the README's install (the test extra brings Playwright); it
needs Chromium at /usr/bin/chromium (or --chromium PATH). It opens the page from file:// in headless
Chromium slowed down 4 times (CDP Emulation.setCPUThrottlingRate), --runs times, and prints the median of:

  - first question: from the start of navigation to the first question painted; and the page's own share of
    that, over an empty page's first paint in the same browser and throttling (budget 100 ms: a new document
    alone takes Chromium 100 to 250 ms to paint at 4x here, whatever it holds);
  - each answer: from a click on Next to the next question painted, scored for a warning sign on the way;
  - result: from the last answer (the click on "See my result") to the result painted (budget 50 ms): the
    result and what it means, with any same-day contacts; the rest of the report is added in the frame after,
    and its time is printed too (no budget).

The file must be at most 400 KB. It exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

MAX_BYTES = 400 * 1024
FIRST_QUESTION_MS = 100.0
RESULT_MS = 50.0
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWERS = {
    "symptoms": ["none"],
    "frequency": "several_daily",
    "duration": "over_1_year",
    "amount": "moderate",
    "product_forms": ["leaf", "extract"],
    "co_use": ["alcohol"],
    "alcohol_frequency": "weekly",
    "liver_conditions": ["none"],
}
"""The README's example answers; questions they leave out are skipped or answered with the first choice."""

# Installed before the page's own scripts (through the DevTools protocol, which the page's policy does not
# govern): the time of each click, and when each question and the result were painted (the page marks them
# for the Element Timing API).
PROBE = """
(() => {
  const marks = {clicks: [], shown: []};
  window.__marks = marks;
  document.addEventListener("click", (event) => {
    if (event.target.closest("button")) marks.clicks.push(performance.now());
  }, true);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) marks.shown.push([entry.identifier, entry.renderTime]);
  }).observe({type: "element", buffered: true});
  // The rest of the report is added after the result is painted: when the page marks it complete, and the
  // frame after that has been drawn (a timer set in the next animation frame runs once it is painted).
  new MutationObserver((changes) => {
    if (changes.some((change) => change.target.id === "kc-report" && change.target.hasAttribute("data-complete"))) {
      requestAnimationFrame(() => setTimeout(() => { marks.whole = performance.now(); }, 0));
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-complete"]});
})();
"""


EMPTY = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>-</title></head><body><h1>-</h1></body></html>"


RATE = 4.0
"""How many times slower the CPU is made (default of --cpu-slowdown)."""


def empty_paint(browser: Any, empty_file: Path, rate: float) -> float:
    """When an empty page's heading is first painted (first contentful paint), from the start of navigation,
    in a fresh context with the same CPU slowdown."""
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
        page.goto(empty_file.as_uri())
        page.wait_for_function("() => performance.getEntriesByType('paint').length > 1")
        return float(page.evaluate("performance.getEntriesByType('paint')[1].startTime"))
    finally:
        context.close()


def run_once(browser: Any, page_file: Path, rate: float) -> tuple[float, list[float], float, float]:
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.add_init_script(PROBE)
        session = context.new_cdp_session(page)
        session.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        page.goto(page_file.as_uri())
        page.wait_for_function("() => window.__marks && window.__marks.shown.length > 0")
        first = float(page.evaluate("window.__marks.shown[0][1]"))
        page.locator("html[data-ready]").wait_for(state="attached")
        answers: list[float] = []
        while page.locator("form#kc-question").count():
            question = page.locator("form#kc-question").get_attribute("data-question") or ""
            given = ANSWERS.get(question)
            if given is None:
                page.locator("input[name=answer]").first.check()
            else:
                for choice in [given] if isinstance(given, str) else given:
                    page.locator(f"input[value='{choice}']").check()
            before = len(page.evaluate("window.__marks.shown"))
            page.locator("button[type=submit]").click()
            if page.locator(".warning-now").count():
                raise SystemExit("the benchmark's answers must not hold a warning sign")
            if page.locator("form#kc-question").count():
                page.wait_for_function(f"() => window.__marks.shown.length > {before}")
                shown = page.evaluate("window.__marks.shown")
                answers.append(float(shown[-1][1]) - float(page.evaluate("window.__marks.clicks.at(-1)")))
        page.locator("button[data-action=result]").click()
        page.wait_for_function("() => window.__marks.shown.some(([name]) => name === 'result')")
        page.wait_for_function("() => window.__marks.whole !== undefined")
        marks = page.evaluate("window.__marks")
        result = next(t for name, t in marks["shown"] if name == "result") - marks["clicks"][-1]
        return first, answers, float(result), float(marks["whole"] - marks["clicks"][-1])
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--cpu-slowdown", type=float, default=RATE, help="1 for the machine's own speed")
    options = parser.parse_args()
    rate = options.cpu_slowdown
    if not Path(options.chromium).exists():
        print(f"No Chromium at {options.chromium}: install it (Debian: apt-get install -y chromium) or give"
              " --chromium PATH.", file=sys.stderr)  # fmt: skip
        return 2

    from playwright.sync_api import sync_playwright

    from kratom_check.form.build import page

    html = page()
    size = len(html.encode("utf-8"))
    firsts: list[float] = []
    empties: list[float] = []
    answers: list[float] = []
    results: list[float] = []
    wholes: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        page_file = Path(folder) / "check.html"
        page_file.write_text(html, encoding="utf-8")
        empty_file = Path(folder) / "empty.html"
        empty_file.write_text(EMPTY, encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=options.chromium, args=FLAGS)
            try:
                run_once(browser, page_file, rate)  # warm the browser's own caches once
                for _ in range(options.runs):
                    first, each, result, whole = run_once(browser, page_file, rate)
                    firsts.append(first)
                    empties.append(empty_paint(browser, empty_file, rate))
                    answers += each
                    results.append(result)
                    wholes.append(whole)
            finally:
                browser.close()

    first_ms = statistics.median(firsts)
    empty_ms = statistics.median(empties)
    own_ms = statistics.median(first - empty for first, empty in zip(firsts, empties, strict=True))
    answer_ms = statistics.median(answers)
    result_ms = statistics.median(results)
    missed = []
    print(f"file size:            {size / 1024:7.1f} KB  (budget {MAX_BYTES // 1024} KB)")
    print(f"first question shown: {first_ms:7.1f} ms  (from navigation start; median of {options.runs},"
          f" CPU slowed {rate:g}x)")  # fmt: skip
    print(f"  an empty page:      {empty_ms:7.1f} ms  (its first paint, the same way)")
    print(f"  the page's own:     {own_ms:7.1f} ms  (budget {FIRST_QUESTION_MS:.0f} ms)")
    print(f"next question shown:  {answer_ms:7.1f} ms  (median of {len(answers)} answers)")
    print(f"result shown:         {result_ms:7.1f} ms  (budget {RESULT_MS:.0f} ms; from the last answer)")
    print(f"  the whole report:   {statistics.median(wholes):7.1f} ms  (the rest added after the result is painted;"
          " no budget)")  # fmt: skip
    if size > MAX_BYTES:
        missed.append("size")
    if own_ms > FIRST_QUESTION_MS:
        missed.append("first question")
    if result_ms > RESULT_MS:
        missed.append("result")
    if missed:
        print("Missed: " + ", ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
