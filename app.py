"""catlr dashboard: the entry point. Run with `streamlit run app.py` (see README); the router is ui/router.py."""

from ui import router

router.main()
