"""This study's own code: the scientist's networks, features, data readers and extra checks.

The module is yours. Template updates (`cruft update`) never touch it: it is listed in
`[tool.cruft] skip` in pyproject.toml. The protocol that runs the eight notebooks lives beside it,
in the engine package `<this module>_engine`, which the template owns and updates; `check` names
any engine file that differs from what the template shipped. ARCHITECTURE.md says what goes where.

- `models.py`   networks of your own design
- `features.py` features the classical baselines read (descriptors, embeddings)
- `loaders.py`  readers for data formats the engine does not know
- `checks.py`   checks of your own that the protocol does not make
"""

__version__ = "0.1.0"
