"""Turn a raw scraped news page into its title and article body, keeping an audit trail.

The rules describe *kinds* of page noise common to Korean news sites, portals and blogs,
not any one site: short interface tokens, bylines and datelines, e-mail and copyright
lines, photo captions, comment widgets, lists of other articles after the sign-off, and
repeated paragraphs. Each raw line is either kept or removed by exactly one named rule,
and every removal is returned, so nothing leaves the corpus unrecorded.

The body comes back as one paragraph per line. A raw line that ends inside an open
quotation is joined with the next one, because a line break inside a quote is a
rendering artefact, not a paragraph break; a quotation mark that never closes joins at
most ``MAX_QUOTE_JOIN`` lines, so it cannot swallow the rest of the page.

Deciding what is the title never drops the article: a first line too long to be a
headline (an article saved on one line) stays in the body, and when the only text left
was taken as the title, it goes back to the body.

Example
-------
>>> page = "본문 바로가기\\n시장 \\"AI 도시\\"\\n공유\\n시장은 \\"AI 도시를 만들겠다\\"고 말했다.\\n/홍길동 기자 hong@news.kr"
>>> result = clean_page(page)
>>> result.title
'시장 "AI 도시"'
>>> result.body
'시장은 "AI 도시를 만들겠다"고 말했다.'
>>> sorted(result.removed["rule"])
['byline', 'title', 'ui_token', 'ui_token']
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import pandas as pd

# Interface words that appear alone on a line: navigation, sharing, print/zoom, ad
# slots, logos, "more" links, comment counters. Matched on the whole (short) line.
_UI_WORDS = (
    r"기사\s*스크랩|스크랩|공유(하기)?|이 기사를 공유합니다|댓글(\s*\d+)?|댓글쓰기|클린뷰|프린트|인쇄|"
    r"글씨\s*(크게|작게)|글자\s*크기(\s*설정)?|본문\s*듣기|좋아요(\s*\d+)?|구독(하기)?|"
    r"URL\s*복사|링크\s*복사|페이스북|트위터|카카오톡|카카오스토리|네이버\s*블로그|밴드|"
    r"광고|AD|로고|더\s*보기|더보기|목록|이전\s*기사|다음\s*기사|top|맨\s*위로|닫기|"
    r"반응형|도배방지\s*이미지|많이\s*본\s*뉴스|관련\s*기사|이런\s*일\s*&\s*저런\s*일|"
    r"공감|신고|추천|Copyright|전체\s*메뉴|검색|로그인|회원가입|기사\s*원문|원문\s*보기|저작자\s*표시"
)
_UI_LINE = re.compile(rf"^[\s•·\-|*>▶▷◀◁]*(?:{_UI_WORDS})[\s•·\-|*]*$", re.IGNORECASE)
# Lines built only of navigation links ("본문 바로가기", "회사정보 바로가기").
_SKIP_LINK = re.compile(r"^(?:[\w가-힣]*\s*){0,3}바로가기(?:\s+[\w가-힣]*\s*바로가기)*\s*$")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")
_AD_SIZE = re.compile(r"^\s*\d{2,4}\s*[x×]\s*\d{2,4}\s*$")

_DATE = r"\d{4}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{1,2}\.?"
_DATELINE = re.compile(
    rf"^[\s•·]*(?:UPDATE\.?|승인|입력|수정|등록|발행|송고|기사\s*입력|최종\s*수정)\s*:?\s*{_DATE}"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_REPORTER = re.compile(r"[가-힣]{2,4}\s?(?:기자|특파원|객원기자|통신원)")
# "by 광주일보 2020. 12. 29." — a blog repost's source line.
_BY_LINE = re.compile(rf"^\s*by\s+\S.*{_DATE}\s*$", re.IGNORECASE)
# "/연합뉴스", "/뉴스1": an agency sign-off on its own line.
_AGENCY_SIGNOFF = re.compile(r"^\s*/\s*[\w가-힣 ]{2,15}\s*$")
# "출처: 대전일보" — where a reposted article came from.
_SOURCE_LINE = re.compile(r"^\s*(?:출처|원문|기사\s*출처)\s*[:：]\s*\S{1,30}\s*$")
# Site navigation before the headline: breadcrumbs and short section or blog names.
_BREADCRUMB = re.compile(r"\S\s*(?:>|›|»|\|)\s*\S")
HEADER_CHROME = 12
MIN_BODY_BEFORE_SIGNOFF = 3
_COPYRIGHT = re.compile(r"ⓒ|©|copyright|무단\s*전재|재배포\s*금지|all rights reserved", re.IGNORECASE)
# An inline byline before the lede: "[광주일등뉴스=박부길 기자] ", "【브레이크뉴스 대구】박성원 기자= ",
# "(광주=뉴스1) 박준배 기자 = ".
_BYLINE_PREFIX = re.compile(
    r"^\s*(?:[\[【(][^\]】)]{0,30}=\s*[가-힣]{2,4}\s?기자\s*[\]】)]"  # [매체=홍길동 기자]
    r"|(?:[\[【(][^\]】)]{1,30}[\]】)]\s*)?[가-힣]{2,4}\s?기자\s*=)\s*"  # 【매체】홍길동 기자=
)
# Photo captions: a leading triangle, a position note such as "(왼쪽부터)", a photo
# credit, or a present-progressive description of what the picture shows.
_CAPTION_START = re.compile(r"^\s*(?:[▲△▶]|\(?\s*(?:사진|앞줄|뒷줄|왼쪽|오른쪽|가운데)[^)]{0,15}\))")
_CAPTION_CREDIT = re.compile(r"[\[(][^\[\]()]{0,30}제공[^\[\]()]{0,30}[\])]|사진\s*=|\bphoto\b", re.IGNORECASE)
_CAPTION_ACTION = re.compile(
    r"(?:[을를]\s*하고|청취하고|발언하고|인사하고|경청하고|참석하고|박수를\s*치고|둘러보고|"
    r"살펴보고|지켜보고|설명하고|기념촬영을\s*하고|듣고)\s*있다\.?\s*$"
)
# A row of reaction or sharing buttons with their counts: "좋아요 0 훈훈해요 0 슬퍼요 0 화나요 0".
_REACTION_ROW = re.compile(r"^(?:[\s|·•]*[가-힣A-Za-z]{1,8}(?:\s*[가-힣A-Za-z]{1,6})?\s*[:：]?\s*\d{1,7}[\s|·•]*){2,}$")
_COMMENT_WIDGET = re.compile(r"댓글|로그인|계정\s*인증|계정을\s*선택|삭제하시겠습니까|복구할\s*수\s*없습니다")
_QUOTE_CHARS = re.compile(r"[\"“”]")
_SENTENCE_END = re.compile(r"[.!?。…\"”'’)」』]\s*$|[다요죠까]\s*$")

SHORT_LINE = 40  # interface noise is short; body paragraphs rarely are this short and unpunctuated
MAX_TITLE = 200  # a longer first line is an article saved on one line, not a headline
MAX_QUOTE_JOIN = 5  # lines one open quotation may join; more is a mark that never closes


@dataclass(frozen=True)
class CleanResult:
    """The outcome of :func:`clean_page`.

    ``title`` is the headline, ``body`` the article with one paragraph per line and
    ``removed`` an audit table with one row per removed line or line part
    (``line``: 1-based raw line number, ``text``, ``rule``).
    """

    title: str
    body: str
    removed: pd.DataFrame


def _normalise(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def _quote_balance(line: str) -> tuple[int, int]:
    """(straight quotes mod 2, curly openers minus closers): a paragraph's balance is the
    sum over its lines, so an open quote is known without rescanning the paragraph."""
    return line.count('"') % 2, line.count("“") - line.count("”")


def _classify_noise(line: str) -> str | None:
    """Name the noise rule that a single line matches, or None for a body line."""
    text = _normalise(line)
    if _PUNCT_ONLY.match(text) or _AD_SIZE.match(text):
        return "ui_token"
    if len(text) <= SHORT_LINE and (_UI_LINE.match(text) or _SKIP_LINK.match(text)):
        return "ui_token"
    if len(text) <= 120 and _REACTION_ROW.match(text):
        return "reaction_widget"
    if _DATELINE.match(text) or _BY_LINE.match(text):
        return "dateline"
    if _SOURCE_LINE.match(text):
        return "byline"
    if len(text) <= 100 and _EMAIL.search(text):
        return "byline"
    if len(text) <= 60 and _REPORTER.search(text) and not _QUOTE_CHARS.search(text) and not text.endswith(("다.", "다")):
        return "byline"
    if _AGENCY_SIGNOFF.match(text):
        return "byline"
    has_quote = bool(_QUOTE_CHARS.search(text))
    if _CAPTION_START.match(text) or (_CAPTION_CREDIT.search(text) and not has_quote):
        return "photo_caption"
    if not has_quote and len(text) <= 150 and _CAPTION_ACTION.search(text):
        return "photo_caption"
    if len(text) <= 100 and _COPYRIGHT.search(text):
        return "copyright"
    if len(text) <= 60 and _COMMENT_WIDGET.search(text):
        return "comment_widget"
    return None


def _is_header_chrome(text: str, following: str) -> bool:
    """A line before the headline that is navigation, a section or a blog name.

    A short line right before body text (a paragraph, not another short line) is the
    headline itself: "AI 도시 광주" above the lede is not a section name.
    """
    if _QUOTE_CHARS.search(text):
        return False
    if _BREADCRUMB.search(text):
        return True
    short = len(text) <= HEADER_CHROME and not _SENTENCE_END.search(text)
    return short and not _is_body_text(following)


def _is_body_text(text: str) -> bool:
    return len(text) > SHORT_LINE and bool(_SENTENCE_END.search(text))


def _is_signoff(rule: str | None, text: str) -> bool:
    return rule == "byline" and (bool(_EMAIL.search(text)) or text.lstrip().startswith("/"))


def clean_page(raw: str) -> CleanResult:
    """Split a raw page into title and body and record every line removed.

    ``raw`` must already be decoded and NFC-normalised (see :mod:`analysis.corpus`).
    Blank lines are layout, not content, and are not recorded.

    Example
    -------
    >>> r = clean_page("광고\\n광주시, 인공지능 중심도시 선언\\n본문 첫 문장이다.\\n본문 첫 문장이다.")
    >>> r.title, r.body
    ('광주시, 인공지능 중심도시 선언', '본문 첫 문장이다.')
    >>> r.removed[["line", "rule"]].values.tolist()
    [[1, 'ui_token'], [2, 'title'], [4, 'duplicate']]
    """
    lines = raw.splitlines()
    rules: list[str | None] = [None if line.strip() else "blank" for line in lines]
    for i, line in enumerate(lines):
        if rules[i] is None:
            rules[i] = _classify_noise(line)

    # Nothing of the article follows its sign-off (a byline with an e-mail, or an agency
    # credit) once some paragraphs stand before it: what comes after is copyright,
    # comment widgets and lists of other articles. A byline under the headline has too
    # few lines before it to count.
    signoffs = [i for i, r in enumerate(rules) if _is_signoff(r, lines[i])]
    if signoffs and sum(r is None for r in rules[: signoffs[-1]]) > MIN_BODY_BEFORE_SIGNOFF:
        for i in range(signoffs[-1] + 1, len(lines)):
            if rules[i] is None:
                rules[i] = "after_article"

    removed: list[tuple[int, str, str]] = []
    title = ""
    content = [i for i, r in enumerate(rules) if r is None]
    next_content = {i: _normalise(lines[j]) for i, j in zip(content, content[1:])}
    kept: list[tuple[int, str]] = []  # (raw index, text)
    seen: list[str] = []
    for i, line in enumerate(lines):
        rule = rules[i]
        if rule == "blank":
            continue
        if rule is not None:
            removed.append((i + 1, line, rule))
            continue
        text = _normalise(line)
        if not title and not kept and _is_header_chrome(text, next_content.get(i, "")):
            removed.append((i + 1, line, "header_chrome"))
            continue
        if not title and not kept and len(text) <= MAX_TITLE:
            title = text
            removed.append((i + 1, line, "title"))
            seen.append(text)  # the only entry so far, so the list stays sorted
            continue
        prefix = _BYLINE_PREFIX.match(text)
        if prefix and prefix.end() < len(text):
            removed.append((i + 1, prefix.group(0), "byline"))
            text = text[prefix.end():].strip()
        # A repeat of the title or of an earlier paragraph, or a truncated copy of one
        # (teasers cut an earlier paragraph short), keeps only its first occurrence.
        # ``seen`` stays sorted, so the one line that could start with ``text`` is the
        # first at or after it: a bisect, not a scan of every earlier line.
        at = bisect.bisect_left(seen, text)
        follower = seen[at] if at < len(seen) else ""
        if follower == text or (len(text) >= 30 and follower.startswith(text)):
            removed.append((i + 1, line, "repeated_title" if text == title else "duplicate"))
            continue
        bisect.insort(seen, text)
        kept.append((i, text))

    if not kept:
        # Nothing left but what was taken for the headline or the site's chrome above it:
        # those lines are the article (a page of one line, or of two short ones).
        back = [row for row in removed if row[2] in ("title", "header_chrome")]
        if back:
            removed = [row for row in removed if row[2] not in ("title", "header_chrome")]
            lines_back = [(line_no - 1, _normalise(line)) for line_no, line, _ in back]
            title = lines_back[0][1] if len(lines_back) > 1 and len(lines_back[0][1]) <= MAX_TITLE else ""
            kept = lines_back[1:] if title else lines_back
            if title:
                removed.append((back[0][0], back[0][1], "title"))

    paragraphs: list[list[str]] = []  # each paragraph's lines, joined once at the end
    previous_index, straight, curly = None, 0, 0
    for index, text in kept:
        is_open = straight == 1 or curly > 0
        if paragraphs and previous_index == index - 1 and is_open and len(paragraphs[-1]) <= MAX_QUOTE_JOIN:
            paragraphs[-1].append(text)
            s, c = _quote_balance(text)
            straight, curly = (straight + s) % 2, curly + c
        else:
            paragraphs.append([text])
            straight, curly = _quote_balance(text)
        previous_index = index

    audit = pd.DataFrame(removed, columns=["line", "text", "rule"])
    return CleanResult(title=title, body="\n".join(" ".join(parts) for parts in paragraphs), removed=audit)
