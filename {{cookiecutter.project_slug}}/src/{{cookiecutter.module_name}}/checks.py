"""Checks of your own that the protocol does not make (Tips 4, 7, 9).

A check is a function of the study's data or fitted models that returns what it found, with the
numbers behind it. Write it here with a test under tests/; until checks can be registered so that a
run records them and the ethics register shows their findings, call them from your own notebooks.
"""
