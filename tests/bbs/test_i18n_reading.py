"""The reading, writing, social and topic pages in Chinese: every word of the forum's own is
translated, while what members wrote (titles, bodies, names, tags) stays as written."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from bbs_helpers import make_user, submit, token_for

from bbs.db import db
from bbs.models import Category, Post, User, utcnow
from bbs.passwords import MIN_LENGTH
from bbs.posts import content
from bbs.social.follows import follow
from bbs.social.likes import like
from bbs.topics import categories

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
# What members wrote: never translated, so taken out before looking for English.
WRITTEN = [
    "Oolong notes", "Brewed twice, each time shorter.", "Steeped longer.",
    "Smoky and sweet.", "Rather floral.", "Tea room", "For every leaf.", "oolong", "ada", "bob",
]  # fmt: skip
# Words that are the same in every language: names, formats, the Markdown example.
SAME_IN_ZH = {
    "bbs", "flagon", "UTC", "Markdown", "HTML", "PNG", "JPEG", "GIF", "WebP", "MB", "https",
    "http", "example", "com", "python", "web", "design", "GitHub", "QQ", "English",
}  # fmt: skip


class _Chrome(HTMLParser):
    """The words a reader meets on a page: its text, the labels screen readers read, and the
    words its scripts show (data attributes holding them)."""

    SPOKEN = ("aria-label", "title", "placeholder", "alt", "data-confirm", "data-reply-label",
              "data-comment-label")  # fmt: skip
    JSON = ("data-messages", "data-relative-times")

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self._skipping += 1
        for name, value in attrs:
            if value and name in self.SPOKEN:
                self.words.append(value)
            elif value and name in self.JSON:
                self.words.extend(_strings(json.loads(value)))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea"):
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.words.append(data)


def _strings(value):
    if isinstance(value, str):
        yield re.sub(r"\{\w+\}", " ", value)  # what the script fills in
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def english_left(html: str, *written: str) -> set[str]:
    """The English words of a page once what members wrote is taken out."""
    parser = _Chrome()
    parser.feed(html)
    text = "\n".join(parser.words)
    for piece in sorted([*WRITTEN, *written], key=len, reverse=True):
        text = text.replace(piece, " ")
    return set(re.findall(r"[A-Za-z]{2,}", text)) - SAME_IN_ZH


@pytest.fixture
def forum(app):
    """ada's post in a category of its own, tagged, edited once, with a comment by bob
    (edited too) and one by ada answering it; bob follows and likes. Both read Chinese."""
    ada = make_user(app, "ada", locale="zh_Hans")
    bob = make_user(app, "bob", locale="zh_Hans")
    with app.app_context():
        author, reader = db.session.get(User, ada.id), db.session.get(User, bob.id)
        room = categories.create("Tea room", "tea-room", "For every leaf.", "#336699")
        db.session.flush()
        post = content.create_post(
            author, "Oolong notes", "Steeped longer.", category_id=room.id, tags=["oolong"]
        )
        post.created_at = post.updated_at = utcnow() - timedelta(hours=2)
        content.edit_post(post, "Oolong notes", "Brewed twice, each time shorter.")
        first = content.add_comment(post, reader, "Smoky and sweet.")
        content.edit_comment(first, "Rather floral.", reader)
        content.add_comment(post, author, "Rather floral.", reply_to=first)
        db.session.commit()
        follow(bob.id, ada.id)
        like(bob.id, post.id)
        db.session.commit()
        names = [name for (name,) in db.session.query(Category.name)]
        ids = {"post": post.id, "comment": first.id, "category": room.id}
    return {"ada": ada, "bob": bob, "category_names": names, **ids}


def page(client, path, status=200):
    response = client.get(path, headers=ZH)
    assert response.status_code == status, path
    return response.text


def test_the_front_page_in_chinese(app, forum):
    html = page(app.test_client(), "/")
    assert "最新主题" in html and "作者" in html and "2 条评论" in html and "1 个赞" in html
    assert "Oolong notes" in html and "#oolong" in html
    assert english_left(html, *forum["category_names"]) == set()


def test_a_member_sees_what_is_new_in_chinese(app, forum):
    bob = app.test_client(user=forum["bob"])
    page(bob, f"/posts/{forum['post']}")  # read up to here
    ada = app.test_client(user=forum["ada"])
    token = token_for(ada, f"/posts/{forum['post']}")
    ada.post(f"/posts/{forum['post']}", data={"csrf_token": token, "body": "Third steep."})
    html = page(bob, "/")
    assert "1 条新评论：跳到第一条" in html and ">新 <" in html
    assert english_left(html, *forum["category_names"]) == set()


def test_a_category_and_a_tag_page_in_chinese(app, forum):
    client = app.test_client()
    category = page(client, "/c/tea-room")
    assert "Tea room" in category and "For every leaf." in category
    assert "有新动态" in category
    assert english_left(category) == set()
    tag = page(client, "/tags/oolong")
    assert '标签为 <span class="tag">#oolong</span> 的帖子' in tag
    assert english_left(tag, *forum["category_names"]) == set()


def test_empty_listings_in_chinese(app, forum):
    with app.app_context():
        categories.create("Empty room", "empty", "", "#000000")
        db.session.commit()
    html = page(app.test_client(), "/c/empty")
    assert "此分类还没有帖子。" in html and "全部帖子" in html
    assert english_left(html, "Empty room") == set()


def test_a_post_page_with_comments_in_chinese(app, forum):
    bob = app.test_client(user=forum["bob"])
    html = page(bob, f"/posts/{forum['post']}")
    assert "2 条评论" in html and "作者" in html and "编辑于" in html
    assert ">回复</a>" in html and ">引用</a>" in html and ">举报</a>" in html
    assert ">编辑</a>" in html and ">删除</button>" in html  # on bob's own comment
    assert 'aria-label="回复 ada"' in html and 'aria-label="删除 bob 的评论"' in html
    assert "回复 @bob" in html and ">赞</button>" not in html and ">取消赞</button>" in html
    assert 'data-reply-label="回复" data-comment-label="评论"' in html
    # What the members wrote stays as written.
    assert "Oolong notes" in html and "Brewed twice, each time shorter." in html
    assert "Rather floral." in html
    assert english_left(html, *forum["category_names"]) == set()


def test_the_post_author_and_an_admin_see_their_buttons_in_chinese(app, forum):
    ada = app.test_client(user=forum["ada"])
    html = page(ada, f"/posts/{forum['post']}")
    assert 'aria-label="删除这篇帖子"' in html
    assert english_left(html, *forum["category_names"]) == set()
    root = make_user(app, "root", role="admin", locale="zh_Hans")
    html = page(app.test_client(user=root), f"/posts/{forum['post']}")
    assert ">置顶</button>" in html and ">锁定</button>" in html
    assert english_left(html, "root", *forum["category_names"]) == set()


def test_the_edit_histories_in_chinese(app, forum):
    client = app.test_client()
    post = page(client, f"/posts/{forum['post']}/history")
    assert "共 2 个版本，最新的在前。" in post and "版本 2（当前）" in post
    writer = r'由 <a class="author-link" href="/u/ada">.*?</a> (撰写|编辑)'
    assert [found.group(1) for found in re.finditer(writer, post)] == ["编辑", "撰写"]
    assert '<pre class="diff">Steeped longer.</pre>' in post
    assert '<ins class="diff-added">twice, each time shorter</ins>' in post
    assert english_left(post, "Steeped", "Brewed", "longer", "twice, each time shorter") == set()
    comment = page(client, f"/comments/{forum['comment']}/history")
    assert "中一条评论的编辑历史" in comment and "Smoky and sweet." in comment
    assert english_left(comment, "Smoky", "and sweet", "Rather", "floral") == set()


def test_the_write_and_edit_forms_in_chinese(app, forum):
    ada = app.test_client(user=forum["ada"])
    new = page(ada, "/posts/new")
    assert '<h1 class="page-title">发帖</h1>' in new and ">发布</button>" in new
    assert "插入图片" in new and "预览" in new and "标签" in new
    messages = json.loads(re.search(r"data-messages='([^']*)'", new).group(1))
    assert messages["draftSaved"] == "草稿已于 {time} 保存。"
    assert english_left(new, *forum["category_names"]) == set()
    edit = page(ada, f"/posts/{forum['post']}/edit")
    assert "编辑帖子" in edit and "返回帖子" in edit and "Oolong notes" in edit
    assert english_left(edit, *forum["category_names"]) == set()
    bob = app.test_client(user=forum["bob"])
    comment = page(bob, f"/comments/{forum['comment']}/edit")
    assert "编辑评论" in comment and ">保存</button>" in comment
    assert english_left(comment) == set()
    upload = page(ada, "/images/new")
    assert "上传图片" in upload and english_left(upload) == set()


def test_refused_forms_say_why_in_chinese(app, forum):
    ada = app.test_client(user=forum["ada"])
    token = token_for(ada, "/posts/new")
    tags = ", ".join(f"t{n}" for n in range(9))
    refused = ada.post(
        "/posts/new", data={"csrf_token": token, "title": "", "body": "x", "tags": tags}, headers=ZH
    )
    assert refused.status_code == 200
    assert "该字段是必填字段。" in refused.text and "每篇帖子最多" in refused.text


def test_flash_messages_in_chinese(app, forum):
    bob = app.test_client(user=forum["bob"])
    token = token_for(bob, "/u/ada")
    followed = bob.post("/u/ada/unfollow", data={"csrf_token": token}, follow_redirects=True)
    assert "你已取消关注 ada。" in followed.text
    ada = app.test_client(user=forum["ada"])
    token = token_for(ada, "/posts/new")
    published = ada.post(
        "/posts/new",
        data={"csrf_token": token, "title": "Second pot", "body": "Cooler water."},
        headers=ZH,
        follow_redirects=True,
    )
    assert "帖子已发布。" in published.text and "Second pot" in published.text


def test_search_results_in_chinese(app, forum):
    client = app.test_client()
    posts = page(client, "/search?q=oolong")
    assert "找到 1 篇与" in posts and "搜索" in posts
    assert english_left(posts, "Oolong", "notes") == set()
    members = page(client, "/search?q=bo")
    assert "成员" in members and "没有找到与" in members
    assert english_left(members, "bo") == set()


def test_people_pages_and_the_timeline_in_chinese(app, forum):
    bob = app.test_client(user=forum["bob"])
    followers = page(bob, "/u/ada/followers")
    assert "位关注者" in followers and "关注者" in followers and "订阅源" in followers
    assert english_left(followers) == set()
    following = page(bob, "/u/ada/following")
    assert "还没有关注任何人。" in following and english_left(following) == set()
    timeline = page(bob, "/following")
    assert "你关注的人发表的帖子" in timeline and "Oolong notes" in timeline
    assert english_left(timeline) == set()


def test_a_profile_seen_by_another_member_in_chinese(app, forum):
    bob = app.test_client(user=forum["bob"])
    html = page(bob, "/u/ada")
    assert ">取消关注</button>" in html and ">静音</button>" in html and ">屏蔽</button>" in html
    assert 'aria-label="屏蔽 ada"' in html
    assert english_left(html) == set()
    own = page(bob, "/u/bob/edit")
    assert "个人资料" in own and "头像" in own
    assert english_left(own) == set()


def test_page_links_in_chinese(app, forum):
    app.config["COMMENTS_PER_PAGE"] = 1
    html = page(app.test_client(), f"/posts/{forum['post']}?page=2")
    assert "第 2 页，共 2 页" in html and "← 更新" in html
    assert english_left(html, *forum["category_names"]) == set()


def test_english_stays_the_default(app, forum):
    html = app.test_client().get(f"/posts/{forum['post']}").text
    assert "2 comments" in html and "1 like" in html and "edited" in html
    with app.app_context():
        assert db.session.get(Post, forum["post"]).title == "Oolong notes"


def test_refusals_and_error_pages_in_chinese(app, forum):
    client = app.test_client()
    broken = page(client, "/?after=not-a-cursor", status=400)
    assert (
        "该分页链接已失效，请从第一页重新开始。" in broken and "<title>400 请求无效 · bbs" in broken
    )
    not_a_comment = page(client, f"/posts/{forum['post']}?reply_to=x", status=400)
    assert "这不是有效的评论编号。" in not_a_comment
    no_token = client.post(f"/posts/{forum['post']}/like", headers=ZH)
    assert no_token.status_code == 400 and "表单已过期，或并非来自本站。" in no_token.text
    wrong_method = page(client, f"/posts/{forum['post']}/delete", status=405)
    assert "<title>405 不支持该请求方式 · bbs</title>" in wrong_method
    assert "它是表单或按钮提交的目标" in wrong_method
    assert english_left(wrong_method) == set()


def test_a_visitor_sent_to_log_in_is_told_why_in_chinese(app, forum):
    response = app.test_client().get("/posts/new", headers=ZH, follow_redirects=True)
    assert "请登录后查看此页面。" in response.text


def test_the_pages_of_errors_keep_their_english_names_in_english(client):
    response = client.get("/no/such/page")
    assert "<title>404 Not Found · bbs</title>" in response.text


def test_a_weak_password_is_refused_in_chinese(client):
    page = submit(client, "/register", {"username": "carol", "password": "short"}, headers=ZH)
    assert f"至少 {MIN_LENGTH} 个字符。" in page.text
