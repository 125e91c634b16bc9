"""Analyzers turn one file's text into facts; rules never look at syntax trees."""
