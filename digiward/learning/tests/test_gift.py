"""GIFT quiz files are read whole and every problem is reported at once (no database here)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digiward.learning.gift import (
    MAX_INPUT_CHARS,
    GiftChoice,
    GiftError,
    GiftProblem,
    GiftQuestion,
    gift_parse,
)
from digiward.learning.gift_writer import gift_dump


def problems_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(GiftError) as caught:
        gift_parse(text)
    assert str(caught.value) == "\n".join(p.message for p in caught.value.problems)
    return [(p.line, p.message) for p in caught.value.problems]


def only(text: str) -> GiftQuestion:
    [question] = gift_parse(text)
    return question


# --- kinds ----------------------------------------------------------------------------------


def test_single_choice_keeps_choices_in_order_and_marks_the_right_one():
    question = only("::Mật khẩu:: Mật khẩu nào mạnh nhất? {~123456 =Tr@m-Ch1m-B4y! ~ngaysinh}")
    assert question.kind == "single"
    assert question.title == "Mật khẩu"
    assert question.text == "Mật khẩu nào mạnh nhất?"
    assert question.choices == (
        GiftChoice("123456", correct=False),
        GiftChoice("Tr@m-Ch1m-B4y!", correct=True),
        GiftChoice("ngaysinh", correct=False),
    )
    assert (question.category, question.feedback, question.line) == ("", "", 1)


def test_multiple_choice_takes_the_positive_weights_as_the_right_answers():
    question = only(
        "Dấu hiệu lừa đảo? {~%50%Giục chuyển tiền gấp ~%50%Xin mã OTP ~%-100%Gọi từ số 1900 ~%0%Gửi thư}"
    )
    assert question.kind == "multiple"
    assert [c.correct for c in question.choices] == [True, True, False, False]
    assert [c.text for c in question.choices] == [
        "Giục chuyển tiền gấp",
        "Xin mã OTP",
        "Gọi từ số 1900",
        "Gửi thư",
    ]


def test_decimal_weights_are_understood():
    question = only("Chọn {~%33.33333%a ~%33.33333%b ~%33.33334%c ~%-100%d}")
    assert [c.correct for c in question.choices] == [True, True, True, False]


@pytest.mark.parametrize(
    ("block", "answer"),
    [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False), ("{ true }", True)],
)
def test_true_false_gives_dung_and_sai(block, answer):
    question = only(f"VNeID có mức 2. {block}")
    assert question.kind == "true_false"
    assert question.choices == (
        GiftChoice("Đúng", correct=answer),
        GiftChoice("Sai", correct=not answer),
    )


def test_true_false_feedback_goes_to_the_wrong_then_the_right_choice():
    right_is_false = only(
        "Gửi mã OTP cho người lạ là an toàn. {F#Không, đừng bao giờ gửi.#Chính xác!}"
    )
    assert right_is_false.choices == (
        GiftChoice("Đúng", correct=False, feedback="Không, đừng bao giờ gửi."),
        GiftChoice("Sai", correct=True, feedback="Chính xác!"),
    )
    right_is_true = only("Nên cập nhật ứng dụng. {T#Sai rồi}")
    assert right_is_true.choices == (
        GiftChoice("Đúng", correct=True, feedback=""),
        GiftChoice("Sai", correct=False, feedback="Sai rồi"),
    )


def test_ordering_keeps_the_steps_in_file_order():
    question = only("::Dịch vụ công:: Sắp xếp các bước {>Mở ứng dụng >Đăng nhập >Chọn dịch vụ}")
    assert question.kind == "ordering"
    assert question.title == "Dịch vụ công"
    assert question.text == "Sắp xếp các bước"
    assert question.choices == (
        GiftChoice("Mở ứng dụng", correct=True),
        GiftChoice("Đăng nhập", correct=True),
        GiftChoice("Chọn dịch vụ", correct=True),
    )


def test_ordering_steps_may_contain_an_arrow_or_an_escaped_chevron_and_feedback():
    question = only(
        "Bật Wi-Fi {\n>Mở Cài đặt -> Wi-Fi#bước đầu\n>Chọn mạng \\> 2,4 GHz\n>Nhập mật khẩu}"
    )
    assert [c.text for c in question.choices] == [
        "Mở Cài đặt -> Wi-Fi",
        "Chọn mạng > 2,4 GHz",
        "Nhập mật khẩu",
    ]
    assert question.choices[0].feedback == "bước đầu"


# --- syntax -------------------------------------------------------------------------------


def test_comments_blank_lines_titles_and_line_numbers():
    questions = gift_parse(
        "// Bộ câu hỏi thử\n"
        "\n"
        "::Câu 1:: Một? {=a ~b}\n"
        "\n"
        "\n"
        "// chú thích trước câu 2\n"
        "Hai? {=c ~d}\n"
        "   \n"
        "::Câu 3::Ba?\n"
        "// chú thích giữa câu hỏi\n"
        "{=e ~f}\n"
    )
    assert [(q.title, q.text, q.line) for q in questions] == [
        ("Câu 1", "Một?", 3),
        ("", "Hai?", 7),
        ("Câu 3", "Ba?", 9),
    ]


def test_category_carries_over_to_the_following_questions():
    questions = gift_parse(
        "Trước? {=a ~b}\n"
        "\n"
        "$CATEGORY: DW-ESSENTIALS/DT.1\n"
        "\n"
        "Một? {=a ~b}\n"
        "\n"
        "Hai? {T}\n"
        "\n"
        "$CATEGORY: $course$/top/DW-ESSENTIALS/AT.2\n"
        "Ba? {F}\n"
    )
    assert [q.category for q in questions] == [
        "",
        "DW-ESSENTIALS/DT.1",
        "DW-ESSENTIALS/DT.1",
        "$course$/top/DW-ESSENTIALS/AT.2",
    ]
    assert questions[3].line == 10


def test_escapes_give_the_literal_characters():
    question = only(
        "::Tiêu đề \\: phụ:: 1 \\= 1 \\~ \\# \\{x\\} \\\\ {=dấu \\= và \\~ và \\# \\{ \\} ~C\\:\\\\Users#phản hồi \\#1}"
    )
    assert question.title == "Tiêu đề : phụ"
    assert question.text == "1 = 1 ~ # {x} \\"
    assert question.choices[0].text == "dấu = và ~ và # { }"
    assert question.choices[1] == GiftChoice("C:\\Users", correct=False, feedback="phản hồi #1")


def test_backslash_n_is_a_new_line_and_unknown_escapes_stay():
    question = only("Dòng một\\nDòng hai \\d {=a\\nb ~c}")
    assert question.text == "Dòng một\nDòng hai \\d"
    assert question.choices[0].text == "a\nb"


def test_per_choice_and_general_feedback():
    question = only(
        "Số khẩn cấp? {\n"
        "  =113#Đúng, gọi công an.\n"
        "  ~911#Đó là số của Mỹ.\n"
        "  ~0#\n"
        "  ####Ghi nhớ: 113 công an, 114 cứu hỏa, 115 cấp cứu.\n"
        "}"
    )
    assert [(c.text, c.feedback) for c in question.choices] == [
        ("113", "Đúng, gọi công an."),
        ("911", "Đó là số của Mỹ."),
        ("0", ""),
    ]
    assert question.feedback == "Ghi nhớ: 113 công an, 114 cứu hỏa, 115 cấp cứu."


def test_format_prefixes_are_removed_and_the_text_kept_as_written():
    question = only(
        "::T::[html]<b>Chọn</b> đúng {=[plain]Có#[markdown]*tốt* ~Không ####[html]Xong}"
    )
    assert question.text == "<b>Chọn</b> đúng"
    assert question.choices[0] == GiftChoice("Có", correct=True, feedback="*tốt*")
    assert question.feedback == "Xong"
    assert only("[markdown] Câu? {T}").text == "Câu?"


def test_bom_and_windows_line_endings_are_accepted():
    questions = gift_parse("\ufeff// đầu tệp\r\n::A:: Một? {=a ~b}\r\n\r\nHai? {T}\r\n")
    assert [(q.title, q.line) for q in questions] == [("A", 2), ("", 4)]
    assert not questions[0].title.startswith("\ufeff")


def test_vietnamese_text_round_trips_exactly():
    text = "Người dân ở phường Ninh Kiều, Cần Thơ đăng ký tạm trú trên ứng dụng nào?"
    # Decomposed (NFD) text stays decomposed: nothing is normalised.
    nfd = "Đăng nhập bằng tài khoản định danh điện tử mức 2"
    question = only(f"::Cư trú — Tạm trú:: {text} {{=VNeID ~Zalo ~Facebook ~{nfd}}}")
    assert question.text == text
    assert question.title == "Cư trú — Tạm trú"
    assert question.choices[3].text == nfd


def test_fill_the_blank_joins_the_text_around_the_block():
    question = only("Mã OTP {~nên =không được ~có thể} chia sẻ với người khác.")
    assert question.kind == "single"
    assert question.text == "Mã OTP _____ chia sẻ với người khác."
    assert (
        only("{=Không ~Có} nên bấm vào đường link lạ.").text == "_____ nên bấm vào đường link lạ."
    )


def test_multiline_question_text_and_choices():
    question = only(
        "::Nhiều dòng::\n"
        "Bà Lan nhận được tin nhắn:\n"
        "“Tài khoản của bà bị khóa, bấm vào link để mở.”\n"
        "Bà nên làm gì?\n"
        "{\n"
        "    ~Bấm vào link\n"
        "    =Gọi tổng đài chính thức\n"
        "     của ngân hàng\n"
        "    ~Trả lời tin nhắn\n"
        "}\n"
    )
    assert question.text == (
        "Bà Lan nhận được tin nhắn:\n“Tài khoản của bà bị khóa, bấm vào link để mở.”\nBà nên làm gì?"
    )
    assert question.choices[1] == GiftChoice(
        "Gọi tổng đài chính thức\n     của ngân hàng", correct=True
    )


def test_an_arrow_inside_a_multiple_choice_answer_is_text():
    question = only("Bật Wi-Fi ở đâu? {=Cài đặt -> Wi-Fi ~Danh bạ}")
    assert question.choices[0].text == "Cài đặt -> Wi-Fi"


# --- problems -------------------------------------------------------------------------------


def test_unclosed_brace():
    assert problems_of("Câu hỏi\n{=a ~b\n~c") == [
        (2, "Dòng 2: dấu “{” chưa được đóng bằng “}” (nếu là chữ, hãy viết \\{).")
    ]


def test_closing_brace_without_opening_one():
    assert problems_of("Câu hỏi } {=a ~b}") == [
        (1, "Dòng 1: dấu “}” không có dấu “{” mở trước (nếu là chữ, hãy viết \\}).")
    ]


def test_brace_opened_twice_and_two_answer_blocks():
    assert problems_of("A {=a ~b\nB {=c ~d}") == [
        (2, "Dòng 2: dấu “{” mở khi khối đáp án trước chưa đóng bằng “}”.")
    ]
    assert problems_of("A {=a ~b} và\nB {=c ~d}") == [
        (2, "Dòng 2: câu hỏi có nhiều hơn một khối đáp án {…}.")
    ]


def test_question_without_answer_block():
    assert problems_of("Câu 1 {T}\n\n::Mô tả:: Đây chỉ là lời giới thiệu.") == [
        (
            3,
            "Dòng 3: câu hỏi không có khối đáp án {…} (câu mô tả không kèm đáp án chưa được hỗ trợ).",
        )
    ]


def test_no_right_answer():
    assert problems_of("\n\nCâu? {~a ~b}") == [(3, "Dòng 3: câu hỏi không có đáp án đúng.")]
    assert problems_of("Câu? {~%-50%a ~%0%b}") == [(1, "Dòng 1: câu hỏi không có đáp án đúng.")]


def test_more_than_one_equals_in_a_single_choice_question():
    assert problems_of("Câu? {=a =b ~c}") == [
        (
            1,
            "Dòng 1: câu hỏi một đáp án đúng có 2 dấu “=”, chỉ được có một (câu nhiều đáp án đúng dùng trọng số, ví dụ ~%50%).",
        )
    ]


def test_equals_mixed_with_a_positive_weight():
    assert problems_of("Câu? {=a ~%50%b ~c}") == [
        (
            1,
            "Dòng 1: câu hỏi có đáp án “=” không được có thêm lựa chọn trọng số dương (%50%); hãy ghi trọng số cho mọi lựa chọn đúng.",
        )
    ]


def test_weight_out_of_range():
    assert problems_of("Câu? {~%150%a ~%-100%b}") == [
        (1, "Dòng 1: trọng số %150% phải nằm trong khoảng -100% đến 100%.")
    ]


def test_fewer_than_two_choices():
    assert problems_of("Câu? {~%100%a}") == [
        (1, "Dòng 1: câu hỏi trắc nghiệm cần ít nhất 2 lựa chọn (hiện có 1).")
    ]


def test_empty_question_text():
    assert problems_of("::Chỉ có tiêu đề:: {=a ~b}") == [(1, "Dòng 1: nội dung câu hỏi để trống.")]


def test_empty_choice_text_names_the_choice_and_its_line():
    assert problems_of("Câu? {\n=a\n~\n~#chỉ có phản hồi\n}") == [
        (3, "Dòng 3: lựa chọn thứ 2 để trống."),
        (4, "Dòng 4: lựa chọn thứ 3 để trống."),
    ]


def test_text_before_the_first_choice():
    assert problems_of("Câu? {đáp án =a ~b}") == [
        (
            1,
            "Dòng 1: “đáp án” đứng trước lựa chọn đầu tiên; mỗi lựa chọn phải bắt đầu bằng “=” (đúng) hoặc “~” (sai).",
        )
    ]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            "Ghép {=Hà Nội -> Thủ đô =Cần Thơ -> Miền Tây}",
            "câu hỏi ghép cặp (->) chưa được hỗ trợ.",
        ),
        ("Năm nào? {#2025:1}", "câu hỏi dạng số (#) chưa được hỗ trợ."),
        (
            "Thủ đô? {=Hà Nội =Ha Noi}",
            "câu hỏi trả lời ngắn (chỉ có đáp án “=”, không có “~”) chưa được hỗ trợ.",
        ),
        ("Kể lại trải nghiệm. {}", "câu hỏi tự luận ({}) chưa được hỗ trợ."),
        ("Kể lại. {####Cảm ơn}", "câu hỏi tự luận ({}) chưa được hỗ trợ."),
        (
            "Gì? {abc}",
            "không nhận ra khối đáp án “{abc}”; mỗi lựa chọn phải bắt đầu bằng “=” (đúng) hoặc “~” (sai).",
        ),
    ],
)
def test_unsupported_kinds_are_reported_with_their_line(question, message):
    assert problems_of(f"Được? {{T}}\n\n{question}") == [(3, f"Dòng 3: {message}")]


def test_ordering_problems():
    assert problems_of("Thứ tự? {>Chỉ một bước}") == [
        (1, "Dòng 1: câu hỏi sắp xếp thứ tự cần ít nhất 2 bước (hiện có 1).")
    ]
    assert problems_of("Thứ tự? {\n>a\n>\n>c}") == [(3, "Dòng 3: bước thứ 2 để trống.")]
    assert problems_of("Thứ tự? {>a >b ~c}") == [
        (
            1,
            "Dòng 1: câu hỏi sắp xếp thứ tự không dùng “=” hay “~”; mỗi bước bắt đầu bằng “>” (nếu là chữ, hãy viết \\= hoặc \\~).",
        )
    ]


def test_unclosed_title():
    assert problems_of("::Tiêu đề Câu? {=a ~b}") == [
        (1, "Dòng 1: tiêu đề mở bằng “::” nhưng không có “::” đóng.")
    ]


@pytest.mark.parametrize("text", ["", "\ufeff", "// chỉ có chú thích\n\n", "$CATEGORY: DW/DT.1\n"])
def test_a_file_without_questions(text):
    assert problems_of(text) == [(0, "Tệp không có câu hỏi nào.")]


def test_limits_on_text_length_and_choice_count():
    long_text = "a" * 2001
    assert problems_of(f"{long_text} {{=a ~b}}") == [
        (1, "Dòng 1: nội dung câu hỏi dài 2.001 ký tự, vượt giới hạn 2.000 ký tự.")
    ]
    assert only(f"{'a' * 2000} {{=a ~b}}").text == "a" * 2000
    eleven = " ".join(["=đúng"] + [f"~sai {i}" for i in range(10)])
    assert problems_of(f"Câu? {{{eleven}}}") == [
        (1, "Dòng 1: câu hỏi có 11 lựa chọn, vượt giới hạn 10 lựa chọn.")
    ]
    steps = " ".join(f">bước {i}" for i in range(11))
    assert problems_of(f"Thứ tự? {{{steps}}}") == [
        (1, "Dòng 1: câu hỏi có 11 bước, vượt giới hạn 10 bước.")
    ]


def test_input_is_capped_at_one_million_characters():
    text = "Câu? {T}\n" + "x" * MAX_INPUT_CHARS
    with pytest.raises(GiftError) as caught:
        gift_parse(text)
    assert caught.value.problems == (
        GiftProblem(
            0,
            f"Tệp quá lớn: tối đa 1.000.000 ký tự (tệp này có {len(text):,} ký tự).".replace(
                ",", "."
            ),
        ),
    )


def test_every_problem_of_the_file_is_reported_at_once_in_line_order():
    lines = problems_of(
        "::Tốt:: Câu tốt {=a ~b}\n"
        "\n"
        "Thiếu đúng {~a ~b}\n"
        "\n"
        "Ghép {=a -> b =c -> d}\n"
        "\n"
        "Mở {=a ~b\n"
        "\n"
        "::Trống:: {=x =y ~}\n"
    )
    assert lines == [
        (3, "Dòng 3: câu hỏi không có đáp án đúng."),
        (5, "Dòng 5: câu hỏi ghép cặp (->) chưa được hỗ trợ."),
        (7, "Dòng 7: dấu “{” chưa được đóng bằng “}” (nếu là chữ, hãy viết \\{)."),
        (9, "Dòng 9: nội dung câu hỏi để trống."),
        (9, "Dòng 9: lựa chọn thứ 3 để trống."),
        (
            9,
            "Dòng 9: câu hỏi một đáp án đúng có 2 dấu “=”, chỉ được có một (câu nhiều đáp án đúng dùng trọng số, ví dụ ~%50%).",
        ),
    ]


def test_the_error_is_a_value_error_whose_message_lists_the_problems():
    with pytest.raises(ValueError, match=r"^Dòng 1: câu hỏi không có đáp án đúng\.\nDòng 3: "):
        gift_parse("A {~a ~b}\n\nB {~c ~d}")


# --- writing --------------------------------------------------------------------------------


def test_dump_writes_readable_gift_with_categories():
    questions = [
        GiftQuestion(
            "single",
            "Mật khẩu",
            "Chọn 1 = 1?",
            (GiftChoice("Có", True, "Đúng: 1 = 1"), GiftChoice("Không", False)),
            "DW-ESSENTIALS/DT.1",
            "Xem bài 2",
            0,
        ),
        GiftQuestion(
            "true_false",
            "",
            "OTP là bí mật.",
            (GiftChoice("Đúng", True), GiftChoice("Sai", False)),
            "DW-ESSENTIALS/DT.1",
            "",
            0,
        ),
    ]
    text = gift_dump(questions)
    assert text == (
        "$CATEGORY: DW-ESSENTIALS/DT.1\n"
        "\n"
        "::Mật khẩu::Chọn 1 \\= 1? {\n"
        "\t=Có#Đúng\\: 1 \\= 1\n"
        "\t~Không\n"
        "\t####Xem bài 2\n"
        "}\n"
        "\n"
        "OTP là bí mật. {\n"
        "\tTRUE\n"
        "}\n"
    )
    assert gift_parse(text) == [
        dataclasses.replace(questions[0], line=3),
        dataclasses.replace(questions[1], line=9),
    ]


def test_dump_round_trips_every_kind_and_the_tricky_starts():
    text = gift_dump(
        [
            GiftQuestion(
                "multiple",
                "",
                "//không phải chú thích _____ ở giữa",
                (
                    GiftChoice("%50% giảm giá", True),
                    GiftChoice("[html]<i>b</i>", True),
                    GiftChoice("c", False, "#"),
                ),
                "",
                "",
                0,
            ),
            GiftQuestion(
                "single",
                "",
                "[html] không phải định dạng",
                (GiftChoice("=", True), GiftChoice("%10% sai", False)),
                "DW/DT.1",
                "",
                0,
            ),
            GiftQuestion(
                "ordering",
                "Thứ tự",
                "Các bước",
                (GiftChoice("Cài đặt > Wi-Fi", True, "a > b"), GiftChoice("Mở -> Đóng", True)),
                "",
                "####",
                0,
            ),
            GiftQuestion(
                "true_false",
                "::",
                "Sai?",
                (GiftChoice("Đúng", False), GiftChoice("Sai", True, "Chính xác")),
                "",
                "",
                0,
            ),
        ]
    )
    back = gift_parse(text)
    assert [q.kind for q in back] == ["multiple", "single", "ordering", "true_false"]
    assert back[0].text == "//không phải chú thích _____ ở giữa"
    assert back[0].choices[0].text == "%50% giảm giá"
    assert back[0].choices[1].text == "[html]<i>b</i>"
    assert back[0].choices[2].feedback == "#"
    assert back[1].text == "[html] không phải định dạng"
    assert back[1].choices == (GiftChoice("=", True), GiftChoice("%10% sai", False))
    assert back[1].category == "DW/DT.1"
    assert back[2].choices[0] == GiftChoice("Cài đặt > Wi-Fi", True, "a > b")
    assert back[2].feedback == "####"
    assert back[3].title == "::"
    assert back[3].category == ""
    assert back[3].choices == (GiftChoice("Đúng", False), GiftChoice("Sai", True, "Chính xác"))


def test_dump_refuses_a_question_it_cannot_write():
    broken = GiftQuestion(
        "single", "", "Câu?", (GiftChoice("a", True), GiftChoice("b", True)), "", "", 0
    )
    with pytest.raises(ValueError, match="one right choice"):
        gift_dump([broken])
    with pytest.raises(ValueError, match="unknown question kind"):
        gift_dump([dataclasses.replace(broken, kind="matching")])


# --- properties -----------------------------------------------------------------------------

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐĂÂÊÔƠƯ"
SAFE = VIETNAMESE + "AZ09 .,?!-_/%[]>$@\n" + "~=#{}:\\"
TRICKY_STARTS = [
    "",
    "//",
    "[html]",
    "[plain]",
    "%50%",
    "::",
    "_____",
    "$CATEGORY:",
    "#",
    ">",
    "\\n",
]


def texts(min_size: int = 1):
    body = st.text(alphabet=SAFE, min_size=min_size, max_size=40)
    return st.builds(
        lambda start, rest: (start + rest).strip(), st.sampled_from(TRICKY_STARTS), body
    ).filter(lambda s: len(s) >= min_size)


optional = st.one_of(st.just(""), texts())
categories = st.one_of(
    st.just(""),
    st.sampled_from(["DW-ESSENTIALS/DT.1", "$course$/top/DW-ESSENTIALS/AT.2"]),
    texts().map(lambda s: " ".join(s.split())),
)


@st.composite
def single_choice_questions(draw):
    count = draw(st.integers(min_value=2, max_value=10))
    right = draw(st.integers(min_value=0, max_value=count - 1))
    choices = tuple(
        GiftChoice(draw(texts()), index == right, draw(optional)) for index in range(count)
    )
    return GiftQuestion(
        "single", draw(optional), draw(texts()), choices, draw(categories), draw(optional), 0
    )


@st.composite
def any_questions(draw):
    kind = draw(st.sampled_from(["single", "multiple", "true_false", "ordering"]))
    if kind == "single":
        return draw(single_choice_questions())
    if kind == "true_false":
        value = draw(st.booleans())
        choices = (
            GiftChoice("Đúng", value, draw(optional)),
            GiftChoice("Sai", not value, draw(optional)),
        )
    else:
        count = draw(st.integers(min_value=2, max_value=10))
        flags = (
            [True] * count
            if kind == "ordering"
            else draw(st.lists(st.booleans(), min_size=count, max_size=count))
        )
        if not any(flags):
            flags[0] = True
        choices = tuple(GiftChoice(draw(texts()), flag, draw(optional)) for flag in flags)
    return GiftQuestion(
        kind, draw(optional), draw(texts()), choices, draw(categories), draw(optional), 0
    )


def without_lines(questions):
    return [dataclasses.replace(q, line=0) for q in questions]


@settings(max_examples=300, deadline=None)
@given(single_choice_questions())
def test_single_choice_questions_round_trip_through_dump(question):
    [back] = gift_parse(gift_dump([question]))
    assert dataclasses.replace(back, line=0) == question
    assert back.line == (3 if question.category else 1)


@settings(max_examples=150, deadline=None)
@given(st.lists(any_questions(), min_size=1, max_size=5))
def test_question_banks_of_every_kind_round_trip_through_dump(questions):
    back = gift_parse(gift_dump(questions))
    assert without_lines(back) == questions
    assert [q.line for q in back] == sorted({q.line for q in back})


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab Đ\n\t{}~=#:\\>-%05.[]/$CATEGORYTF_", max_size=80))
def test_any_text_gives_valid_questions_or_a_gift_error(text):
    problems: tuple[GiftProblem, ...] = ()
    questions = []
    try:
        questions = gift_parse(text)
    except GiftError as error:
        problems = error.problems
    # Anything else escaping (IndexError, ...) fails the test.
    assert bool(problems) != bool(questions)
    assert all(p.message.startswith(f"Dòng {p.line}: ") or p.line == 0 for p in problems)
    for question in questions:
        assert question.kind in ("single", "multiple", "true_false", "ordering")
        assert question.text
        assert 2 <= len(question.choices) <= 10
        assert all(choice.text for choice in question.choices)
        assert any(choice.correct for choice in question.choices)
