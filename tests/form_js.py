"""The offline page's scorer run in an embedded JavaScript engine (V8, through mini-racer), called as the page
calls it: `kratomCheck.load(data)`, then `kratomCheck.score(answers, {lang, region})`.

One engine holds the scorer and the data, loaded once; each call passes its arguments as JSON and gets JSON back,
so what a test compares is exactly what a page would hand to JSON.stringify.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCORER = Path(__file__).resolve().parent.parent / "kratom_check" / "form" / "scorer.js"


class FormScorer:
    """The scorer and a questionnaire's form data, loaded once into one JavaScript engine."""

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        from py_mini_racer import MiniRacer

        if data is None:
            from kratom_check.form.data import form_data

            data = form_data()
        self.context = MiniRacer()
        self.context.eval(SCORER.read_text(encoding="utf-8"))
        self.load(data)

    def load(self, data: dict[str, Any]) -> None:
        """Give the scorer other data (another questionnaire)."""
        self.data = data
        self.context.eval(f"kratomCheck.load({json.dumps(data, ensure_ascii=False)}); undefined")

    def call(self, function: str, *arguments: Any) -> Any:
        """kratomCheck.<function>(arguments...) as plain data; a thrown error comes back as {"error", "problems"}."""
        return self.evaluate("kratomCheck." + function, *arguments)

    def evaluate(self, function: str, *arguments: Any) -> Any:
        """A JavaScript function (an expression) called with arguments, as `call` does."""
        passed = ", ".join(json.dumps(argument, ensure_ascii=False) for argument in arguments)
        code = (
            "(function () { try { return JSON.stringify({value: (" + function + ")(" + passed + ")}); }"
            " catch (error) { return JSON.stringify({error: error.name + ': ' + error.message,"
            " problems: error.problems || null}); } })()"
        )
        result: dict[str, Any] = json.loads(str(self.context.eval(code)))
        return result["value"] if "value" in result and "error" not in result else result

    def score(self, answers: Any, *, lang: str, region: str | None = None, **options: Any) -> Any:
        return self.call("score", answers, {"lang": lang, "region": region, **options})

    def plan(self, answers: Any, *, lang: str, region: str | None = None, **options: Any) -> Any:
        return self.call("plan", answers, {"lang": lang, "region": region, **options})

    def close(self) -> None:
        """Free the engine (an engine left open keeps the interpreter from exiting)."""
        self.context.close()

    def __enter__(self) -> FormScorer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
