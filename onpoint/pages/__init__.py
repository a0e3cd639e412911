"""Pages as models: one module per page, each with one function that takes plain inputs (the
district, the user, the campaign, the query's parameters, the clock) and returns a frozen
dataclass of the page's rows and figures.

Stored rows in (onpoint.selectors and the page reads), the page out; no HTTP, no recomputing,
so every page is tested without a request (tests/onpoint/test_page_models.py). The views fetch
what the URL names (districts.selectors decides who sees what), call the page's function and
render `page.context()`.
"""
