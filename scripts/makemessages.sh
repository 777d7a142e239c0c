#!/usr/bin/env bash
# Refresh the French and Dutch catalogues of every app that has a locale folder (msgids are English).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for locale in "$root"/src/balise/*/locale; do
  app="$(dirname "$locale")"
  (cd "$app" && "$root/.venv/bin/django-admin" makemessages -l fr -l nl --no-obsolete --no-location >/dev/null)
done
