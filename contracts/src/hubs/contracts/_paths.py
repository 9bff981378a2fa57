"""Where the generated and committed files of a source checkout of contracts/ live."""

from pathlib import Path


def contracts_root() -> Path:
    """The contracts/ folder this package was installed (editable) from."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "hubs" / "contracts").is_dir():
            return parent
    raise RuntimeError("hubs.contracts is not installed from a source checkout: pass --root <contracts dir>")


def jsonschema_dir(root: Path) -> Path:
    """Generated JSON Schema, one file per event version."""
    return root / "jsonschema"


def snapshots_dir(root: Path) -> Path:
    """Committed JSON Schema of every published event version, as first published."""
    return root / "snapshots"


def asyncapi_file(root: Path) -> Path:
    """The generated AsyncAPI document."""
    return root / "asyncapi.yaml"
