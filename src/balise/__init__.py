"""Balise: record exploitation situations, count children without names, publish safe figures."""

__version__ = "0.1.0"
