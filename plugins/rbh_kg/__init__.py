"""Curated knowledge graphs, simulated users and the `kg` benchmark generator."""
