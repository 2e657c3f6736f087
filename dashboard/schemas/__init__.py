"""Request and response schemas, one module per domain (`dashboard/schemas/<group>.py`).

Both the REST API (`api/`) and the admin panel (`admin_views/`) import them, so a rule
about the shape of input is written once and neither entry layer imports the other.
"""
