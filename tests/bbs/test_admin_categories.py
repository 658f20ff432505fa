"""The categories' admin pages: admins list, create, edit, reorder and delete categories; the
forum's pages follow at once; everybody else is refused."""

from __future__ import annotations

import re

import pytest
from bbs_helpers import make_user, token_for
from moderation_helpers import confirm, count, send
from social_helpers import counted_queries, write_posts
from sqlalchemy import select, update

from bbs.db import db
from bbs.models import MODERATOR, Category, ModerationLogEntry, Post

XSS = "<script>alert(1)</script>"
ZH = {"Accept-Language": "zh-CN"}


def new(client, name="News", **fields):
    data = {"name": name, "slug": "", "description": "", "colour": "#2563eb", **fields}
    return send(client, "/admin/categories/new", **data)


def category(app, slug):
    with app.app_context():
        return db.session.scalar(select(Category).where(Category.slug == slug))


def slugs_in_order(app):
    with app.app_context():
        return list(db.session.scalars(select(Category.slug).order_by(Category.position)))


def posts_in(app, author, slug, n):
    """``n`` posts by ``author`` in the category ``slug``; their ids."""
    ids = write_posts(app, author, n, title=f"{slug} post {{n}}")
    with app.app_context():
        target = db.session.scalar(select(Category.id).where(Category.slug == slug))
        db.session.execute(update(Post).where(Post.id.in_(ids)).values(category_id=target))
        db.session.commit()
    return ids


def logged(app, action):
    with app.app_context():
        return db.session.scalars(
            select(ModerationLogEntry).where(ModerationLogEntry.action == action)
        ).all()


def listed_slugs(html):
    return re.findall(r'class="admin-category" id="category-\d+" data-category="([^"]+)"', html)


@pytest.fixture
def general(app):
    return category(app, "general")


@pytest.fixture
def moderator_client(app):
    return app.test_client(user=make_user(app, "mod", role=MODERATOR))


# Who may see and do what ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/categories", "/admin/categories/new", "edit"])
def test_the_pages_are_for_admins(
    client, member_client, moderator_client, admin_client, general, path
):
    if path == "edit":
        path = f"/admin/categories/{general.id}/edit"
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert member_client.get(path).status_code == 403
    assert moderator_client.get(path).status_code == 403
    assert admin_client.get(path).status_code == 200


def _actions(general):
    fields = {"name": "Renamed", "slug": "", "description": "", "colour": "#000000"}
    return [
        ("/admin/categories/new", fields),
        (f"/admin/categories/{general.id}/edit", fields),
        (f"/admin/categories/{general.id}/up", {}),
        (f"/admin/categories/{general.id}/down", {}),
        (f"/admin/categories/{general.id}/delete", {"confirmed": "yes", "reason": "Tidy"}),
    ]


def _unchanged(app, slugs):
    assert slugs_in_order(app) == slugs
    assert category(app, "general").name == "General"


def test_visitors_members_and_moderators_change_nothing(
    app, client, member_client, moderator_client, admin_client, general
):
    new(admin_client, "Second")
    for path, data in _actions(general):
        response = send(client, path, **data)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        assert send(member_client, path, **data).status_code == 403
        assert send(moderator_client, path, **data).status_code == 403
    _unchanged(app, ["general", "second"])


def test_every_change_needs_a_csrf_token(app, admin_client, general):
    new(admin_client, "Second")
    for path, data in _actions(general):
        assert admin_client.post(path, data=data).status_code == 400
        assert admin_client.post(path, data={"csrf_token": "x##y", **data}).status_code == 400
    _unchanged(app, ["general", "second"])


def test_changes_are_post_only(admin_client, general):
    for action in ("up", "down", "delete"):
        assert admin_client.get(f"/admin/categories/{general.id}/{action}").status_code == 405


@pytest.mark.parametrize("target", ["999", str(2**31), str(10**40), "0"])
def test_unknown_categories_are_404(admin_client, target):
    assert admin_client.get(f"/admin/categories/{target}/edit").status_code == 404
    new(admin_client)  # a second category: deleting is possible
    for action in ("edit", "up", "down", "delete"):
        assert send(admin_client, f"/admin/categories/{target}/{action}").status_code == 404


def test_admins_find_the_tab_and_moderators_do_not(admin_client, moderator_client):
    assert 'href="/admin/categories"' in admin_client.get("/moderation/").text
    assert 'href="/admin/categories"' not in moderator_client.get("/moderation/").text


# The list -------------------------------------------------------------------------------------


def test_the_list_shows_each_category_with_its_posts_colour_and_actions(
    app, admin_client, member, general
):
    new(admin_client, "News", description="What happened.", colour="#FF0000")
    posts_in(app, member, "news", 3)
    posts_in(app, member, "general", 1)
    page = admin_client.get("/admin/categories").text
    assert listed_slugs(page) == ["general", "news"]
    news = category(app, "news")
    row = page[page.index(f'id="category-{news.id}"') :]
    row = row[: row.index("</tr>")]
    assert 'class="category-posts">3<' in row and "What happened." in row
    assert f'class="category-swatch category-{news.id}"' in row and "#ff0000" in row
    assert f'action="/admin/categories/{news.id}/up"' in row
    assert f'action="/admin/categories/{news.id}/down"' not in row  # already last
    assert f'action="/admin/categories/{news.id}/delete"' in row
    assert f'href="/admin/categories/{news.id}/edit"' in row
    css = admin_client.get("/categories.css").text
    assert f".category-{news.id}{{background-color:#ff0000;" in css


def test_the_last_category_offers_no_delete(admin_client, general):
    page = admin_client.get("/admin/categories").text
    assert "/delete" not in page and "The last category can't be deleted" in page


def test_the_list_costs_the_same_few_statements_however_many_categories(app, admin, member):
    client = app.test_client(user=admin)
    counts = []
    for total in (2, 30):
        while count(app, Category) < total:
            n = count(app, Category)
            new(client, f"Category {n}")
            posts_in(app, member, f"category-{n}", 2)
        with counted_queries(app) as statements:
            assert client.get("/admin/categories").status_code == 200
        counts.append(len(statements))
    # The admin, the categories with their post counts, the header's unread notifications.
    assert counts[0] == counts[1] and counts[0] <= 3, counts


# Creating -------------------------------------------------------------------------------------


def test_an_admin_creates_a_category_the_forum_offers_at_once(app, admin_client, member_client):
    response = new(admin_client, "Show & Tell", description="Share what you made.")
    created = category(app, "show-tell")
    assert created is not None and created.name == "Show & Tell"
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/categories#category-{created.id}"
    assert "The category “Show &amp; Tell” has been created." in admin_client.get("/").text
    assert (created.description, created.colour) == ("Share what you made.", "#2563eb")
    assert created.position > category(app, "general").position  # added last
    assert 'href="/c/show-tell"' in member_client.get("/").text
    page = member_client.get("/c/show-tell")
    assert page.status_code == 200 and "Share what you made." in page.text
    editor = member_client.get("/posts/new").text
    assert f'<option value="{created.id}">Show &amp; Tell</option>' in editor
    assert [entry.target_label for entry in logged(app, "category.create")] == ["Show & Tell"]


def test_a_given_slug_is_kept(app, admin_client):
    new(admin_client, "Off topic", slug="chat", colour="#ABCDEF")
    created = category(app, "chat")
    assert created.name == "Off topic" and created.colour == "#abcdef"


def test_names_and_descriptions_are_escaped(app, admin_client, member_client):
    new(admin_client, XSS, slug="xss", description=XSS)
    for html in (admin_client.get("/admin/categories").text, member_client.get("/c/xss").text):
        assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "general"}, "name", "Another category has this name."),
        ({"name": "GENERAL", "slug": "elsewhere"}, "name", "Another category has this name."),
        ({"slug": "general"}, "slug", "Another category has this slug."),
        ({"name": "General!"}, "slug", "Another category has this slug."),  # made from the name
        ({"slug": "not a slug"}, "slug", "Use lower-case letters and digits"),
        ({"slug": "-news"}, "slug", "Use lower-case letters and digits"),
        ({"slug": "news--items"}, "slug", "Use lower-case letters and digits"),
        ({"slug": "a" * 51}, "slug", "Use lower-case letters and digits"),
        ({"name": "公告"}, "slug", "The name has no Latin letters or digits"),
        ({"colour": "red"}, "colour", "Choose a colour written as #rrggbb"),
        ({"colour": "#12345g"}, "colour", "Choose a colour written as #rrggbb"),
        ({"colour": "#fff"}, "colour", "Choose a colour written as #rrggbb"),
        ({"colour": ""}, "colour", "Choose a colour written as #rrggbb"),
        ({"name": "n" * 51}, "name", "Use at most 50 characters."),
        ({"description": "d" * 501}, "description", "Use at most 500 characters."),
    ],
)
def test_a_refused_category_is_shown_again_with_the_reason(
    app, admin_client, fields, field, message
):
    response = new(admin_client, **{"description": "Kept text", **fields})
    assert response.status_code == 400
    error = re.search(rf'<p class="field-error" id="{field}-error-1">([^<]*)</p>', response.text)
    assert error and error.group(1).startswith(message.replace("'", "&#39;"))
    assert "Kept text" in response.text or field == "description"
    assert count(app, Category) == 1


def test_the_pages_speak_chinese(admin_client):
    page = admin_client.get("/admin/categories/new", headers=ZH).text
    assert "新建分类" in page and "名称" in page and "颜色" in page
    new(admin_client, "News")
    listing = admin_client.get("/admin/categories", headers=ZH).text
    assert (
        ">上移</button>" in listing and ">下移</button>" in listing and ">删除</button>" in listing
    )
    data = {"csrf_token": token_for(admin_client), "name": "Events", "colour": "red"}
    refused = admin_client.post("/admin/categories/new", data=data, headers=ZH)
    assert refused.status_code == 400
    assert "请选择 #rrggbb 格式的颜色" in refused.text


# Editing --------------------------------------------------------------------------------------


def test_an_admin_edits_a_category(app, admin_client, member_client, member, general):
    posts_in(app, member, "general", 1)
    path = f"/admin/categories/{general.id}/edit"
    form = admin_client.get(path).text
    assert 'value="General"' in form and 'value="general"' in form and "Everything else." in form
    response = send(
        admin_client, path, name="Lobby", slug="lobby", description="Say hello.", colour="#00AA00"
    )
    assert response.headers["Location"] == f"/admin/categories#category-{general.id}"
    assert category(app, "general") is None
    edited = category(app, "lobby")
    assert (edited.name, edited.description, edited.colour) == ("Lobby", "Say hello.", "#00aa00")
    assert member_client.get("/c/general").status_code == 404
    page = member_client.get("/c/lobby").text
    assert "Lobby" in page and "Say hello." in page and "general post 1" in page
    assert "Lobby" in member_client.get("/").text
    [entry] = logged(app, "category.edit")
    assert "name: General → Lobby" in entry.details and "slug: general → lobby" in entry.details


def test_a_category_keeps_its_own_name_and_slug(app, admin_client, general):
    path = f"/admin/categories/{general.id}/edit"
    response = send(
        admin_client, path, name="general", slug="general", description="", colour="#4b5563"
    )
    assert response.status_code == 302
    assert category(app, "general").name == "general"  # only the case changed


def test_saving_an_unchanged_form_says_so(app, admin_client, general):
    path = f"/admin/categories/{general.id}/edit"
    fields = {"name": "General", "slug": "general", "description": "Everything else."}
    send(admin_client, path, colour="#4B5563", **fields)
    assert "Nothing has changed." in admin_client.get("/").text
    assert logged(app, "category.edit") == []


def test_an_edit_may_not_take_another_categorys_name_or_slug(app, admin_client, general):
    new(admin_client, "News")
    path = f"/admin/categories/{general.id}/edit"
    fields = {"description": "", "colour": "#4b5563"}
    taken_name = send(admin_client, path, name="NEWS", slug="general", **fields)
    assert taken_name.status_code == 400 and "Another category has this name." in taken_name.text
    taken_slug = send(admin_client, path, name="General", slug="news", **fields)
    assert taken_slug.status_code == 400 and "Another category has this slug." in taken_slug.text
    bad_colour = send(admin_client, path, name="General", slug="general", colour="#zzzzzz")
    assert bad_colour.status_code == 400
    assert category(app, "general").name == "General"


# Moving ---------------------------------------------------------------------------------------


def test_an_admin_moves_categories_up_and_down(app, admin_client, member_client, general):
    new(admin_client, "Second")
    new(admin_client, "Third")
    third = category(app, "third")
    response = send(admin_client, f"/admin/categories/{third.id}/up")
    assert response.headers["Location"] == f"/admin/categories#category-{third.id}"
    assert slugs_in_order(app) == ["general", "third", "second"]
    assert "“Third” has moved up." in admin_client.get("/").text
    send(admin_client, f"/admin/categories/{general.id}/down")
    assert slugs_in_order(app) == ["third", "general", "second"]
    assert listed_slugs(admin_client.get("/admin/categories").text) == slugs_in_order(app)
    front = member_client.get("/").text
    nav = front[front.index('class="category-nav"') :]
    assert nav.index("/c/third") < nav.index("/c/general") < nav.index("/c/second")
    editor = member_client.get("/posts/new").text
    assert editor.index(">Third</option>") < editor.index(">General</option>")
    assert len(logged(app, "category.move")) == 2


def test_the_first_cannot_go_up_nor_the_last_down(app, admin_client, general):
    new(admin_client, "Second")
    send(admin_client, f"/admin/categories/{general.id}/up")
    assert "“General” is already first." in admin_client.get("/").text
    second = category(app, "second")
    send(admin_client, f"/admin/categories/{second.id}/down")
    assert "“Second” is already last." in admin_client.get("/").text
    assert slugs_in_order(app) == ["general", "second"]
    assert logged(app, "category.move") == []


# Deleting -------------------------------------------------------------------------------------


def test_deleting_asks_where_the_posts_go(app, admin_client, member, general):
    new(admin_client, "News")
    new(admin_client, "Events")
    posts_in(app, member, "news", 2)
    news = category(app, "news")
    page = send(admin_client, f"/admin/categories/{news.id}/delete")
    assert page.status_code == 200
    assert "Delete the category “News”? Its 2 posts move to the category you choose." in page.text
    select_html = re.search(r'<select[^>]* id="move_to".*?</select>', page.text, re.S).group()
    assert f'value="{general.id}">General' in select_html and ">Events<" in select_html
    assert ">News<" not in select_html
    assert count(app, Category) == 3


def test_an_admin_deletes_a_category_and_its_posts_move(
    app, admin_client, member_client, member, general
):
    new(admin_client, "News")
    new(admin_client, "Events")
    ids = posts_in(app, member, "news", 2)
    news, events = category(app, "news"), category(app, "events")
    response = confirm(
        admin_client, f"/admin/categories/{news.id}/delete", reason="Merged", move_to=events.id
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/categories"
    assert category(app, "news") is None
    with app.app_context():
        assert set(db.session.scalars(select(Post.category_id).where(Post.id.in_(ids)))) == {
            events.id
        }
    assert "its 2 posts are now in “Events”" in admin_client.get("/").text
    assert member_client.get("/c/news").status_code == 404
    assert "news post 1" in member_client.get("/c/events").text
    assert "/c/news" not in member_client.get("/").text
    assert ">News</option>" not in member_client.get("/posts/new").text
    [entry] = logged(app, "category.delete")
    assert (entry.target_label, entry.reason) == ("News", "Merged")
    assert entry.details == "2 posts moved to Events"
    assert "deleted a category" in admin_client.get("/moderation/log").text


@pytest.mark.parametrize("move_to", ["itself", "999", "nonsense", ""])
def test_the_posts_must_go_to_another_existing_category(
    app, admin_client, member, general, move_to
):
    new(admin_client, "News")
    posts_in(app, member, "general", 1)
    target = str(general.id) if move_to == "itself" else move_to
    path = f"/admin/categories/{general.id}/delete"
    response = confirm(admin_client, path, move_to=target)
    assert response.status_code == 400
    assert re.search(r'<p class="field-error" id="move_to-error-1">[^<]+</p>', response.text)
    if move_to == "itself":
        assert "The posts can&#39;t stay in the category being deleted." in response.text
    assert category(app, "general") is not None and count(app, Category) == 2


def test_deleting_needs_a_reason(app, admin_client, general):
    new(admin_client, "News")
    news = category(app, "news")
    path = f"/admin/categories/{news.id}/delete"
    response = confirm(admin_client, path, reason="", move_to=general.id)
    assert response.status_code == 400 and category(app, "news") is not None


def test_the_last_category_cannot_be_deleted(app, admin_client, member, general):
    posts_in(app, member, "general", 1)
    path = f"/admin/categories/{general.id}/delete"
    for response in (send(admin_client, path), confirm(admin_client, path, move_to=general.id)):
        assert response.status_code == 302 and response.headers["Location"].startswith(
            "/admin/categories"
        )
    assert "The last category can&#39;t be deleted" in admin_client.get("/").text
    assert count(app, Category) == 1 and count(app, Post) == 1


def test_a_name_taken_between_the_check_and_the_commit_is_refused(
    app, admin_client, general, monkeypatch
):
    from bbs.admin import category_forms

    monkeypatch.setattr(category_forms.categories, "taken", lambda *args: [])
    fields = {"description": "", "colour": "#000000"}
    created = send(admin_client, "/admin/categories/new", name="General", slug="other", **fields)
    assert created.status_code == 400 and "Another category has this name or slug." in created.text
    new(admin_client, "News")
    edit = f"/admin/categories/{general.id}/edit"
    edited = send(admin_client, edit, name="General", slug="news", **fields)
    assert edited.status_code == 400 and "Another category has this name or slug." in edited.text
    assert slugs_in_order(app) == ["general", "news"]
    assert [entry.target_label for entry in logged(app, "category.create")] == ["News"]


def test_a_post_written_in_it_while_deleting_is_not_lost(
    app, admin_client, member, general, monkeypatch
):
    new(admin_client, "News")
    posts_in(app, member, "news", 1)
    news = category(app, "news")
    # As if the post arrived between moving the posts and deleting the category.
    monkeypatch.setattr(db, "rows_changed", lambda statement: 0)
    path = f"/admin/categories/{news.id}/delete"
    response = confirm(admin_client, path, move_to=general.id)
    assert response.status_code == 302
    assert "A post was just written in “News”: try again." in admin_client.get("/").text
    assert category(app, "news") is not None and logged(app, "category.delete") == []


def test_a_category_without_posts_is_deleted_without_asking_where_they_go(
    app, admin_client, general
):
    new(admin_client, "Empty")
    empty = category(app, "empty")
    path = f"/admin/categories/{empty.id}/delete"
    page = send(admin_client, path)
    assert "It has no posts." in page.text and 'name="move_to"' not in page.text
    assert confirm(admin_client, path, reason="Unused").status_code == 302
    assert category(app, "empty") is None and slugs_in_order(app) == ["general"]
    [entry] = logged(app, "category.delete")
    assert entry.details == "0 posts moved to General"
