"""Shared Streamlit helpers for the pages: session state, the job registry and job views."""
