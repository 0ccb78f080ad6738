"""Stage 4, render: an assessment as text, Markdown or JSON (text.py), a printable page (html.py)
or FHIR resources (fhir.py), one chosen by its --format name in report.py; save.py writes a report to
a file safely."""
