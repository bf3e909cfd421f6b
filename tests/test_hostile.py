"""Named attacks on `shingikai lint`: each its own test, each bounded and answered in Japanese."""

from __future__ import annotations

import os
import time

from conftest import EXAMPLE, MINIMAL, run


def lint(*paths):
    started = time.perf_counter()
    result = run("lint", "--format", "json", *paths)
    return result, time.perf_counter() - started


def only(result):
    [finding] = result.json()["findings"]
    return finding["line"], finding["column"], finding["code"]


def test_billion_laughs_is_refused_in_well_under_a_second(write):
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 9) + "]")
    path = write("\n".join(lines) + "\n")
    baseline, startup = lint(write(MINIMAL, name="clean.yaml"))
    result, elapsed = lint(path)
    assert baseline.code == 0
    assert result.code == 1 and only(result)[2] == "E106"
    # Beyond what start-up costs, refusing the bomb takes a fraction of a second.
    assert elapsed - startup < 0.5, (elapsed, startup)


def test_a_50_megabyte_file_is_refused_without_reading_it(write):
    path = write(b"summary: " + b"\xe3\x81\x82" * (50 * 1024 * 1024 // 3) + b"\n")
    result, elapsed = lint(path)
    assert only(result) == (1, 1, "E106")
    assert "ファイルが大きすぎます" in result.json()["findings"][0]["message"]
    assert elapsed < 5


def test_ten_thousand_deep_nesting(write):
    result, _ = lint(write("title: " + "[" * 10_000 + "]" * 10_000 + "\n"))
    assert only(result)[2] == "E106"
    block = "".join("  " * depth + f"k{depth}:\n" for depth in range(10_000))
    result, _ = lint(write(block, name="block.yaml"))
    assert only(result)[2] == "E106"
    assert "Traceback" not in result.stderr


def test_python_object_apply_is_never_constructed(write, tmp_path):
    marker = tmp_path / "pwned"
    path = write(
        f"title: !!python/object/apply:os.system ['touch {marker}']\n"
        f"kind: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n"
    )
    result, _ = lint(path)
    assert [f["code"] for f in result.json()["findings"]] == ["E105", "E105"]
    assert not marker.exists()


def test_crlf_and_bom_together_keep_positions(write):
    text = EXAMPLE.read_text(encoding="utf-8").replace("NTTデータ\n", "柏江市\n", 1)
    path = write(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result, _ = lint(path)
    assert only(result) == (21, 14, "W404")


def test_symlink_loop_under_the_cases_directory(tmp_path):
    cases = tmp_path / "cases"
    (cases / "sub").mkdir(parents=True)
    (cases / "sub" / "loop").symlink_to(cases, target_is_directory=True)
    (cases / "self").symlink_to("self")
    (cases / "ok.yaml").write_text(MINIMAL, encoding="utf-8")
    result, elapsed = lint(cases)
    assert result.code == 0
    assert result.json() == {"findings": [], "files": 1}
    assert elapsed < 10


def test_an_unreadable_file_is_reported_and_the_others_are_still_linted(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a-good.yaml").write_text(MINIMAL, encoding="utf-8")
    (cases / "b-dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    if os.geteuid() == 0:
        # Permissions do not stop root: a FIFO is a file nobody can lint.
        os.mkfifo(cases / "c-unreadable.yaml")
    else:
        (cases / "c-unreadable.yaml").write_text(MINIMAL, encoding="utf-8")
        (cases / "c-unreadable.yaml").chmod(0)
    (cases / "d-bad.yaml").write_text(MINIMAL.replace("items: [住所]", "items: [電話]"), encoding="utf-8")
    result, elapsed = lint(cases)
    assert result.code == 2
    assert elapsed < 10
    assert f"{cases / 'b-dangling.yaml'}: 読み込めません" in result.stderr
    assert f"{cases / 'c-unreadable.yaml'}:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.json()["files"] == 2
    assert [(f["path"], f["code"]) for f in result.json()["findings"]] == [(str(cases / "d-bad.yaml"), "E205")]


def test_the_same_path_given_twice_is_reported_once(write):
    path = write(MINIMAL.replace("items: [住所]", "items: [電話]"))
    result, _ = lint(path, path, str(path).replace("/case.yaml", "/./case.yaml"))
    assert result.json()["files"] == 1
    assert [f["code"] for f in result.json()["findings"]] == ["E205"]


def test_nul_bidi_and_ideographic_spaces(write):
    text = MINIMAL.replace("recipient: 株式会社A", "recipient: 株式会社\u202eA\u3000")
    result, _ = lint(write(text))
    assert result.code == 0
    result, _ = lint(write(MINIMAL.replace("概要", "概\x00要"), name="nul.yaml"))
    assert only(result) == (7, 11, "E101")
