"""A flattened national form (様式2 as a PDF's text comes out, one cell per line) of 伊勢崎市 that leaves out its
fiscal year, written for the import review's tests, as text and as a real PDF (WeasyPrint, a dependency)."""

from html import escape

# Two projects in columns; amounts in 千円. No line states the fiscal year.
FORM_LINES = (
    "伊勢崎市 地方創生推進交付金 効果検証",
    "団体名",
    "群馬県伊勢崎市",
    "交付対象事業の名称",
    "いせさき創業支援拠点運営事業",
    "いせさき農産物ブランド化事業",
    "事業費（千円）",
    "12,400",
    "5,300",
    "交付金充当額（千円）",
    "6,200",
    "2,650",
    "指標①",
    "創業者数",
    "新規取引先数",
    "目標値",
    "20人",
    "8社",
    "実績値",
    "23人",
    "6社",
    "事業の効果",
    "地方創生に相当程度効果があった",
    "地方創生に効果があった",
    "今後の方針",
    "事業の継続",
    "事業内容の見直し（改善）",
)


def form_text() -> bytes:
    return ("\n".join(FORM_LINES) + "\n").encode("utf-8")


def form_pdf() -> bytes:
    """The form's lines as a PDF page, one paragraph a line, as a city's PDF gives them to text extraction."""
    from weasyprint import HTML

    paragraphs = "".join(f"<p style='margin:0'>{escape(line)}</p>" for line in FORM_LINES)
    page = ("<html lang='ja'><head><meta charset='utf-8'><style>body { font-family: 'Noto Sans CJK JP', sans-serif;"
            " font-size: 10pt; }</style></head><body>" + paragraphs + "</body></html>")
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf
