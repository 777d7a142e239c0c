"""Releases: protected tables of a period, one module per protection mode.

``common`` holds what every mode shares (the draft's design, checks, metadata, the releases
published so far); ``suppression``, ``cellkey`` and ``dp`` compute a preview and the frozen
document of their mode, and write nothing. ``balise.observatory.services`` saves, audits and
publishes them.
"""
