"""Stage 2, ask: answers from a file (answers.py) or from a person at a terminal (interview.py),
checked against the questionnaire; gather.py picks the way, or both."""
