"""Kuffert: competence-development programmes for early-childhood staff, in the terminal.

Kept empty on purpose: importing the package must stay cheap, because the headless CLI
commands and the start-up path import it before anything else.
"""

__version__ = "0.1.0"
