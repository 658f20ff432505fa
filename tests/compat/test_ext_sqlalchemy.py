"""Flask-SQLAlchemy on flagon: the quick-start app (models on a declarative base, ``db.session``
scoped to the app context, ``get_or_404``, ``first_or_404``, ``paginate`` from the query string),
a relative SQLite path in the instance folder, the shell context, recorded queries and the
``models_committed`` signal."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import werkzeug.exceptions
from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.record_queries import get_recorded_queries
from flask_sqlalchemy.track_modifications import models_committed
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


@pytest.fixture
def app(tmp_path):
    class Base(DeclarativeBase):
        pass

    db = SQLAlchemy(model_class=Base)

    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    # A relative SQLite path is in the instance folder, which Flask-SQLAlchemy creates.
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///project.db"
    app.config["SQLALCHEMY_RECORD_QUERIES"] = True
    app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = True
    db.init_app(app)

    class User(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        username: Mapped[str] = mapped_column(unique=True)
        email: Mapped[str]

    with app.app_context():
        db.create_all()

    @app.route("/users")
    def user_list():
        users = db.session.execute(db.select(User).order_by(User.username)).scalars()
        return jsonify([user.username for user in users])

    @app.route("/users/create", methods=["POST"])
    def user_create():
        user = User(username=request.form["username"], email=request.form["email"])
        db.session.add(user)
        db.session.commit()
        return jsonify(id=user.id), 201

    @app.route("/users/add-uncommitted", methods=["POST"])
    def user_add_uncommitted():
        db.session.add(User(username=request.form["username"], email="x@example.com"))
        db.session.flush()
        return "", 204

    @app.route("/user/<int:id>")
    def user_detail(id):
        user = db.get_or_404(User, id, description=f"No user {id}.")
        return jsonify(username=user.username, email=user.email)

    @app.route("/user/<int:id>/delete", methods=["POST"])
    def user_delete(id):
        user = db.get_or_404(User, id)
        db.session.delete(user)
        db.session.commit()
        return "", 204

    @app.route("/by-name/<name>")
    def by_name(name):
        user = db.first_or_404(db.select(User).filter_by(username=name))
        return jsonify(id=user.id)

    @app.route("/legacy/<name>")
    def legacy(name):
        user = User.query.filter_by(username=name).first_or_404()
        return jsonify(id=user.id)

    @app.route("/page")
    def page():
        pagination = db.paginate(db.select(User).order_by(User.id), max_per_page=3)
        return jsonify(
            items=[user.username for user in pagination.items],
            page=pagination.page,
            per_page=pagination.per_page,
            total=pagination.total,
            pages=pagination.pages,
            has_next=pagination.has_next,
            next_num=pagination.next_num,
            prev_num=pagination.prev_num,
        )

    @app.route("/caught/<int:id>")
    def caught(id):
        try:
            db.get_or_404(User, id)
        except werkzeug.exceptions.NotFound as e:
            return f"caught {e.code}: {e.description}", 200
        return "found"

    @app.route("/queries")
    def queries():
        db.session.execute(sa.select(User.id)).all()
        return jsonify([str(q.statement) for q in get_recorded_queries()])

    @app.errorhandler(404)
    def not_found(e):
        return jsonify(error=e.description), 404

    app.db = db
    app.User = User
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def add_users(client, *names):
    for name in names:
        response = client.post(
            "/users/create", data={"username": name, "email": f"{name}@example.com"}
        )
        assert response.status_code == 201


def test_database_is_in_the_instance_folder(app, tmp_path):
    assert (tmp_path / "instance" / "project.db").is_file()
    with app.app_context():
        assert app.db.engine.url.database == str(tmp_path / "instance" / "project.db")


def test_rows_written_in_one_request_are_read_in_the_next(app, client):
    add_users(client, "carol", "alice", "bob")
    assert client.get("/users").get_json() == ["alice", "bob", "carol"]
    with app.app_context():
        rows = app.db.session.execute(sa.text("select username, email from user order by id")).all()
    assert [tuple(row) for row in rows] == [
        ("carol", "carol@example.com"),
        ("alice", "alice@example.com"),
        ("bob", "bob@example.com"),
    ]


def test_the_session_is_removed_at_the_end_of_each_request(app, client):
    # A flushed but uncommitted row is rolled back when the request's app context ends.
    assert client.post("/users/add-uncommitted", data={"username": "ghost"}).status_code == 204
    assert client.get("/users").get_json() == []
    with app.app_context():
        first = app.db.session()
    with app.app_context():
        assert app.db.session() is not first


def test_get_or_404(client):
    add_users(client, "alice")
    response = client.get("/user/1")
    assert response.status_code == 200
    assert response.get_json() == {"username": "alice", "email": "alice@example.com"}

    response = client.get("/user/42")
    assert response.status_code == 404
    assert response.get_json() == {"error": "No user 42."}


def test_get_or_404_raises_werkzeug_not_found(client):
    response = client.get("/caught/7")
    assert response.status_code == 200
    assert (
        response.text
        == "caught 404: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again."
    )


def test_get_or_404_outside_a_request(app):
    with app.app_context():
        with pytest.raises(werkzeug.exceptions.NotFound):
            app.db.get_or_404(app.User, 1)


def test_first_or_404(client):
    add_users(client, "alice", "bob")
    assert client.get("/by-name/bob").get_json() == {"id": 2}
    assert client.get("/by-name/nobody").status_code == 404
    assert client.get("/legacy/alice").get_json() == {"id": 1}
    assert client.get("/legacy/nobody").status_code == 404


def test_delete(app, client):
    add_users(client, "alice", "bob")
    assert client.post("/user/1/delete").status_code == 204
    assert client.get("/users").get_json() == ["bob"]
    assert client.post("/user/1/delete").status_code == 404


def test_paginate_reads_page_and_per_page_from_the_query_string(client):
    add_users(client, *(f"user{n}" for n in range(1, 8)))

    first = client.get("/page?per_page=2").get_json()
    assert first == {
        "items": ["user1", "user2"],
        "page": 1,
        "per_page": 2,
        "total": 7,
        "pages": 4,
        "has_next": True,
        "next_num": 2,
        "prev_num": None,
    }
    last = client.get("/page?page=4&per_page=2").get_json()
    assert last["items"] == ["user7"]
    assert last["has_next"] is False
    assert last["prev_num"] == 3

    # max_per_page caps per_page; the default per_page (20) is capped too.
    assert client.get("/page?per_page=50").get_json()["items"] == ["user1", "user2", "user3"]
    assert client.get("/page").get_json()["per_page"] == 3


@pytest.mark.parametrize("query", ["page=9&per_page=2", "page=0", "page=abc", "per_page=-1"])
def test_paginate_out_of_range_or_invalid_is_404(client, query):
    add_users(client, "alice", "bob", "carol")
    assert client.get(f"/page?{query}").status_code == 404


def test_shell_context_has_db_and_models(app):
    # As `flask shell` does it: in the app context.
    with app.app_context():
        context = app.make_shell_context()
    assert context["db"] is app.db
    assert context["User"] is app.User
    assert context["app"] is app


def test_recorded_queries_are_per_request(client):
    statements = client.get("/queries").get_json()
    assert len(statements) == 1
    assert statements[0].startswith("SELECT user.id")


def test_models_committed_signal(app, client):
    seen = []

    def receiver(sender, changes):
        seen.append((sender, [(type(obj).__name__, op) for obj, op in changes]))

    with models_committed.connected_to(receiver, sender=app):
        add_users(client, "alice")
        client.post("/user/1/delete")
    assert seen == [(app, [("User", "insert")]), (app, [("User", "delete")])]


def item_app(tmp_path, description):
    """An app whose ``/item/<id>`` is ``get_or_404`` with ``description``, on an empty table."""
    db = SQLAlchemy()
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'plain.db'}"
    db.init_app(app)

    class Item(db.Model):
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        db.create_all()

    @app.route("/item/<int:id>")
    def item(id):
        return str(db.get_or_404(Item, id, description=description).id)

    return app


def test_default_404_page_shows_the_description(tmp_path):
    app = item_app(tmp_path, "No item <here>.")
    client = app.test_client()
    response = client.get("/item/1")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<h1>Not Found</h1>" in response.text
    assert "<p>No item &lt;here&gt;.</p>" in response.text


def test_a_handler_for_the_werkzeug_not_found_class(tmp_path):
    app = item_app(tmp_path, "No such item.")

    @app.errorhandler(werkzeug.exceptions.NotFound)
    def not_found(e):
        return {"missing": e.description}, 404

    response = app.test_client().get("/item/1")
    assert response.status_code == 404
    assert response.get_json() == {"missing": "No such item."}
