"""The composer's live counter and the server count a post alike.

One set of vectors (tests/data/weibo_length_vectors.json) runs against
``weibo_app.core.text.weibo_length`` and against ``weiboLength`` in
static/js/composer.js, loaded under Node.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from weibo_app.core.text import weibo_length

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "data" / "weibo_length_vectors.json"
COMPOSER = ROOT / "static" / "js" / "composer.js"
CASES = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
IDS = [case["name"] for case in CASES]

# Loads composer.js as a CommonJS module (it exports when `module` exists) and
# prints the length of every vector's text, in order.
NODE_SCRIPT = """
const fs = require("fs");
const composer = require(process.argv[1]);
const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).cases;
process.stdout.write(JSON.stringify(cases.map((c) => composer.weiboLength(c.text))));
"""


@pytest.fixture(scope="module")
def node_lengths() -> list[int]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (not on PATH): the composer's counter cannot be run")
    result = subprocess.run(  # noqa: S603 - fixed script, paths from this repository
        [node, "-e", NODE_SCRIPT, str(COMPOSER), str(VECTORS)],
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_vectors_cover_what_the_rule_names():
    names = " ".join(IDS).lower()
    for topic in ("ascii", "cjk", "emoji", "combining", "zwj", "soft hyphen", "zero-width",
                  "full-width punctuation", "limit"):
        assert topic in names, topic


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_server_count(case):
    assert weibo_length(case["text"]) == case["length"]


@pytest.mark.parametrize("index", range(len(CASES)), ids=IDS)
def test_composer_count_under_node(node_lengths, index):
    assert node_lengths[index] == CASES[index]["length"], CASES[index]["name"]


def test_composer_still_runs_in_a_page_without_module():
    """Loaded as a plain script (no `module`), it exposes the counter on window and attaches nothing
    when there is no textarea."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (not on PATH): the composer's counter cannot be run")
    script = """
const fs = require("fs");
const vm = require("vm");
const listeners = [];
const sandbox = {
  window: {},
  document: {
    readyState: "complete",
    querySelectorAll: () => [],
    addEventListener: (name) => listeners.push(name),
  },
};
vm.runInNewContext(fs.readFileSync(process.argv[1], "utf8"), sandbox);
process.stdout.write(JSON.stringify({
  length: sandbox.window.weiboLength("政务ab"),
  listeners: listeners,
}));
"""
    result = subprocess.run(  # noqa: S603 - fixed script, a path from this repository
        [node, "-e", script, str(COMPOSER)], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"length": 3, "listeners": []}
