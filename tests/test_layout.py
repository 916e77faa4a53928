"""The README's layout names every top-level package and folder of the tree (issue 30: docs
true to the tree), and no package holds more than a quarter of the product's lines."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ["config", "core", "cricket", "accounts", "games", "scoring", "centre", "realtime",
           "events", "leaderboards", "ops"]


def _layout() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme[readme.index("## Layout"):]


def test_the_readme_layout_names_every_top_level_package():
    layout = _layout()
    ignored = {"var", "test-artifacts", "__pycache__", "node_modules"}
    tracked = {p.name for p in ROOT.iterdir()
               if p.is_dir() and not p.name.startswith(".") and p.name not in ignored}
    missing = sorted(name for name in tracked if f"{name}/" not in layout)
    assert not missing, f"README's layout does not name {missing}"
    assert set(PRODUCT) <= tracked


def _lines(package: str) -> int:
    return sum(len(path.read_text().splitlines()) for path in (ROOT / package).rglob("*.py")
               if "migrations" not in path.parts)


def test_no_package_holds_more_than_a_quarter_of_the_product():
    lines = {package: _lines(package) for package in PRODUCT}
    total = sum(lines.values())
    assert all(count <= total / 4 for count in lines.values()), lines
