"""Vietnamese for the import reader's safety messages (digiward/registry/imports/reader.py):
T = {English msgid: Vietnamese}. Merged by the lead with tools/po_fill.py.
Plural entries: T[singular] = (vi, vi).
"""

T: dict[str, str | tuple[str, str]] = {
    # --- Spreadsheets --------------------------------------------------------------------
    "Sheet “%(sheet)s” has data as far as row %(rows)s and column %(column)s "
    "(%(cells)s cells). At most %(max_rows)s rows, %(max_columns)s columns and "
    "%(max_cells)s cells can be imported: delete what lies below and to the right "
    "of the list (often a stray value or formula far away), or split the file.": (
        "Trang “%(sheet)s” có dữ liệu đến tận dòng %(rows)s và cột %(column)s "
        "(%(cells)s ô). Chỉ nhập được tối đa %(max_rows)s dòng, %(max_columns)s cột và "
        "%(max_cells)s ô: hãy xóa những gì nằm bên dưới và bên phải danh sách (thường là "
        "một giá trị hay công thức sót lại ở xa), hoặc chia nhỏ tệp."
    ),
    "This spreadsheet is too large or too damaged to be opened safely. Open it in Excel "
    "or LibreOffice, copy the list into a new workbook, save that as .xlsx and import it.": (
        "Bảng tính này quá lớn hoặc hỏng quá nặng nên không thể mở an toàn. Hãy mở tệp bằng "
        "Excel hoặc LibreOffice, chép danh sách sang một bảng tính mới, lưu thành .xlsx rồi "
        "nhập tệp đó."
    ),
    "The spreadsheet unpacks to more than %(n)s MB, far more than any ward list. "
    "Open it in Excel, copy the list into a new workbook, save that as .xlsx "
    "and import it.": (
        "Bảng tính này khi giải nén lớn hơn %(n)s MB, lớn hơn nhiều so với bất kỳ danh sách "
        "nào của xã/phường. Hãy mở tệp bằng Excel, chép danh sách sang một bảng tính mới, "
        "lưu thành .xlsx rồi nhập tệp đó."
    ),
    "Sheet “%(sheet)s” has %(n)s merged cell ranges; at most %(max)s can be "
    "read. Unmerge the cells of the list and import it again.": (
        "Trang “%(sheet)s” có %(n)s vùng ô gộp; chỉ đọc được tối đa %(max)s vùng. "
        "Hãy bỏ gộp ô trong danh sách rồi nhập lại."
    ),
    # --- CSV: text encodings -------------------------------------------------------------
    "Row %(rows)s has bytes that are not valid %(encoding)s text, so its letters "
    "cannot be read correctly. Fix it, or save the list again from Excel as "
    "“CSV UTF-8”, and import again.": (
        "Dòng %(rows)s có byte không phải văn bản %(encoding)s hợp lệ nên không đọc đúng "
        "được chữ. Hãy sửa lại, hoặc lưu lại danh sách từ Excel dưới dạng “CSV UTF-8”, "
        "rồi nhập lại.",
        "Các dòng %(rows)s có byte không phải văn bản %(encoding)s hợp lệ nên không đọc "
        "đúng được chữ. Hãy sửa lại, hoặc lưu lại danh sách từ Excel dưới dạng "
        "“CSV UTF-8”, rồi nhập lại.",
    ),
    "This file does not hold text, so it cannot be read as a CSV list. Save the "
    "list again from Excel as “CSV UTF-8” and import it.": (
        "Tệp này không chứa văn bản nên không đọc được như một danh sách CSV. Hãy lưu lại "
        "danh sách từ Excel dưới dạng “CSV UTF-8” rồi nhập tệp đó."
    ),
    "This file is not valid %(encoding)s text. Save the list again from Excel as "
    "“CSV UTF-8” and import it.": (
        "Tệp này không phải văn bản %(encoding)s hợp lệ. Hãy lưu lại danh sách từ Excel "
        "dưới dạng “CSV UTF-8” rồi nhập tệp đó."
    ),
    # --- CSV: structure ------------------------------------------------------------------
    'Row %(row)s has a cell longer than %(n)s characters. A quotation mark (") '
    "that opens a cell and is never closed usually causes this: fix that row "
    "and import again.": (
        'Dòng %(row)s có một ô dài hơn %(n)s ký tự. Lỗi này thường do một dấu ngoặc kép (") '
        "mở đầu một ô mà không được đóng lại: hãy sửa dòng đó rồi nhập lại."
    ),
    "Row %(row)s cannot be read as CSV.": "Không đọc được dòng %(row)s theo định dạng CSV.",
    "Row %(row)s has %(n)s columns; at most %(max)s can be imported. Delete "
    "the columns to the right of the list and save the file again.": (
        "Dòng %(row)s có %(n)s cột; chỉ nhập được tối đa %(max)s cột. Hãy xóa các cột bên "
        "phải danh sách rồi lưu lại tệp."
    ),
    "The file has more than %(n)s cells; split it.": "Tệp có hơn %(n)s ô; hãy chia nhỏ tệp.",
}
