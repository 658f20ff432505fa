"""Languages: English by default, Simplified Chinese from the browser or the profile."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from babel.messages.pofile import read_po
from bbs_helpers import PASSWORD, login, submit, token_for

from bbs.db import db
from bbs.i18n import TRANSLATIONS, force_locale, get_locale, gettext, locale_for_tag
from bbs.models import User, utcnow
from bbs.posts import content
from bbs.templating import relative_datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
PO = os.path.join(TRANSLATIONS, "zh_Hans", "LC_MESSAGES", "messages.po")
POT = os.path.join(TRANSLATIONS, "messages.pot")


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def set_locale(app, username, locale):
    with app.app_context():
        db.session.query(User).filter_by(username=username).one().locale = locale
        db.session.commit()


@pytest.mark.parametrize(
    ("tag", "locale"),
    [("zh", "zh_Hans"), ("zh-CN", "zh_Hans"), ("zh-Hans", "zh_Hans"), ("zh_cn", "zh_Hans"),
     ("en-GB", "en"), ("zh-TW", None), ("fr", None)],
)  # fmt: skip
def test_accept_language_tags_map_to_the_forum_locales(tag, locale):
    assert locale_for_tag(tag) == locale


def test_english_is_the_default(client):
    page = client.get("/login")
    assert html_lang(page.text) == "en"
    assert "<h1>Log in</h1>" in page.text
    assert "Accept-Language" in page.headers.get("Vary", "")


def test_a_chinese_browser_gets_chinese_pages(client):
    page = client.get("/login", headers=ZH)
    assert html_lang(page.text) == "zh-Hans"
    assert "<h1>登录</h1>" in page.text
    assert "忘记密码？" in page.text and "用户名" in page.text
    assert "Accept-Language" in page.headers["Vary"]


def test_the_first_language_the_forum_speaks_wins(client):
    page = client.get("/login", headers={"Accept-Language": "fr, zh-Hans;q=0.7, en;q=0.5"})
    assert html_lang(page.text) == "zh-Hans"
    page = client.get("/login", headers={"Accept-Language": "de, fr;q=0.5"})
    assert html_lang(page.text) == "en"


def test_the_front_page_in_chinese(client):
    page = client.get("/", headers=ZH)
    assert "最新主题" in page.text and "注册" in page.text
    assert "Latest topics" not in page.text


def test_a_post_page_in_chinese_keeps_the_post_as_written(app, member):
    with app.app_context():
        post = content.create_post(db.session.get(User, member.id), "Hello there", "Some words")
        post.created_at = utcnow() - timedelta(hours=3)
        db.session.commit()
        post_id = post.id
    page = app.test_client().get(f"/posts/{post_id}", headers=ZH).text
    assert "Hello there" in page and "Some words" in page  # user content is never translated
    assert "3 小时前" in page
    assert "登录</a>后即可评论" in page


def test_an_error_page_in_chinese(client):
    page = client.get("/no/such/page", headers=ZH)
    assert page.status_code == 404
    assert "页面不存在" in page.text and "返回首页" in page.text
    assert html_lang(page.text) == "zh-Hans"


def test_a_flash_message_in_chinese(app, member):
    client = app.test_client()
    page = login(client, "ada", "wrong password", headers=ZH)
    assert "用户名或密码错误。" in page.text


def test_form_errors_in_chinese(client):
    page = submit(client, "/register", {"password": "a", "confirm": "b", "email": "x"}, headers=ZH)
    assert "该字段是必填字段。" in page.text  # WTForms' own message, from its Chinese catalogue
    assert "两次输入的密码不一致。" in page.text
    assert "请输入有效的邮箱地址。" in page.text


def test_the_profile_setting_wins_over_the_browser(app, member):
    client = app.test_client(user=member)
    set_locale(app, "ada", "zh_Hans")
    page = client.get("/", headers={"Accept-Language": "en"})
    assert html_lang(page.text) == "zh-Hans" and "发帖" in page.text
    assert "Accept-Language" not in page.headers.get("Vary", "")
    set_locale(app, "ada", "en")
    page = client.get("/", headers=ZH)
    assert html_lang(page.text) == "en" and "New post" in page.text


def test_the_language_is_chosen_on_the_profile_edit_page(app, member):
    client = app.test_client()
    login(client, "ada", PASSWORD)
    edit = client.get("/u/ada/edit").text
    assert 'name="locale"' in edit and "简体中文" in edit
    token = token_for(client, "/u/ada/edit")
    saved = client.post(
        "/u/ada/edit", data={"csrf_token": token, "locale": "zh_Hans"}, follow_redirects=True
    )
    assert "资料已保存。" in saved.text
    assert html_lang(client.get("/").text) == "zh-Hans"
    with app.app_context():
        assert db.session.query(User).filter_by(username="ada").one().locale == "zh_Hans"
    refused = client.post("/u/ada/edit", data={"csrf_token": token, "locale": "xx"})
    assert refused.status_code == 400


def test_relative_times_are_worded_in_the_language(app):
    now = utcnow()
    with app.test_request_context(headers=ZH):
        assert relative_datetime(now, now) == "刚刚"
        assert relative_datetime(now - timedelta(minutes=5), now) == "5 分钟前"
        assert relative_datetime(now - timedelta(days=2), now) == "2 天前"
    with app.test_request_context():
        assert relative_datetime(now - timedelta(days=2), now) == "2 days ago"
        assert relative_datetime(now - timedelta(hours=1), now) == "1 hour ago"


def test_every_message_has_a_chinese_translation():
    with open(PO, "rb") as file:
        catalogue = read_po(file, locale="zh_Hans")
    with open(POT, "rb") as file:
        template = read_po(file)
    problems = [
        message.id
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    assert problems == []
    assert {m.id for m in template if m.id} <= {m.id for m in catalogue if m.id}


def test_the_template_is_up_to_date_with_the_sources(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()",
         "extract", "-F", "babel.cfg", "-k", "lazy_gettext", "--no-location",
         "-o", str(fresh), "bbs"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with open(fresh, "rb") as file:
        extracted = {m.id for m in read_po(file) if m.id}
    with open(POT, "rb") as file:
        committed = {m.id for m in read_po(file) if m.id}
    assert extracted == committed, "run `make translations`"


def test_the_compiled_catalogue_matches_the_po(app):
    with open(PO, "rb") as file:
        catalogue = read_po(file, locale="zh_Hans")
    from bbs.i18n import translations

    compiled = translations("zh_Hans")
    for message in catalogue:
        if message.id and not message.pluralizable:
            assert compiled.gettext(message.id) == message.string, "run `make translations`"


def test_a_profile_page_in_chinese(app, member):
    page = app.test_client().get("/u/ada", headers=ZH).text
    assert "加入" in page and "ada 还没有发过帖子。" in page
    assert html_lang(page) == "zh-Hans"


def test_force_locale_speaks_one_language_whatever_the_request(app):
    with app.test_request_context(headers=ZH):
        assert gettext("Notifications") == "通知"
        with force_locale("en"):
            assert get_locale() == "en" and gettext("Notifications") == "Notifications"
            with force_locale("zh_Hans"):
                assert gettext("Notifications") == "通知"
            assert gettext("Notifications") == "Notifications"
        with force_locale(None):
            assert get_locale() == "zh_Hans"
        with force_locale("fr"):
            assert get_locale() == "en"
        assert get_locale() == "zh_Hans"
    with app.app_context(), force_locale("zh_Hans"):
        assert gettext("Notifications") == "通知"  # outside a request, as a mail worker is
