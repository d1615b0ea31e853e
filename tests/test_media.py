"""Images: checked by content, size-limited, EXIF stripped, thumbnailed, all-or-nothing with the transaction."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image as PILImage
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from weibo_app.core.clock import utcnow
from weibo_app.core.exceptions import Forbidden, Invalid
from weibo_app.core.extensions import db
from weibo_app.media.images import Limits, clean_image
from weibo_app.media.operations import attach_images
from weibo_app.media.storage import get_storage
from weibo_app.models import Image, Post, Thread

GPS_IFD = 0x8825
ORIENTATION = 0x0112
LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_pixels=50_000_000, max_side=4096, thumb_side=320)


@pytest.fixture
def app_config(app_config, tmp_path, request):
    """Uploads go to this test's own directory; a test may add settings by indirect parametrisation."""
    return {**app_config, "UPLOAD_DIR": str(tmp_path / "uploads"), **getattr(request, "param", {})}


@pytest.fixture
def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"])


def stored_files(upload_dir: Path) -> list[Path]:
    return sorted(p for p in upload_dir.rglob("*") if p.is_file()) if upload_dir.exists() else []


def jpeg_with_gps(size=(640, 480), orientation: int | None = None) -> bytes:
    """A photo as a phone writes it: camera make, GPS position, maybe an orientation."""
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (31.0, 14.0, 12.5), 3: "E", 4: (121.0, 28.0, 3.2)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def image_bytes(fmt: str, size=(50, 40), mode="RGB") -> bytes:
    out = io.BytesIO()
    PILImage.new(mode, size).save(out, fmt)
    return out.getvalue()


def upload(data: bytes, name: str, content_type: str = "image/jpeg") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, content_type=content_type)


# ---- cleaning, without the database -------------------------------------------------


def test_gps_exif_is_gone_and_orientation_applied():
    original = jpeg_with_gps(size=(60, 30), orientation=6)  # stored sideways: rotate 90° to show
    assert PILImage.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    clean = clean_image(original, "IMG_0001.jpg", LIMITS)

    stored = PILImage.open(io.BytesIO(clean.data))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert (stored.width, stored.height) == (30, 60) == (clean.width, clean.height)
    thumb = PILImage.open(io.BytesIO(clean.thumb))
    assert dict(thumb.getexif()) == {}


@pytest.mark.parametrize(
    ("fmt", "mode", "ext"),
    [("PNG", "RGBA", "png"), ("WEBP", "RGB", "webp"), ("GIF", "P", "png"), ("JPEG", "L", "jpg")],
)
def test_accepted_formats_are_recognised_by_content(fmt, mode, ext):
    clean = clean_image(image_bytes(fmt, mode=mode), "whatever.jpg", LIMITS)
    assert clean.ext == ext
    assert PILImage.open(io.BytesIO(clean.data)).format == {"png": "PNG", "webp": "WEBP", "jpg": "JPEG"}[ext]


def test_png_text_chunks_exif_and_icc_profile_are_gone():
    from PIL.PngImagePlugin import PngInfo

    meta = PngInfo()
    meta.add_text("Comment", "拍摄于 幸福路12号")
    exif = PILImage.Exif()
    exif[GPS_IFD] = {1: "N", 2: (31.0, 14.0, 12.5)}
    out = io.BytesIO()
    PILImage.new("RGB", (30, 30)).save(out, "PNG", pnginfo=meta, exif=exif.tobytes(), icc_profile=b"fake-icc")
    original = PILImage.open(io.BytesIO(out.getvalue()))
    assert original.info.get("Comment") and original.getexif().get_ifd(GPS_IFD)

    stored = PILImage.open(io.BytesIO(clean_image(out.getvalue(), "map.png", LIMITS).data))
    assert stored.format == "PNG"
    assert {"Comment", "exif", "icc_profile"} & set(stored.info) == set()
    assert dict(stored.getexif()) == {}


def test_thumbnail_is_at_most_320_and_keeps_the_shape():
    clean = clean_image(jpeg_with_gps(size=(1600, 800)), "wide.jpg", LIMITS)
    assert PILImage.open(io.BytesIO(clean.thumb)).size == (320, 160)
    assert (clean.width, clean.height) == (1600, 800)


def test_huge_originals_are_scaled_down_to_the_longest_side():
    limits = Limits(max_bytes=LIMITS.max_bytes, max_pixels=LIMITS.max_pixels, max_side=500, thumb_side=320)
    clean = clean_image(image_bytes("PNG", size=(1000, 250)), "long.png", limits)
    assert (clean.width, clean.height) == (500, 125)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<html><script>alert(1)</script></html>", "image_type_not_allowed"),
        (b"%PDF-1.4 not a picture", "image_type_not_allowed"),
        (image_bytes("BMP"), "image_type_not_allowed"),
        (image_bytes("PNG")[:60], "image_broken"),
        (b"", "image_empty"),
    ],
)
def test_what_is_not_a_whole_accepted_image_is_refused(data, code):
    with pytest.raises(Invalid) as err:
        clean_image(data, "photo.jpg", LIMITS)
    assert err.value.code == code
    assert "photo.jpg" in err.value.message


def test_too_many_pixels_is_refused_before_decoding():
    limits = Limits(max_bytes=LIMITS.max_bytes, max_pixels=100 * 100, max_side=4096, thumb_side=320)
    with pytest.raises(Invalid) as err:
        clean_image(image_bytes("PNG", size=(101, 100)), "big.png", limits)
    assert err.value.code == "image_too_many_pixels"


# ---- through the forms -----------------------------------------------------------------


def test_resident_photo_is_stored_without_exif_and_served(app, client, login, make, upload_dir):
    dept = make.department()
    resident = make.user()
    login(resident)
    resp = client.post(f"/d/{dept.slug}/threads", data={
        "kind": "complaint", "body": "路灯坏了，见照片",
        "images": [(io.BytesIO(jpeg_with_gps()), "IMG_2001.JPG", "image/jpeg")],
    }, content_type="multipart/form-data")
    assert resp.status_code == 303, resp.get_data(as_text=True)

    image = db.session.scalar(sa.select(Image))
    thread = db.session.scalar(sa.select(Thread))
    assert image.thread_id == thread.id and image.owner_id == resident.id and image.post_id is None
    assert (image.width, image.height, image.content_type) == (640, 480, "image/jpeg")
    files = stored_files(upload_dir)
    assert [p.relative_to(upload_dir).as_posix() for p in files] == sorted([image.key, image.thumb_key])
    with PILImage.open(upload_dir / image.key) as on_disk:
        assert dict(on_disk.getexif()) == {} and "exif" not in on_disk.info
    assert image.bytes == (upload_dir / image.key).stat().st_size

    client.get("/")  # a fresh visitor
    client.post("/auth/logout")
    served = client.get(f"/media/{image.key}")
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Cache-Control"] == "public, max-age=3600"
    assert served.data == (upload_dir / image.key).read_bytes()
    again = client.get(f"/media/{image.key}", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304

    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert f'src="/media/{image.thumb_key}"' in page
    assert f'href="/media/{image.key}"' in page
    assert 'loading="lazy"' in page and 'alt="留言照片第1张（共1张）"' in page


def test_a_10_mb_upload_is_refused_and_leaves_nothing(client, login, make, upload_dir):
    dept = make.department()
    login(make.user())
    ten_mb = jpeg_with_gps() + b"\0" * (10 * 1024 * 1024)
    # Encoded in memory: the test client's own spooling would leave a temporary file open.
    boundary, body = encode_multipart(MultiDict([
        ("kind", "help"), ("body", "请看照片"), ("images", upload(ten_mb, "big.jpg")),
    ]))
    resp = client.post(f"/d/{dept.slug}/threads", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 422
    assert "图片“big.jpg”超过 5 MB，请压缩后再上传。" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Image.id))) == 0
    assert stored_files(upload_dir) == []


def test_a_file_that_lies_about_its_type_is_refused_and_leaves_nothing(client, login, make, upload_dir):
    dept = make.department()
    staff = make.staff(dept)
    post = make.post(author=staff)
    login(make.user())
    resp = client.post(f"/p/{post.id}/threads", data={
        "kind": "complaint", "body": "见附件",
        "images": [
            (io.BytesIO(jpeg_with_gps()), "good.jpg", "image/jpeg"),
            (io.BytesIO(b"<svg onload=alert(1)></svg>"), "photo.jpg", "image/jpeg"),
        ],
    }, content_type="multipart/form-data")
    assert resp.status_code == 422
    assert "图片“photo.jpg”不是支持的图片格式（仅支持 JPEG、PNG、WEBP、GIF）。" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Image.id))) == 0
    assert stored_files(upload_dir) == []


def test_staff_attach_up_to_nine_images_in_order(client, login, make, upload_dir):
    dept = make.department()
    staff = make.staff(dept)
    login(staff)
    ten = [(io.BytesIO(image_bytes("PNG", size=(20 + i, 20))), f"{i}.png", "image/png") for i in range(10)]
    resp = client.post("/posts/new", data={"body": "今日城区道路巡查情况", "category": "work", "images": ten},
                       content_type="multipart/form-data")
    assert resp.status_code == 422
    assert "最多只能上传9张图片。" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0
    assert stored_files(upload_dir) == []

    three = [(io.BytesIO(image_bytes("PNG", size=(20 + i, 20))), f"{i}.png", "image/png") for i in range(3)]
    resp = client.post("/posts/new", data={"body": "今日城区道路巡查情况", "category": "work", "images": three},
                       content_type="multipart/form-data")
    assert resp.status_code in (302, 303)
    post = db.session.scalar(sa.select(Post))
    assert [(i.position, i.width) for i in post.images] == [(0, 20), (1, 21), (2, 22)]
    assert len(stored_files(upload_dir)) == 6
    page = client.get(f"/p/{post.id}").get_data(as_text=True)
    assert page.count('loading="lazy"') == 3


def test_a_thread_takes_at_most_three_photos(make):
    resident = make.user()
    thread = make.thread(author=resident, department=make.department())
    attach_images(resident, [upload(image_bytes("PNG"), f"{i}.png") for i in range(2)], thread=thread)
    db.session.commit()
    with pytest.raises(Invalid) as err:
        attach_images(resident, [upload(image_bytes("PNG"), f"{i}.png") for i in range(2)], thread=thread)
    assert err.value.code == "too_many_images"
    attach_images(resident, [upload(image_bytes("PNG"), "third.png")], thread=thread)
    db.session.commit()
    assert [i.position for i in db.session.get(Thread, thread.id).images] == [0, 1, 2]


def test_only_the_opener_or_the_department_staff_attach(make):
    dept = make.department()
    thread = make.thread(department=dept)
    post = make.post(author=make.staff(dept))
    with pytest.raises(Forbidden):
        attach_images(make.user(), [upload(image_bytes("PNG"), "x.png")], thread=thread)
    with pytest.raises(Forbidden):
        attach_images(make.staff(make.department()), [upload(image_bytes("PNG"), "x.png")], post=post)
    with pytest.raises(Invalid):
        attach_images(thread.author, [upload(image_bytes("PNG"), "x.png")])


def test_files_written_in_a_rolled_back_transaction_are_deleted(make, upload_dir):
    resident = make.user()
    thread = make.thread(author=resident, department=make.department())
    images = attach_images(resident, [upload(jpeg_with_gps(), "a.jpg")], thread=thread)
    written = [images[0].key, images[0].thumb_key]
    assert all((upload_dir / key).is_file() for key in written)
    db.session.rollback()
    assert stored_files(upload_dir) == []

    kept = attach_images(resident, [upload(jpeg_with_gps(), "b.jpg")], thread=thread)
    db.session.commit()
    db.session.rollback()  # a later rollback does not touch committed files
    assert [p.relative_to(upload_dir).as_posix() for p in stored_files(upload_dir)] == sorted(
        [kept[0].key, kept[0].thumb_key]
    )


def test_images_of_unpublished_posts_are_not_served_to_the_public(client, login, make):
    dept = make.department(review=True)
    staff = make.staff(dept)
    from weibo_app.posts.lifecycle import create_post

    draft = create_post(staff, body="草稿配图", category="work")
    image = attach_images(staff, [upload(image_bytes("PNG"), "d.png")], post=draft)[0]
    db.session.commit()

    assert client.get(f"/media/{image.key}").status_code == 404
    assert client.get(f"/media/{image.thumb_key}").status_code == 404
    login(staff)
    mine = client.get(f"/media/{image.key}")
    assert mine.status_code == 200
    assert mine.headers["Cache-Control"].startswith("private")


def test_images_stop_being_served_when_the_post_is_withdrawn(client, make):
    staff = make.staff(make.department())
    post = make.post(author=staff, body="配图微博")
    image = attach_images(staff, [upload(image_bytes("PNG"), "p.png")], post=post)[0]
    db.session.commit()
    assert client.get(f"/media/{image.thumb_key}").status_code == 200
    post.state = "withdrawn"
    db.session.commit()
    assert client.get(f"/media/{image.thumb_key}").status_code == 404


def test_a_threads_photo_is_shown_wherever_the_thread_is(client, make):
    """Threads stay readable under a withdrawn post, and so do their photos; a hidden thread's do not."""
    post = make.post(body="配图微博")
    resident = make.user()
    thread = make.thread(author=resident, post=post)
    image = attach_images(resident, [upload(image_bytes("PNG"), "lamp.png")], thread=thread)[0]
    post.state = "withdrawn"
    db.session.commit()
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert image.thumb_key in page
    assert client.get(f"/media/{image.thumb_key}").status_code == 200
    thread.hidden_at = thread.opened_at
    db.session.commit()
    assert client.get(f"/media/{image.thumb_key}").status_code == 404


@pytest.mark.parametrize("key", ["../config.py", "2026/01/notakey.png", "2026/01/" + "a" * 32 + ".html"])
def test_only_media_keys_are_served(client, key):
    assert client.get(f"/media/{key}").status_code == 404


class MemoryStorage:
    """A storage a deployment might plug in: here, a dict with a CDN URL."""

    def __init__(self, app):
        self.files: dict[str, bytes] = {}

    def save(self, key, data, content_type):
        self.files[key] = data

    def open(self, key):
        return self.files.get(key)

    def url(self, key):
        return f"https://cdn.example.gov.cn/{key}"

    def delete(self, key):
        self.files.pop(key, None)

    def exists(self, key):
        return key in self.files


@pytest.mark.parametrize("app_config", [{"UPLOAD_STORAGE": "tests.test_media:MemoryStorage"}], indirect=True)
def test_a_deployment_can_point_storage_elsewhere(app, client, make, upload_dir):
    assert app.config["UPLOAD_STORAGE"] == "tests.test_media:MemoryStorage"
    resident = make.user()
    thread = make.thread(author=resident, department=make.department())
    image = attach_images(resident, [upload(image_bytes("PNG"), "p.png")], thread=thread)[0]
    db.session.commit()
    storage = get_storage()
    assert set(storage.files) == {image.key, image.thumb_key}
    assert stored_files(upload_dir) == []
    resp = client.get(f"/media/{image.key}")
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"https://cdn.example.gov.cn/{image.key}"


def test_the_api_gives_absolute_image_urls_except_where_the_text_is_hidden(client, make):
    dept = make.department()
    staff = make.staff(dept)
    post = make.post(author=staff, body="配图微博")
    image = attach_images(staff, [upload(jpeg_with_gps(size=(64, 48)), "p.jpg")], post=post)[0]
    resident = make.user()
    thread = make.thread(author=resident, post=post)
    attach_images(resident, [upload(image_bytes("PNG"), "t.png")], thread=thread)
    db.session.commit()

    data = client.get(f"/api/v1/posts/{post.id}").get_json()
    assert data["images"] == [{
        "url": f"http://localhost/media/{image.key}", "thumb_url": f"http://localhost/media/{image.thumb_key}",
        "width": 64, "height": 48, "content_type": "image/jpeg",
    }]
    assert [i["content_type"] for i in data["threads"][0]["images"]] == ["image/png"]

    thread.hidden_at = utcnow()
    db.session.commit()
    assert client.get(f"/api/v1/threads/{thread.id}").get_json()["images"] == []
