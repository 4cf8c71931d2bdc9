"""ao3conv.images, the one place that says what an image is (its leaf rule and the
writers' "nothing that reads files" rule are in test_architecture.py)."""

from __future__ import annotations

import doctest

import ao3conv.images
from ao3conv.images import embeddable_type, image_type, raster_type

SAFE_SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><rect width='1' height='1'/></svg>"
UNSAFE_SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"


def test_the_examples_in_the_docstrings_hold() -> None:
    found = doctest.testmod(ao3conv.images)
    assert found.attempted >= 2 and found.failed == 0


def test_svg_is_an_image_type_but_no_raster_and_embeddable_only_when_safe() -> None:
    assert (image_type(SAFE_SVG), raster_type(SAFE_SVG)) == ("image/svg+xml", None)
    assert (embeddable_type(SAFE_SVG), embeddable_type(UNSAFE_SVG)) == ("image/svg+xml", None)
    assert embeddable_type(b"GIF89a....") == "image/gif"
