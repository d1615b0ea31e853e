"""The documentation in docs/ stays true to the code it describes.

docs/api.md lists exactly the endpoints of the OpenAPI document (which
tests/test_openapi.py keeps identical to the routes), and the README and
docs/ link only to files that are in the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from weibo_app.api.openapi_spec import build_spec

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# "### `GET /api/v1/posts/{post_id}`": one heading per endpoint.
ENDPOINT_HEADING = re.compile(r"^#{2,4} `(GET|POST|PUT|PATCH|DELETE) (/api/v1/\S*)`\s*$", re.MULTILINE)
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def documented_endpoints() -> set[tuple[str, str]]:
    return set(ENDPOINT_HEADING.findall((DOCS / "api.md").read_text(encoding="utf-8")))


def openapi_endpoints() -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, ops in build_spec()["paths"].items() for method in ops}


def test_api_doc_lists_every_endpoint_of_the_openapi_document():
    missing = openapi_endpoints() - documented_endpoints()
    assert missing == set(), "in the OpenAPI document but not in docs/api.md"


def test_every_endpoint_in_the_api_doc_is_in_the_openapi_document():
    unknown = documented_endpoints() - openapi_endpoints()
    assert unknown == set(), "in docs/api.md but not in the OpenAPI document"


def test_api_doc_paths_match_the_openapi_paths():
    assert {path for _m, path in documented_endpoints()} == set(build_spec()["paths"])


def test_api_doc_headings_are_found():
    """The heading pattern itself works (so the comparisons above cannot pass on an empty set)."""
    assert ("GET", "/api/v1/posts/{post_id}") in documented_endpoints()
    assert len(documented_endpoints()) >= 30


PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_links_stay_inside_the_repository(page):
    text = page.read_text(encoding="utf-8")
    assert "DESIGN.md" not in text
    for target in MARKDOWN_LINK.findall(text):
        if target.startswith(("http://", "https://", "#", "mailto:")):
            continue
        path = (page.parent / target.split("#", 1)[0]).resolve()
        assert path.is_relative_to(ROOT), f"{page.name} links outside the repository: {target}"
        assert path.exists(), f"{page.name} links to a missing file: {target}"


def test_readme_links_to_every_doc():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in ("architecture.md", "metrics.md", "api.md", "operations.md"):
        assert f"docs/{doc}" in readme, doc
