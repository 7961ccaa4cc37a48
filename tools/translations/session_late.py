"""Vietnamese for the strings added with swaps' team check, follow-up dates, handover
dates, the commune's own procedures and the head of household (merged with po_fill)."""

T: dict[str, str | tuple[str, str]] = {
    "%(item)s was received on %(date)s, after this handover date.": (
        "%(item)s được nhận ngày %(date)s, sau ngày bàn giao này."
    ),
    "The %(days)s-day check can be recorded from %(date)s: an earlier check cannot tell "
    "whether the phone is still used after %(days)s days.": (
        "Lần kiểm tra sau %(days)s ngày chỉ ghi được từ ngày %(date)s: kiểm tra sớm hơn thì "
        "chưa biết điện thoại có còn được dùng sau %(days)s ngày hay không."
    ),
    "After this change the %(slot)s shift on %(date)s would have no experienced member. "
    "Ask an experienced colleague instead.": (
        "Nếu đổi như vậy, ca %(slot)s ngày %(date)s sẽ không còn ai có kinh nghiệm. "
        "Hãy nhờ một bạn đã có kinh nghiệm."
    ),
    "After this change nobody on the %(slot)s shift on %(date)s could help with: "
    "%(skills)s. Ask a colleague who can.": (
        "Nếu đổi như vậy, ca %(slot)s ngày %(date)s sẽ không còn ai biết: %(skills)s. "
        "Hãy nhờ một bạn biết việc này."
    ),
    "Where to do it": "Nơi thực hiện",
    "Papers needed, one per line": "Giấy tờ cần mang, mỗi loại một dòng",
    "Legal basis, one per line": "Căn cứ pháp lý, mỗi văn bản một dòng",
    "Other words people use, one per line": "Những cách gọi khác của người dân, mỗi cách một dòng",
    "e.g. “làm giấy khai sinh”: the search also finds the procedure by these.": (
        "Ví dụ “làm giấy khai sinh”: ô tìm kiếm cũng tìm ra thủ tục theo những từ này."
    ),
    "Where these facts come from": "Nguồn của các thông tin này",
    "A decision, the national portal's page, the district's instructions…": (
        "Một quyết định, trang của Cổng Dịch vụ công quốc gia, hướng dẫn của cấp trên…"
    ),
    "Facts entered by the commune.": "Thông tin do xã/phường nhập.",
    "Add a procedure of our commune": "Thêm thủ tục riêng của xã/phường",
    "This procedure has no guide yet.": "Thủ tục này chưa có hướng dẫn.",
    "Write the guide": "Viết hướng dẫn",
    "Edit the facts": "Sửa thông tin thủ tục",
    "Edit the procedure": "Sửa thủ tục",
    "Only your commune sees this procedure, at the desk and on its public pages. "
    "Procedures of the national catalog are shared: add a note to them instead.": (
        "Chỉ xã/phường của bạn thấy thủ tục này, ở bàn hướng dẫn và trên trang công khai. "
        "Thủ tục trong danh mục quốc gia là dùng chung: hãy thêm ghi chú cho chúng."
    ),
    "Add and write the guide": "Thêm và viết hướng dẫn",
    "Procedure added. Now write its guide.": "Đã thêm thủ tục. Giờ hãy viết hướng dẫn.",
    "Procedure saved.": "Đã lưu thủ tục.",
    "“Head of household” makes this person the household's head.": (
        "Chọn “Chủ hộ” thì người này trở thành chủ hộ của hộ."
    ),
}

T.update(
    {
        "One action per line, in plain words. Put the words the phone shows between two stars: "
        "Tap **Đăng nhập**. A step's picture is shown as [ảnh 12] at the end of its line: keep "
        "it with the line.": (
            "Mỗi dòng một thao tác, bằng lời dễ hiểu. Chữ hiện trên màn hình điện thoại đặt giữa "
            "hai dấu sao: Bấm **Đăng nhập**. Hình của một bước hiện là [ảnh 12] ở cuối dòng: "
            "giữ nó cùng dòng đó."
        ),
        "A step has a picture but no words.": "Có một bước có hình nhưng không có chữ.",
        "Picture (a screenshot of the phone)": "Hình (ảnh chụp màn hình điện thoại)",
        "JPEG or PNG. It is made smaller for cheap phones.": (
            "JPEG hoặc PNG. Hình sẽ được thu nhỏ cho điện thoại cấu hình thấp."
        ),
        "What the picture shows": "Hình cho thấy gì",
        "A few words, read aloud to people who cannot see it.": (
            "Vài chữ, được đọc to cho người không nhìn thấy hình."
        ),
        "Take the picture off this step": "Bỏ hình khỏi bước này",
        "Choose a picture, or tick “take the picture off”.": (
            "Hãy chọn một hình, hoặc đánh dấu “bỏ hình”."
        ),
        "Use a JPEG, PNG or WebP picture.": "Hãy dùng hình JPEG, PNG hoặc WebP.",
        "This file is not a picture.": "Tệp này không phải là hình.",
        "Choose a step of the guide.": "Hãy chọn một bước của hướng dẫn.",
        "Say in a few words what the picture shows (read aloud to blind people).": (
            "Hãy ghi vài chữ hình cho thấy gì (được đọc to cho người khiếm thị)."
        ),
        "Picture for step %(n)s": "Hình cho bước %(n)s",
        "Picture removed from step %(n)s": "Đã bỏ hình ở bước %(n)s",
        "Picture %(n)s is not one of this guide's pictures.": (
            "Hình %(n)s không thuộc hướng dẫn này."
        ),
        "Pictures of the steps": "Hình của các bước",
        "A screenshot helps people find the right button. Each change adds a version.": (
            "Ảnh chụp màn hình giúp người dân tìm đúng nút bấm. Mỗi lần thay đổi thêm một phiên bản."
        ),
        "Save the picture": "Lưu hình",
        "Picture saved in a new version.": "Đã lưu hình trong một phiên bản mới.",
    }
)

T.update(
    {
        "No visit is planned across the lunch break. Leave both empty if officers visit at "
        "lunchtime.": (
            "Không xếp chuyến thăm nào vào giờ nghỉ trưa. Để trống cả hai nếu cán bộ vẫn đi "
            "hỗ trợ vào buổi trưa."
        ),
        "lunch break from": "nghỉ trưa từ",
        "lunch break until": "nghỉ trưa đến",
        "Give both ends of the lunch break, the end after the start, or neither.": (
            "Hãy nhập cả giờ bắt đầu và giờ kết thúc nghỉ trưa (kết thúc sau bắt đầu), "
            "hoặc để trống cả hai."
        ),
        "Lunch break": "Nghỉ trưa",
        "Someone is home only during the lunch break: agree on another time, or add the visit "
        "to a route by hand.": (
            "Người dân chỉ ở nhà vào giờ nghỉ trưa: hãy hẹn giờ khác, hoặc tự thêm chuyến thăm "
            "vào lộ trình."
        ),
    }
)

T.update(
    {
        "Home visits I go along to": "Các chuyến thăm nhà tôi đi cùng",
        "With %(officer)s": "Đi cùng %(officer)s",
        "No officer you go along with has a visit this day.": (
            "Hôm đó cán bộ bạn đi cùng không có chuyến thăm nào."
        ),
        "Home visits you go along to today": "Chuyến thăm nhà bạn đi cùng hôm nay",
        "No visit today.": "Hôm nay không có chuyến thăm nào.",
    }
)

T.update(
    {
        "The picture is too large (at most 8 MB).": "Hình quá lớn (tối đa 8 MB).",
        "Someone saved a newer version of this guide while you were editing. Open the guide "
        "again to see it, then make your change.": (
            "Trong lúc bạn sửa, đã có người lưu một phiên bản mới hơn của hướng dẫn này. "
            "Hãy mở lại hướng dẫn để xem, rồi sửa tiếp."
        ),
    }
)

T.update({"Step number": "Bước số"})

T.update(
    {
        "The picture has too many pixels: send a screenshot or a smaller photo.": (
            "Hình có quá nhiều điểm ảnh: hãy gửi ảnh chụp màn hình hoặc một ảnh nhỏ hơn."
        ),
    }
)
