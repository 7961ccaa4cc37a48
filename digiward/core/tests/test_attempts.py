from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from digiward.core.attempts import attempt
from digiward.core.errors import DomainError


class NameForm(forms.Form):
    name = forms.CharField()


def _request():
    request = RequestFactory().post("/", {"name": "Bảy"})
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_refusal_goes_on_the_field_it_names_and_keeps_what_was_typed():
    request = _request()
    form = NameForm(request.POST)
    assert form.is_valid()
    with attempt(request, form=form, success="Đã lưu.") as outcome:
        raise DomainError("Tên đã có.", field="name")
    assert not outcome.ok and outcome.error is not None
    assert form.errors == {"name": ["Tên đã có."]}
    assert form["name"].value() == "Bảy"
    assert list(get_messages(request)) == []


def test_a_refusal_naming_no_field_of_the_form_goes_above_it():
    request = _request()
    form = NameForm(request.POST)
    form.is_valid()
    with attempt(request, form=form):
        raise DomainError("Hết hạn.", field="elsewhere")
    assert form.non_field_errors() == ["Hết hạn."]


def test_without_a_form_the_refusal_and_the_success_are_messages():
    request = _request()
    with attempt(request, success="Đã rút lời mời.") as outcome:
        raise DomainError("Lời mời không còn mở.")
    with attempt(request, success="Đã rút lời mời.") as second:
        pass
    assert (outcome.ok, second.ok) == (False, True)
    assert [m.message for m in get_messages(request)] == [
        "Lời mời không còn mở.",
        "Đã rút lời mời.",
    ]


def test_other_errors_are_not_swallowed():
    request = _request()
    try:
        with attempt(request):
            raise ValueError("a bug")
    except ValueError:
        return
    raise AssertionError("a bug must not become a message")
