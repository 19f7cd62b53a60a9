import pytest

from workshop.services.errors import Invalid
from workshop.services.text import clean_text


def test_trims_and_folds_whitespace():
    assert clean_text("  Gute   Kooperation \n mit Schulen ", field="t", max_length=50) == (
        "Gute Kooperation mit Schulen"
    )


def test_removes_invisible_and_control_characters():
    text = "Pra\u200bktikum\u0000 \u202eplätze\u0007"
    assert clean_text(text, field="t", max_length=50) == "Praktikum plätze"


def test_keeps_html_as_plain_text():
    assert clean_text("<script>alert(1)</script>", field="t", max_length=50) == (
        "<script>alert(1)</script>"
    )


def test_normalises_composed_umlauts():
    assert clean_text("U\u0308bergang", field="t", max_length=50) == "Übergang"


@pytest.mark.parametrize("value", ["", "   ", "\u200b\u200b", "\t\n"])
def test_empty_required_text_is_refused(value):
    with pytest.raises(Invalid) as caught:
        clean_text(value, field="title", max_length=50)
    assert caught.value.code == "text_required"
    assert caught.value.fields == ["title"]


def test_too_long_text_is_refused_with_its_limit():
    with pytest.raises(Invalid) as caught:
        clean_text("x" * 51, field="title", max_length=50)
    assert caught.value.code == "text_too_long"
    assert caught.value.params == {"max": 50}


def test_non_text_is_refused():
    with pytest.raises(Invalid):
        clean_text(["a"], field="title", max_length=50)


def test_multiline_keeps_line_breaks():
    assert clean_text("a\n\n b ", field="d", max_length=50, multiline=True) == "a\n\nb"
