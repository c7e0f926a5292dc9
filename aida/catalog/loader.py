"""Load the catalog from the shipped data or from an operator's file (`AIDA_CATALOG`)."""

from __future__ import annotations

import json
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aida.catalog.coverage import CoverageList
from aida.catalog.models import Catalog

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_CATALOG = DATA_DIR / "catalog.toml"


class CatalogError(Exception):
    """The catalog file is missing or malformed; the message says where."""


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise CatalogError(f"cannot read catalog {path}: {e.strerror}") from e
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
        raise CatalogError(f"catalog {path} is not valid {path.suffix[1:].upper()}: {e}") from e
    if not isinstance(data, dict):
        raise CatalogError(f"catalog {path} must be a table/object at the top level")
    return data


def _privacy(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The `privacy` table with its consent text read: `consent_file` (relative to the
    catalog) or inline `consent_text`; a catalog without one gets the shipped template."""
    privacy = data.get("privacy")
    if privacy is None:
        shipped = _read(DEFAULT_CATALOG)["privacy"]
        return _privacy({"privacy": shipped}, DEFAULT_CATALOG)
    if not isinstance(privacy, dict):
        raise CatalogError(f"catalog {path}: `privacy` must be a table/object")
    privacy = dict(privacy)
    consent_file = privacy.pop("consent_file", None)
    if consent_file is not None:
        target = path.parent / str(consent_file)
        if not target.exists() and (DATA_DIR / str(consent_file)).exists():
            # A copy of catalog.toml without its consent.md: the shipped template (which
            # `aida doctor` warns about) rather than no consent text at all.
            target = DATA_DIR / str(consent_file)
        try:
            privacy["consent_text"] = target.read_text(encoding="utf-8")
        except OSError as e:
            raise CatalogError(f"catalog {path}: cannot read consent text: {e.strerror}") from e
    return privacy


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and validate a catalog; `coverage` may be a CSV path (relative to the file) or rows."""
    path = Path(path) if path else DEFAULT_CATALOG
    data = _read(path)
    data["privacy"] = _privacy(data, path)
    coverage = data.get("coverage")
    try:
        if isinstance(coverage, str):
            csv_path = (path.parent / coverage).resolve()
            data["coverage"] = CoverageList.from_csv(csv_path)
        elif isinstance(coverage, list):
            data["coverage"] = CoverageList.from_records(coverage)
        else:
            raise CatalogError(f"catalog {path}: `coverage` must be a CSV path or a list of rows")
        return Catalog.model_validate(data)
    except OSError as e:
        raise CatalogError(f"catalog {path}: cannot read coverage list: {e}") from e
    except (ValidationError, ValueError) as e:
        raise CatalogError(f"catalog {path} is invalid: {e}") from e


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    return load_catalog(None)
