""""What would make it a cat?" and "How stable is the verdict?" on Predict and Mistakes: nothing runs until an
expander is opened, and what it says agrees with the model scoring the changed images itself."""

from __future__ import annotations

import re

import numpy as np
import pytest

from catlr import adversarial, engine, variants
from catlr.config import TrainConfig
from catlr.data import flatten, load_dataset
from catlr.problem import from_dataset
from ui import poke_views, state

TEST_5 = ("test", 5)  # a non-cat the default model calls cat (P(cat) 0.528)


@pytest.fixture(scope="module")
def oracle(real_data_dir):
    ds = load_dataset(real_data_dir)
    return ds, engine.train(from_dataset(ds), TrainConfig())


def texts(at) -> str:
    return " ".join(m.value for m in [*at.markdown, *at.caption])


def open_both(at, page: str):
    for name in ("nudge", "variants"):
        at.session_state[state.item_key(page, name)] = True  # the user opens the expander
    return at.run()


def test_predict_shows_the_smallest_flip_and_the_variants_only_when_asked(app, oracle):
    ds, result = oracle
    image = ds.test_set_x_orig[TEST_5[1]]
    at = app("pages/predict.py")
    at.segmented_control(key=state.PREDICT_SOURCE).set_value("Dataset").run()
    at.number_input(key=state.PREDICT_DATASET_INDEX).set_value(TEST_5[1]).run()
    assert [e.label for e in at.expander][-2:] == [poke_views.NUDGE_LABEL, poke_views.VERDICT_LABEL]
    assert "grey levels" not in texts(at) and "holds in" not in texts(at), "closed: nothing computed"
    open_both(at, state.PAGE_PREDICT)
    assert not at.exception and not at.error

    # The change: the model itself says non-cat on the changed input, and the page reports its size.
    x = flatten(image[None])[:, 0]
    flip = adversarial.minimal_flip(result.w, result.b, x)
    p_changed = engine.predict_proba(result.w, result.b, flip.changed[:, None])[0]
    assert p_changed < 0.5 < engine.predict_proba(result.w, result.b, x[:, None])[0]
    assert f"On average **{flip.grey_levels:.2f} grey levels per pixel**" in texts(at)
    assert "What would make it a non-cat?" in texts(at)
    shown = [i for i in at.image if i.captions and i.captions[0].startswith("The change ×")]
    assert len(shown) == 1

    # The variants: each scored alone by the engine.
    alone = engine.predict_proba(result.w, result.b, flatten(variants.variants(image)))
    kept = int(np.sum(alone > 0.5))  # the photo itself is a cat to the model
    assert re.search(rf"holds in {kept} of 16\*\*", texts(at))
    strip = next(i for i in at.image if len(i.value) == 16)
    assert [float(c.rsplit(": ", 1)[1]) for c in strip.captions] == pytest.approx(alone, abs=5e-4)
    assert sum(c.startswith("✗ ") for c in strip.captions) == 16 - kept


def test_mistakes_offers_both_views_for_the_opened_image(app, oracle):
    ds, result = oracle
    at = app("pages/mistakes.py")
    at.button(key=state.item_key(state.PAGE_MISTAKES, "open", *TEST_5)).click().run()
    assert [e.label for e in at.expander][-2:] == [poke_views.NUDGE_LABEL, poke_views.VERDICT_LABEL]
    open_both(at, state.PAGE_MISTAKES)
    assert not at.exception and not at.error
    flip = adversarial.minimal_flip(result.w, result.b, flatten(ds.test_set_x_orig[TEST_5[1]][None])[:, 0])
    assert f"{flip.grey_levels:.2f} grey levels per pixel" in texts(at)
    assert re.search(r"holds in \d+ of 16", texts(at))
