"""Home-support screens, one module per area (requests, planning, visits, set-up)."""
