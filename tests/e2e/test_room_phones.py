"""A room across two app servers sharing one Redis, in a real browser: a presenter and three phones.

Two `streamlit run` servers share the session's redis-server (CATLR_ROOMS_URL): A is the session's server
(tests/e2e/conftest.py), B one more. The presenter opens a room on server A; two phones join through server B
and one through server A; each votes once (one then reloads:
the same member, the same vote); the presenter's live tally (a fragment refreshing on its own) shows every
vote exactly once, and the reveal reaches the phones. Then the photo wall: a phone on server B sends a photo,
the presenter on server A approves it, and it reaches a phone on server A (through Redis) with the model's
verdict. For speed, the three phones load while the presenter asks (each shows the question at its next look at
the room). Screenshots of the presenter's tally and of phone
pages (CATLR_UPDATE_SCREENSHOTS=1 puts them in docs/screenshots/).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import assert_no_exception, full_screenshot, title_under_header, upload
from tests.e2e.server import streamlit_server, wait_idle
from tests.helpers import chelsea_jpeg

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture(scope="module")
def two_servers(server, real_data_dir, redis_url):
    """(A, B): the session's server (warm, rooms in the session's Redis) and one more sharing that Redis."""
    env = {"CATLR_DATA_DIR": str(real_data_dir), "CATLR_ROOMS_URL": redis_url}
    # Only server A trains (the presenter's model): B serves phones and needs no warm-up.
    with streamlit_server(env, warm=False) as (b, _):
        yield server, b


def tally(page, label: str):
    return page.locator("[data-testid='stMetric']", has_text=label).first.locator("[data-testid='stMetricValue']")


def test_three_phones_on_two_servers_vote_and_the_presenter_sees_each_vote_once(
    browser, two_servers, screenshot_dir
):
    a, b = two_servers
    host = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    host.goto(f"{a}/room?app_presenter=true")
    wait_idle(host)
    host.get_by_role("button", name="Open a room").click()
    wait_idle(host)
    code = "".join(re.search(r"code (\w{3}) (\w{3})", host.locator("h2").first.inner_text()).groups())
    expect(host.get_by_role("img", name=re.compile("QR code of the join link"))).to_be_visible()
    phones = []
    for server in (b, b, a):  # the three phones load side by side while the presenter asks
        phones.append(browser.new_context(**PHONE).new_page())
        phones[-1].goto(f"{server}/join?room={code}", wait_until="commit")
    host.locator(".st-key-room_index input").fill("3")  # test image 3: a cat
    host.keyboard.press("Enter")
    wait_idle(host)
    host.locator(".st-key-room_ask button").click()
    wait_idle(host)

    for i, (phone, choice) in enumerate(zip(phones, ("cat", "cat", "not a cat"), strict=True)):
        button = phone.get_by_role("button", name=choice, exact=True)
        # The question, at the phone's next look at the room. The first look on server B (started cold) loads the
        # exercise's data there: over 15 s once, with three other browser tests running beside this one.
        expect(button).to_be_visible(timeout=30_000)
        wait_idle(phone)
        if i == 2:
            phone.screenshot(path=str(screenshot_dir / "room-phone-vote.png"))
            assert title_under_header(phone) < 0.25  # the phone page's own CSS once hid "Join a room" under it
        box = button.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 300, "a big touch target on a phone"
        button.click()
        wait_idle(phone)
        expect(phone.get_by_text(f"Your vote: {choice}.")).to_be_visible()
    phones[0].reload()  # a refresh is the same member: no buttons, the same vote
    wait_idle(phones[0])
    expect(phones[0].get_by_text("Your vote: cat.")).to_be_visible(timeout=10_000)

    # The presenter's tally refreshes on its own (no click on server A's page).
    expect(tally(host, "Votes")).to_have_text("3 of 3", timeout=10_000)
    expect(tally(host, "cat")).to_have_text("2")
    expect(tally(host, "not a cat")).to_have_text("1")
    full_screenshot(host, screenshot_dir / "room-presenter-tally.png")

    host.locator(".st-key-room_reveal button").click()
    wait_idle(host)
    expect(host.get_by_text("The model says")).to_be_visible()
    for phone in phones:
        expect(phone.get_by_text("Answer: cat.")).to_be_visible(timeout=10_000)
        assert_no_exception(phone)
    phones[1].screenshot(path=str(screenshot_dir / "room-phone-reveal.png"))
    photo_wall(host, phones[0], phones[2], screenshot_dir)
    assert_no_exception(host)
    for p in [host, *phones]:
        p.context.close()


def photo_wall(host, sender, viewer, screenshot_dir) -> None:
    """The presenter opens the wall; ``sender`` sends a photo; it is approved and reaches ``viewer``'s wall."""
    host.locator(".st-key-room_wall label").click()
    wait_idle(host)
    dropzone = sender.locator(".st-key-join_photo_upload [data-testid='stFileUploaderDropzoneInput']")
    expect(dropzone).to_be_attached(timeout=15_000)  # at the phone's next look at the room
    upload(sender, dropzone, [{"name": "chelsea.jpg", "mimeType": "image/jpeg", "buffer": chelsea_jpeg()}])
    expect(sender.get_by_text("Sent — the presenter will choose what the room sees.")).to_be_visible()
    expect(host.get_by_text("1 waiting for you · 0 on the wall")).to_be_visible(timeout=10_000)
    assert viewer.get_by_role("img", name=re.compile("on the wall")).count() == 0, "nothing is shown unapproved"
    host.locator(".st-key-room_wall_review label").click()
    wait_idle(host)
    host.locator("[class*='st-key-room_approve_'] button").click()
    wait_idle(host)
    expect(host.get_by_text("0 waiting for you · 1 on the wall")).to_be_visible(timeout=10_000)
    on_wall = viewer.get_by_role("img", name=re.compile(r"Photo 1 on the wall: the model says cat · P\(cat\) = "))
    expect(on_wall).to_be_visible(timeout=15_000)
    wait_idle(viewer)
    viewer.screenshot(path=str(screenshot_dir / "room-phone-wall.png"))
    host.mouse.move(0, 0)  # no hover toolbar over the QR code in the picture
    full_screenshot(host, screenshot_dir / "room-presenter-wall.png")
    assert_no_exception(sender)
