"""The protocol engine behind the study's eight notebooks: data, models, checks, reports and the runner.

The template owns this package and updates it (`cruft update`); the study's own code lives in the
module beside it. The notebooks import the names of api.NAMES from here, each loaded on first use.
"""

from .api import MODULES, NAMES, resolve

__version__ = "1.0.0"  # recorded in engine-manifest.json by the template's tools/engine_manifest.py

__all__ = sorted({*NAMES, *MODULES})


def __getattr__(name: str):
    if name in NAMES or name in MODULES:
        value = resolve(__name__, name)
        globals()[name] = value  # later lookups find it without importing again
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *NAMES, *MODULES})
