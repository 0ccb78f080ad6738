"""`kratom-check schema`: the questionnaire format as JSON Schema, for editors and other tools."""

from ..edge import debug_requested, emit, user_errors


def schema() -> None:
    """Print the JSON Schema of the questionnaire format.

    It is generated from the same models that check questions.yaml.
    """
    with user_errors(debug=debug_requested()):
        from ..questionnaire import json_schema_text

        emit(json_schema_text())
