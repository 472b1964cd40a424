"""The same uploads kept in an S3-compatible bucket: moto's real server, started on a free port."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from media_samples import location_of, phone_photo

from hlsblog.extensions import db
from hlsblog.media import UploadRefused, current_storage, delete_media, media_url, store_upload
from hlsblog.models import Media, Post, User
from hlsblog.posts import save_post
from hlsblog.testing import free_port

boto3 = pytest.importorskip("boto3", reason="boto3 is not installed (pip install -e .[test])")
pytestmark = pytest.mark.plugins()
BUCKET = "blog-media"
KEYS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


@pytest.fixture(scope="module")
def s3_server():
    command = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    if not Path(command).exists():
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    port = free_port()
    server = subprocess.Popen(
        [command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(url + "/moto-api/", timeout=1).close()
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.skip("moto_server did not start within 10 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_server):
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **KEYS)
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)
    client.close()


def s3_app(make_app, s3_server, **config):
    return make_app(
        plugins=[],
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET=BUCKET,
        MEDIA_S3_ENDPOINT=s3_server,
        MEDIA_S3_REGION="us-east-1",
        MEDIA_S3_ACCESS_KEY=KEYS["aws_access_key_id"],
        MEDIA_S3_SECRET_KEY=KEYS["aws_secret_access_key"],
        **config,
    )


def keys(bucket) -> list[str]:
    return sorted(item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def object_bytes(bucket, key: str) -> bytes:
    with bucket.get_object(Bucket=BUCKET, Key=key)["Body"] as body:
        return body.read()


def test_a_photo_goes_to_the_bucket_in_its_sizes_without_location(make_app, s3_server, bucket):
    app = s3_app(make_app, s3_server)
    client = app.test_client()
    with app.app_context():
        media = store_upload(io.BytesIO(phone_photo()), "beach.jpg")
        with app.test_request_context():
            url, medium = media_url(media), media_url(media, "medium")
        names = [media.filename] + [size["file"] for size in media.sizes.values()]
    assert keys(bucket) == sorted(names) and len(names) == 4
    for key in names:
        assert location_of(object_bytes(bucket, key)) == {}
    assert not (Path(app.instance_path) / "uploads").exists()  # nothing kept on this machine

    response = client.get(url)  # no public address set: the app serves it from the bucket
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/jpeg"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    again = client.get(medium, headers={"If-None-Match": client.get(medium).headers["ETag"]})
    assert again.status_code == 304

    with app.app_context():
        delete_media(db.session.get(Media, media.id))
        current_storage().client.close()
    assert keys(bucket) == []


def test_a_file_over_the_cap_never_reaches_the_bucket(make_app, s3_server, bucket):
    app = s3_app(make_app, s3_server, UPLOAD_MAX_BYTES=1024 * 1024)
    with app.app_context(), pytest.raises(UploadRefused) as refused:
        store_upload(io.BytesIO(b"%PDF-1.7\n" + b"0" * 2 * 1024 * 1024), "big.pdf")
    assert refused.value.status == 413
    assert keys(bucket) == []


def test_pages_link_the_buckets_public_address_when_there_is_one(make_app, s3_server, bucket):
    # What a blogger sets up for a public bucket (or a CDN in front of it): anyone may read.
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
    statement["Resource"] = f"arn:aws:s3:::{BUCKET}/*"
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    bucket.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    app = s3_app(make_app, s3_server, MEDIA_S3_PUBLIC_URL=f"{s3_server}/{BUCKET}/")
    with app.app_context():
        media = store_upload(io.BytesIO(phone_photo(orientation=1)), "public.jpg")
        url, large = media_url(media, "large"), media.sizes["large"]["file"]
        author = User(username="writer", role="author")
        db.session.add(author)
        db.session.flush()
        post = Post(title="Public", body_source=f"![sea]({url})", author_id=author.id)
        save_post(post)
        body = post.body_html
        current_storage().client.close()
    assert f"{s3_server}/{BUCKET}/" in body and 'srcset="' in body and "1024w" in body
    assert url == f"{s3_server}/{BUCKET}/{large}"
    response = requests.get(url, timeout=30)
    assert response.status_code == 200 and location_of(response.content) == {}
