"""The store keeps every download and its pieces, in one file, across restarts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from engine.http import Validators
from engine.protocol import ErrorCode, State
from engine.segments import Piece
from engine.store import SCHEMA_VERSION, Store, StoreError

# What a store written before categories (schema 5) lacks.
_NO_CATEGORIES = ("ALTER TABLE downloads DROP COLUMN category; "
                  "ALTER TABLE downloads DROP COLUMN category_root; ")

def test_records_and_pieces_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "downloads.sqlite3"
    store = Store(path)
    record = store.add("http://h/中.iso", "/dl", State.QUEUED, connections=4,
                       checksum="sha256=ab")
    record.name, record.size, record.resumable = "中.iso", 300, True
    record.validators = Validators('"etag"', "Mon, 01 Jan 2024 00:00:00 GMT")
    record.pieces = [Piece(0, 100, 100), Piece(100, 300, 20)]
    store.save(record, pieces=True)
    store.checkpoint({record.id: [(0, 100, 100), (100, 200, 60), (200, 300, 5)]})
    store.close()

    (loaded,) = Store(path).load()
    assert (loaded.url, loaded.name, loaded.size, loaded.state) == (
        "http://h/中.iso", "中.iso", 300, State.QUEUED)
    assert loaded.validators == record.validators and loaded.resumable
    assert [(p.start, p.end, p.done) for p in loaded.pieces] == [
        (0, 100, 100), (100, 200, 60), (200, 300, 5)]
    assert loaded.done == 165
    assert loaded.info().path == "/dl/中.iso.part"


def test_remove_forgets_the_download_and_its_pieces(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    keep = store.add("http://h/a", "/dl", State.QUEUED)
    gone = store.add("http://h/b", "/dl", State.QUEUED)
    gone.pieces = [Piece(0, None, 10)]
    store.save(gone, pieces=True)
    store.remove(gone.id)
    assert [r.id for r in store.load()] == [keep.id]


def test_a_store_from_a_newer_version_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer Greenget"):
        Store(path)


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot be read"):
        Store(path)


def test_a_store_of_schema_1_gains_error_codes_and_keeps_its_downloads(tmp_path: Path) -> None:
    path = tmp_path / "downloads.sqlite3"
    store = Store(path)
    store.add("http://h/a", str(tmp_path), State.FAILED, error="The file was not found.")
    store.close()
    old = sqlite3.connect(path)  # what Greenget wrote before error codes
    old.executescript("ALTER TABLE downloads DROP COLUMN error_code; "
                      "ALTER TABLE downloads DROP COLUMN position; "
                      "ALTER TABLE downloads DROP COLUMN media; "
                      "ALTER TABLE downloads DROP COLUMN open_when_done; " + _NO_CATEGORIES
                      + "PRAGMA user_version=1;")
    old.close()
    store = Store(path)
    (record,) = store.load()
    assert (record.url, record.error, record.error_code) == ("http://h/a",
                                                             "The file was not found.", "")
    record.error_code = ErrorCode.NOT_FOUND
    store.save(record)
    store.close()
    (again,) = Store(path).load()
    assert again.error_code == ErrorCode.NOT_FOUND


def test_a_store_of_schema_2_gains_the_queue_order_oldest_first(tmp_path: Path) -> None:
    path = tmp_path / "downloads.sqlite3"
    store = Store(path)
    ids = [store.add(f"http://h/{n}", str(tmp_path), State.QUEUED).id for n in range(3)]
    store.close()
    old = sqlite3.connect(path)  # what Greenget wrote before the queue had an order
    old.executescript("ALTER TABLE downloads DROP COLUMN position; "
                      "ALTER TABLE downloads DROP COLUMN media; "
                      "ALTER TABLE downloads DROP COLUMN open_when_done; " + _NO_CATEGORIES
                      + "PRAGMA user_version=2;")
    old.close()
    store = Store(path)
    loaded = store.load()
    assert sorted(loaded, key=lambda r: r.position) == loaded and [r.id for r in loaded] == ids
    store.set_positions({ids[2]: loaded[0].position - 1})
    added = store.add("http://h/new", str(tmp_path), State.QUEUED)
    store.close()
    order = sorted(Store(path).load(), key=lambda r: r.position)
    assert [r.id for r in order] == [ids[2], ids[0], ids[1], added.id]


def test_a_store_of_schema_3_gains_media_choices(tmp_path: Path) -> None:
    path = tmp_path / "downloads.sqlite3"
    Store(path).add("http://h/a", str(tmp_path), State.QUEUED)
    old = sqlite3.connect(path)  # what Greenget wrote before media pages
    old.executescript("ALTER TABLE downloads DROP COLUMN media; "
                      "ALTER TABLE downloads DROP COLUMN open_when_done; " + _NO_CATEGORIES
                      + "PRAGMA user_version=3;")
    old.close()
    store = Store(path)
    (record,) = store.load()
    assert (record.url, record.media) == ("http://h/a", "")
    record.media = "hls-900+hls-audio"
    store.save(record)
    store.close()
    (again,) = Store(path).load()
    assert again.media == "hls-900+hls-audio"


def test_a_store_of_schema_4_gains_open_when_done_off(tmp_path: Path) -> None:
    path = tmp_path / "downloads.sqlite3"
    store = Store(path)
    store.add("http://h/a", str(tmp_path), State.COMPLETED)
    store.close()
    old = sqlite3.connect(path)  # what Greenget wrote before "open when done"
    old.executescript("ALTER TABLE downloads DROP COLUMN open_when_done; " + _NO_CATEGORIES
                      + "PRAGMA user_version=4;")
    old.close()
    store = Store(path)
    (record,) = store.load()
    assert record.open_when_done is False and not record.info().open_when_done
    store.add("http://h/b", str(tmp_path), State.QUEUED, open_when_done=True)
    store.close()
    assert [r.open_when_done for r in Store(path).load()] == [False, True]


def test_a_store_of_schema_5_gains_categories_and_keeps_its_downloads(tmp_path: Path) -> None:
    path = tmp_path / "downloads.sqlite3"
    store = Store(path)
    store.add("http://h/a.zip", str(tmp_path), State.COMPLETED, name="a.zip")
    store.close()
    old = sqlite3.connect(path)  # what Greenget wrote before categories
    old.executescript(_NO_CATEGORIES + "PRAGMA user_version=5;")
    old.close()
    store = Store(path)
    (record,) = store.load()
    assert (record.name, record.category, record.category_root) == ("a.zip", "", None)
    record.category, record.category_root = "archives", str(tmp_path)
    store.save(record)
    store.close()
    (again,) = Store(path).load()
    assert (again.category, again.category_root) == ("archives", str(tmp_path))


def test_extra_request_headers_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    Store(path).add("http://h/a", "/dl", State.QUEUED, headers={"Cookie": "session=1"})
    (loaded,) = Store(path).load()
    assert loaded.headers == {"Cookie": "session=1"}


def test_a_failed_transaction_is_rolled_back_and_the_store_goes_on(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    with pytest.raises(sqlite3.IntegrityError):  # pieces of a download that does not exist
        store.checkpoint({999: [(0, 10, 5)]})
    record = store.add("http://h/a", "/dl", State.QUEUED)
    assert [r.id for r in store.load()] == [record.id]
