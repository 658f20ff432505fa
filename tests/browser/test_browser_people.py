"""Following another member and uploading an avatar, in Chromium."""

from __future__ import annotations

import io

from browser_steps import log_in, log_out, logged_in_name
from PIL import Image


def test_a_member_follows_another_and_reads_their_posts_in_the_timeline(forum, page, browser_log):
    forum.make_user("ada")
    forum.make_user("grace")
    forum.make_post("grace", "Compilers are friends", "Really.")
    log_in(page, forum.url, "ada")

    page.goto(f"{forum.url}/u/grace")
    page.get_by_role("button", name="Follow", exact=True).click()
    assert "You now follow grace." in page.locator(".flashes").inner_text()
    assert page.locator(".follower-count").inner_text() == "1"

    page.get_by_role("link", name="Following", exact=True).click()
    assert page.get_by_role("link", name="Compilers are friends").is_visible()

    page.goto(f"{forum.url}/u/grace")
    page.get_by_role("button", name="Unfollow").click()
    assert page.locator(".follower-count").inner_text() == "0"
    browser_log.assert_clean()


def red_square_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (220, 20, 20)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_member_uploads_an_avatar_and_sees_it_served(forum, page, browser_log):
    forum.make_user("ada")
    log_in(page, forum.url, "ada")

    page.locator(".nav-profile").click()
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Picture").set_input_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": red_square_png()}
    )
    page.get_by_role("button", name="Upload").click()
    assert "Your new picture is saved." in page.locator(".flashes").inner_text()

    # The page shows the picture, loaded by the browser from /avatar/ada.
    picture = page.locator(".avatar-editor img.avatar")
    assert "/avatar/ada" in picture.get_attribute("src")
    picture.evaluate("image => image.decode()")
    assert picture.evaluate("image => image.naturalWidth") > 0

    response = page.request.get(f"{forum.url}/avatar/ada")
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/")
    assert response.headers["etag"]
    assert "max-age" in response.headers["cache-control"]
    served = Image.open(io.BytesIO(response.body())).convert("RGB")
    red, green, blue = served.getpixel((served.width // 2, served.height // 2))
    assert red > 180 and green < 60 and blue < 60

    log_out(page)
    assert logged_in_name(page) is None
    browser_log.assert_clean()
