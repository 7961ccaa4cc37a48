"""Vietnamese for the safe picture upload (digiward/core/images.py), merged with po_fill."""

T: dict[str, str | tuple[str, str]] = {
    "The file is too large (at most %(megabytes)s MB).": "Tệp quá lớn (tối đa %(megabytes)s MB).",
    "Send a JPEG, PNG or WebP picture.": "Hãy gửi hình JPEG, PNG hoặc WebP.",
    "The picture has too many pixels (at most %(megapixels)s million): take it again "
    "at a lower resolution or send a smaller copy.": (
        "Hình có quá nhiều điểm ảnh (tối đa %(megapixels)s triệu): hãy chụp lại ở độ phân "
        "giải thấp hơn hoặc gửi một bản nhỏ hơn."
    ),
    "This file is not a picture, or it is damaged.": "Tệp này không phải là hình, hoặc đã bị hỏng.",
}
