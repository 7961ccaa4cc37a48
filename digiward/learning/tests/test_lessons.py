from __future__ import annotations

import gzip
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from digiward.core.testing import client_in
from digiward.learning.lesson_files import LessonFileError, lesson_parse
from digiward.learning.models import Lesson
from digiward.learning.seed import LESSONS_DIR, lessons_load

pytestmark = pytest.mark.django_db


def lesson(**changes) -> bytes:
    data = {
        "format": "digiward-lesson/1",
        "slug": "thu-nghiem",
        "title": {"vi": "Bài thử", "en": "Trial"},
        "summary": {"vi": "Tóm tắt", "en": "Summary"},
        "competences": ["DW-ESSENTIALS/AT.1"],
        "procedures": [],
        "minutes": 5,
        "video_url": "",
        "blocks": [{"kind": "text", "vi": "Nội dung", "en": "Content"}],
    }
    data.update(changes)
    return json.dumps(data, ensure_ascii=False).encode()


def test_the_shipped_lessons_load_once(frameworks):
    first = lessons_load()
    again = lessons_load()
    assert len(first.created) == len(list(LESSONS_DIR.glob("*.json"))) >= 10
    assert again.created == [] and again.updated == [] and len(again.unchanged) >= 10
    # Ordered along the framework: the smartphone lesson before the scam one.
    slugs = [lesson.slug for lesson in Lesson.objects.order_by("position", "slug")]
    assert slugs.index("dien-thoai-thong-minh-co-ban") < slugs.index(
        "nhan-biet-cuoc-goi-lua-dao-va-ma-otp"
    )


def test_a_broken_lesson_file_reports_every_problem():
    raw = lesson(
        slug="Không Hợp Lệ",
        minutes=0,
        video_url="http://video.example",
        blocks=[{"kind": "script", "vi": "x"}, {"kind": "steps", "vi": "không phải danh sách"}],
    )
    with pytest.raises(LessonFileError) as refused:
        lesson_parse(raw, name="hong.json")
    problems = refused.value.problems
    assert len(problems) == 5
    assert any("https://" in p for p in problems)
    assert any("khối 1" in p for p in problems) and any("khối 2" in p for p in problems)


def test_a_lesson_page_shows_its_blocks_escaped_and_links_its_guide(frameworks, commune, volunteer):
    lessons_load()
    Lesson.objects.create(
        slug="co-the-html",
        title_vi="Bài có <b>thẻ</b>",
        competences=["DW-ESSENTIALS:AT.1"],
        blocks=[{"kind": "warning", "vi": "<script>alert(1)</script>"}],
    )
    client = client_in(volunteer, commune)
    page = client.get(reverse("learning:lesson", args=["co-the-html"])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "AT.1" in page
    page = client.get(reverse("learning:lesson", args=["dang-ky-vneid-muc-1"])).content.decode()
    assert 'data-service-worker="/app/learning/sw.js"' in page
    assert client.get(reverse("learning:lesson", args=["khong-co"])).status_code == 404


def _weight(client: Client, url: str) -> int:
    """Bytes on the wire, compressed as the server sends them: the page and the styles
    and scripts it loads (pictures aside, as the issue measures)."""
    html = client.get(url).content
    total = len(gzip.compress(html))
    for asset in re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
        path = finders.find(asset.decode())
        assert path, asset
        with open(path, "rb") as handle:
            total += len(gzip.compress(handle.read()))
    return total


def test_every_lesson_page_weighs_under_50_kb(frameworks, commune, volunteer):
    lessons_load()
    client = client_in(volunteer, commune)
    weights = {
        lesson.slug: _weight(client, reverse("learning:lesson", args=[lesson.slug]))
        for lesson in Lesson.objects.all()
    }
    assert max(weights.values()) < 50 * 1024, weights


def test_the_service_worker_is_served_for_the_learning_scope():
    response = Client().get(reverse("learning:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    # Only lessons and static files are kept on the phone; never results or progress.
    assert "\\/app\\/learning\\/lessons\\/" in body and "attempts" not in body


def test_a_picture_is_one_of_ours_with_the_words_for_what_it_shows():
    with pytest.raises(LessonFileError) as caught:
        lesson_parse(
            lesson(
                blocks=[
                    {"kind": "picture", "image": "khong-co.svg", "vi": "Ảnh"},
                    {"kind": "picture", "image": "../../settings.py", "vi": "Ảnh"},
                    {"kind": "picture", "image": "vneid-dang-nhap.svg"},
                ]
            ),
            name="t.json",
        )
    problems = caught.value.problems
    assert len(problems) == 3, problems
    assert "khong-co.svg" in problems[0]
    parsed = lesson_parse(
        lesson(blocks=[{"kind": "picture", "image": "vneid-dang-nhap.svg", "vi": "Màn hình"}])
    )
    assert parsed.blocks == ({"kind": "picture", "image": "vneid-dang-nhap.svg", "vi": "Màn hình"},)


def test_a_lesson_page_shows_its_picture_from_our_own_files(frameworks, commune, volunteer):
    lessons_load()
    client = client_in(volunteer, commune)
    page = client.get(reverse("learning:lesson", args=["dang-ky-vneid-muc-1"])).content.decode()
    [img] = re.findall(r'<img src="/static/(learning/lessons/[^"]+)" alt="([^"]+)"', page)
    assert img[0].startswith("learning/lessons/vneid-dang-nhap") and "Màn hình đăng nhập" in img[1]
    assert finders.find("learning/lessons/vneid-dang-nhap.svg")
