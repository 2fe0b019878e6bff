"""scripts/warm_up.py: a fresh server runs its script once on request, which trains the default model ahead."""

from __future__ import annotations

from scripts.warm_up import warm_up
from tests.e2e.server import free_port, streamlit_server


def test_a_live_server_warms_up_through_its_script_health_check(real_data_dir):
    with streamlit_server({"CATLR_DATA_DIR": str(real_data_dir)}, warm=False) as (url, _):
        assert warm_up(url)


def test_no_server_is_no_warm_up():
    assert not warm_up(f"http://127.0.0.1:{free_port()}", timeout=1.0)
