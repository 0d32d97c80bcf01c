"""The pages of the Streamlit front end (`app.py` puts them in its navigation)."""
