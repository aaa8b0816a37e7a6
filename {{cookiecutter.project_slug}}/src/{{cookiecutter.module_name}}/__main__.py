"""`python -m <this module>`: the study's command, carried out by the protocol engine beside this module."""

import importlib

main = importlib.import_module(f"{__package__}_engine.cli").main
raise SystemExit(main())
