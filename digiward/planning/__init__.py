"""Pure optimisation: duty rosters (CP-SAT) and visit routes (VRP with time windows).

Dataclasses in, dataclasses out. No Django import anywhere in this package, so it
can be tested and benchmarked on its own and reused by any app.
"""
