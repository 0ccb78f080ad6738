"""Stage 3, score: pure functions from a questionnaire and answers to a result. reference.py gives
the whole assessment; fast.py gives the same levels for many rows at batch speed."""
