"""livewidget.forms: validation against a pydantic model, the used-field rule, helpers."""

from __future__ import annotations

import importlib
import sys

import pytest
from pydantic import BaseModel, Field, field_validator, model_validator

from livewidget import LiveView
from livewidget.forms import Form
from livewidget.template._form_helpers import (
    checkbox,
    error_tag,
    input,
    label,
    radio,
    select,
    textarea,
)
from livewidget.testing import LiveViewTest


class Address(BaseModel):
    city: str = Field(min_length=2)


class SignUp(BaseModel):
    name: str = Field(min_length=2)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    age: int = Field(ge=13)
    plan: str = "free"
    tags: list[str] = []
    terms: bool = False
    nickname: str | None = None
    address: Address | None = None

    @field_validator("name")
    @classmethod
    def not_admin(cls, value: str) -> str:
        if value.lower() == "admin":
            raise ValueError("is reserved")
        return value


GOOD = {"name": "Ada", "email": "ada@example.org", "age": "36"}


def test_a_blank_form_has_no_errors_and_shows_defaults():
    form = Form(SignUp, name="user")
    assert not form.ok and form.errors == {} and form.data is None
    assert form["plan"].value == "free"
    assert form["name"].value is None
    assert form["name"].name == "user[name]" and form["name"].id == "user_name"
    assert form["name"].required and not form["plan"].required
    assert form["tags"].multiple


def test_initial_data_fills_the_fields():
    form = Form(SignUp, {"name": "Ada", "age": 36}, name="user")
    assert form["name"].value == "Ada" and form["age"].value == 36


def test_a_valid_submit_gives_typed_data():
    form = Form(SignUp, name="user").validate({"user": {**GOOD, "tags": ["a"], "terms": "true"}})
    assert form.ok and form.errors == {}
    assert form.data == SignUp(name="Ada", email="ada@example.org", age=36, tags=["a"], terms=True)
    assert form.values["age"] == 36
    assert form["age"].value == "36"  # the input keeps what the user typed


def test_a_submit_shows_every_error():
    form = Form(SignUp, name="user").validate({"user": {"name": "A", "email": "", "age": "x"}})
    assert form.submitted and not form.ok
    assert form.errors == {
        "name": ["String should have at least 2 characters"],
        "email": ["Field required"],
        "age": ["Input should be a valid integer, unable to parse string as an integer"],
    }
    assert form["age"].errors and form["age"].invalid


def test_a_change_shows_errors_only_for_fields_the_user_changed():
    params = {
        "user": {"name": "A", "_unused_email": "", "email": "", "_unused_age": "", "age": ""},
        "_target": "user[name]",
    }
    form = Form(SignUp, name="user").validate(params)
    assert not form.submitted
    assert list(form.errors) == ["name"]
    assert set(form.all_errors) == {"name", "email", "age"}
    assert form.used("name") and not form.used("email")
    assert form["email"].errors == ()


def test_the_target_is_used_even_without_params_for_it():
    form = Form(SignUp, name="user").validate({"user": {}, "_target": "user[age]"})
    assert list(form.errors) == ["age"]


def test_a_submitted_form_keeps_showing_every_error_on_later_changes():
    submitted = Form(SignUp, name="user").validate({"user": {"name": "A"}})
    change = {"user": {"name": "Ab", "_unused_email": ""}, "_target": "user[name]"}
    later = submitted.validate(change)
    assert later.submitted and "email" in later.errors
    fresh = Form(SignUp, name="user").validate({"user": {"_unused_email": ""}, "_target": "x"})
    assert "email" not in fresh.errors


def test_validator_messages_lose_pydantics_prefix():
    form = Form(SignUp).validate({**GOOD, "name": "admin"})
    assert form.errors["name"] == ["is reserved"]


def test_blanks_count_as_not_given():
    form = Form(SignUp).validate({**GOOD, "nickname": "  ", "plan": ""})
    assert form.ok and form.data is not None
    assert form.data.nickname is None and form.data.plan == "free"


def test_repeated_values_last_wins_and_lists_take_one_value():
    form = Form(SignUp).validate({**GOOD, "terms": ["false", "true"], "tags": "solo"})
    assert form.data is not None and form.data.terms is True and form.data.tags == ["solo"]
    form = Form(SignUp).validate({**GOOD, "terms": ["false"], "tags": ["", "a"]})
    assert form.data is not None and form.data.terms is False and form.data.tags == ["a"]


def test_nested_models_are_nested_forms():
    params = {
        "user": {**GOOD, "address": {"city": "X", "_unused_zip": ""}},
        "_target": "user[address][city]",
    }
    form = Form(SignUp, name="user").validate(params)
    assert form.errors == {"address.city": ["String should have at least 2 characters"]}
    city = form["address"]["city"]
    assert city.name == "user[address][city]" and city.id == "user_address_city"
    assert city.value == "X" and city.errors == ("String should have at least 2 characters",)


def test_typed_values_of_the_valid_fields_of_an_invalid_form():
    form = Form(SignUp).validate({"name": "Ada", "age": "40", "email": "nope"})
    assert form.values["age"] == 40 and form.values["email"] == "nope"


def test_model_errors_show_once_submitted():
    class Passwords(BaseModel):
        password: str
        confirm: str

        @model_validator(mode="after")
        def same(self):
            if self.password != self.confirm:
                raise ValueError("passwords differ")
            return self

    changed = Form(Passwords).validate({"password": "a", "confirm": "b", "_target": "confirm"})
    assert changed.form_errors == [] and changed.all_errors == {"": ["passwords differ"]}
    assert Form(Passwords).validate({"password": "a", "confirm": "b"}).form_errors == [
        "passwords differ"
    ]


def test_add_error_after_a_lookup():
    form = Form(SignUp, name="user").validate({"user": GOOD})
    taken = form.add_error("email", "is already taken")
    assert form.ok and not taken.ok
    assert taken.errors == {"email": ["is already taken"]}
    with pytest.raises(KeyError, match="no field 'mail'"):
        form.add_error("mail", "x")


def test_bad_arguments():
    with pytest.raises(TypeError, match="pydantic model class"):
        Form(dict)  # type: ignore[type-var]
    with pytest.raises(KeyError, match="has no field 'nope'"):
        Form(SignUp)["nope"]


def test_without_pydantic_the_import_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydantic", None)
    monkeypatch.delitem(sys.modules, "livewidget.forms")
    with pytest.raises(ImportError, match=r'pip install "livewidget\[forms\]"'):
        importlib.import_module("livewidget.forms")


# -- template helpers -----------------------------------------------------------------------


def test_helpers_escape_everything():
    form = Form(SignUp, name="user").validate(
        {"user": {"name": '"><script>', "email": "x", "age": "1"}}
    )
    html = str(input(form["name"], class_="wide", phx_debounce="300", required=True))
    assert html == (
        '<input type="text" name="user[name]" id="user_name" value="&#34;&gt;&lt;script&gt;" '
        'class="wide" phx-debounce="300" required>'
    )
    assert 'aria-invalid="true"' in str(input(form["age"], type="number"))
    assert str(label(form["name"])) == '<label for="user_name">Name</label>'
    assert "&lt;" in str(label(form["name"], "<b>Your name</b>"))
    tag = str(error_tag(form["age"]))
    assert tag.startswith('<p class="lw-field-error" data-for="user[age]">')
    assert str(error_tag(form["plan"])) == ""
    with pytest.raises(ValueError, match="not an attribute name"):
        input("q", **{'x"': "y"})


def test_select_checkbox_radio_textarea():
    form = Form(SignUp, name="user").validate(
        {"user": {**GOOD, "plan": "pro", "tags": ["a", "c"], "terms": ["false", "true"]}}
    )
    assert str(select(form["plan"], [("Free", "free"), ("Pro", "pro")], prompt="Pick")) == (
        '<select name="user[plan]" id="user_plan"><option value="">Pick</option>'
        '<option value="free">Free</option><option value="pro" selected>Pro</option></select>'
    )
    multi = str(select(form["tags"], ["a", "b", "c"]))
    assert 'name="user[tags][]"' in multi and " multiple" in multi
    assert multi.count(" selected") == 2
    assert str(checkbox(form["terms"])) == (
        '<input type="hidden" name="user[terms]" value="false">'
        '<input type="checkbox" name="user[terms]" id="user_terms" value="true" checked>'
    )
    assert "checked" not in str(checkbox(Form(SignUp)["terms"]))
    assert str(radio(form["plan"], "pro")) == (
        '<input type="radio" name="user[plan]" id="user_plan_pro" value="pro" checked>'
    )
    assert str(textarea("bio", value="<hi>")) == (
        '<textarea name="bio" id="bio">\n&lt;hi&gt;</textarea>'
    )
    assert 'value="' not in str(input(form["name"], type="password"))


class SignUpView(LiveView):
    template = """
      <form id="signup" phx-change="validate" phx-submit="save">
        {{ input(form["name"]) }}{{ error_tag(form["name"]) }}
        {{ input(form["email"], type="email") }}{{ error_tag(form["email"]) }}
        {{ input(form["age"], type="number") }}{{ error_tag(form["age"]) }}
        <button>Sign up</button>
      </form>
      <ul id="saved">{% for u in saved %}<li>{{ u.name }} ({{ u.age }})</li>{% endfor %}</ul>
    """

    def mount(self, socket, session, params):
        socket.assign(form=Form(SignUp, name="user"), saved=[])

    def handle_event(self, event, params, socket):
        form = socket.assigns.form.validate(params)
        if event == "save" and form.ok:
            socket.assign(saved=[*socket.assigns.saved, form.data], form=Form(SignUp, name="user"))
        else:
            socket.assign(form=form)


def test_a_view_validates_on_change_and_saves_on_submit():
    with LiveViewTest(SignUpView) as view:
        view.change("#signup", {"user[name]": "A"})
        assert view.has_element("[data-for='user[name]']", "at least 2 characters")
        assert not view.has_element("[data-for='user[email]']")
        assert view.find("#user_name")["value"] == "A"
        view.submit("#signup", {"user[name]": "Ada"})
        assert view.has_element("[data-for='user[email]']", "Field required")
        view.change("#signup", {"user[email]": "ada@example.org", "user[name]": "Ada"})
        assert view.has_element("[data-for='user[age]']")  # submitted: every error shows
        view.submit("#signup", {"user[name]": "Ada", "user[email]": "a@b", "user[age]": "36"})
        assert view.find("#saved").get_text() == "Ada (36)"
        assert not view.has_element(".lw-field-error")
        view.change("#signup", {"user[name]": "B"})  # a fresh form: only the changed field
        assert [el["data-for"] for el in view._soup().select(".lw-field-error")] == ["user[name]"]


def test_a_model_pydantic_cannot_complete_is_a_clear_error():
    class Later(BaseModel):
        other: Missing  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(TypeError, match=r"Later is not fully defined.*model_rebuild"):
        Form(Later)
