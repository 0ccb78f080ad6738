"""Stage 1, load: a questionnaire file (or the packaged one's pre-checked copy), in a language,
checked and built into the model. questionnaire.py is the way in."""
