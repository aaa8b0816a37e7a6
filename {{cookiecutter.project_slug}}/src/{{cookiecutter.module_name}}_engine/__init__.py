"""Shared code behind the study's eight notebooks: data, models, checks and the runner."""

from .common.errors import LabError

__version__ = "1.0.0"  # recorded in engine-manifest.json by the template's tools/engine_manifest.py

__all__ = ["LabError", "__version__"]
