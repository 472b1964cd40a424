"""An export from before WordPress 3.1, with an unescaped ``]]>`` inside its CDATA, moves in.

WordPress's importer reads such a file with its fallback parser (ticket #15203); so do we, and
the report names each item that needed it. A file broken in any other way is still refused with
its line, and nothing changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corpora import OWN, public_corpus

from hlsblog.extensions import db
from hlsblog.models import Category, Comment, Post, Tag, User
from hlsblog.wxr.reader import WxrError, WxrReader

EXPORT = OWN / "wxr" / "unescaped-cdata-end.xml"

pytestmark = pytest.mark.plugins()


def run_import(app: Any, path: Path) -> Any:
    """``flask import-wxr PATH`` as a person would type it."""
    return app.test_cli_runner().invoke(args=["import-wxr", str(path)])


def nothing_stored(app: Any) -> bool:
    with app.app_context():
        models = (Post, Category, Tag, User, Comment)
        return all(
            db.session.scalar(db.select(db.func.count()).select_from(model)) == 0
            for model in models
        )


def test_the_file_is_not_xml_as_it_stands():
    # What any XML parser says of it: the reason the fallback exists.
    with pytest.raises(WxrError, match="not well-formed XML: mismatched tag at line 35"):
        list(WxrReader(EXPORT))


def test_an_export_with_an_unescaped_cdata_end_is_imported_and_the_report_names_its_items(app):
    result = run_import(app, EXPORT)
    assert result.exit_code == 0, result.output
    assert "posts: 3 imported" in result.output and "comments: 1 imported" in result.output
    notes = [line for line in result.output.splitlines() if "]]>" in line]
    assert len(notes) == 2
    assert "post 11 'Counting live cells'" in notes[0] and "line 33" in notes[0]
    assert "post 13 'Feeds by hand'" in notes[1] and "line 102" in notes[1]
    assert "A plain post" not in result.output  # it needed nothing

    client = app.test_client()
    page = client.get("/2009/11/02/counting-live-cells/").get_data(as_text=True)
    assert "if (grid[row[i]]&gt;1) { alive++; }" in page and "That is all there is to it." in page
    page = client.get("/2009/11/09/feeds-by-hand/").get_data(as_text=True)
    assert "close it with ]]&gt; or the feed breaks." in page


def test_a_second_run_changes_nothing(app):
    assert run_import(app, EXPORT).exit_code == 0
    again = run_import(app, EXPORT)
    assert again.exit_code == 0, again.output
    assert "posts: 3 skipped" in again.output


@pytest.mark.parametrize(
    ("fault", "place"),
    [
        # Each file still holds its ]]>s: the error names the other fault, at its own line.
        (
            ("<wp:post_name>a-plain-post</wp:post_name>", "<wp:post_name>a-plain-post</wp:name>"),
            "mismatched tag at line 66",
        ),
        # A stray ampersand in a plain element, far from any CDATA.
        (
            ("<title>A plain post</title>", "<title>Bits & pieces</title>"),
            "not well-formed (invalid token) at line 52",
        ),
        # The section never closed at all.
        (
            ("That is all there is to it.]]></content:encoded>", "That is all there is to it."),
            "at line",
        ),
    ],
    ids=["mismatched-tag", "bare-ampersand", "unclosed-section"],
)
def test_a_file_broken_otherwise_is_refused_with_its_line_and_nothing_changes(
    app, tmp_path, fault, place
):
    old, new = fault
    text = EXPORT.read_text()
    assert old in text
    path = tmp_path / "broken.xml"
    path.write_text(text.replace(old, new, 1))
    result = run_import(app, path)
    assert result.exit_code == 1
    assert "broken.xml is not well-formed XML" in result.output and place in result.output
    assert "Nothing was imported" in result.output
    assert nothing_stored(app)


def test_a_section_running_into_the_next_element_is_not_mended(app, tmp_path):
    # "]]></x>" inside a section means it ran into another element: refuse, never swallow it.
    text = EXPORT.read_text().replace(
        "only <code>a[0] > b</code>.]]></content:encoded>",
        "only <code>a[0] > b</code>.]]></content:encoded>]]></content:encoded>",
    )
    path = tmp_path / "swallowing.xml"
    path.write_text(text)
    result = run_import(app, path)
    assert result.exit_code == 1 and "not well-formed XML" in result.output
    assert nothing_stored(app)


@pytest.mark.corpus
def test_wordpress_importers_own_crazy_cdata_file_reads_as_wordpress_reads_it(app):
    path = public_corpus("wxr/crazy-cdata.xml")
    (item,) = list(WxrReader(path, repair_cdata=True))
    # The values WordPress's importer tests expect of its fallback parser.
    assert item.content == "Content with nested <![CDATA[ tags ]]> :)"
    assert dict(item.meta) == {
        "Plain string": "Foo",
        "Closing CDATA": "]]>",
        "Alot of CDATA": "This has <![CDATA[ opening and ]]> closing <![CDATA[ tags like this: ]]>",
    }
    result = run_import(app, path)
    assert result.exit_code == 0, result.output
    assert "post 1 'Hello world!'" in result.output and "posts: 1 imported" in result.output
