"""Write the bring-your-own-corpus test inputs beside this file.

Every format the corpus stage reads and every kind of bad input, a few hundred bytes
each. The BigKinds workbook is made at test time (tests/test_importers.py). After a
change here, rerun ``python tests/data/byoc/make_byoc.py`` and review
``expected_report.csv`` row by row: it is the specification, not a snapshot.
"""
import json
import shutil
import unicodedata
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent
for folder in ("pages", "tables", "errors"):
    shutil.rmtree(ROOT / folder, ignore_errors=True)
(ROOT / "pages" / "nested" / "deeper").mkdir(parents=True)
(ROOT / "tables").mkdir()
(ROOT / "errors").mkdir()


def page(outlet, reporter, email, title, body, date="2021.03.03 09:30"):
    return "\n".join(["전체메뉴", "로그인", "HOME > 지역", title, f"{reporter} 기자", f"승인 {date}", "댓글 0",
                      *body, f"{reporter} 기자 {email}", f"저작권자 ⓒ {outlet} 무단전재 및 재배포 금지", "관련기사",
                      "다른 기사 제목 하나"]) + "\n"


GWANGJU = [
    '이용섭 광주시장은 3일 간부회의에서 "광주를 인공지능 중심도시로 만들어 일본을 뛰어넘겠다"고 말했다.',
    '이 시장은 "위기는 곧 기회"라며 "4차 산업혁명의 파도를 우리가 먼저 타야 한다"고 강조했다.',
    "시는 올해 인공지능 집적단지 조성에 1천억 원을 투입하고 데이터센터 착공을 서두를 계획이다.",
    "또 지역 대학과 함께 인공지능 인재 5천 명을 길러 기업 유치에 나선다는 구상을 내놓았다.",
]


def write(rel, data):
    (ROOT / rel).write_bytes(data)


write("pages/gwangju_utf8.txt",
      page("광주일보", "김민수", "kms@kwangju.co.kr", '광주시장 "인공지능 중심도시로 도약"', GWANGJU).encode("utf-8"))
# The same story syndicated by another outlet: new chrome and byline, one sentence changed.
wire = GWANGJU[:3] + ["또 지역 대학과 함께 인공지능 인재 5천 명을 길러 기업을 유치하겠다는 구상을 밝혔다."]
write("pages/gwangju_wire.txt", ("\ufeff" + page("남도뉴스", "박지영", "pjy@namdo.kr", '이용섭 "AI 중심도시로 일본 넘는다"',
                                                 wire, "2021.03.04 11:00")).encode("utf-8"))
write("pages/daegu_cp949.txt", page("대구신문", "이정호", "ljh@daegu.kr", '권영진 "우리의 운명은 우리가 개척"', [
    '권영진 대구시장은 13일 확대간부회의에서 "우리의 운명은 우리가 개척한다"며 스마트시티 비전을 제시했다.',
    '권 시장은 "대구가 가면 그것이 대한민국의 새로운 길이 된다"고 말했다.',
    "시는 수성알파시티를 스마트시티 시범지구로 키우고 자율주행 실증을 확대한다.",
]).encode("cp949"))
write("pages/busan_euckr.txt", page("부산일보", "최영수", "cys@busan.kr", "부산시 해양 스마트시티 추진", [
    "부산시는 에코델타시티를 해양 스마트시티로 조성한다고 밝혔다.",
    '시장은 "부산이 대한민국 최초의 국가 시범도시가 될 것"이라고 말했다.',
    "시는 물 관리와 에너지 자립을 위한 실증 사업을 함께 추진한다.",
]).encode("euc-kr"))
write("pages/ulsan_utf16.txt", page("울산신문", "김철", "kimc@usnews.kr", '울산시장 "수소 도시는 우리가 먼저"', [
    '송철호 울산시장은 1일 "울산의 미래는 중앙정부가 대신 열어주지 않는다"고 말했다.',
    '송 시장은 "수소 산업은 울산이 전국 최초로 시작했다"고 강조했다.',
    "시는 수소 모빌리티 특구 2단계 사업을 신청할 예정이다.",
]).encode("utf-16"))
# Text copied on macOS arrives decomposed (NFD).
write("pages/sejong_nfd.txt", unicodedata.normalize("NFD", page("세종일보", "한지민", "hjm@sejong.kr", "세종시 자율주행 특구 지정", [
    "세종시가 자율주행 규제자유특구로 지정돼 내년부터 실증 버스를 운행한다.",
    '시장은 "행정수도 세종이 미래 교통의 시험대가 되겠다"고 말했다.',
])).encode("utf-8"))
write("pages/saved_page.html", """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>대전시 과학도시 선언 : 대전일보</title>
<style>body { font-family: sans-serif; } .ad { display: none }</style>
<script>var tracker = "광고 추적 코드"; if (a < b && c) { run(); }</script></head>
<body><nav>전체메뉴 | 로그인</nav>
<h1>대전시 &quot;과학수도&quot; 선언</h1>
<p>허태정 대전시장은 5일 &quot;대전을 대한민국 과학수도로 만들겠다&quot;고&nbsp;말했다.</p>
<p>허 시장은 연구개발특구와 대덕연구단지를&nbsp;묶어 &lt;과학도시 2030&gt; 계획을 내놓았다.\u200b</p>
<p>시는 &amp; 기호처럼 연구기관과 기업을 잇는 협력망을 만든다.<br>내년 예산은 500억 원이다.</p>
<noscript>자바스크립트를 켜 주세요</noscript>
</body></html>
""".encode("utf-8"))
write("pages/html_as_text.txt", """<html><body>
<div class="title">인천시 스마트 항만 구축</div>
<div class="article"><p>박남춘 인천시장은 인천항을 스마트 항만으로 바꾸겠다고 밝혔다.</p>
<p>박 시장은 &ldquo;물류의 미래는 데이터에 달려 있다&rdquo;고 말했다.</p><script>ads()</script></div>
</body></html>
""".encode("cp949"))
write("pages/nested/deeper/suwon.txt", page("경기일보", "오세훈", "osh@kg.kr", "수원시 인공지능 돌봄 확대", [
    "수원시는 홀몸 어르신 가구에 인공지능 스피커 돌봄 서비스를 확대한다.",
    '염태영 시장은 "기술이 사람을 돌보는 도시를 만들겠다"고 말했다.',
]).encode("utf-8"))
# Same file name as pages/daegu_cp949.txt, so the same doc_id: the later one is excluded.
write("pages/nested/daegu_cp949.txt", page("매일신문", "정다은", "jde@imaeil.kr", "대구시 로봇 산업 육성", [
    "대구시는 로봇 산업 클러스터에 3년간 2천억 원을 투자한다고 밝혔다.",
    '시장은 "로봇이 대구 제조업의 미래"라고 말했다.',
]).encode("utf-8"))
write("pages/empty.txt", b"")
write("pages/whitespace.txt", b"  \n\t\n   \n")
write("pages/image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00")
write("pages/undetectable.txt", bytes(range(0x80, 0x100)) * 3)
write("pages/english.txt", b"Mayor says AI city plan is on track.\nThe city will invest in data centres.\n")
write("pages/chrome_only.txt", "광고\n공유\n댓글 3\n로그인\n".encode("utf-8"))
write("pages/bad_date.txt", page("강원일보", "남궁민", "ngm@kwnews.kr", "춘천시 데이터 산업 육성", [
    "춘천시는 데이터 산업 육성 조례를 만들고 관련 기업 유치에 나선다.",
    '시장은 "춘천을 데이터 수도로 만들겠다"고 말했다.',
]).encode("utf-8"))

# The manifest as Excel saves it: CP949. One row names a file that is not there.
manifest = pd.DataFrame([
    ["gj-001", "gwangju_utf8.txt", "이용섭", "광주일보", "2021-03-03"],
    ["gj-002", "gwangju_wire.txt", "이용섭", "남도뉴스", "2021.03.04"],
    ["cc-001", "bad_date.txt", "이재수", "강원일보", "작년 봄"],
    ["sj-001", "sejong_nfd.txt", "이춘희", "세종일보", "2021년 4월 2일"],
    ["gone-001", "missing.txt", "오거돈", "부산일보", "2021-05-05"],
], columns=["doc_id", "file", "speaker", "outlet", "published"])
(ROOT / "manifest.csv").write_bytes(manifest.to_csv(index=False, lineterminator="\r\n").encode("cp949"))

SEOUL = ("서울시는 인공지능 행정 전환을 위해 민원 상담 챗봇을 모든 구청에 도입한다고 밝혔다.\n"
         '시장은 "서울이 세계 최고의 디지털 수도가 되겠다"고 말했다.\n시는 내년까지 200억 원을 투입한다.')
articles = pd.DataFrame([
    ["csv-1", "2021-05-01", "오세훈", "서울시 AI 민원 챗봇 도입", SEOUL, "서울신문"],
    ["csv-1", "2021-05-02", "오세훈", "같은 id의 다른 기사", "서울시는 자율주행 택시 시범 운행을 시작했다.", "서울경제"],
    ["csv-3", "지난주 화요일", "박형준", "부산 2030 엑스포 유치 전략",
     "부산시는 엑스포 유치를 위해 스마트 도시 전시관을 만든다고 밝혔다.\n시장은 \"세계가 부산을 보게 하겠다\"고 말했다.", "국제신문"],
    ["csv-4", "2021-05-04", "오세훈", "본문 없는 행", "   ", "서울신문"],
    ["csv-5", "2021-05-05", "Oh Se-hoon", "English only", "Seoul will deploy AI chatbots in every district office.",
     "Korea Herald"],
    ["csv-6", "2021-05-03", "오세훈", "[보도자료] 서울시 AI 민원 챗봇", SEOUL, "뉴스와이어"],
], columns=["doc_id", "date", "speaker", "title", "text", "outlet"])
(ROOT / "tables" / "articles.csv").write_bytes(articles.to_csv(index=False, lineterminator="\n").encode("utf-8"))
cp = pd.DataFrame([
    ["cp-1", "2021.06.01", "김영록", "전남 해상풍력 일자리",
     "전라남도는 신안 해상풍력 단지로 일자리 12만 개를 만든다고 밝혔다.\n지사는 \"전남이 에너지 대전환을 이끌겠다\"고 말했다."],
    ["cp-2", "2021. 6. 2.", "이철우", "경북 메타버스 도청",
     "경상북도는 메타버스 도청을 열어 민원 서비스를 시작했다.\n지사는 \"가상 공간에서도 도민을 만나겠다\"고 말했다."],
], columns=["doc_id", "published", "speaker", "title", "text"])
(ROOT / "tables" / "articles_cp949.csv").write_bytes(cp.to_csv(index=False, lineterminator="\r\n").encode("cp949"))
tsv = pd.DataFrame([
    ["tsv-1", "20210707", "양승조", "충남 탄소중립 선언",
     "충청남도는 2045년 탄소중립을 선언했다.\n지사는 \"석탄화력 폐지가 새로운 기회\"라고 말했다."],
    ["tsv-2", "20210708", "이시종", "충북 바이오 특구",  # NFD, as pasted on macOS
     unicodedata.normalize("NFD", "충청북도는 오송을 바이오 특구로 키운다.\n지사는 \"오송이 K-바이오의 중심\"이라고 말했다.")],
], columns=["doc_id", "date", "speaker", "title", "text"])
(ROOT / "tables" / "speeches.tsv").write_bytes(tsv.to_csv(index=False, sep="\t", lineterminator="\n").encode("utf-8"))
lines = [
    json.dumps({"doc_id": "jl-1", "published": "2021년 8월 15일", "speaker": "원희룡", "title": "제주 탄소 없는 섬",
                "text": "제주도는 2030년까지 탄소 없는 섬을 만든다고 밝혔다.\n지사는 \"제주가 전기차 보급의 선두\"라고 말했다."},
               ensure_ascii=False),
    '{"doc_id": "jl-2", "text": "이 줄은 JSON 이 아니다',
    json.dumps({"doc_id": "jl-3", "published": "2021-08-17", "speaker": "최문순", "title": "강원 수소 산업",
                "text": "<p>강원도는 삼척에 수소 산업 단지를 만든다.</p><p>지사는 &quot;수소가 강원의 미래&quot;라고 말했다.</p><br>"},
               ensure_ascii=False),
]
(ROOT / "tables" / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
pq = pd.DataFrame({
    "doc_id": pd.array([1310337, 1310338], dtype="int64"),
    "speaker": ["이승만", "이승만"],
    "title": ["3·1절 기념사", "국민에게 고함"],
    "date": ["1950", "1950.03.02"],
    "kind": ["기념사", "담화문"],
    "text": ["\n\n\n친애하는 동포 여러분, 오늘은 삼일절 기념일입니다.\n우리는 독립정신을 이어받아 나라를 지켜야 합니다.",
                    "국민 여러분, 전쟁의 위기 앞에서 우리는 하나로 뭉쳐야 합니다.\n정부는 국민과 함께 이 난국을 이겨낼 것입니다."],
})
pq.to_parquet(ROOT / "tables" / "speeches.parquet", index=False)
(ROOT / "errors" / "no_text_column.csv").write_text("doc_id,title,body\nx-1,제목,본문은 body 열에 있다\n", encoding="utf-8")
