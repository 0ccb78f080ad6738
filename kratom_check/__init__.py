"""kratom-check: a private, plain-language self-check for people who use kratom."""

__version__ = "0.1.0"
