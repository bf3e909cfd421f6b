"""`shingikai render --format pdf`: a sheet, a directory of sheets, and a meeting's packet,
opened with pypdf — A4, the case's text, embedded Japanese fonts, page numbers, the
outline and where it leads, the attachments' pages, metadata — and rasterized once;
attachments that cannot be bound, lint errors and a system without a Japanese font.

Needs Pango and a Japanese font (`apt-get install libpango-1.0-0 libpangoft2-1.0-0
libharfbuzz-subset0 fonts-ipaexfont-mincho poppler-utils`, or run `.ci/run`).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader, PdfWriter

from conftest import AS_SUBMITTED, CASES, EXAMPLE, run

SEEDS = sorted(CASES.glob("*.yaml"))
HEADING = "狛江市個人情報保護審議会付議案件シート"
TITLE = "令和3年度第3回狛江市個人情報保護審議会"
COUNCIL = "狛江市個人情報保護審議会"
A4 = (210, 297)
# What the sheet shows of a case in its own words, not as marks: every other string.
MARKED_KEYS = {"version", "kind", "bases", "items", "media", "given", "timing", "operation"}


def mm(points: float) -> int:
    return round(points / 72 * 25.4)


def size_mm(page: Any) -> tuple[int, int]:
    return mm(float(page.mediabox.width)), mm(float(page.mediabox.height))


def flat(text: str) -> str:
    """Text as compared: NFKC, no white space (a PDF's lines break anywhere)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def strings(value: Any, key: str = "") -> Iterator[str]:
    """Every string of a case the sheet prints as written."""
    if key in MARKED_KEYS:
        return
    if isinstance(value, dict):
        for child, item in value.items():
            yield from strings(item, child)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, key)
    elif isinstance(value, str) and key != "file":
        yield value


def fonts(reader: PdfReader) -> dict[str, bool]:
    """Each font the pages use, and whether its program is embedded."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of each outline entry, in order."""
    entries: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return entries


def render_pdf(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> PdfReader:
    result = run("render", *args, cwd=cwd, env=env, timeout=180)
    assert result.code == 0, result.stderr
    output = Path(args[args.index("-o") + 1])
    return PdfReader(io.BytesIO((output if output.is_absolute() or cwd is None else cwd / output).read_bytes()))


def attachment_pdf(path: Path, *pages: str, size: str = "A4") -> None:
    """A PDF of `pages`, each one line of text, typeset as the tests' attachments."""
    import weasyprint

    body = "".join(f'<p style="break-before: page">{text}</p>' for text in pages)
    html = f'<html lang="ja"><head><style>@page {{ size: {size}; }} html {{ font-family: "IPAexGothic"; }}</style></head><body>{body}</body></html>'
    path.parent.mkdir(parents=True, exist_ok=True)
    weasyprint.HTML(string=html).write_pdf(path)


# --- A sheet.


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    return render_pdf(EXAMPLE, "-o", tmp_path_factory.mktemp("sheet") / "sheet.pdf")


def test_a_sheet_is_a4_portrait_on_every_page(sheet: PdfReader) -> None:
    assert len(sheet.pages) >= 2
    assert {size_mm(page) for page in sheet.pages} == {A4}


def test_a_sheet_has_every_text_of_its_case(sheet: PdfReader) -> None:
    text = flat("".join(page_texts(sheet)))
    case = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    missing = [value for value in strings(case) if flat(value) not in text]
    assert missing == []
    assert text.startswith(flat(HEADING))


def test_a_sheet_draws_every_glyph_from_an_embedded_japanese_font(sheet: PdfReader) -> None:
    used = fonts(sheet)
    assert used and all(used.values()), used
    assert all("IPAexMincho" in name for name in used), used


def test_a_sheet_numbers_its_pages_and_says_what_it_is(sheet: PdfReader) -> None:
    for number, text in enumerate(page_texts(sheet), start=1):
        assert text.splitlines()[-1] == f"- {number} -"
    assert sheet.metadata is not None
    assert sheet.metadata.title.endswith(HEADING) and sheet.metadata.author == COUNCIL
    assert sheet.trailer["/Root"]["/Lang"] == "ja"


def test_a_sheet_links_to_no_file(tmp_path: Path) -> None:
    """A link would carry this machine's path to the attachment into every copy."""
    case = tmp_path / "cases" / "case.yaml"
    (tmp_path / ".git").mkdir()
    case.parent.mkdir()
    case.write_text(EXAMPLE.read_text(encoding="utf-8") + "attachments:\n  - title: 事業概要資料\n    file: gaiyou.pdf\n", encoding="utf-8")
    attachment_pdf(case.parent / "gaiyou.pdf", "概要")
    reader = render_pdf(case, "-o", tmp_path / "sheet.pdf")
    assert "事業概要資料" in "".join(page_texts(reader))
    assert not [annotation for page in reader.pages for annotation in page.get("/Annots", [])]
    assert str(tmp_path).encode() not in (tmp_path / "sheet.pdf").read_bytes()


def test_a_page_rasterized_is_not_blank(sheet: PdfReader, tmp_path: Path) -> None:
    pdf = tmp_path / "sheet.pdf"
    writer = PdfWriter()
    writer.add_page(sheet.pages[0])
    writer.write(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-f", "1", "-l", "1", pdf, tmp_path / "page"], check=True)
    image = next(tmp_path.glob("page*.pgm")).read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", image)
    assert header is not None
    width, height = int(header.group(1)), int(header.group(2))
    pixels = image[header.end() :]
    assert len(pixels) == width * height and (width, height) == (round(210 / 25.4 * 40), round(297 / 25.4 * 40))
    dark = sum(1 for value in pixels if value < 128)
    # Text and rules: a few per cent of an A4 page at 40 dpi, never none and never all.
    assert 0.01 < dark / len(pixels) < 0.5


def test_a_directory_is_one_pdf_a_case_and_a_packet_a_meeting(tmp_path: Path) -> None:
    result = run("render", CASES, "--format", "pdf", "-o", tmp_path / "out", timeout=300)
    assert result.code == 0, result.stderr
    assert result.stderr == f"shingikai: {tmp_path / 'out'} に会議資料 1 件とシート 6 件の PDF を書き出しました\n"
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written == sorted(["r3-3.pdf", *(f"{path.stem}.pdf" for path in SEEDS)])
    for path in SEEDS:
        reader = PdfReader(tmp_path / "out" / f"{path.stem}.pdf")
        assert {size_mm(page) for page in reader.pages} == {A4}
        assert flat(reader.pages[0].extract_text()).startswith(flat(HEADING))


# --- A meeting's packet.

MEETING = """\
version: 1
kind: 会議
fiscal_year: 令和3年度
number: 3
date: 令和4年1月17日（月）
place: 狛江市役所4階 特別会議室
consultations:
  - case: ../cases/ai-ocr-shoukyaku-shisan.yaml
  - case: ../cases/gakkou-kenshin-itaku.yaml
reports:
  - case: ../cases/ninchisho-koureisha-sousaku.yaml
attachments:
  - title: 委員名簿
    file: ../docs/meibo.pdf
  - title: 会場の案内
    file: ../docs/annai.docx
  - title: 当日配布の資料
"""


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed cases, a meeting of three of them, and attachments generated here: the
    meeting's two-page 委員名簿 and a Word file, and an A3 landscape page for 学校健診."""
    root = tmp_path_factory.mktemp("repository")
    (root / ".git").mkdir()
    (root / "cases").mkdir()
    for path in SEEDS:
        shutil.copy(path, root / "cases" / path.name)
    gakkou = root / "cases" / "gakkou-kenshin-itaku.yaml"
    gakkou.write_text(
        gakkou.read_text(encoding="utf-8") + "attachments:\n  - title: 検診の概要\n    file: ../docs/kenshin.pdf\n",
        encoding="utf-8",
    )
    attachment_pdf(root / "docs" / "meibo.pdf", "委員名簿その一", "委員名簿その二")
    attachment_pdf(root / "docs" / "kenshin.pdf", "検診の概要図", size="A3 landscape")
    (root / "docs" / "annai.docx").write_bytes(b"PK\x03\x04")
    (root / "meetings").mkdir()
    (root / "meetings" / "r3-3.yaml").write_text(MEETING, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def packet(repository: Path) -> PdfReader:
    return render_pdf("meetings/r3-3.yaml", "-o", "packet.pdf", cwd=repository)


def test_the_packet_is_cover_agenda_attachments_and_sheets_in_agenda_order(packet: PdfReader) -> None:
    texts = [flat(text) for text in page_texts(packet)]
    assert flat("会議資料") in texts[0] and flat(TITLE) in texts[0] and flat("令和4年1月17日（月）") in texts[0]
    assert flat("狛江市役所4階特別会議室") in texts[0]
    assert texts[1].startswith(flat(TITLE)) and flat("議題") in texts[1]
    starts = {depth_title[1]: depth_title[2] for depth_title in outline(packet)}
    # The 委員名簿's two pages follow the 次第, then the sheets, each from a new page.
    assert flat("委員名簿その一") in texts[starts["委員名簿"]]
    assert flat("委員名簿その二") in texts[starts["委員名簿"] + 1]
    sheets = [(title, page) for title, page in starts.items() if title.startswith(("諮問事項（", "報告事項（"))]
    assert [title.split("　")[0] for title, _ in sheets] == ["諮問事項（1）", "諮問事項（2）", "報告事項（1）"]
    for _, page in sheets:
        assert texts[page].startswith(flat(HEADING))
    # 検診の概要 right after its sheet, A3 landscape as it is; the rest A4 portrait.
    kenshin = starts["検診の概要"]
    assert flat("検診の概要図") in texts[kenshin] and size_mm(packet.pages[kenshin]) == (420, 297)
    assert kenshin == sheets[2][1] - 1
    assert {size_mm(page) for number, page in enumerate(packet.pages) if number != kenshin} == {A4}


def test_the_packets_outline_leads_to_each_item_and_attachment(packet: PdfReader) -> None:
    entries = [(depth, title.split("　")[0], page) for depth, title, page in outline(packet)]
    names = [(depth, title) for depth, title, _ in entries]
    assert names == [
        (0, "次第"),
        (0, "委員名簿"),
        (0, "諮問事項"),
        (1, "諮問事項（1）"),
        (1, "諮問事項（2）"),
        (2, "検診の概要"),
        (0, "報告事項"),
        (1, "報告事項（1）"),
    ]
    pages = dict(((depth, title), page) for depth, title, page in entries)
    assert pages[(0, "次第")] == 1 and pages[(0, "委員名簿")] == 2
    assert pages[(0, "諮問事項")] == pages[(1, "諮問事項（1）")] == 4
    assert pages[(0, "報告事項")] == pages[(1, "報告事項（1）")]
    full = {title.split("　")[0]: title for _, title, _ in outline(packet)}
    assert full["諮問事項（2）"].endswith("学校保健安全法に基づく健康診断における検診事業の委託の際の保有個人情報の外部提供及び外部提供に係る通知の要否について")


def test_the_packet_numbers_every_page_but_the_cover(packet: PdfReader) -> None:
    texts = page_texts(packet)
    assert not re.search(r"- \d+ -", texts[0])
    for number, text in enumerate(texts[1:], start=1):
        assert text.splitlines()[-1] == f"- {number} -", (number, text[-60:])
    assert packet.page_labels[:3] == ["会議資料", "1", "2"]


def test_the_agenda_gives_the_page_each_item_and_attachment_starts_on(packet: PdfReader) -> None:
    agenda = packet.pages[1].extract_text()
    starts = {title.split("　")[0]: page for _, title, page in outline(packet)}
    rows = re.findall(r"^（(\d)）.*?(?:\n.*?)*?^(\d+)$", agenda, re.MULTILINE)
    assert [int(page) for _, page in rows] == [starts["諮問事項（1）"], starts["諮問事項（2）"], starts["報告事項（1）"]]
    listed = flat(agenda.split("会議資料")[-1])
    assert flat(f"委員名簿……{starts['委員名簿']}") in listed
    assert flat(f"諮問事項（2）検診の概要……{starts['検診の概要']}") in listed
    assert flat("会場の案内（PDFでないため綴じていません）") in listed
    assert flat("当日配布の資料") in listed


def test_each_sheet_page_names_the_meeting_and_the_item_at_the_top(packet: PdfReader) -> None:
    starts = {title.split("　")[0]: page for _, title, page in outline(packet)}
    texts = page_texts(packet)
    for label, first, end in (
        ("諮問事項（1）", starts["諮問事項（1）"], starts["諮問事項（2）"]),
        ("報告事項（1）", starts["報告事項（1）"], len(texts)),
    ):
        for number in range(first, end):
            assert f"{TITLE} {label}" in texts[number], (label, number)
    # Once, in the margin: the sheet's own header line is not printed as well.
    assert texts[starts["諮問事項（1）"]].count(TITLE) == 1


def test_the_packet_is_in_japanese_fonts_and_says_what_it_is(packet: PdfReader) -> None:
    used = fonts(packet)
    assert used and all(used.values()), used
    japanese = [name for name in used if "IPAexMincho" in name or "IPAexGothic" in name]
    assert japanese == list(used), used
    assert packet.metadata is not None
    assert (packet.metadata.title, packet.metadata.author) == (TITLE, COUNCIL)
    assert packet.trailer["/Root"]["/Lang"] == "ja"


# --- What stops a packet.


def encrypted(path: Path) -> None:
    attachment_pdf(path, "秘密")
    writer = PdfWriter(clone_from=path)
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(path)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (None, "ファイルがありません"),
        (lambda path: path.write_text("これは PDF ではない", encoding="utf-8"), "PDF ではありません"),
        (encrypted, "暗号化されています"),
        (lambda path: path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n%%EOF"), "壊れていて PDF として読めません"),
    ],
    ids=["missing", "not-a-pdf", "encrypted", "corrupt"],
)
def test_an_attachment_that_cannot_be_bound_stops_the_packet(repository: Path, tmp_path: Path, make: Any, reason: str) -> None:
    root = tmp_path / "repository"
    shutil.copytree(repository, root)
    meibo = root / "docs" / "meibo.pdf"
    meibo.unlink()
    if make is not None:
        make(meibo)
    result = run("render", "meetings/r3-3.yaml", "-o", "out/packet.pdf", cwd=root, timeout=180)
    assert result.code == 1
    assert f"meetings/r3-3.yaml:14:5: 資料「委員名簿」（../docs/meibo.pdf）を綴じられません: {reason}" in result.stderr
    assert "何も出力しませんでした" in result.stderr and "Traceback" not in result.stderr
    assert not (root / "out").exists()
    forced = render_pdf("--force", "meetings/r3-3.yaml", "-o", "out/packet.pdf", cwd=root)
    agenda = flat(forced.pages[1].extract_text())
    assert flat(f"委員名簿（綴じていません: {reason}）") in agenda
    assert "委員名簿" not in [title for _, title, _ in outline(forced)]
    assert sorted(path.name for path in (root / "out").iterdir()) == ["packet.pdf"]


def test_a_case_attachment_names_its_case_file_and_line(repository: Path, tmp_path: Path) -> None:
    root = tmp_path / "repository"
    shutil.copytree(repository, root)
    (root / "docs" / "kenshin.pdf").write_bytes(b"not a pdf")
    result = run("render", "meetings/r3-3.yaml", "-o", "refused.pdf", cwd=root, timeout=180)
    assert result.code == 1
    lines = (root / "cases" / "gakkou-kenshin-itaku.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("    file: ../docs/kenshin.pdf") + 1
    where = f"cases/gakkou-kenshin-itaku.yaml:{line}:5"
    assert f"{where}: 資料「検診の概要」（../docs/kenshin.pdf）を綴じられません: PDF ではありません" in result.stderr
    assert not (root / "refused.pdf").exists()


def test_a_case_with_lint_errors_is_refused_unless_forced(tmp_path: Path) -> None:
    case = AS_SUBMITTED / "kosodate-senkou-kyufukin.yaml"
    result = run("render", case, "-o", tmp_path / "sheet.pdf", timeout=180)
    assert result.code == 1 and "--force" in result.stderr
    assert not (tmp_path / "sheet.pdf").exists()
    forced = render_pdf("--force", case, "-o", tmp_path / "sheet.pdf")
    first = flat(forced.pages[0].extract_text())
    assert first.startswith(flat("このシートには検査エラーがあります"))
    assert flat("E201") in first


def no_fonts(tmp_path: Path) -> dict[str, str]:
    """A fontconfig configuration that sees no font at all."""
    (tmp_path / "fonts").mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{tmp_path / 'fonts'}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return {"FONTCONFIG_FILE": str(config)}


def test_without_a_japanese_font_nothing_is_written(tmp_path: Path) -> None:
    result = run("render", EXAMPLE, "-o", tmp_path / "out" / "sheet.pdf", env=no_fonts(tmp_path), timeout=180)
    assert result.code == 2
    assert result.stderr == (
        "shingikai: 日本語のフォントが見つからないため、PDF を出力できません（文字が空白の四角になります）。"
        "Debian・Ubuntu では `sudo apt-get install fonts-ipaexfont`（または fonts-noto-cjk）で入れてください\n"
    )
    assert not (tmp_path / "out").exists()


def test_the_font_is_chosen_in_the_configuration(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "case.yaml")
    (tmp_path / "shingikai.toml").write_text('pdf_font = "IPAexGothic"\n', encoding="utf-8")
    reader = render_pdf(tmp_path / "case.yaml", "-o", tmp_path / "sheet.pdf")
    assert all("IPAexGothic" in name for name in fonts(reader)), fonts(reader)
    (tmp_path / "shingikai.toml").write_text('pdf_font = "Nonexistent Mincho"\n', encoding="utf-8")
    result = run("render", tmp_path / "case.yaml", "-o", tmp_path / "other.pdf", timeout=180)
    assert result.code == 2 and "pdf_font「Nonexistent Mincho」" in result.stderr and "fonts-ipaexfont" in result.stderr
    assert not (tmp_path / "other.pdf").exists()


def test_the_format_and_the_output_must_agree(tmp_path: Path) -> None:
    result = run("render", EXAMPLE, "--format", "pdf", "-o", tmp_path / "sheet.html")
    assert result.code == 2 and "食い違っています" in result.stderr
    result = run("render", EXAMPLE, "--format", "pdf")
    assert result.code == 2 and "-o で出力先" in result.stderr


def test_a_front_counted_short_is_typeset_again_with_its_real_length(repository: Path) -> None:
    """The front is counted before the sheets' pages are known; should the 次第 with its
    real page numbers come out longer (or shorter), the packet is typeset again for it."""
    from shingikai.lint.config import ConfigResolver
    from shingikai.lint.pipeline import collect
    from shingikai.lint.shelf import Shelf
    from shingikai.render import printing
    from shingikai.render.publish import admit
    from shingikai.render.templates import Renderer
    from shingikai.render.typesetting import Typesetter

    collection = collect([str(repository / "meetings" / "r3-3.yaml")], print)
    admitted = admit(list(collection), collection.includes, ConfigResolver(None), Shelf(), force=False, notify=print)
    renderer = Renderer("pdf", None)
    with Typesetter(processes=0) as typesetter:
        planned = printing._plan_packet(admitted.meetings[0], admitted, renderer, typesetter, printing._Binder())
        (right,) = printing._typeset(typesetter, renderer, [planned], [])
        # Counted as if the cover were all of the front (the 次第 is one page).
        (again,) = printing._put_together(typesetter, renderer, [planned], {id(planned): 1})
    texts = [page_texts(PdfReader(io.BytesIO(pdf))) for pdf in (right, again)]
    assert texts[0] == texts[1]
    assert texts[1][2].splitlines()[-1] == "- 2 -"
