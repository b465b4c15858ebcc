"""The cleaner on the five seed pages (hand-checked line by line) and on pages in the
style of other sites that the rules were not written from."""

import re
import unicodedata
from pathlib import Path

import pytest

from analysis.corpus.cleaning import clean_page

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
SITES = Path(__file__).parents[1] / "data" / "sites"

# Raw line numbers of each page's article body, read by hand; a tuple is one paragraph
# split over lines inside an open quotation. Inline byline prefixes are stripped.
SEED_BODY_LINES = {
    "000": [12, (13, 14), (15, 16), 17, 18, 19, 20, 21],
    "001": [10, 11, 12, 22, 24, 26, 28, 30, 32, 34, 36, 38],
    "002": [9, 11, 13, 14, 16, 20, 22, 24, 28, 30, 32, 38, 40, 42, 48],
    "003": [41, 51, 59, 63, 67, 71, 75, 79, 83, 87],
    "004": [5, 6, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 37, 39, 41, 43, 45, 47],
}
SEED_TITLE_LINE = {"000": 1, "001": 4, "002": 2, "003": 39, "004": 3}
INLINE_PREFIXES = ["[광주일등뉴스=박부길 기자] ", "【브레이크뉴스 대구】박성원 기자= "]
NOISE = ["기사 스크랩", "클린뷰", "프린트", "본문 바로가기", "728x90", "반응형", "광고", "댓글", "@",
         "©", "/연합뉴스", "kwangju.co.kr", "박진표 기자", "박부길 기자", "박성원 기자", "박준배 기자",
         "보고’를 하고 있다.", "꼼꼼히 청취하고 있다.", "도배방지", "더보기", "이런 일&저런 일", "탄흔", "UPDATE", "승인 2023", "뉴스1"]


def _raw(doc: str) -> list[str]:
    path = next(RAW.glob(f"{doc}_*.txt"))
    return unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).splitlines()


def _norm(text: str) -> str:
    for prefix in INLINE_PREFIXES:
        text = text.replace(prefix.strip(), "")
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("doc", sorted(SEED_BODY_LINES))
def test_seed_page_body_is_exactly_the_article(doc):
    lines = _raw(doc)
    result = clean_page("\n".join(lines))
    expected = [_norm(" ".join(lines[n - 1] for n in (item if isinstance(item, tuple) else (item,))))
                for item in SEED_BODY_LINES[doc]]
    assert result.body.split("\n") == expected
    assert result.title == _norm(lines[SEED_TITLE_LINE[doc] - 1])


@pytest.mark.parametrize("doc", sorted(SEED_BODY_LINES))
def test_seed_page_body_has_no_noise_and_no_repeats(doc):
    body = clean_page("\n".join(_raw(doc))).body
    for noise in NOISE:
        assert noise not in body, noise
    paragraphs = body.split("\n")
    assert len(paragraphs) == len(set(paragraphs))


@pytest.mark.parametrize("doc", sorted(SEED_BODY_LINES))
def test_every_nonblank_line_is_kept_or_audited(doc):
    lines = _raw(doc)
    result = clean_page("\n".join(lines))
    audited = set(result.removed.line)
    kept = {n for item in SEED_BODY_LINES[doc] for n in (item if isinstance(item, tuple) else (item,))}
    nonblank = {i + 1 for i, line in enumerate(lines) if line.strip()}
    # Lines with a stripped byline prefix are both kept and audited.
    assert nonblank == audited | kept
    assert set(result.removed.rule) <= {"ui_token", "header_chrome", "dateline", "byline", "copyright",
                                        "photo_caption", "comment_widget", "after_article", "duplicate",
                                        "repeated_title", "title"}


def test_000_duplicate_block_is_audited_as_duplicates():
    result = clean_page("\n".join(_raw("000")))
    assert result.removed.set_index("line").loc[list(range(23, 32)), "rule"].eq("duplicate").all()


SITE_EXPECTED = {
    "portal_page.txt": (
        '부산시장 "AI 반도체 특구로 수도권을 앞지르겠다"',
        ['박형준 부산시장은 5일 "AI 반도체 특구로 수도권을 앞지르겠다"고 밝혔다.',
         '박 시장은 이날 확대간부회의에서 "부산은 더 이상 변방이 아니다. 우리가 먼저 움직이면 정부도 따라온다"며 '
         '"특구 지정은 시작일 뿐"이라고 강조했다.',
         '그는 "인공지능 인재 1만 명을 길러 청년이 떠나지 않는 도시를 만들겠다"고 덧붙였다.',
         "시는 올해 관련 예산 320억원을 편성했다."],
        {"header_chrome", "dateline", "byline", "ui_token", "photo_caption", "copyright", "after_article"},
    ),
    "blog_repost.txt": (
        '대전시장 "과학수도 대전, 국내 최초 AI 실증도시로"',
        ['이장우 대전시장은 16일 "대전을 국내 최초 AI 실증도시로 만들겠다"고 말했다.',
         '이 시장은 "위기를 기회로 바꾸는 것이 대전의 저력"이라며 "연구단지의 기술을 시민의 삶으로 옮기겠다"고 강조했다.',
         "대전시는 내년까지 실증 사업 20건을 추진할 계획이다."],
        {"header_chrome", "dateline", "byline", "ui_token", "duplicate", "after_article"},
    ),
    "local_news.txt": (
        '울산시장 "우리의 운명은 우리가 개척한다"',
        ['송철호 울산시장은 1일 "울산의 미래는 중앙정부가 대신 열어주지 않는다"고 말했다.',
         '송 시장은 "우리의 운명은 우리가 개척한다"며 "수소 산업은 울산이 전국 최초로 시작했다"고 강조했다.',
         "한편 시는 수소 모빌리티 특구 2단계 사업을 신청할 예정이다."],
        {"header_chrome", "dateline", "byline", "ui_token", "photo_caption", "copyright", "comment_widget",
         "after_article"},
    ),
}


@pytest.mark.parametrize("name", sorted(SITE_EXPECTED))
def test_unseen_site_styles_are_cleaned(name):
    title, body, rules = SITE_EXPECTED[name]
    result = clean_page((SITES / name).read_text(encoding="utf-8"))
    assert result.title == title
    assert result.body.split("\n") == body
    assert rules <= set(result.removed.rule)


def test_body_sentence_ending_in_progressive_is_not_a_caption():
    page = "제목 줄입니다\n시는 인공지능 산업을 집중적으로 추진하고 있다.\n광주시는 올해 예산을 편성하고 있다."
    assert clean_page(page).body.split("\n") == ["시는 인공지능 산업을 집중적으로 추진하고 있다.",
                                                 "광주시는 올해 예산을 편성하고 있다."]


def test_lede_mentioning_a_press_conference_keeps_its_text():
    page = "제목 줄입니다\n이용섭 광주시장은 28일 송·신년 기자회견을 통해 포부를 밝혔다."
    assert clean_page(page).body == "이용섭 광주시장은 28일 송·신년 기자회견을 통해 포부를 밝혔다."


def test_top_byline_with_email_does_not_cut_the_article():
    page = "시장 \"AI 도시\"\n홍길동 기자 hong@news.kr\n첫 문단이다.\n둘째 문단이다.\n셋째 문단이다."
    assert clean_page(page).body.split("\n") == ["첫 문단이다.", "둘째 문단이다.", "셋째 문단이다."]
