"""The SRI template tags: the integrity is the file's SHA-384, recomputed when the file changes."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.template import Context, Template

from balise.core.templatetags.sri import StaticFileMissing, integrity

ENCODING_JS = Path(__file__).resolve().parents[2] / "src/balise/static/balise/js/encoding.js"


def _sha384(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_it_hashes_the_served_file() -> None:
    assert integrity("balise/js/encoding.js") == _sha384(ENCODING_JS.read_bytes())


def test_it_renders_a_module_script_and_a_preload() -> None:
    html = Template(
        "{% load sri %}{% sri_modulepreload 'balise/js/encoding.js' id='m' %}"
        "{% sri_script 'balise/js/identity-form.js' %}"
    ).render(Context())
    digest = _sha384(ENCODING_JS.read_bytes())
    assert (
        f'<link rel="modulepreload" id="m" href="/static/balise/js/encoding.js" '
        f'integrity="{digest}" crossorigin="anonymous">'
    ) in html
    module = '<script type="module" src="/static/balise/js/identity-form.js" integrity="sha384-'
    assert module in html


def test_it_follows_a_changed_file(tmp_path: Path, settings: LazySettings) -> None:
    folder = tmp_path / "static"
    (folder / "t").mkdir(parents=True)
    script = folder / "t" / "x.js"
    script.write_bytes(b"export const a = 1;\n")
    settings.STATICFILES_DIRS = [folder]
    first = integrity("t/x.js")
    script.write_bytes(b"export const a = 2;\n")
    os.utime(script, ns=(1, 2_000_000_000))  # a different mtime even on coarse clocks
    assert integrity("t/x.js") == _sha384(b"export const a = 2;\n") != first


def test_it_refuses_a_missing_file() -> None:
    with pytest.raises(StaticFileMissing):
        integrity("balise/js/no-such-module.js")
