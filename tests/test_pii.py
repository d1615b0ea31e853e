"""Personal information is masked on public pages: properties of ``text.mask_pii``."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from weibo_app.core.text import mask_pii, normalize, render_public_html

PHONES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
ID_NUMBERS = st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True)
EMAILS = st.tuples(
    st.from_regex(r"[a-z0-9][a-z0-9._]{1,12}", fullmatch=True),
    st.from_regex(r"[a-z0-9]{1,10}\.(com|cn|org|gov\.cn)", fullmatch=True),
)
# Any text at all around the personal information, except "@" (so the only addresses are ours).
FILLER = st.text(alphabet=st.characters(blacklist_characters="@", blacklist_categories=("Cs",)), max_size=12)
PII = st.one_of(
    PHONES.map(lambda p: ("phone", p)),
    ID_NUMBERS.map(lambda n: ("id", n)),
    EMAILS.map(lambda e: ("email", e)),
)

ANY_PHONE = re.compile(r"1[3-9][0-9]{9}")
ANY_ID = re.compile(r"[0-9]{17}[0-9Xx]")
ANY_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


@st.composite
def texts_with_pii(draw):
    parts = draw(st.lists(st.tuples(FILLER, PII), min_size=1, max_size=5))
    tail = draw(FILLER)
    text, emails = "", []
    for filler, (kind, value) in parts:
        if kind == "email":
            local, domain = value
            emails.append(local)
            value = f"{local}@{domain}"
        text += filler + value
    return text + tail, emails


@settings(max_examples=200, deadline=None)
@given(texts_with_pii())
def test_no_phone_id_or_email_survives_the_public_rendering(case):
    text, locals_ = case
    public = render_public_html(normalize(text))
    assert not ANY_PHONE.search(public)
    assert not ANY_ID.search(public)
    assert not ANY_EMAIL.search(public)
    for local in locals_:
        assert f"{local}@" not in public


@settings(max_examples=200, deadline=None)
@given(texts_with_pii())
def test_masking_is_idempotent(case):
    once = mask_pii(case[0])
    assert mask_pii(once) == once


@settings(deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="@", blacklist_categories=("Cs",))).filter(
    lambda t: not re.search(r"\d{11}", t)
))
def test_text_without_personal_information_is_unchanged(text):
    assert mask_pii(text) == text


@given(PHONES, ID_NUMBERS)
def test_masking_keeps_the_shape_people_recognise(phone, id_number):
    assert mask_pii(phone) == phone[:3] + "****" + phone[-4:]
    assert mask_pii(id_number) == id_number[:4] + "*" * 10 + id_number[-4:]


def test_examples_from_the_issue():
    text = "我的电话13812345678，身份证号11010519491231002X，邮箱abc@example.com。"
    assert mask_pii(text) == "我的电话138****5678，身份证号1101**********002X，邮箱a***@example.com。"


def test_numbers_that_are_not_personal_information_stay():
    text = "办理编号20240001，热线0571-12345，金额1380元，日期2024-05-01，12345678901（以2开头则不是手机号）"
    assert mask_pii(text) == text
    assert mask_pii("电话：0571-88888888") == "电话：0571-88888888"


def test_a_phone_inside_a_longer_number_is_masked_whole():
    # "+86" written without the plus: the whole run is masked, keeping 3 and 4 digits.
    assert mask_pii("8613812345678") == "861******5678"
    assert mask_pii("13800001399123456789") == "138*************6789"


def test_full_width_digits_do_not_escape_masking():
    assert mask_pii("电话１３８１２３４５６７８") == "电话１３８****５６７８"


def test_two_addresses_run_together_are_both_masked():
    out = mask_pii("x@ab.cd@example.com")
    assert not ANY_EMAIL.search(out)
    assert mask_pii(out) == out
