"""Local state the person asked for: the opt-in history."""
