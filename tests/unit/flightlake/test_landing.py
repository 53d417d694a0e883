from datetime import date

from flightlake.lake import Lake, RawFile
from flightlake.landing import land, split_by_day


def test_split_by_day_keeps_lines_byte_for_byte():
    header, days = split_by_day([b"year,month,day,x\n", b"2013,1,2,a\n", b"2013,1,1,b\r\n"], 0)
    assert header == b"year,month,day,x\n"
    assert days == {date(2013, 1, 2): [b"2013,1,2,a\n"], date(2013, 1, 1): [b"2013,1,1,b\r\n"]}


def test_land_is_idempotent_and_delivers_the_morning_after(tmp_path):
    lake = Lake.at(str(tmp_path))
    first = land(lake, date(2013, 1, 1))
    assert first.written["flights"] == 1 and first.written["planes"] == 1
    again = land(lake, date(2013, 1, 1))
    assert again.total_written == 0
    files = {f.path: f for f in lake.raw_files("flights")}
    assert list(files) == ["raw/flights/delivered=2013-01-02/flights_2013-01-01.csv"]
    parsed = RawFile.parse(*next((f.path, f.size) for f in files.values()))
    assert (parsed.delivered, parsed.covers) == (date(2013, 1, 2), date(2013, 1, 1))
