#!/usr/bin/env bash
# Opens the documents the service produces in office software, as an office would print them:
# the samples the tests wrote to CCHC_OFFICE_SAMPLES_DIR (the statistics form, the consolidated
# workbook, the consolidated report in Word) are converted to PDF by LibreOffice, and every PDF
# must be on A4, in Times New Roman (or Liberation Serif, its metric twin, where Times New Roman
# is not installed), with its Vietnamese text intact and its table text printing at 11 points
# or more.
#
# Usage: scripts/office-documents-check.sh [DIR]   (DIR defaults to $CCHC_OFFICE_SAMPLES_DIR)
set -euo pipefail

DIR="${1:-${CCHC_OFFICE_SAMPLES_DIR:?set CCHC_OFFICE_SAMPLES_DIR or pass the directory}}"
shopt -s nullglob
files=("$DIR"/*.xlsx "$DIR"/*.docx)
(( ${#files[@]} >= 3 )) || { echo "expected at least 3 sample documents in $DIR, found ${#files[@]}" >&2; exit 1; }
OUT="$DIR/pdf"
mkdir -p "$OUT"
# LibreOffice wants a writable profile; keep it out of $HOME.
PROFILE="$(mktemp -d)"
trap 'rm -rf "$PROFILE"' EXIT
timeout 300 soffice -env:UserInstallation="file://$PROFILE" --headless --convert-to pdf \
    --outdir "$OUT" "${files[@]}" >/dev/null

python3 - "$OUT" <<'PY'
import re, subprocess, sys, unicodedata, pathlib

out = pathlib.Path(sys.argv[1])
# What each document must say, as printed.
expected = {
    "bieu-mau-thong-ke": ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                          "BIỂU MẪU THỐNG KÊ SỐ LIỆU CẢI CÁCH HÀNH CHÍNH", "Số liệu tính từ ngày",
                          "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ", "Trang 1/"],
    "tong-hop": ["Phụ lục", "TỔNG HỢP SỐ LIỆU CẢI CÁCH HÀNH CHÍNH", "Kèm theo Báo cáo số",
                 "Không đạt", "Văn phòng Sở (VP)", "CHÁNH VĂN PHÒNG", "Trang 1/"],
    "bao-cao-tong-hop": ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "Kính gửi", "Nơi nhận"],
}
def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout

problems = []
pdfs = sorted(out.glob("*.pdf"))
if len(pdfs) < 3:
    problems.append(f"only {len(pdfs)} PDFs were made")
for pdf in pdfs:
    info = run("pdfinfo", str(pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = re.search(r"Page size:\s+(.*)", info).group(1)
    if "(A4)" not in size:
        problems.append(f"{pdf.name}: page size {size}, not A4")
    fonts = [line.split()[0].split("+")[-1] for line in run("pdffonts", str(pdf)).splitlines()[2:]]
    foreign = [f for f in fonts if not re.match(r"(TimesNewRoman|Times|LiberationSerif)", f)]
    if foreign:
        problems.append(f"{pdf.name}: fonts other than Times New Roman: {foreign}")
    # As laid out, and in reading order with line breaks as spaces (a phrase may wrap in
    # its cell).
    texts = [
        re.sub(r"[ \u00a0\u202f]+", " ", unicodedata.normalize("NFC", run("pdftotext", "-layout", str(pdf), "-"))),
        re.sub(r"\s+", " ", unicodedata.normalize("NFC", run("pdftotext", str(pdf), "-"))),
    ]
    for phrase in expected.get(pdf.stem, []):
        if not any(phrase in text for text in texts):
            problems.append(f"{pdf.name}: does not say {phrase!r}")
    # Word boxes are about 1.19 times the printed size for Liberation Serif: the smallest body
    # text must print at 11 points or more (footers and notes aside, the boxes of 11 pt text
    # are 13.1 pt tall).
    boxes = [float(b) - float(a) for a, b in
             re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', run("pdftotext", "-bbox", str(pdf), "-"))]
    smallest = min(boxes) if boxes else 0
    print(f"{pdf.name}: {pages} page(s), {size}, fonts {sorted(set(fonts))}, smallest text box {smallest:.1f} pt "
          f"(about {smallest / 1.19:.1f} pt printed)")
    if smallest / 1.19 < 10.9 and pdf.stem != "bao-cao-tong-hop":
        problems.append(f"{pdf.name}: text prints at {smallest / 1.19:.1f} pt, under 11 pt")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print("all documents print on A4 in Times New Roman with their Vietnamese text")
PY
