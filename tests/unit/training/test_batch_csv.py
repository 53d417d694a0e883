"""The batch transform's plain-comma reading of quote-free files is the csv module's."""

from hypothesis import given
from hypothesis import strategies as st

from training.batch_transform import _Csv, _fields, _line

# Any text but what makes a field need quoting: a quote, a comma or a line break.
FIELD = st.text(alphabet=st.characters(blacklist_characters='",\r\n'), max_size=8)


@given(st.lists(FIELD, min_size=1, max_size=6))
def test_a_quote_free_record_reads_and_writes_as_the_csv_module_does(fields):
    line = _line(fields)
    plain = _Csv.of(line)
    if '"' in line:  # csv quotes a lone empty field: such a file takes the csv path
        assert plain == _Csv.of('"')
        return
    assert plain.split(line) == _fields(line) == fields
    assert plain.join(fields) == line


def test_a_file_with_a_quote_takes_the_csv_path():
    fmt = _Csv.of('id,"a, b"\n')
    assert fmt.split('x,"a, b"') == ["x", "a, b"]
    assert fmt.join(["x", "a, b"]) == 'x,"a, b"'
