"""Built-in Python checks for logic YAML cannot express; rules name them with `check:`.

Checks come only from this installed package: a scanned repository can never add one.
"""
