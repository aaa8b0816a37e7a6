"""Shared code behind the study's eight notebooks: data, models, checks and the runner."""

from .common.errors import LabError

__version__ = "0.1.0"

__all__ = ["LabError", "__version__"]
