"""The core data model: samples, catalogs, knowledge graphs and benchmark datasets."""

from rbh.data.catalog import Catalog, Item
from rbh.data.dataset import BenchmarkDataset, load_dataset
from rbh.data.interactions import Interaction, Interactions, User, Users, load_interactions, load_users
from rbh.data.kg import KG, Triple
from rbh.data.sample import Bridge, Condition, Misinformation, Sample

__all__ = [
    "BenchmarkDataset",
    "Bridge",
    "Catalog",
    "Condition",
    "Interaction",
    "Interactions",
    "Item",
    "KG",
    "Misinformation",
    "Sample",
    "Triple",
    "User",
    "Users",
    "load_dataset",
    "load_interactions",
    "load_users",
]
