"""Vietnamese for the security issue's strings (merged into locale/ with po_fill)."""

T: dict[str, str | tuple[str, str]] = {
    "Security alert": "Cảnh báo an ninh",
    "unknown": "không rõ",
    "DigiWard security alert: %(who)s": "DigiWard cảnh báo an ninh: %(who)s",
    "%(what)s\n\nAccount: %(who)s\nCommune: %(commune)s\n\n"
    "See the audit log in DigiWard (filter: security alerts). If this was not "
    "expected, deactivate the account and follow the breach-response steps.": (
        "%(what)s\n\nTài khoản: %(who)s\nXã/phường: %(commune)s\n\n"
        "Xem nhật ký truy cập trong DigiWard (lọc: cảnh báo an ninh). Nếu đây không phải "
        "việc đã biết trước, hãy khóa tài khoản và làm theo các bước xử lý sự cố lộ dữ liệu."
    ),
    "%(n)s searches by citizen ID within an hour by someone who may not see citizen IDs.": (
        "%(n)s lần tìm theo số CCCD trong một giờ, bởi người không được xem số CCCD."
    ),
    "Only officers who may see citizen IDs can search by one. "
    "Search by the person's name, phone number or household code.": (
        "Chỉ cán bộ được xem số CCCD mới tìm được theo số CCCD. "
        "Hãy tìm theo họ tên, số điện thoại hoặc mã hộ."
    ),
    "More than %(n)s searches by citizen ID within an hour.": (
        "Hơn %(n)s lần tìm theo số CCCD trong một giờ."
    ),
    "You have searched by citizen ID %(n)s times in the last hour, the most allowed. "
    "Search by name, or try again later.": (
        "Bạn đã tìm theo số CCCD %(n)s lần trong một giờ qua, là mức tối đa. "
        "Hãy tìm theo họ tên, hoặc thử lại sau."
    ),
    "Name, phone number or household code": "Họ tên, số điện thoại hoặc mã hộ",
}

T.update(
    {
        "Waiting for an answer": "Đang chờ trả lời",
        "Declined": "Đã từ chối",
        "username": "tên đăng nhập",
        "invited": "người được mời",
        "valid until": "còn hiệu lực đến",
        "invitation": "lời mời",
        "invitations": "lời mời",
        "Expired": "Đã hết hạn",
        "You are invited to work in %(commune)s on DigiWard": (
            "Bạn được mời làm việc tại %(commune)s trên DigiWard"
        ),
        "%(admin)s invites you to work in %(commune)s as %(role)s. Sign in to DigiWard and "
        "answer the invitation on your home page; it is valid for %(days)s days. If you do "
        "not expect this, decline it.": (
            "%(admin)s mời bạn làm việc tại %(commune)s với vai trò %(role)s. Hãy đăng nhập "
            "DigiWard và trả lời lời mời ở trang chủ; lời mời có hiệu lực %(days)s ngày. Nếu "
            "bạn không chờ lời mời này, hãy từ chối."
        ),
        "This invitation is no longer open.": "Lời mời này không còn hiệu lực.",
        "This invitation has expired; ask the commune to invite you again.": (
            "Lời mời này đã hết hạn; hãy nhờ xã/phường mời lại."
        ),
        "Invitations": "Lời mời",
        "Invitations to work in a commune": "Lời mời làm việc tại xã/phường",
        "Role: <strong>%(role)s</strong>. Invited by %(who)s; valid until %(until)s.": (
            "Vai trò: <strong>%(role)s</strong>. Người mời: %(who)s; hiệu lực đến %(until)s."
        ),
        "If you accept, you will see this commune's data for your role, and its administrator "
        "can change your role there.": (
            "Nếu bạn nhận lời, bạn sẽ xem được dữ liệu của xã/phường này theo vai trò của mình, "
            "và quản trị viên ở đó có thể thay đổi vai trò của bạn."
        ),
        "Decline": "Từ chối",
        "You have no invitations waiting for an answer.": "Bạn không có lời mời nào đang chờ trả lời.",
        "For example, an officer who also works in a neighbouring commune. They receive an "
        "invitation and get the role when they accept it.": (
            "Ví dụ: một cán bộ làm việc cả ở xã/phường bên cạnh. Người đó nhận được lời mời và "
            "có vai trò khi nhận lời."
        ),
        "Send an invitation": "Gửi lời mời",
        "People who already have an account elsewhere join this commune only when they accept. "
        "An invitation is valid for 14 days.": (
            "Người đã có tài khoản ở nơi khác chỉ tham gia xã/phường này khi họ nhận lời. "
            "Lời mời có hiệu lực 14 ngày."
        ),
        "No invitations in the last 60 days.": "Không có lời mời nào trong 60 ngày qua.",
        "You have an invitation to work in another commune.": (
            "Bạn có %(n)s lời mời làm việc tại xã/phường khác.",
            "Bạn có %(n)s lời mời làm việc tại xã/phường khác.",
        ),
        "Answer": "Trả lời",
        "Choose an invitation and an answer.": "Hãy chọn một lời mời và câu trả lời.",
        "You now work in %(commune)s as %(role)s.": (
            "Bạn đã tham gia %(commune)s với vai trò %(role)s."
        ),
        "Invitation declined.": "Đã từ chối lời mời.",
        "Invitation withdrawn.": "Đã rút lại lời mời.",
        "Invitation sent to “%(username)s”. If this account exists, the person sees it when "
        "they sign in; the role is added once they accept.": (
            "Đã gửi lời mời tới “%(username)s”. Nếu tài khoản này có thật, người đó sẽ thấy "
            "lời mời khi đăng nhập; vai trò được thêm khi họ nhận lời."
        ),
    }
)
