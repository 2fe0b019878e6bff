"""Streamlit helpers shared by the pages: the only place besides app.py and pages/ that imports Streamlit.

Layers: ``catlr`` (UI-free core) ← ``ui`` (these helpers) ← ``pages/`` + ``app.py``. Importing this
package changes nothing; the server's process settings are made by ``app.py`` through
:func:`catlr.runtime.configure_process`. Modules: ``state`` (every session-state key), ``cache`` (every
``st.cache_*``), ``session_data`` / ``session_model`` / ``session_photo`` (this user's dataset, model and
photo), ``train_view`` / ``mistakes_view`` / ``explain_views`` (what pages render), ``charts``,
``widgets``, ``scenes``.
"""
