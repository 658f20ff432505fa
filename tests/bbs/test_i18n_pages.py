"""The members' and moderators' pages in Chinese, and mails in their recipient's language."""

from __future__ import annotations

import re

from bbs_helpers import PASSWORD, csrf_token, make_user, solve_captcha, submit, token_for
from mail_helpers import html_of, text_of, wait_for_mail
from moderation_helpers import confirm, report, send

from bbs.db import db
from bbs.models import ADMIN, MODERATOR
from bbs.notifications import events
from bbs.posts import content

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def chinese(app, username, **fields):
    return make_user(app, username, locale="zh_Hans", **fields)


def post_by(app, author, title="Hello", body="First post"):
    with app.app_context():
        post = content.create_post(author, title, body)
        db.session.commit()
        return post.id


def absent(page, *english):
    """None of the English UI words is left on ``page``."""
    left = [words for words in english if words in page]
    assert left == [], f"untranslated: {left}"


def choose_mail(app, user, kind):
    client = app.test_client(user=user)
    data = {f"{kind}_in_app": "on", f"{kind}_email": "on"}
    submit(client, "/settings/notifications", data)


def test_the_notifications_page_in_chinese(app):
    ada, bob = chinese(app, "ada"), make_user(app, "bob")
    bobs = app.test_client(user=bob)
    bobs.post("/u/ada/follow", data={"csrf_token": token_for(bobs, "/u/ada")})
    page = app.test_client(user=ada).get("/notifications", headers=EN).text
    assert '<h1 class="page-title">通知</h1>' in page
    assert "bob</a>" in page and "关注了你" in page
    assert "全部标为已读" in page and "标为已读" in page and ">设置</a>" in page
    absent(page, "Mark all as read", "Mark as read", "started following you", ">Settings<", ">new<")


def test_notification_settings_in_chinese(app):
    ada = chinese(app, "ada")
    client = app.test_client(user=ada)
    page = client.get("/settings/notifications").text
    assert '<h1 class="page-title">通知设置</h1>' in page
    assert "有人提到我" in page and "新的关注者" in page and "站内" in page and "邮件" in page
    assert 'aria-label="有人提到我：站内通知"' in page
    absent(
        page, "Notification settings", "Notify me of", "Mentions of me", "In the forum", ">Save<"
    )
    saved = submit(client, "/settings/notifications", {"like_in_app": "on"})
    assert "通知设置已保存。" in client.get(saved.headers["Location"]).text


def test_the_moderation_queue_and_log_in_chinese(app):
    moderator = chinese(app, "mod", role=MODERATOR)
    bob, eve = make_user(app, "bob"), make_user(app, "eve")
    post_id = post_by(app, bob)
    report(app, eve, "spam", post_id=post_id)
    client = app.test_client(user=moderator)
    queue = client.get("/moderation/").text
    assert "1 项内容有待处理的举报。" in queue and "1 条举报：" in queue
    assert "垃圾信息" in queue and ">举报</a>" in queue and ">日志</a>" in queue
    assert ">驳回</button>" in queue and ">警告</button>" in queue and ">封禁</button>" in queue
    assert "bob</a> 的帖子 <a" in queue  # Chinese word order: the author comes first
    absent(queue, "Dismiss", "Warn", "reports:", "Spam", "with open reports", ">Reports<")
    done = confirm(client, f"/moderation/post/{post_id}/dismiss", reason="不是垃圾信息")
    assert "对这篇帖子的举报已驳回。" in client.get(done.headers["Location"]).text
    log = client.get("/moderation/log").text
    assert "<th>时间</th>" in log and "<th>操作人</th>" in log and "驳回了举报：" in log
    assert "帖子“Hello”" in log and "1 条待处理的举报" in log
    absent(log, "<th>When</th>", "<th>Who</th>", "dismissed the reports", "post “", "open report")


def test_the_report_form_in_chinese(app):
    ada, bob = chinese(app, "ada"), make_user(app, "bob")
    post_id = post_by(app, bob)
    client = app.test_client(user=ada)
    page = client.get(f"/posts/{post_id}/report").text
    assert '<h1 class="page-title">举报帖子</h1>' in page
    assert "为什么需要版主查看？" in page and "辱骂或骚扰" in page and ">提交举报</button>" in page
    absent(page, "Report a post", "Why should", "Abuse or harassment", "Send the report")
    refused = submit(client, f"/posts/{post_id}/report", {})
    assert refused.status_code == 400 and "请选择一个原因。" in refused.text


def test_the_admin_users_page_in_chinese(app):
    root = chinese(app, "root", role=ADMIN)
    make_user(app, "bob")
    page = app.test_client(user=root).get("/admin/users").text
    assert "<th>成员</th>" in page and "<th>角色</th>" in page and "<th>状态</th>" in page
    assert "（你）" in page and ">普通成员</option>" in page and ">版主</option>" in page
    assert 'aria-label="封禁 bob">封禁</button>' in page and ">修改</button>" in page
    assert ">成员</a>" in page and ">帖子</a>" in page  # the tabs
    absent(page, "<th>User</th>", "<th>Role</th>", "(you)", ">Ban<", ">Change<", ">member<")


def test_a_confirm_page_in_chinese(app):
    root = chinese(app, "root", role=ADMIN)
    bob = make_user(app, "bob")
    client = app.test_client(user=root)
    page = send(client, f"/admin/users/{bob.id}/ban").text
    assert '<h1 class="page-title">封禁成员</h1>' in page
    assert "封禁 bob？对方将在所有设备上退出登录" in page
    assert ">原因</label>" in page and "将记入管理日志。" in page and ">取消</a>" in page
    absent(page, "Ban a member", "They are logged out", ">Reason<", ">Cancel<")
    refused = send(client, f"/admin/users/{bob.id}/ban", confirmed="yes", reason="")
    assert refused.status_code == 400 and "请说明原因" in refused.text


def test_a_banned_member_is_told_in_their_language(app):
    ada, root = chinese(app, "ada"), make_user(app, "root", role=ADMIN)
    phone = app.test_client(user=ada)
    confirm(app.test_client(user=root), f"/admin/users/{ada.id}/ban", reason="发广告")
    assert "你的账号已被封禁。原因：发广告" in phone.get("/", headers=EN).text


def test_a_notification_mail_is_in_the_recipients_language(mail_app, smtp_server):
    ada, bob = chinese(mail_app, "ada"), make_user(mail_app, "bob")
    post_id = post_by(mail_app, ada)
    choose_mail(mail_app, ada, "mention")
    bobs = mail_app.test_client(user=bob)
    page = f"/posts/{post_id}"
    submit(bobs, f"{page}/comments", {"body": "Hi @ada"}, page=page, headers=EN)
    wait_for_mail(mail_app)
    (mail,) = smtp_server.mailbox.to("ada@example.com")
    assert mail["Subject"].startswith("bob 在 ") and mail["Subject"].endswith(" 提到了你")
    text, html = text_of(mail), html_of(mail)
    assert "ada，你好：" in text and "选择哪些通知通过邮件接收" in text
    assert '<html lang="zh-Hans">' in html and "<strong>bob</strong> 在 " in html
    assert "打开查看" in html and "或打开此地址：" in html
    absent(text + html, "Hello", "mentioned you", "You get this mail", "Open it")


def test_an_english_members_mail_stays_english_whoever_triggers_it(mail_app, smtp_server):
    ada, bob = make_user(mail_app, "ada"), chinese(mail_app, "bob")
    post_id = post_by(mail_app, ada)
    choose_mail(mail_app, ada, "mention")
    bobs = mail_app.test_client(user=bob)
    page = f"/posts/{post_id}"
    sent = submit(bobs, f"{page}/comments", {"body": "你好 @ada"}, page=page, headers=ZH)
    assert HAN.search(bobs.get(sent.headers["Location"]).text)  # bob reads Chinese pages
    wait_for_mail(mail_app)
    (mail,) = smtp_server.mailbox.to("ada@example.com")
    assert mail["Subject"].startswith("bob mentioned you on ")
    assert "Hello ada," in text_of(mail) and '<html lang="en">' in html_of(mail)
    assert not HAN.search(mail["Subject"] + text_of(mail).replace("你好", ""))


def test_a_notification_mailed_outside_a_request_is_in_the_recipients_language(
    make_app, smtp_server
):
    # As from a command or a job: no request, so mail links need the configured host.
    mail_app = make_app(SERVER_NAME="forum.example", **smtp_server.settings)
    ada, bob = chinese(mail_app, "ada"), make_user(mail_app, "bob")
    choose_mail(mail_app, ada, "follow")
    with mail_app.app_context():
        events.followed(bob.id, ada.id)
        db.session.commit()
    wait_for_mail(mail_app)
    (mail,) = smtp_server.mailbox.to("ada@example.com")
    assert mail["Subject"].endswith(" 关注了你") and "关注了你" in text_of(mail)


def test_a_password_reset_mail_is_in_the_members_language(mail_app, smtp_server):
    chinese(mail_app, "ada")
    asked = submit(mail_app.test_client(), "/account/forgot-password", {"email": "ada@example.com"})
    assert asked.status_code == 302
    wait_for_mail(mail_app)
    (mail,) = smtp_server.mailbox.to("ada@example.com")
    assert mail["Subject"].startswith("重设你在 ") and mail["Subject"].endswith(" 的密码")
    text, html = text_of(mail), html_of(mail)
    assert "ada，你好：" in text and "有人（希望是你本人）" in text and "1 小时内有效" in text
    assert ">设置新密码</a>" in html and '<html lang="zh-Hans">' in html
    absent(text + html, "Hello", "somebody", "The link works once", "Choose a new password")


def test_a_verification_mail_speaks_the_language_the_newcomer_registered_in(mail_app, smtp_server):
    client = mail_app.test_client()
    page = client.get("/register", headers=ZH).text
    fields = {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "captcha": solve_captcha(page),
    }
    fields.update(password=PASSWORD, confirm=PASSWORD, csrf_token=csrf_token(page))
    assert client.post("/register", data=fields, headers=ZH).status_code == 302
    wait_for_mail(mail_app)
    (mail,) = smtp_server.mailbox.to("newcomer@example.com")
    assert mail["Subject"].startswith("验证你在 ")
    assert "newcomer，你好：" in text_of(mail) and "2 天内有效" in text_of(mail)
    absent(text_of(mail) + html_of(mail), "Hello", "please verify", "Verify my address")
