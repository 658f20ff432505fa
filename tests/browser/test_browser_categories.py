"""Categories in Chromium: an admin makes one with the colour picker, the forum wears its
colour, it moves up, and deleting it moves its post to the category chosen."""

from __future__ import annotations

from browser_steps import log_in
from sqlalchemy import update

from bbs.db import db
from bbs.models import ADMIN, Category, Post


def test_an_admin_makes_moves_and_deletes_a_category(forum, page, browser_log):
    forum.make_user("root", role=ADMIN)
    log_in(page, forum.url, "root")
    page.get_by_role("link", name="Moderation").click()
    page.get_by_role("link", name="Categories").click()
    page.get_by_role("link", name="New category").click()

    page.get_by_label("Name").fill("Show & Tell")
    page.get_by_label("Description").fill("Share what you made.")
    page.get_by_label("Colour").fill("#dc2626")  # what the colour picker sends
    page.get_by_role("button", name="Create the category").click()
    assert "The category “Show & Tell” has been created." in page.locator(".flashes").inner_text()
    row = page.locator('.admin-category[data-category="show-tell"]')
    assert "Share what you made." in row.inner_text()
    swatch = row.locator(".category-swatch")
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(220, 38, 38)"

    row.get_by_role("button", name="Move “Show & Tell” up").click()
    slugs = page.locator(".admin-category").evaluate_all(
        "rows => rows.map(r => r.dataset.category)"
    )
    assert slugs == ["show-tell", "general"]

    # A post in it, then the category goes: its post moves to General.
    post_id = forum.make_post("root", "My birdhouse", "Pine and nails.")
    with forum.app.app_context():
        show = db.session.query(Category).filter_by(slug="show-tell").one()
        db.session.execute(update(Post).where(Post.id == post_id).values(category_id=show.id))
        db.session.commit()
    page.goto(f"{forum.url}/c/show-tell")
    assert "Share what you made." in page.locator(".category-description").inner_text()
    page.goto(f"{forum.url}/admin/categories")
    page.get_by_role("button", name="Delete “Show & Tell”").click()
    assert (
        "Its 1 post moves to the category you choose."
        in page.locator(".confirm-question").inner_text()
    )
    page.get_by_label("Move its posts to").select_option(label="General")
    page.get_by_label("Reason").fill("Merged into General.")
    page.get_by_role("button", name="Delete the category").click()
    assert "its 1 post is now in “General”" in page.locator(".flashes").inner_text()
    page.goto(f"{forum.url}/c/general")
    assert "My birdhouse" in page.locator("main").inner_text()
    browser_log.assert_clean()
