"""The pure model: no Qt here (a test enforces it)."""

from .app_model import AppModel, Change, Selection
from .dataset import Dataset, SeedInfo, fold
from .dates import EDTFError, FuzzyDate
from .entities import Actor, Event, EventDate, Place, PlaceRef, Quote
from .filter import Filter
from .palette import Palette

__all__ = [
    "Actor",
    "AppModel",
    "Change",
    "Dataset",
    "EDTFError",
    "Event",
    "EventDate",
    "Filter",
    "FuzzyDate",
    "Palette",
    "Place",
    "PlaceRef",
    "Quote",
    "SeedInfo",
    "Selection",
    "fold",
]
