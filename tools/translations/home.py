"""Vietnamese for the role home pages' "Today" section and action cards."""

T: dict[str, str | tuple[str, str]] = {
    "Today": "Hôm nay",
    "Your next duty shift": "Ca trực tiếp theo của bạn",
    "Your home visits today": "Chuyến thăm nhà hôm nay của bạn",
    "No visit planned for you today.": "Hôm nay bạn không có chuyến thăm nào.",
    "Home-support deadlines": "Hạn hỗ trợ tại nhà",
    "%(counter)s request overdue": ("%(counter)s yêu cầu quá hạn", "%(counter)s yêu cầu quá hạn"),
    "%(counter)s due soon": ("%(counter)s sắp đến hạn", "%(counter)s sắp đến hạn"),
    "Follow-ups of donated phones": "Theo dõi điện thoại đã tặng",
    "%(counter)s check is due": (
        "%(counter)s lượt kiểm tra đến hạn",
        "%(counter)s lượt kiểm tra đến hạn",
    ),
    "Log a help session": "Ghi lượt hỗ trợ",
    "Record who you helped at the desk, at home or by phone, in a few taps.": (
        "Ghi lại người bạn đã hỗ trợ tại quầy, tại nhà hoặc qua điện thoại, chỉ với vài lần chạm."
    ),
    "Duty roster": "Lịch trực",
    "Who is on duty at the desk this month; swaps and stand-ins.": (
        "Ai trực tại quầy trong tháng này; đổi ca và trực thay."
    ),
    "Procedures and guides": "Thủ tục và hướng dẫn",
    "Fees, documents and step-by-step guides to show or print for citizens.": (
        "Lệ phí, giấy tờ và hướng dẫn từng bước để người dân xem hoặc in."
    ),
    "Requests from people who cannot travel, and the day's routed visits.": (
        "Yêu cầu của người không thể tự đi lại, và lộ trình thăm nhà trong ngày."
    ),
    "Campaigns with sponsors: the priority list, handovers and follow-ups.": (
        "Các đợt tặng máy cùng nhà tài trợ: danh sách ưu tiên, bàn giao và theo dõi sau bàn giao."
    ),
    "What your donation made possible: phones handed over and the steps people reached.": (
        "Những gì khoản tài trợ đã mang lại: điện thoại đã bàn giao và các bước người dân đã đạt được."
    ),
}
