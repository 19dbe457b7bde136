"""SVG pictures: sanitised before any output embeds them, sized by their width and height."""
from __future__ import annotations

import pytest
from lxml import etree

from converter.errors import InputError
from converter.model.svg import css_size, sanitise

HOSTILE = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="2in" height="1in"
     onload="alert(1)">
  <script>alert('x')</script>
  <style>@import url(http://evil.example/a.css); rect { fill: url(http://evil.example/p.svg#g); stroke: red }</style>
  <rect width="10" height="10" fill="url(#grad)" style="fill: url(https://evil.example/x); stroke: blue"/>
  <image xlink:href="http://evil.example/track.png" width="1" height="1"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <use href="#local"/>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>
  <text>&x;</text>
</svg>"""


def test_scripts_handlers_and_external_references_are_removed():
    clean, removed = sanitise(HOSTILE, "hostile.svg")
    text = clean.decode()
    for gone in ("<script", "onload", "evil.example", "foreignObject", "@import", "passwd"):
        assert gone not in text, gone
    assert "data:image/png;base64" in text  # an embedded picture stays
    assert 'href="#local"' in text and 'fill="url(#grad)"' in text  # references to itself stay
    assert "stroke: blue" in text  # only the declaration that loads something goes
    assert {"<script>", "onload=", "<foreignObject>"} <= set(removed)


def test_not_svg_is_refused():
    with pytest.raises(InputError):
        sanitise(b"<html/>", "page.svg")
    with pytest.raises(InputError):
        sanitise(b"<svg", "broken.svg")


@pytest.mark.parametrize("attrs, size", [
    ('width="2in" height="1in"', (192.0, 96.0)),
    ('width="144pt" height="72pt"', (192.0, 96.0)),
    ('viewBox="0 0 300 100"', (300.0, 100.0)),
    ('width="600" viewBox="0 0 300 100"', (600.0, 200.0)),
    ('width="100%" height="100%" viewBox="0 0 40 20"', (40.0, 20.0)),
    ('', (300.0, 150.0)),
])
def test_css_size(attrs, size):
    root = etree.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg" {attrs}/>')
    assert css_size(root) == pytest.approx(size)
