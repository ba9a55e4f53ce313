"""Araz: an offline map and timeline of geopolitical events, linked."""

__version__ = "0.1.0"
