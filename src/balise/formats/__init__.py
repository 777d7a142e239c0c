"""Date and time formats shown to people: the Belgian order (10/12/2026, or 10 December 2026) in
every language of the interface, and the 24-hour clock. Django's English defaults are American
(12/10/2026, 2:30 p.m.); settings.FORMAT_MODULE_PATH points here."""
