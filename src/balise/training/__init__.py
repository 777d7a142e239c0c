"""Trainings: a catalogue of courses, their sessions, public registration with a waitlist that
runs by itself, attendance, certificates and evaluations (docs/trainings.md)."""
