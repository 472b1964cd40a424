"""A backup keeps the blog's pictures too: restored on a machine that lost them, posts show them."""

from __future__ import annotations

import io
import shutil
import stat
import tarfile
from pathlib import Path

import pytest
from media_samples import phone_photo

from hlsblog.extensions import db
from hlsblog.media import media_url, store_upload
from hlsblog.models import Media

pytestmark = pytest.mark.plugins()


def test_backup_writes_the_uploads_beside_the_database_and_restore_brings_them_back(
    app, client, make_post, tmp_path
):
    with app.app_context():
        media = store_upload(io.BytesIO(phone_photo()), "garden.jpg")
        with app.test_request_context():
            url = media_url(media, "medium")
        files = {media.filename, *(size["file"] for size in media.sizes.values())}
    post = make_post("My garden", f"![Roses]({url})")
    backup = tmp_path / "blog.backup"

    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    archive = tmp_path / "blog.backup.uploads.tar"
    assert f"Backed up 4 uploaded files to {archive}." in result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        assert set(tar.getnames()) == files

    shutil.rmtree(Path(app.instance_path) / "uploads")  # the machine is lost
    assert client.get(url).status_code == 404
    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code == 0, result.output
    assert "Restored 4 uploaded files" in result.output

    response = client.get(url)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/jpeg"
    response.close()
    page = client.get(post["url"]).get_data(as_text=True)
    assert f'src="{url}"' in page and "srcset=" in page
    with app.app_context():
        assert db.session.get(Media, media.id).filename == media.filename


def test_a_hostile_uploads_archive_writes_nothing_outside_the_folder(app, tmp_path):
    backup = tmp_path / "blog.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    archive = tmp_path / "blog.backup.uploads.tar"
    with tarfile.open(archive, "w") as tar:
        data = b"owned"
        member = tarfile.TarInfo("../../escaped.txt")
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))

    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code != 0 and "Restore failed" in result.output
    assert not (Path(app.instance_path).parent / "escaped.txt").exists()
    assert not (tmp_path / "escaped.txt").exists()
