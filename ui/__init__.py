"""The thin Streamlit layer: cached connection and queries, the filter panel, shared widgets."""
