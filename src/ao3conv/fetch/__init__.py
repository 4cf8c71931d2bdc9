"""Fetching AO3 pages politely (httpx). Filled in by the fetcher work."""
