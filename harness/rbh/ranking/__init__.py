"""Candidate ranking (`protocol: rank` tasks): candidate lists, chance levels, position bias."""
