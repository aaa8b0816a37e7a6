"""The project's two package names, read from where this file sits (no setting to keep in step).

The engine is `<module>_engine`, next to the study's own module `<module>`, whose name is also the
command (`<module> run`). Two projects in one environment therefore never share an engine.
"""

ENGINE = __name__.split(".")[0]
STUDY = ENGINE.removesuffix("_engine")
COMMAND = STUDY
NETWORK = "network"  # the model family key of the study's network
