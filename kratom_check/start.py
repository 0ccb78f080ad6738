"""The console script's first stop: garbage collection waits until the CLI is loaded, then runs.

Loading typer, pydantic and the questionnaire makes a few hundred thousand objects that all live
to the end; collecting them over and over as they are made costs a sixteenth of a short run.
Only the program does this: importing kratom_check as a library changes nothing.
"""

import gc


def main() -> None:
    gc.disable()
    from .cli import main as run

    run()
