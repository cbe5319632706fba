"""The data model and the dataset format, both ways — documented for plugins (docs/plugins.md):
samples, catalogs (title resolution), knowledge graphs, interactions and users with their
loaders, datasets read from folders or the Hub, dataset folders written and published."""

from rbh.data.bm25 import BM25Index, item_text
from rbh.data.catalog import Catalog, Item
from rbh.data.conditions import DECADE, decade_of, items_holding, items_holding_all, request_conditions
from rbh.data.dataset import BenchmarkDataset, load_dataset
from rbh.data.dataset_format import CARD, default_split, sample_row, write_config_table, write_dataset
from rbh.data.hub import HubError, push_dataset
from rbh.data.interactions import Interaction, Interactions, User, Users, load_interactions, load_users
from rbh.data.kg import KG, Triple
from rbh.data.movielens import AGE_BUCKETS, OCCUPATIONS, MovieRow, read_movies, split_movie_title
from rbh.data.normalize import move_trailing_article, split_year, title_key
from rbh.data.resolution import ResolutionOptions
from rbh.data.sample import CONDITION_SUBTYPES, SUBTYPES, Bridge, Condition, Misinformation, Sample
from rbh.data.sources import parse_json_object, read_card_configs
from rbh.data.tables import read_columns, read_dat_lines, read_table
from rbh.gc_pause import gc_paused

__all__ = [
    "decade_of",
    "items_holding",
    "items_holding_all",
    "request_conditions",
    "item_text",
    "AGE_BUCKETS",
    "BM25Index",
    "CARD",
    "CONDITION_SUBTYPES",
    "DECADE",
    "KG",
    "OCCUPATIONS",
    "SUBTYPES",
    "BenchmarkDataset",
    "Bridge",
    "Catalog",
    "Condition",
    "HubError",
    "Interaction",
    "Interactions",
    "Item",
    "Misinformation",
    "MovieRow",
    "ResolutionOptions",
    "Sample",
    "Triple",
    "User",
    "Users",
    "default_split",
    "gc_paused",
    "load_dataset",
    "load_interactions",
    "load_users",
    "move_trailing_article",
    "parse_json_object",
    "push_dataset",
    "read_card_configs",
    "read_columns",
    "read_dat_lines",
    "read_movies",
    "read_table",
    "sample_row",
    "split_movie_title",
    "split_year",
    "title_key",
    "write_config_table",
    "write_dataset",
]
