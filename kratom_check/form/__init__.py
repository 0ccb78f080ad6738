"""The offline check page: the questionnaire's data for a browser, and the generic scorer that reads it."""
