"""Writes with business rules for the forum. Import from the submodules."""
