"""Streamlit helpers shared by the pages (the only place besides app.py and pages/ that imports Streamlit).

Importing this package, which every page does through app.py, sets the server's BLAS to one thread.
Many users share one server process, and each page run is its own thread: when several of them called
a multi-threaded OpenBLAS at once, it kept buffers for every concurrent caller for the rest of the
process (measured: 8 threads doing the app's products at once, +70 MB that never came back; none with
one thread). On the exercise's data the products are small (at most 12,288 × 209), so one thread per call
costs little, and users run in parallel anyway; a large uploaded dataset computes its Gram matrix on one
core instead of two.
"""

from threadpoolctl import threadpool_limits

threadpool_limits(limits=1, user_api="blas")
