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

# Sign-in, two-step sign-in, jobs, limits
T.update(
    {
        "Too many failed sign-ins. Wait 15 minutes, or ask your commune's administrator for "
        "a temporary password.": (
            "Đăng nhập sai quá nhiều lần. Hãy chờ 15 phút, hoặc nhờ quản trị viên của "
            "xã/phường đặt mật khẩu tạm."
        ),
        "%(n)s failed sign-ins from one address within 15 minutes.": (
            "%(n)s lần đăng nhập sai từ cùng một địa chỉ mạng trong 15 phút."
        ),
        "%(n)s failed sign-ins for this account within 15 minutes.": (
            "%(n)s lần đăng nhập sai vào tài khoản này trong 15 phút."
        ),
        "The worker running this job stopped before it finished (the server restarted or ran "
        "out of memory). Nothing was half written: run it again.": (
            "Tiến trình chạy việc này đã dừng trước khi xong (máy chủ khởi động lại hoặc hết "
            "bộ nhớ). Không có dữ liệu nào bị ghi dở: hãy chạy lại."
        ),
        "You may not run this job.": "Bạn không được chạy việc này.",
        "This job cannot be run again; start it from its page.": (
            "Việc này không chạy lại được; hãy bắt đầu lại từ trang của nó."
        ),
        "Only a failed job can be run again.": "Chỉ chạy lại được việc đã thất bại.",
        "Run again by %(name)s": "%(name)s cho chạy lại",
        "This code is not right. Check the phone's clock and type the newest code.": (
            "Mã này không đúng. Hãy kiểm tra giờ trên điện thoại và nhập mã mới nhất."
        ),
        "Ask another administrator to reset your own two-factor sign-in.": (
            "Hãy nhờ một quản trị viên khác đặt lại đăng nhập hai bước cho bạn."
        ),
        "Say why (for example: phone lost on 3/12).": (
            "Hãy ghi lý do (ví dụ: mất điện thoại ngày 3/12)."
        ),
        "%(admin)s reset the two-factor sign-in of %(user)s: %(reason)s": (
            "%(admin)s đã đặt lại đăng nhập hai bước của %(user)s: %(reason)s"
        ),
        "must change password": "phải đổi mật khẩu",
        "The password must not contain the name of your commune or province.": (
            "Mật khẩu không được chứa tên xã/phường hay tỉnh/thành phố của bạn."
        ),
        "This password is one that many people use. Choose one that is only yours.": (
            "Mật khẩu này có rất nhiều người dùng. Hãy chọn mật khẩu chỉ của riêng bạn."
        ),
        "The password must not contain the name DigiWard.": (
            "Mật khẩu không được chứa tên DigiWard."
        ),
        "Not a common password, not the name of your commune or province, not “DigiWard”.": (
            "Không dùng mật khẩu phổ biến, tên xã/phường hay tỉnh/thành phố, hoặc chữ “DigiWard”."
        ),
        "Two-step sign-in": "Đăng nhập hai bước",
        "On": "Đang bật",
        "Off": "Đang tắt",
        "set up at the next sign-in": "sẽ cài đặt ở lần đăng nhập tới",
        "Lost phone: reset two-step sign-in": "Mất điện thoại: đặt lại đăng nhập hai bước",
        "Why, e.g. phone lost on 3/12": "Lý do, ví dụ: mất điện thoại ngày 3/12",
        "The person will set up two-step sign-in again at the next sign-in. Continue?": (
            "Người này sẽ phải cài đặt lại đăng nhập hai bước ở lần đăng nhập tới. Tiếp tục?"
        ),
        "Reset two-step sign-in": "Đặt lại đăng nhập hai bước",
        "Run it again": "Chạy lại",
        "The file %(name)s was deleted after the retention period: personal data is not kept "
        "longer than needed. Run the export again if you need it.": (
            "Tệp %(name)s đã được xóa khi hết thời hạn lưu giữ: dữ liệu cá nhân không được giữ "
            "lâu hơn cần thiết. Hãy xuất lại nếu cần."
        ),
        "The job is queued again.": "Việc này đã được xếp hàng chạy lại.",
        "Two-step sign-in was reset: the person sets it up again.": (
            "Đã đặt lại đăng nhập hai bước: người này sẽ cài đặt lại."
        ),
        "Code": "Mã",
        "Too many wrong codes. Wait 15 minutes, or ask your administrator for help.": (
            "Nhập sai mã quá nhiều lần. Hãy chờ 15 phút, hoặc nhờ quản trị viên giúp."
        ),
        "You have few recovery codes left: make new ones on your security page.": (
            "Bạn sắp hết mã dự phòng: hãy tạo mã mới ở trang bảo mật đăng nhập."
        ),
        "This code is not right. Type the newest 6-digit code from the app, or one of your "
        "recovery codes.": (
            "Mã này không đúng. Hãy nhập mã 6 số mới nhất trong ứng dụng, hoặc một mã dự "
            "phòng của bạn."
        ),
        "seed_demo makes demo accounts whose password is published; it never runs with "
        "DIGIWARD_ENV=production. Create real accounts with grant_role.": (
            "seed_demo tạo các tài khoản thử có mật khẩu công khai; lệnh này không bao giờ chạy "
            "khi DIGIWARD_ENV=production. Hãy tạo tài khoản thật bằng grant_role."
        ),
        "Back to the home page": "Về trang chủ",
        "Cannot scan? Type this key into the app instead:": (
            "Không quét được? Hãy nhập khóa này vào ứng dụng:"
        ),
        "Go back and send a smaller file (a photo straight from the phone's camera, or a ward "
        "list split in two).": (
            "Hãy quay lại và gửi tệp nhỏ hơn (ảnh chụp thẳng từ điện thoại, hoặc chia danh sách "
            "làm hai)."
        ),
        "I have written them down": "Tôi đã ghi lại",
        "If you lose your phone, each of these codes lets you sign in once instead of the "
        "app. Write them on paper and keep it somewhere safe. They are shown only now.": (
            "Nếu mất điện thoại, mỗi mã này giúp bạn đăng nhập một lần thay cho ứng dụng. Hãy "
            "chép ra giấy và cất ở nơi an toàn. Các mã chỉ hiện một lần này."
        ),
        "In the app, add an account and scan this code:": (
            "Trong ứng dụng, thêm tài khoản và quét mã này:"
        ),
        "Install an authenticator app on your phone (for example Google Authenticator or "
        "Microsoft Authenticator) from the app store.": (
            "Cài một ứng dụng xác thực trên điện thoại (ví dụ Google Authenticator hoặc "
            "Microsoft Authenticator) từ kho ứng dụng."
        ),
        "Make new recovery codes": "Tạo mã dự phòng mới",
        "Move it to a new phone": "Chuyển sang điện thoại mới",
        "Open the authenticator app and type the 6-digit code shown for DigiWard.": (
            "Mở ứng dụng xác thực và nhập mã 6 số đang hiện cho DigiWard."
        ),
        "Optional for your role, and recommended: a stolen password alone then opens nothing.": (
            "Không bắt buộc với vai trò của bạn, nhưng nên dùng: khi đó, chỉ lộ mật khẩu thì "
            "không ai vào được."
        ),
        "Phone lost or changed? Type one of the recovery codes you kept instead. Without them, "
        "ask another administrator of your commune to reset your two-step sign-in.": (
            "Mất hoặc đổi điện thoại? Hãy nhập một mã dự phòng bạn đã cất giữ. Nếu không còn "
            "mã, hãy nhờ một quản trị viên khác của xã/phường đặt lại đăng nhập hai bước."
        ),
        "Protecting residents' data": "Bảo vệ dữ liệu của người dân",
        "Recovery codes": "Mã dự phòng",
        "Sign-in security": "Bảo mật đăng nhập",
        "Step 2 of 2": "Bước 2/2",
        "Too large": "Quá lớn",
        "Turn it on": "Bật",
        "Turn on two-step sign-in": "Bật đăng nhập hai bước",
        "Two-step sign-in is on.": "Đăng nhập hai bước đã được bật.",
        "Type the 6-digit code the app shows:": "Nhập mã 6 số ứng dụng đang hiện:",
        "Type the code from your phone": "Nhập mã trên điện thoại",
        "What was sent is too large": "Nội dung gửi lên quá lớn",
        "Your recovery codes": "Mã dự phòng của bạn",
        "Your role lets you see residents' citizen IDs or manage a commune, so a password "
        "alone is not enough: each sign-in also asks for a 6-digit code from your phone.": (
            "Vai trò của bạn được xem số CCCD của người dân hoặc quản trị xã/phường, nên chỉ "
            "mật khẩu thì chưa đủ: mỗi lần đăng nhập còn cần một mã 6 số trên điện thoại."
        ),
        "Your role needs it: you will set it up now.": (
            "Vai trò của bạn bắt buộc dùng: bạn sẽ cài đặt ngay bây giờ."
        ),
        "QR code for the authenticator app": "Mã QR cho ứng dụng xác thực",
        "The server accepts at most %(limit_mb)s MB at once. Nothing was saved.": (
            "Máy chủ chỉ nhận tối đa %(limit_mb)s MB mỗi lần. Chưa có gì được lưu."
        ),
        "%(n)s recovery code left.": (
            "Còn %(n)s mã dự phòng.",
            "Còn %(n)s mã dự phòng.",
        ),
        "Your administrator gave you a temporary password. Choose your own before you "
        "continue: only you should know it.": (
            "Quản trị viên đã đặt cho bạn một mật khẩu tạm. Hãy chọn mật khẩu của riêng bạn "
            "trước khi tiếp tục: chỉ bạn được biết mật khẩu này."
        ),
    }
)
T["Continue"] = "Tiếp tục"
T.update(
    {
        "Administrators, officers and the province viewer also type a code (two-step "
        "sign-in): add the key %(key)s to an authenticator app, or run `digiward demo_code`.": (
            "Quản trị viên, cán bộ và người xem cấp tỉnh còn nhập thêm một mã (đăng nhập hai "
            "bước): thêm khóa %(key)s vào ứng dụng xác thực, hoặc chạy `digiward demo_code`."
        ),
        "demo_code only works in the demo, never in production.": (
            "demo_code chỉ dùng cho bản thử, không bao giờ dùng trên máy chủ thật."
        ),
        "%(code)s (valid for %(seconds)s more seconds)": "%(code)s (còn hiệu lực %(seconds)s giây)",
    }
)
