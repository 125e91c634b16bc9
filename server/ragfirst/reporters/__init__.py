"""Reporters turn findings into one output format each; they never lint."""
