"""Importing the household and resident lists that wards keep in Excel and CSV.

Pipeline: `reader` (file → rows of cells) → `headers` (find the header row and map
columns to fields) → `cells` (parse each messy cell) → `rows` (one ImportRow per
person with its errors) → `plan` (match against the registry: create, update,
unchanged, rejected) → `apply` (write, all-or-nothing or skipping invalid rows).
Everything up to `plan` is pure and unit-tested without a database.
"""
