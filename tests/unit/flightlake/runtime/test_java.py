from flightlake.runtime.java import REQUIRED_MAJOR, _major_version, find_java_home


def test_finds_a_java_17_home():
    home = find_java_home()
    assert _major_version(home / "bin" / "java") == REQUIRED_MAJOR


def test_bad_java_home_is_skipped(monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    assert find_java_home() != tmp_path
