"""Networks of your own design for this study (Tips 3, 5).

Put a PyTorch module here when the study's question needs an architecture the engine does not
ship (attention over sequences, an encoder from a paper, a model you designed). Keep each network
a function of the input's shape and the number of outputs, so the protocol can build it for
notebook 03's sanity checks, the equal-budget search of 04 and the checks of 05-07.

Registering a network by name so that `tuning.families` in lab.yaml can list it is not available
yet: until it is, the studies compare the engine's own networks (lab.yaml `network`), and code here
is yours to import from your own notebooks and tests.
"""
