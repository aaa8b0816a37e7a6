"""The command line (`<module> run`, `check`, `data`, `split`, `tune`, `report`, `release`, `sync-notebooks`)."""

from .commands import main

__all__ = ["main"]
