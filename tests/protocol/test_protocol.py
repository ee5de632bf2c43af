"""Every message round-trips; malformed lines are rejected with a reason."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from engine import protocol as p

INFO = p.DownloadInfo(id=7, url="https://example.test/中文.iso", directory="/tmp/d",
                      state=p.State.DOWNLOADING, name="中文.iso", size=None, done=12)

SAMPLES: list[p.Message] = [
    p.Add(urls=("http://a/1", "http://a/2"), directory="/tmp",
          options=p.DownloadOptions(connections=4, speed_limit=1000, checksum="sha256=00",
                                    filename="x.bin", paused=True)),
    p.Pause(ids=(1, 2)), p.Pause(all=True), p.Resume(ids=(3,)), p.Retry(all=True),
    p.Remove(ids=(4,), delete_files=True), p.Move(ids=(2, 3), offset=-1, how="POS_CUR"),
    p.StartNow(ids=(5,)), p.Rename(id=6, name="新しい.bin"), p.SetUrl(id=1, url="http://b/1"),
    p.SetOptions(max_active=5, speed_limit=0, read_timeout=2.5), p.GetSegments(id=3),
    p.SetDownloadOptions(ids=(1, 2), speed_limit=0, connections=4),
    p.SetCategory(ids=(4, 5), category="video"),
    p.SetOptions(sort_by_category=True, dated_folders=False, category_rules=(
        p.CategoryRule("video", ("mp4", "mkv"), ("video/*",)), p.CategoryRule("other"))),
    p.SetRpc(enabled=True, port=6801, secret="s", origins=("http://localhost:6880",)),
    p.RpcStatus(enabled=True, port=6801, secret="s"),
    p.Shutdown(), p.Hello(version=p.PROTOCOL_VERSION, pid=42), p.Snapshot(downloads=(INFO,)),
    p.Added(downloads=(INFO,)), p.Changed(id=7, fields={"state": "paused", "done": 5}),
    p.Progress(items=(p.ProgressItem(id=7, done=100, speed=2.5),)), p.Removed(ids=(7,)),
    p.Moved(places=(p.QueuePlace(id=7, position=-65536),)),
    p.Segments(id=7, size=10, segments=(p.Segment(0, 5, 5), p.Segment(5, None, 0, True))),
    p.OptionsChanged(directory="/home/u/Downloads", max_active=2, connections=4,
                     speed_limit=0, download_limit=102400),
    p.Error(message="nope", command="add", url="ftp://x"),
    p.SetSchedule(p.Schedule(hours=p.Hours((0, 4), 540, 1080), slow_hours=p.Hours(start=1320,
                             end=360), slow_limit=2_000_000, when_done=p.WhenDone.SHUTDOWN)),
    p.CancelWhenDone(),
    p.ScheduleStatus(p.Schedule(), open=False, slow=True, next_change=1_796_230_800.0),
    p.WhenDoneStatus(p.WhenDone.SLEEP, error="systemctl suspend failed: no",
                     error_code=p.ErrorCode.POWER),
    p.GetMedia(url="http://a/watch", headers=("Cookie: a=1",)),
    p.Add(urls=("http://a/watch",), directory="/tmp",
          options=p.DownloadOptions(media="hls-900+hls-audio-en")),
    p.Media(url="http://a/watch", title="中文 clip", best="hls-900+hls-audio-en", formats=(
        p.MediaFormat(id="hls-900", ext="mp4", width=1280, height=720, vcodec="avc1.64001f",
                      acodec="none", bitrate=900.5, stream=True),
        p.MediaFormat(id="hls-audio-en", vcodec="none", size=1000, size_estimated=True,
                      note="English"))),
    p.Media(url="http://a/none", error="No video", error_code=p.ErrorCode.NO_MEDIA),
]


@pytest.mark.parametrize("message", SAMPLES, ids=lambda m: m.TYPE)
def test_every_message_round_trips(message: p.Message) -> None:
    line = message.encode()
    assert "\n" not in line
    assert json.loads(line)["type"] == message.TYPE
    assert p.decode(line) == message
    assert p.decode(line.encode("utf-8")) == message


def test_every_message_type_has_a_sample() -> None:
    assert {m.TYPE for m in SAMPLES} == set(p.MESSAGES)


def test_commands_and_events_are_kept_apart() -> None:
    with pytest.raises(p.ProtocolError, match="unknown message type 'hello'"):
        p.decode_command(p.Hello(version=1, pid=1).encode())
    with pytest.raises(p.ProtocolError, match="unknown message type 'add'"):
        p.decode_event(p.Add(urls=(), directory="/").encode())


def test_defaults_fill_missing_optional_fields_and_unknown_keys_are_ignored() -> None:
    message = p.decode('{"type":"pause","ids":[1],"future_field":true}')
    assert message == p.Pause(ids=(1,), all=False)


@pytest.mark.parametrize(("line", "reason"), [
    ("", "not valid JSON"),
    ("{", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"ids": [1]}', 'no "type"'),
    ('{"type": 3}', 'no "type"'),
    ('{"type": "explode"}', "unknown message type"),
    ('{"type": "add", "directory": "/"}', "missing field 'urls'"),
    ('{"type": "add", "urls": "http://x", "directory": "/"}', "expected a list"),
    ('{"type": "pause", "ids": [true]}', "expected an integer"),
    ('{"type": "pause", "ids": [1.5]}', "expected an integer"),
    ('{"type": "pause", "all": "yes"}', "expected true or false"),
    ('{"type": "set_options", "read_timeout": "2"}', "expected a number"),
    ('{"type": "add", "urls": [], "directory": "/", "options": []}', "expected an object"),
    ('{"type": "snapshot", "downloads": [{"id": 1, "url": "u", "directory": "d", '
     '"state": "exploded"}]}', "unknown value"),
])
def test_malformed_lines_are_rejected_with_a_reason(line: str, reason: str) -> None:
    with pytest.raises(p.ProtocolError, match=reason):
        p.decode(line)


def test_non_utf8_and_overlong_lines_are_rejected() -> None:
    with pytest.raises(p.ProtocolError, match="UTF-8"):
        p.decode(b'{"type":"pause","ids":[1]}\xff')
    with pytest.raises(p.ProtocolError, match="too long"):
        p.decode(b"x" * (p.MAX_LINE_BYTES + 1))


def test_importing_the_protocol_loads_neither_gevent_nor_qt_nor_requests() -> None:
    code = ("import sys, engine.protocol; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'gevent', 'PySide6', 'requests', 'urllib3'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_a_long_list_is_sent_in_lines_of_bounded_size() -> None:
    worst = "https://example.test/" + "字" * 65_000  # the longest URL a worker accepts
    infos = [p.DownloadInfo(id=i, url=f"https://example.test/{i}/" + "x" * 300, directory="/d",
                            state=p.State.PAUSED) for i in range(5_000)]
    infos.insert(100, dataclasses.replace(infos[0], id=-1, url=worst, final_url=worst))
    snapshots = p.in_batches(infos, p.Snapshot)
    lines = [s.encode().encode("utf-8") for s in snapshots]
    assert len(lines) > 1 and max(map(len, lines)) < p.MAX_LINE_BYTES
    assert [s.more for s in snapshots] == [True] * (len(lines) - 1) + [False]
    decoded = [p.decode_event(line) for line in lines]
    assert [d for s in decoded for d in s.downloads] == infos
    assert p.in_batches([], p.Snapshot) == [p.Snapshot((), False)]
