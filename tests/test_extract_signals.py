"""Site-independent extraction signals (issue 19): list pages refused, comment
sections cut, legal notices dropped, blocks repeated across a site's pages
(ingest/chrome.py) stripped when asked."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from govtext.errors import SourceError  # noqa: E402
from ingest.chrome import SiteChrome  # noqa: E402
from ingest.crawl.crawler import documents_from  # noqa: E402
from ingest.extract import SIGNALS, extract_html  # noqa: E402

PARAGRAPHS = [
    "为进一步优化营商环境，市政府决定自今年三月起在全市范围内推行企业开办“一网通办”，申请人可在网上一次提交全部材料。",
    "各区县政务服务中心要设立综合窗口，统一受理企业设立登记、公章刻制、发票申领和社保登记等事项，办理时限压缩至一个工作日。",
    "市场监管、税务、人社等部门要加强数据共享，凡是能够通过系统获取的材料，一律不再要求申请人重复提交，切实减轻企业负担。",
    "各部门要按照职责分工抓好落实，及时总结推广好的经验做法，对工作中遇到的新情况新问题，要认真研究并提出解决办法。",
]


@contextmanager
def signal_off(name: str):
    """Run the block with one extraction signal off (to show that it, not something else, acts), and
    the learned page-kind model off too (GOVTEXT_PAGE_KIND=0): it refuses some of the pages a signal
    refuses, and here the signal alone is measured."""
    SIGNALS[name] = False
    before = os.environ.get("GOVTEXT_PAGE_KIND")
    os.environ["GOVTEXT_PAGE_KIND"] = "0"
    try:
        yield
    finally:
        SIGNALS[name] = True
        if before is None:
            del os.environ["GOVTEXT_PAGE_KIND"]
        else:
            os.environ["GOVTEXT_PAGE_KIND"] = before


def assert_refused_unless_off(html: str, signal: str, kept: str) -> None:
    """The page is refused as having no text, and with ``signal`` off its text holds ``kept``."""
    with pytest.raises(SourceError) as err:
        extract_html(html)
    assert err.value.code == "no_text"
    with signal_off(signal):
        assert kept in extract_html(html).text


def page(body: str, title: str = "关于推行企业开办一网通办的通知") -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def article(paragraphs=PARAGRAPHS, after: str = "", nav: str = "") -> str:
    ps = "".join(f"<p>{p}</p>" for p in paragraphs)
    return page(f"{nav}<div class='article'><h1>关于推行企业开办一网通办的通知</h1>{ps}{after}</div>")


def test_list_page_is_refused_as_no_text():
    items = "".join(
        f"<li><a href='/a/{i}.html'>关于做好第{i}批企业开办服务事项办理工作的通知</a><span>2024-03-{i % 28 + 1:02d}</span></li>"
        for i in range(40)
    )
    html = page(f"<div class='list'><h2>通知公告</h2><ul>{items}</ul></div>", title="通知公告")
    with pytest.raises(SourceError) as err:
        extract_html(html)
    assert err.value.code == "no_text"
    docs, why = documents_from(
        html.encode(), url="http://example.test/list.html", content_type="text/html", kind="page"
    )
    assert docs == [] and "list page" in why


def test_article_with_link_lists_around_it_is_not_refused():
    nav = "<ul>" + "".join(f"<li><a href='/c{i}'>栏目{i}</a></li>" for i in range(30)) + "</ul>"
    doc = extract_html(article(nav=nav))
    assert PARAGRAPHS[0][:20] in doc.text and PARAGRAPHS[-1][:20] in doc.text


def test_comment_section_ends_the_article():
    comments = "<p>发表评论</p>" + "".join(
        f"<p>网友{i}：这个政策真好，希望各地都能尽快推行，办事再也不用来回跑了，点赞支持！</p>" for i in range(8)
    )
    doc = extract_html(article(after=comments))
    assert PARAGRAPHS[-1][:20] in doc.text
    assert "网友3" not in doc.text
    with signal_off("comments"):
        assert "网友3" in extract_html(article(after=comments)).text  # the signal, not something else, cuts them


def test_legal_notice_is_dropped_but_a_sentence_about_copyright_is_kept():
    about = "市版权局表示，将加强网络作品版权保护，依法查处各类侵权盗版行为，维护权利人合法权益和市场秩序。"
    notice = "<p>凡本网注明“来源：本网”的所有作品，版权均属于本网，未经授权不得转载、摘编或以其他方式使用。</p>"
    doc = extract_html(article(paragraphs=PARAGRAPHS + [about], after=notice))
    assert about[:20] in doc.text
    assert "凡本网注明" not in doc.text


def test_site_chrome_strips_blocks_repeated_on_other_pages_of_the_host():
    footer = (
        "<p>本网站由市人民政府办公室主办，市大数据中心承办，欢迎各界人士对网站建设提出意见和建议，联系电话见下方。</p>"
    )
    pages = [article(paragraphs=[f"{p}本条适用于第{i}批试点。" for p in PARAGRAPHS], after=footer) for i in range(3)]
    plain = extract_html(pages[2], url="http://www.example.gov.test/c.html")
    assert "市大数据中心承办" in plain.text  # prose-like: without other pages it passes for text
    chrome = SiteChrome(min_pages=2)
    for i, html in enumerate(pages):
        doc = extract_html(html, url=f"http://www.example.gov.test/{i}.html", chrome=chrome)
    assert "市大数据中心承办" not in doc.text
    assert doc.meta["chrome_blocks"] >= 1
    assert f"{PARAGRAPHS[0]}本条适用于第2批试点。" in doc.text  # its own paragraphs are on no other page


def test_site_chrome_keeps_hosts_apart_and_forgets_beyond_its_window():
    chrome = SiteChrome(min_pages=1, window=2)
    chrome.observe("a.test", {1, 2})
    assert chrome.repeated("b.test", {1, 2}) == set()
    assert chrome.repeated("a.test", {1, 3}) == {1}
    chrome.observe("a.test", {3})
    chrome.observe("a.test", {4})  # the page with 1 and 2 falls out of the window
    assert chrome.repeated("a.test", {1, 2, 3, 4}) == {3, 4}
    with pytest.raises(ValueError):
        SiteChrome(min_pages=0)


def test_runs_of_short_lines_around_the_text_go_but_a_table_stays():
    player = "".join(f"<div>{w}</div>" for w in ("广告", "播放速度：2X", "00:00/00:00", "倍速", "2.0X", "1.5X", "高清"))
    stats = "".join(
        f"<div>{w}</div>" for w in ("词条统计", "浏览次数：5741次", "编辑次数：7次", "最近更新：", "2024-05-10")
    )
    table = "<table>" + "".join(f"<tr><td>第{i}组</td><td>{i * 3}人</td></tr>" for i in range(1, 7)) + "</table>"
    html = page(
        "<div class='article'>" + player + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + table + stats + "</div>"
    )
    doc = extract_html(html)
    assert PARAGRAPHS[0][:20] in doc.text and "第6组" in doc.text
    assert "倍速" not in doc.text and "编辑次数" not in doc.text
    with signal_off("runs"):
        assert "倍速" in extract_html(html).text  # the signal, not something else, drops them


def test_platform_notice_and_ip_location_lines_are_dropped():
    notice = (
        "<p>特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。</p>"
        "<p>平台声明：该文观点仅代表作者本人，搜狐号系信息发布平台，搜狐仅提供信息存储空间服务。</p>"
    )
    doc = extract_html(article(paragraphs=PARAGRAPHS[:2] + ["发布于：北京市"] + PARAGRAPHS[2:], after=notice))
    assert PARAGRAPHS[-1][:20] in doc.text
    assert "信息存储" not in doc.text and "发布于" not in doc.text


def test_a_late_reference_list_ends_the_text():
    refs = "<p>参考资料</p>" + "".join(
        f"<p>[{i}] 雄安高新区正式启动运行，新华社，2024年5月{i}日。</p>" for i in range(1, 6)
    )
    doc = extract_html(article(after=refs))
    assert PARAGRAPHS[-1][:20] in doc.text and "新华社" not in doc.text


def test_a_short_post_among_many_links_is_not_refused():
    nav = "<ul>" + "".join(f"<li><a href='/c{i}'>栏目{i}的最新通知公告</a></li>" for i in range(30)) + "</ul>"
    post = "我的电脑分辨率是2560*1440，登录游戏后全屏显示有的地方看不到了，我调了分辨率都没用。这是什么问题啊？"
    doc = extract_html(page(f"{nav}<div class='post'><h1>游戏全屏问题</h1><p>{post}</p></div>", title="游戏全屏问题"))
    assert post[:20] in doc.text


def test_a_site_naming_itself_in_a_no_reposting_notice_is_dropped():
    notice = "<p>39健康网(www.39.net)专稿，未经书面授权请勿转载。</p>"
    doc = extract_html(article(after=notice))
    assert PARAGRAPHS[-1][:20] in doc.text and "请勿转载" not in doc.text


def test_a_fact_box_goes_but_a_question_and_answer_list_stays():
    facts = (
        "<dl>"
        + "".join(
            f"<dt>{k}</dt><dd>{v}</dd>"
            for k, v in (
                ("中文名", "雄安高新区"),
                ("所属地区", "河北省雄安新区"),
                ("批准时间", "2023年12月27日"),
                ("面积", "952公顷"),
            )
        )
        + "</dl>"
    )
    qa = (
        "<dl><dt>问：企业开办需要哪些材料？</dt><dd>答：申请人只需在网上一次提交营业执照申请材料，其余材料由部门共享获取。</dd>"
        * 3
        + "</dl>"
    )
    doc = extract_html(
        article(paragraphs=PARAGRAPHS[:2], after=facts + qa + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:]))
    )
    assert "所属地区" not in doc.text and "企业开办需要哪些材料" in doc.text
    with signal_off("factbox"):
        assert "所属地区" in extract_html(article(paragraphs=PARAGRAPHS[:2], after=facts + qa)).text


def test_a_page_of_teasers_is_a_list_page():
    teasers = "".join(f"<p>{p[:45]}…<a href='/a/{i}.html'>[详细]</a></p>" for i, p in enumerate(PARAGRAPHS))
    with pytest.raises(SourceError) as err:
        extract_html(page(f"<div class='list'>{teasers}</div>", title="名家风采"))
    assert err.value.code == "no_text"
    one = f"<p>{PARAGRAPHS[0][:45]}…<a href='/a/full.html'>阅读全文</a></p>"
    assert PARAGRAPHS[1][:20] in extract_html(article(after=one)).text  # one such link does not make a list


def test_the_title_repeated_with_a_players_words_is_not_text():
    title = "关于推行企业开办一网通办的通知"
    head = f"<div>{title}收起</div><div>{title} 时长：01:45 来源：市政府网</div>"
    doc = extract_html(page(f"<div class='article'>{head}" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>"))
    assert "收起" not in doc.text and "时长" not in doc.text and PARAGRAPHS[0][:20] in doc.text


TEASERS = [
    "港珠澳大桥边检站对外公布，今年以来经珠海公路口岸出入境旅客突破一千万人次，同比增长六成。",
    "山东日照东港区蓝莓进入采摘期，当地依托产学研基地带动农户增收，蓝莓种植面积逐年扩大。",
    "拉鲁湿地国家级自然保护区开展科普自然教育课堂，邀请小学生担任湿地宣讲员，普及生态知识。",
    "河南、山东等地小麦进入成熟期，陆续开镰收割，农机手驾驶收割机在田间往来作业，一派丰收景象。",
    "各地高中开展丰富多彩的活动，帮助高三学子以轻松的心态迎接即将来临的高考，缓解备考压力。",
]


def _feed(stamp) -> str:
    return (
        "<ul class='feed'>"
        + "".join(
            f"<li class='card'><a href='/n/{i}.html'>新闻标题第{i}条</a><p>{t}</p><p>{stamp(i)}</p></li>"
            for i, t in enumerate(TEASERS)
        )
        + "</ul>"
    )


@pytest.mark.parametrize("stamp", [lambda i: f"图片新闻 2024-05-2{i} 09:41:17", lambda i: f"财经新闻·{i + 2} 小时前"])
def test_a_feed_of_teaser_cards_after_a_short_article_is_not_text(stamp):
    html = page(
        f"<div class='main'><div class='text'><p>{PARAGRAPHS[0]}</p></div><h3>相关新闻</h3>{_feed(stamp)}</div>"
    )
    doc = extract_html(html)
    assert PARAGRAPHS[0][:20] in doc.text
    assert "港珠澳" not in doc.text and "蓝莓" not in doc.text
    with signal_off("cards"):
        assert "蓝莓" in extract_html(html).text  # the signal, not something else, drops them


def test_dated_posts_of_a_thread_are_not_a_feed():
    """Cards that no paragraph of the same layout precedes (a thread under a cookie banner) stay."""
    banner = "<div class='cookie'>本站使用 cookie 数据以确保网站正常运行，并帮助我们为您提供最佳用户体验，继续浏览即表示同意。</div>"
    posts = "".join(
        f"<div class='post'><a href='/u/{i}'>用户{i}</a><span>{i + 1} 天前</span><p>{t}</p></div>"
        for i, t in enumerate(TEASERS)
    )
    doc = extract_html(page(f"{banner}<div class='app'><div class='thread'>{posts}</div></div>"))
    assert TEASERS[0][:15] in doc.text


def test_a_hidden_article_that_a_script_reveals_is_kept_and_a_hidden_menu_is_not():
    menu = "<div style='display:none'>" + "".join(f"<a href='/c{i}'>栏目{i}</a>" for i in range(20)) + "</div>"
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS + TEASERS[:2])
    html = page(
        f"{menu}<h1>关于推行企业开办一网通办的通知</h1><div id='js_content' style='visibility: hidden;'>{body}</div>"
    )
    doc = extract_html(html)
    assert PARAGRAPHS[0][:20] in doc.text and "栏目3" not in doc.text
    with signal_off("hidden"):
        with pytest.raises(SourceError):
            extract_html(html)  # without the signal the page has no text


def test_an_endless_scroll_page_gives_its_own_article_not_the_longer_next_one():
    own = (
        "<div class='item'><h1>美官员否认直升机事故存在谋杀行为</h1><p>2024-05-20 13:09</p>"
        + f"<p>{TEASERS[0]}</p><p>{TEASERS[1]}</p></div>"
    )
    nxt = (
        "<div class='item'><h1>三十一岁一炮而红的歌手其实已经去世十年了</h1><p>2023-06-01 00:48</p>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</div>"
    )
    html = page(f"<div class='scroll'>{own}{nxt}</div>", title="美官员否认直升机事故存在谋杀行为_新闻")
    doc = extract_html(html)
    assert TEASERS[0][:20] in doc.text and PARAGRAPHS[0][:20] not in doc.text
    with signal_off("anchor"):
        assert PARAGRAPHS[0][:20] in extract_html(html).text  # the signal, not something else, decides


def test_a_sidebar_that_nets_little_is_left_out_of_the_container():
    controls = "".join(f"<div>{w}</div>" for w in ("播放", "下一个", "打开循环播放", "画中画", "网页全屏", "多音轨"))
    videos = f"<div class='v'>精彩视频！球队发力打出一波进攻高潮！</div>{controls}"
    html = page(
        "<div class='wrap'><div class='left'><h1>关于推行企业开办一网通办的通知</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + f"</div><div class='right'><div class='videos'>{videos}</div></div></div>"
    )
    doc = extract_html(html)
    assert PARAGRAPHS[-1][:20] in doc.text and "精彩视频" not in doc.text
    with signal_off("narrow"):
        assert "精彩视频" in extract_html(html).text  # the signal, not something else, leaves it out


def test_a_boilerplate_name_on_the_page_wrapper_does_not_drop_the_article():
    """The wrapper's menu outweighs its punctuation, but it holds the <h1> and the sentences."""
    nav = "<ul class='menu'>" + "".join(f"<li><a href='/c{i}'>栏目{i}</a></li>" for i in range(400)) + "</ul>"
    html = page(
        f"<div class='site-container int-nav'>{nav}<h1>关于推行企业开办一网通办的通知</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS + TEASERS)
        + "</div>"
    )
    doc = extract_html(html)
    assert PARAGRAPHS[0][:20] in doc.text
    with signal_off("wrapper"):
        with pytest.raises(SourceError):
            extract_html(html)  # the name alone drops the whole page


def test_prose_with_spaces_for_punctuation_is_text_and_a_byline_is_not():
    lines = [
        "一波波接续性低温寒流报到 已将新竹尖石乡后山一带层层山峦披上嫣红的彩衣",
        "玉峰道路一路上云气山岚滞留山头 顺路下切蜿蜒道路后不久即抵达来到玉峰国小",
        "美树美如其名偌大枫香树早已呈现金黄 泛红色彩也是爱摄人士所喜爱造访之地",
        "第二次造访美树发现到营区变了 印象中以前生冷招牌换成了原木招牌可谓匠心独运",
        "熏黑原木加上金黄色醒目字体 加上了猫头鹰原木创作也充分发挥了装饰艺术功力",
    ]
    contact = "<div class='info'><p>联络电话：03-584-7231</p><p>营地地址：新竹县尖石乡玉峰村6邻20号</p></div>"
    html = page(f"<div class='post'>{'<br>'.join(lines)}</div>{contact}", title="新竹尖石美树营地赏枫")
    doc = extract_html(html)
    assert lines[0] in doc.text and lines[-1] in doc.text
    from ingest.text import spaced_clauses as _spaced_clauses

    assert not _spaced_clauses("2024-05-18 16:56发布于北京环球时报新媒体官方账号")
    assert not _spaced_clauses("首页 新闻 体育 财经 娱乐 汽车 房产")
    with signal_off("spaced"), signal_off("fields"):  # (without them, only the contact lines are left)
        assert lines[0] not in extract_html(html).text  # the signal, not something else, finds them


def test_a_thread_list_of_titles_with_short_excerpts_is_a_list_page():
    records = "".join(
        f"<li><div><a href='/p/{i}'>第{i}个帖子：企业开办一网通办怎么操作</a></div>"
        f"<div>楼主说：昨天去政务中心办了营业执照，窗口说可以网上提交材料，想问问大家怎么操作比较快。</div>"
        f"<div>网友{i} 12:3{i % 10}</div></li>"
        for i in range(14)
    )
    html = page(f"<div class='threads'><ul>{records}</ul></div>", title="政务服务吧")
    with pytest.raises(SourceError):
        extract_html(html)
    with signal_off("records"), signal_off("template"):  # template (the records' shape) refuses it too
        assert "楼主说" in extract_html(html).text  # the signals, not something else, refuse it


def test_an_article_with_many_links_inside_its_paragraphs_is_not_a_list_page():
    linked = [
        f"<a href='/law/{i}'>企业开办一网通办实施细则第{i}条</a>" + PARAGRAPHS[i % len(PARAGRAPHS)] for i in range(12)
    ]
    doc = extract_html(page("<div class='article'>" + "".join(f"<p>{p}</p>" for p in linked) + "</div>"))
    assert PARAGRAPHS[0][:20] in doc.text


def test_escaped_markup_lines_are_not_text():
    """Signal ``markup``: lines of nothing but escaped tags (a spam template's output) are dropped;
    a code listing's tags with text between them stay, as do tags inside <pre>."""
    spam = '<p>&lt;object id="w6w9l"&gt;&lt;tt id="w6w9l"&gt;&lt;/tt&gt;&lt;/object&gt;</p>' * 12
    html = article(after=spam)
    # the rules keep one paragraph of four here, and the page-kind model refuses that (weak evidence):
    # the signal alone is measured
    assert "<object" not in extract_html(html, page_kind=False).text
    with signal_off("markup"):
        assert "<object" in extract_html(html).text
    code = '<p>用户名:&lt;input type="text" name="uname"&gt;&lt;br&gt;</p><pre>&lt;b&gt;&lt;/b&gt;</pre>'
    kept = extract_html(article(after=code)).text
    assert '用户名:<input type="text" name="uname"><br>' in kept and "<b></b>" in kept


def test_legal_notice_in_traditional_script_is_boilerplate():
    """Signal ``hant``: 如果版權人認為…本站確認後將會立即刪除 is a legal notice like its simplified form."""
    notice = "<p>如果版權人認為在本站放置您的作品有損您的利益，請發郵件至本站信箱，本站確認後將會立即刪除。</p>"
    html = article(after=notice)
    assert "版權人" not in extract_html(html).text
    with signal_off("hant"):
        assert "版權人" in extract_html(html).text


def test_content_after_an_early_closing_html_tag_is_read():
    """Signal ``reopen``: a header include that ends in </body></html> does not hide the article."""
    body = (
        "<div class='top'>网站首页</div></body></html><div class='content'>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</div>"
    )
    html = "<html><head><title>通知</title></head><body>" + body
    assert PARAGRAPHS[1][:20] in extract_html(html).text
    with signal_off("reopen"):
        try:
            text = extract_html(html).text
        except SourceError:
            text = ""
        assert PARAGRAPHS[1][:20] not in text


def test_excerpts_each_followed_by_read_more_are_an_index():
    """Signal ``readmore``: three or more 'Read more…' link lines make the block a page of excerpts."""
    posts = "".join(
        f"<h2><a href='/p/{i}'>趣题之{i}</a></h2><p>{PARAGRAPHS[i % 4]}</p><p><a href='/p/{i}#more'>Read more…</a></p>"
        for i in range(4)
    )
    html = page(f"<div class='posts'>{posts}</div>", title="Matrix")
    with pytest.raises(SourceError):
        extract_html(html)
    with signal_off("readmore"):
        assert PARAGRAPHS[0][:20] in extract_html(html).text
    one = article(after="<p><a href='/next'>阅读全文</a></p>")
    assert PARAGRAPHS[0][:20] in extract_html(one).text


def test_a_text_that_is_a_sliver_of_the_page_is_refused():
    """Signal ``minor``: a slogan kept from a page of 20,000 characters of non-prose rows (a list of
    domain names) is not the page's content."""
    rows = "".join(f"<tr><td>expired-name-{i:05d}.com</td><td>2019-05-{i % 28 + 1:02d}</td></tr>" for i in range(800))
    html = page(f"<div class='top'><p>欢迎光临本网！我们有近十年的行业服务经验。</p></div><table>{rows}</table>")
    with pytest.raises(SourceError):
        extract_html(html)
    with signal_off("minor"):
        assert "欢迎光临" in extract_html(html).text


def test_a_product_page_is_refused():
    """Signal ``shop``: a buy control, several prices and little text make a product page; a long
    review with the same shop box beside it is an article."""
    shop = "<div class='buy'><p>￥55.00</p><p><a href='/cart'>加入购物车</a></p></div>" + "".join(
        f"<li><a href='/item/{i}'>相关商品{i}</a><p>￥{i + 20}.00</p></li>" for i in range(4)
    )
    html = page(
        f"<div class='spec'><p>商品名称：威迅 USB延长线 10米</p><p>服务承诺：由平台卖家提供发票和相应的售后服务。请您放心购买！</p></div>{shop}"
    )
    with pytest.raises(SourceError):
        extract_html(html)
    with signal_off("shop"):
        assert "放心购买" in extract_html(html).text
    review = article(PARAGRAPHS * 5, after=shop)  # 1,200 characters of text
    assert PARAGRAPHS[0][:20] in extract_html(review).text


def test_lyrics_without_punctuation_are_text_not_a_refusal():
    """Signal ``verse``: a post of short unpunctuated lines (lyrics split by <br>) that would be
    refused for want of prose gives those lines; a page with prose is unaffected."""
    lines = ["爱 逝去的爱 讨不回来", "我还有话想对你说", "舍不得说 来不及说", "离别的话最难说出口"] * 3
    html = page(f"<div class='post'><h3>只能想念你</h3><div>{'<br>'.join(lines)}</div></div>", title="只能想念你")
    assert extract_html(html).text.split("\n")[:2] == lines[:2]
    with signal_off("verse"):
        with pytest.raises(SourceError):
            extract_html(html)
    assert PARAGRAPHS[0][:20] in extract_html(article()).text


def test_a_page_of_short_cells_and_labels_is_refused_but_a_poem_is_not():
    """Signal ``shortlines``: a text most of whose 15+ lines are short and unpunctuated (a price
    table's cells under a product blurb) is refused; an essay quoting a poem line by line is text."""
    rows = "".join(
        f"<tr><td>{3800 + i * 10}</td><td>马钢</td><td>200*100*5.5*8</td><td>-</td><td>元/吨</td></tr>"
        for i in range(8)
    )
    blurb = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = page(f"<div class='content'>{blurb}<table>{rows}</table></div>", title="H型钢价格")
    with pytest.raises(SourceError):
        extract_html(html)
    with signal_off("shortlines"):
        assert "马钢" in extract_html(html).text
    lines = [
        "我是一条小河",
        "从山间流过",
        "带着松针的清香",
        "带着雪水的凉意",
        "流过村庄",
        "流过田野",
        "流过你的窗前",
        "流进你的梦里",
    ]
    essay = page(
        "<div class='article'><h1>小河</h1>"
        + "".join(f"<p>{x}</p>" for x in [*PARAGRAPHS[:2], *lines, *lines, *PARAGRAPHS[2:]])
        + "</div>",
        title="小河",
    )
    assert "流进你的梦里" in extract_html(essay).text  # 16 of its 20 lines are short: a quoted poem


def test_a_record_of_attributes_is_refused_but_a_short_notice_with_its_metadata_table_is_not():
    """Signal ``attributes``: 16+ label/value lines and under 200 characters of text make a record
    (a product's or a shop's), refused; a notice's metadata labels do not count."""
    labels = "品牌 型号 颜色 规格 尺寸 重量 材质 产地 上市时间 屏幕 内存 电池 网络 系统 像素 接口 包装 售后".split()
    specs = "".join(f"<li>{x}：见详情</li>" for x in labels)
    html = page(
        f"<div class='goods'><h1>荣耀8青春版</h1><ul>{specs}</ul><p>正品全新，买就送豪礼！</p></div>",
        title="荣耀8青春版",
    )
    with pytest.raises(SourceError):
        extract_html(html)
    with signal_off("attributes"), signal_off("fields"):  # (``fields`` refuses it too)
        assert "品牌：见详情" in extract_html(html).text
    labels = ["索引号", "发文机关", "成文日期", "发文字号", "发布日期", "发布机构", "生成日期"]
    table = "".join(f"<tr><td>{x}：</td><td>值</td></tr>" for x in labels) * 3
    notice = page(f"<table>{table}</table><div class='article'><p>{PARAGRAPHS[0]}</p></div>")
    assert PARAGRAPHS[0][:20] in extract_html(notice).text


def test_gov_cn_markers_printed_with_spaces_choose_its_profile():
    """Signal ``spacedmarkers``: a page printing 索 引 号 / 发文字号 / 发文机关 with spaces between
    the characters is read with the gov.cn profile."""
    from ingest.sites import choose_profile

    text = "索 引 号：000014349/2019-00007 发文机关：国务院 发文字号：国发〔2019〕5号"
    assert choose_profile("", text).name == "gov_cn"
    assert choose_profile("", text, spaced=False).name == "generic"
    html = page(
        f"<table><tr><td>索 引 号：</td><td>000014349/2019-00007</td></tr>"
        f"<tr><td>发文机关：</td><td>国务院</td></tr><tr><td>发文字号：</td><td>国发〔2019〕5号</td></tr></table>"
        f"<div id='UCAP-CONTENT'>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}</div>"
    )
    assert extract_html(html).meta["profile"] == "gov_cn"
    with signal_off("spacedmarkers"):
        assert extract_html(html).meta["profile"] == "generic"


NAV = "".join(f"<li><a href='/c/{i}.html'>第{i}版块的最新话题与精华文章推荐</a></li>" for i in range(40))


@pytest.mark.parametrize(
    "teaser",
    [
        "一年半内非法吸收资金500多亿元，受害投资人遍布全国31个省市区。近日，该平台的21名涉案人员被北京警方逮捕，其中平台实际控制人……",
        "美國當局調查摩根大通招聘中國「官二代」、「富二代」以招攬生意一事，燒到香港金融管理局（簡稱金管局）高層。"
        "...<a href='/n/1.html'>&lt;詳細&gt;</a>",
    ],
)
def test_a_front_page_whose_text_is_one_teaser_is_refused(teaser):
    """Signal ``oneteaser``: a page of links whose only text is one short summary cut off by an
    ellipsis or ending in a "more" link (traditional script too) is a front page, refused."""
    html = page(f"<ul>{NAV}</ul><div class='top'><h3><a href='/n/1.html'>头条</a></h3><p>{teaser}</p></div>")
    with pytest.raises(SourceError) as err:
        extract_html(html)
    assert err.value.code == "no_text"
    with signal_off("oneteaser"), signal_off("moreafter"):  # moreafter (a linked 詳細 at its end) refuses it too
        assert teaser[:10] in extract_html(html).text
    post = "我的电脑分辨率是2560*1440，登录游戏后全屏显示有的地方看不到了，我调了分辨率都没用。这是什么问题啊？"
    kept = page(f"<ul>{NAV}</ul><div class='post'><h1>游戏全屏问题</h1><p>{post}</p></div>", title="游戏全屏问题")
    assert post[:20] in extract_html(kept).text  # a short post ending in a sentence stays


def test_bbs_post_headers_and_signatures_are_not_text():
    """Signal ``bbs``: posts in the BBS mail format keep their text, not 发信人 / 标 题 / 发信站, the
    signature after ``--``, the ※ 来源 line, the quote header or the post numbers."""

    def post(n, who, text, quote=""):
        return (
            f"<div class='post'><p>[ {n} ]</p><p>发信人: {who} ({who}), 信区: Beijing<br>"
            f"标  题: Re: 关于企业开办的讨论<br>发信站: BBS 某某站 (Wed Jan 27 09:48:05 2016, 美东)<br><br>"
            f"{text}<br>{quote}--<br>我的签名档：天天向上<br>※ 来源:·BBS 某某站 网址：bbs.example·[FROM: 10.]</p></div>"
        ).replace("\n", "<br>")

    quote = f"【 在 alice (alice) 的大作中提到: 】\n: {PARAGRAPHS[0][:30]}\n"
    html = page(
        post(1, "alice", "\n".join(PARAGRAPHS)) + post(2, "bob", "同意楼上的看法，我们这里也已经推行了。", quote),
        title="关于企业开办的讨论",
    )
    text = extract_html(html).text
    assert PARAGRAPHS[0] in text and PARAGRAPHS[-1] in text and "同意楼上的看法" in text
    assert f": {PARAGRAPHS[0][:30]}" in text  # the quoted lines are part of the reply
    for chrome in ("发信人", "标 题", "Re: 关于", "发信站", "※ 来源", "签名档", "大作中提到", "[ 2 ]"):
        assert chrome not in text
    with signal_off("bbs"):
        assert "发信站" in extract_html(html).text
    plain = article(paragraphs=[*PARAGRAPHS[:2], "--", "签名", *PARAGRAPHS[2:]])
    assert "签名" in extract_html(plain).text  # no BBS header: a "--" line is left alone


def test_a_date_in_a_removed_byline_bar_above_the_text_is_the_date():
    """Signal ``bylinedate``: a page with no date found elsewhere takes the date of the author bar
    its boilerplate name (author-share) removed, when it sat just above the content; a dated
    header bar directly under <body> does not count."""
    ps = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = page(
        "<div class='header'>今天是2024年5月1日</div><div class='main'><h1>关于推行企业开办一网通办的通知</h1>"
        "<div class='detail-bd'><div class='author-share'><span class='name'>谢若含</span>"
        f"<span class='date'>2017-03-01 14:27:02</span></div><div class='detail'>{ps}</div></div></div>"
    )
    doc = extract_html(html)
    assert doc.date == "2017-03-01" and "谢若含" not in doc.text
    with signal_off("bylinedate"):
        assert not extract_html(html).date
    header_only = page(f"<div class='header'>今天是2024年5月1日</div><div class='article'>{ps}</div>")
    assert not extract_html(header_only).date


def test_a_date_printed_on_the_byline_beats_a_later_cms_pubdate():
    """Signal ``printeddate`` (page set 9's read): a CMS's <meta name="PubDate"> is often a later
    re-publish time; the date the byline under the title prints, when earlier, is the article's.
    A later printed date, or one inside a sentence under the title, leaves the meta date alone."""
    ps = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)

    def dated(byline: str, pubdate: str = "2023-11-10 15:33:34") -> str:
        return (
            f"<html><head><title>关于推行企业开办一网通办的通知</title><meta name='PubDate' content='{pubdate}'>"
            f"</head><body><div class='article'><h1>关于推行企业开办一网通办的通知</h1><p>{byline}</p>{ps}</div>"
            "</body></html>"
        )

    labelled = dated("日期：2021/09/06 来源：民族画报社 字号：[ 大 中 小 ]")
    assert extract_html(labelled).date == "2021-09-06"
    bare = dated("2020年09月15日 09时32分")
    assert extract_html(bare).date == "2020-09-15"
    with signal_off("printeddate"):
        assert extract_html(labelled).date == "2023-11-10"
        assert extract_html(bare).date == "2023-11-10"
    assert extract_html(dated("日期：2024/01/06 来源：民族画报社")).date == "2023-11-10"  # later: the meta stands
    sentence = dated("（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）", "2007-08-20")
    assert extract_html(sentence).date == "2007-08-20"


def test_an_information_table_gives_index_number_issuer_and_the_published_date():
    """Signal ``infotable`` (page set 9's read): 教育部's 政府信息公开 table labels its 索引号 信息索引
    and its issuing office 发文机构; its 生成日期 (the record's creation) yields to the 发布日期 the
    page prints, and 发文机构 beats the 来源 line."""
    ps = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    cells = (
        ("信息索引：", "360A12-07-2024-0008-1"),
        ("生成日期：", "2024-06-04"),
        ("发文机构：", "教育部办公厅"),
        ("发文字号：", "教思政厅函〔2024〕10号"),
    )
    row = "".join(f"<td class='title'>{k}</td><td class='cont'>{v}</td>" for k, v in cells)
    html = page(
        f"<div class='detail'><table class='policy'><tr>{row}</tr></table>"
        "<div class='shuxing'>发布日期：2024-06-13 来源：教育部</div>"
        f"<div class='article'><h1>关于推行企业开办一网通办的通知</h1>{ps}</div></div>"
    )
    doc = extract_html(html)
    assert doc.date == "2024-06-13"
    assert doc.meta["index_no"] == "360A12-07-2024-0008-1"
    assert doc.source == "教育部办公厅"
    assert doc.meta["doc_number"] == "教思政厅函〔2024〕10号"
    with signal_off("infotable"):
        off = extract_html(html)
        assert off.date == "2024-06-04" and "index_no" not in off.meta and off.source == "教育部"


def test_elements_hidden_by_their_class_are_not_text():
    """Signal ``hideclass`` (page set 9, nfra.gov.cn): an element whose class hides it (AngularJS's
    ng-hide on a saved page, Bootstrap's d-none …) is not shown, so its copy of the document for
    download is not text; a class that only contains such a word (ng-hide-animate) does not count."""
    ps = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    copy = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    html = page(
        f"<div class='article'><h1>关于推行企业开办一网通办的通知</h1>{ps}</div>"
        f"<div class='ng-hide'><div class='content guizhang'><p>下载文字版</p>{copy}</div></div>"
    )
    text = extract_html(html).text
    assert text.count(PARAGRAPHS[0]) == 1 and "下载文字版" not in text
    with signal_off("hideclass"):
        assert extract_html(html).text.count(PARAGRAPHS[0]) == 2
    shown = html.replace("'ng-hide'", "'ng-hide-animate'")
    assert extract_html(shown).text.count(PARAGRAPHS[0]) == 2
    rest = "".join(f"<p>{p}</p>" for p in ["申请人提交材料后，系统自动分送各部门并行办理。", *PARAGRAPHS])
    collapsed = article(paragraphs=PARAGRAPHS[:2], after=f"<div class='hide'>{rest}</div><a>展开全文</a>")
    assert "系统自动分送各部门并行办理" in extract_html(collapsed).text  # prose a click reveals stays


SUMMARY_LABELS = (
    "采购项目名称",
    "采购单位",
    "行政区域",
    "成交日期",
    "总成交金额",
    "代理机构名称",
    "谈判小组成员名单",
    "采购单位联系方式",
)


def _notice(values):
    row = "".join(
        f"<tr><td class='title'>{k}</td><td colspan='3'>{v}</td></tr>" for k, v in zip(SUMMARY_LABELS, values)
    )
    body = (
        "<p>深圳市某某项目管理顾问有限公司受某某县公路建设养护中心的委托，就“乡村基础设施建设二期项目安防工程”"
        "项目组织采购，评标工作已经结束，成交结果如下：</p>"
        "<p>一、项目信息</p><p>项目名称：乡村基础设施建设二期项目安防工程</p>"
        "<p>二、采购单位信息</p><p>采购单位名称：某某县公路建设养护中心、某某县扶贫开发服务有限责任公司</p>"
        "<p>行政区域：某某县</p><p>采购单位联系方式：易女士、邱先生，电话18975079580、18627455418</p>"
        "<p>三、成交信息</p><p>成交日期：2021年06月09日</p><p>总成交金额：294.8 万元（人民币）</p>"
        "<p>代理机构：深圳市某某项目管理顾问有限公司</p><p>谈判小组成员名单：张华、肖静、舒良举</p>"
    )
    return page(
        "<div class='main'><h2>乡村基础设施建设二期项目安防工程成交公告</h2>"
        f"<div class='table'><h5>公告概要：</h5><table>{row}</table></div><div class='content'>{body}</div></div>",
        title="乡村基础设施建设二期项目安防工程成交公告",
    )


def test_a_summary_table_that_the_notice_repeats_is_not_text():
    """Signal ``summarytable`` (page set 9, ccgp.gov.cn): a table above the first paragraph whose cells
    the notice's text repeats (公告概要) goes with its heading; a table of facts the text does not
    repeat stays."""
    values = (
        "乡村基础设施建设二期项目安防工程",
        "某某县公路建设养护中心、某某县扶贫开发服务有限责任公司",
        "某某县",
        "2021年06月09日",
        "294.8 万元（人民币）",
        "深圳市某某项目管理顾问有限公司",
        "张华、肖静、舒良举",
        "易女士、邱先生，电话18975079580、18627455418",
    )
    html = _notice(values)
    text = extract_html(html).text
    assert "公告概要" not in text and "采购项目名称" not in text and "一、项目信息" in text
    with signal_off("summarytable"):
        assert "采购项目名称" in extract_html(html).text
    other = (
        "城市道路照明改造工程",
        "某某市城市管理局、某某市住房和城乡建设局",
        "某某市",
        "2022年03月01日",
        "88.0 万元（人民币）",
        "某某招标代理有限公司",
        "王明、李强、赵刚",
        "孙女士、周先生，电话13800000000",
    )
    assert "采购项目名称" in extract_html(_notice(other)).text


TITLES = [f"关于做好第{i}批企业开办服务事项办理工作的通知" for i in range(1, 40)]


def test_search_results_and_a_column_page_of_titled_records_are_refused():
    """Signal ``template``: the content block is one of 4+ sibling records of one template, each
    headed by a link to another page and short (search results, a column's items with summaries);
    an article's paragraphs are not, and a FAQ whose questions only toggle their answers stays."""
    results = "".join(
        f"<div class='result'><h3><a href='/d/{i}.html'>{TITLES[i]}</a></h3><p>{PARAGRAPHS[i % 4][:60]}…</p>"
        f"<p class='url'>www.example.gov.cn/d/{i}.html 2024-03-{i + 1:02d}</p></div>"
        for i in range(10)
    )
    search = page(f"<ul>{NAV}</ul><div class='search'><div>找到相关结果约120个</div>{results}</div>", title="搜索结果")
    items = "".join(
        f"<li><a href='/n/{i}.html'>{TITLES[i]}</a><p>{PARAGRAPHS[i % 4]}</p><span>2024-03-{i + 1:02d}</span></li>"
        for i in range(6)
    )
    column = page(f"<ul>{NAV}</ul><div class='list'><h2>工作动态</h2><ul>{items}</ul></div>", title="工作动态")
    for html in (search, column):
        with pytest.raises(SourceError) as err:
            extract_html(html)
        assert err.value.code == "no_text"
        with signal_off("template"):
            assert PARAGRAPHS[0][:20] in extract_html(html).text

    def faq(href: str) -> str:
        qa = "".join(
            f"<div class='qa'><h4><a href='{href}'>{i + 1}、{TITLES[i][:14]}有哪些主要内容？</a></h4>"
            f"<div class='a'>答：{PARAGRAPHS[i % 4]}</div></div>"
            for i in range(6)
        )
        return page(f"<div class='article'><h1>企业开办一网通办政策问答</h1><div class='content'>{qa}</div></div>")

    assert PARAGRAPHS[1] in extract_html(faq("javascript:;")).text  # questions that toggle answers
    assert PARAGRAPHS[1] in extract_html(article()).text


def test_a_front_pages_lead_story_under_a_linked_heading_is_refused():
    """Signal ``linkedlead``: a front page's lead story, a few paragraphs under a heading that links
    to the story, among headline lists, on a page whose <title> names the portal; the same text
    under its own unlinked heading (the article page) stays."""
    heads = "".join(f"<li><a href='/n/{i}.html'>{TITLES[i]}</a></li>" for i in range(12))
    ps = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:3])
    lists = (
        f"<div class='yw'><h3>要闻</h3><ul>{heads}</ul></div><div class='gg'><h3>通知公告</h3><ul>{heads}</ul></div>"
    )
    home = page(
        f"<ul>{NAV}</ul><div class='focus'><h2><a href='/n/100.html'>全市推行企业开办一网通办</a></h2>{ps}</div>{lists}",
        title="某某市人民政府门户网站",
    )
    with pytest.raises(SourceError) as err:
        extract_html(home)
    assert err.value.code == "no_text"
    with signal_off("linkedlead"):
        assert PARAGRAPHS[0] in extract_html(home).text
    own = home.replace(
        "<h2><a href='/n/100.html'>全市推行企业开办一网通办</a></h2>", "<h1>全市推行企业开办一网通办</h1>"
    )
    assert PARAGRAPHS[0] in extract_html(own).text


def test_a_front_pages_blurb_followed_by_a_more_link_is_refused():
    """Signal ``moreafter``: a short text followed by a "more" link (更多>>) on a page mostly of
    links is a front page's blurb (市情概况); without the link it cannot be told from a short article."""
    heads = "".join(f"<li><a href='/n/{i}.html'>{TITLES[i]}</a></li>" for i in range(12))
    lists = (
        f"<div class='yw'><h3>要闻</h3><ul>{heads}</ul></div><div class='gg'><h3>通知公告</h3><ul>{heads}</ul></div>"
    )

    def home(more: str) -> str:
        return page(f"<div class='gk'><h3>市情概况</h3><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>{more}</div>{lists}")

    html = home("<div class='x'><a href='/gk/'>更多>></a></div>")
    with pytest.raises(SourceError) as err:
        extract_html(html)
    assert err.value.code == "no_text"
    with signal_off("moreafter"):
        assert PARAGRAPHS[0] in extract_html(html).text
    assert PARAGRAPHS[0] in extract_html(home("")).text


@pytest.mark.parametrize(
    "message",
    [
        "对不起，您访问的页面不存在或已被删除！5秒后自动返回首页。",
        "HTTP 404：您要找的网页好像走丢了，请返回首页。",
        "访问过于频繁，请输入验证码后继续访问。",
    ],
)
def test_an_error_or_blocked_page_is_refused(message):
    """Signal ``errorpage``: a page whose whole text (200 characters at most) says the page is gone
    or the visit is blocked is not an article; a longer text that mentions such words stays."""
    html = page(
        f"<div class='head'><a href='/'>首页</a></div><div class='err'><p>{message}</p></div>", title="提示信息"
    )
    with pytest.raises(SourceError) as err:
        extract_html(html)
    assert err.value.code == "no_text"
    with signal_off("errorpage"):
        assert message[:6] in extract_html(html).text
    notice = article(
        paragraphs=[*PARAGRAPHS, "原网页不存在或已被删除的，申请人可在网上重新提交全部材料，各区县要做好解释工作。"]
    )
    assert "原网页不存在" in extract_html(notice).text


def filed_notice(rows: int, filed: bool = True, byline: str = "") -> str:
    """A 公示 laid out like page set 10's zj.gov.cn notice: a metadata table (索引号 …) above the
    title, one sentence, tables of names (序号 / 姓名 / 工作单位 / 任职资格), a closing line."""
    meta = (
        "<table class='meta'><tr><td>索 引 号</td><td>002482330/2020-10091</td><td>公开分类</td><td></td></tr>"
        "<tr><td>发布机构</td><td>省文化和旅游厅</td><td>成文日期</td><td>2020-12-29</td></tr>"
        "<tr><td>文　　号</td><td></td><td>主题词</td><td></td></tr></table>"
        if filed
        else ""
    )
    names = ["金伟明", "黄 懿", "唐颖华", "张 青", "徐学敏", "刘晓峰"]
    units = ["丽水市博物馆", "余姚市文物保护管理所", "嘉兴市文物保护所", "宁波市天一阁博物院"]
    tables = ""
    for t in range(3):
        body = "".join(
            f"<tr><td>{i + 1}</td><td>{names[i % 6]}</td><td>{units[i % 4]}</td><td>副研究馆员</td></tr>"
            for i in range(rows)
        )
        tables += f"<p>{'一二三'[t]}、副高级</p><table><tr><td>序号</td><td>姓 名</td><td>工作单位</td><td>任职资格</td></tr>{body}</table>"
    return page(
        f"<div class='nav'><a href='/'>首页</a> > <a href='/gk/'>政务公开</a></div>{meta}"
        "<div class='main_title'><p>关于2020年度专业技术职务任职资格评审结果的公示</p></div>"
        f"<div class='main_section'>{byline}<p>根据《浙江省职称评审管理实施办法》，近期，浙江省文物博物系列高级专业技术职务任职资格"
        "评审委员会召开了2020年度评审会议，现将评审结果予以公示。</p>"
        f"{tables}<p>公示时间：2020年12月29日至2021年1月4日。如有异议，请在公示期内以书面形式向省文化和旅游厅"
        "人事处反映，反映情况应实事求是，并署真实姓名和联系方式。</p><p>浙江省文化和旅游厅</p><p>2020年12月29日</p></div>",
        title="关于2020年度专业技术职务任职资格评审结果的公示",
    )


def test_a_filed_notice_with_name_tables_keeps_its_text_and_tables():
    """Signal ``grid``: a data table's cells cost nothing, so the notice's container holds its
    sentence, its tables and its closing lines; and on a filed document (a 索引号 table) the
    name tables' cells are not short labels for ``shortlines``."""
    html = filed_notice(60)
    doc = extract_html(html)
    assert doc.text.startswith("根据《浙江省") and "唐颖华" in doc.text and doc.text.endswith("2020年12月29日")
    with signal_off("grid"):  # the tables' cells outweigh the sentence: one line is left of the notice
        assert "唐颖华" not in extract_html(html).text


def test_a_page_of_short_rows_without_a_metadata_table_stays_refused():
    """The ``grid`` exemption asks for a filed document: the same layout without the 索引号 table
    (a trader's product text over a price table) is still a page of short lines."""
    with pytest.raises(SourceError) as err:
        extract_html(filed_notice(60, filed=False))
    assert err.value.code == "no_text"


def test_a_record_or_contact_box_without_sentences_is_refused():
    """Signal ``fields``: a short text of label/value lines with no sentence (a query system's
    record, a company's contact box) or a menu's caption is not an article."""
    record = page(
        "<div class='nav'><a href='/'>首页</a><a href='/q'>信息查询</a></div><div class='info'>"
        "<p>河北苏舜能源科技有限公司</p><p>证书编号：193701861866689</p><p>有效期：2021-6-30</p>"
        "<p>业务范围：A类Ⅲ级：可独立承担制冷和热泵机组、蓄冷蓄热设备的安装。</p><p>基本信息</p>"
        "<p>统一社会信用代码：91130403MA09BG0E3H</p><p>注册资金：</p><p>法定代表人：李子邝</p>"
        "<p>注册地址：河北省邯郸市丛台区人民路东段路北春晖小区物业楼四楼</p><p>备注说明：</p></div>",
        title="企业信息",
    )
    contact = page(
        "<div class='c'><p>联系我们</p><p>中国办公室</p><p>地址：北京市东城区东长安街1号东方广场W1座312室</p>"
        "<p>联系电话：（+86）010-58116019</p><p>电子邮箱：info@example.com</p><p>Address：6101 Carnegie Blvd</p>"
        "<p>Phone：(+1)828-4904420</p></div>",
        title="磐远中国",
    )
    caption = page("<div class='m'><p>人才服务</p><p>资源地图</p></div>", title="微官网")
    for html in (record, contact, caption):
        with pytest.raises(SourceError) as err:
            extract_html(html)
        assert err.value.code == "no_text"
        with signal_off("fields"):
            extract_html(html)


def test_a_short_notice_of_labelled_lines_with_sentences_is_kept():
    """Near miss of ``fields``: a meeting notice made of 时间：/ 地点：/ 内容： lines whose values
    are sentences is an article."""
    html = page(
        "<div class='article'><h1>关于召开企业开办工作推进会的通知</h1><p>各区县政务服务中心：</p>"
        "<p>时间：2024年3月5日上午9时。</p><p>地点：市政务服务中心三楼会议室。</p>"
        "<p>内容：总结企业开办一网通办工作，部署下一阶段任务。请各单位主要负责同志参加。</p>"
        "<p>联系人：王明</p></div>"
    )
    assert "地点：市政务服务中心" in extract_html(html).text


def test_a_header_row_of_labels_gives_its_values_from_the_row_below():
    """Signal ``infotable`` (page set 10's read, sh.gov.cn): a table printing 索取号 / 发布时间 / 发布机构
    / 文件编号 as a header row over a row of values gives each label the value below it (not the
    next label), 索取号 is the 索引号 and 文件编号 the 文号; a label whose cell is empty does not take
    the next label's cell (文件编号: | 发布机构: 省教育厅)."""
    ps = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    head = "".join(f"<td>{k}</td>" for k in ("索取号", "发布时间", "发布机构", "文件编号", "备注"))
    values = "".join(
        f"<td>{v}</td>"
        for v in ("076478684Q/2024-00112", "2024-08-05", "上海市卫生健康委员会", "沪卫基层〔2024〕5号", "")
    )
    html = page(
        f"<div class='article'><table><thead><tr>{head}</tr></thead><tr>{values}</tr></table>"
        f"<h1>关于推行企业开办一网通办的通知</h1>{ps}</div>"
    )
    doc = extract_html(html)
    assert doc.meta["index_no"] == "076478684Q/2024-00112"
    assert doc.meta["issuer"] == "上海市卫生健康委员会" and doc.source == "上海市卫生健康委员会"
    assert doc.meta["doc_number"] == "沪卫基层〔2024〕5号"
    with signal_off("infotable"):
        assert extract_html(html).meta.get("issuer") == "文件编号"  # the next cell, a label
    empty = page(
        "<table><tr><td>索引号: 002482082/2024-00332</td><td>文件编号: </td><td>发布机构: 省教育厅</td></tr></table>"
        f"<div class='article'><h1>关于推行企业开办一网通办的通知</h1>{ps}</div>"
    )
    doc = extract_html(empty)
    assert "doc_number" not in doc.meta and doc.meta["index_no"] == "002482082/2024-00332"


def test_a_dated_notice_over_a_name_table_is_kept_without_a_metadata_table():
    """Signal ``grid`` (page set 12's read, a university's admission results): a notice with no
    索引号 table whose bulk is a data table is an article when above the table it prints a byline's
    date and a sentence; without the date the layout stays refused (test above)."""
    byline = "<p>发布日期： 2020-12-29 作者： 浏览次数： 3200</p>"
    html = filed_notice(60, filed=False, byline=byline)
    doc = extract_html(html)
    assert doc.text.startswith("发布日期") or doc.text.startswith("根据《浙江省")
    assert "唐颖华" in doc.text and doc.text.endswith("2020年12月29日")
    with signal_off("grid"):  # the tables' cells outweigh the sentence: the tables are lost
        assert "唐颖华" not in extract_html(html).text
    undated = filed_notice(60, filed=False, byline="<p>作者： 浏览次数： 3200</p>")
    with pytest.raises(SourceError):  # no date above the table: still a page of short lines
        extract_html(undated)


def test_a_page_titled_with_an_http_error_status_is_refused():
    """Signal ``errorpage`` (page set 12's read, a CDN's 502 page saved under an article URL): a short
    text under a <title> that is an HTTP error status is an error page, whatever its words say."""
    html = page(
        "<div class='main'><div class='code'><span>502</span></div><p>您的IP: 120.41.112.226</p>"
        "<p>Sorry, the source website is going wrong and it can't be accessed temporarily!</p></div>",
        title="502 Bad Gateway",
    )
    assert_refused_unless_off(html, "errorpage", "source website")
    assert (
        "一网通办" in extract_html(article().replace("<title>关于推行企业开办一网通办的通知", "<title>500 Days")).text
    )


def test_a_contact_box_with_a_compound_label_is_refused():
    """Signal ``fields`` (page set 12's read, a column-page template whose only text is its footer):
    a label joining two names (电话/传真：) is a label, so the contact box is still fields."""
    html = page(
        "<div class='nav'><a href='/'>首页</a><a href='/a'>工作动态</a></div><div class='foot'>"
        "<p>电话/传真：025-85866596 电子邮箱：office@example.edu.cn</p><p>校区地址：南京市文苑路9号 邮编：210023</p></div>",
        title="巡察工作办公室",
    )
    assert_refused_unless_off(html, "fields", "电话/传真")


def test_a_template_placeholder_or_a_column_name_is_no_source():
    """Metadata (page set 12's read): a template's unfilled <meta name="SiteName" content="网站名称">
    and a 来源 that names a step of the page's breadcrumb (首页 > 管理论文 > 管理相关) name no issuer;
    a 来源 glued to the byline field before it (作者：药情信息处来源：…) is read."""
    ps = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    placeholder = page(f"<div class='article'><h1>关于推行企业开办一网通办的通知</h1>{ps}</div>").replace(
        "<head>", "<head><meta name='SiteName' content='网站名称'>"
    )
    assert extract_html(placeholder).source == ""
    crumbs = "<p>当前位置：<a href='/'>首页</a> > <a href='/g'>管理论文</a> > <a href='/g/x'>管理相关</a> > 正文</p>"
    column = page(
        f"{crumbs}<div class='article'><h1>关于推行企业开办一网通办的通知</h1><p>2012-04-15 来源：管理相关</p>{ps}</div>"
    )
    assert extract_html(column).source == ""
    named = column.replace("来源：管理相关", "来源：市政务服务中心")
    assert extract_html(named).source == "市政务服务中心"
    glued = page(
        "<div class='article'><h1>关于推行企业开办一网通办的通知</h1><span>发布时间：2020-11-16</span>"
        f"<span>作者：药情信息处</span><span>来源： 农业农村部农药检定所 </span>{ps}</div>"
    )
    assert extract_html(glued).source == "农业农村部农药检定所"
    prose = page(
        f"<div class='article'><h1>关于推行企业开办一网通办的通知</h1>{ps}<p>项目资金来源：市财政预算安排。</p></div>"
    )
    assert extract_html(prose).source == ""


def test_a_list_of_documents_gives_no_doc_number():
    """Metadata (page set 12's read, a 规范性文件清理 page): a data table headed 序号 / 文件标题 / 文号
    over several rows lists other documents, so its 文号 column is not the page's 文号, nor is any
    of three or more different 文号 at the top of the text; one 文号 under the title still is."""
    from govtext.documents import Document
    from ingest.extract import _parse
    from ingest.metadata import metadata_table, text_metadata
    from ingest.sites import get_profile

    head = "".join(f"<td>{k}</td>" for k in ("序号", "文件标题", "文号", "施行", "清理建议"))
    rows = [
        f"<tr><td>{i}</td><td>关于规范第{i}项管理工作的意见</td><td>吉市林发[201{i}]9{i}号</td><td>执行</td><td>继续有效</td></tr>"
        for i in range(1, 4)
    ]
    generic = get_profile("generic")
    table = metadata_table(_parse(f"<table><tr>{head}</tr>{''.join(rows)}</table>"), generic, True, True)
    assert "doc_number" not in table
    one_row = metadata_table(_parse(f"<table><tr>{head}</tr>{rows[0]}</table>"), generic, True, True)
    assert one_row["doc_number"] == "吉市林发[2011]91号"  # a header over one row of values: the page's
    listed = Document(text="\n".join(f"{i}\n吉市林发[201{i}]9{i}号" for i in range(1, 4)))
    text_metadata(listed, listed.text)
    assert "doc_number" not in listed.meta
    single = Document(text="吉市林发〔2012〕93号\n各乡镇林业站：现将有关事项通知如下。")
    text_metadata(single, single.text)
    assert single.meta["doc_number"] == "吉市林发〔2012〕93号"


def product_notice(lead: str) -> str:
    """A short notice laid out like page set 13's insurer notice: a greeting, one clause introducing a
    table of four products (序号 / 产品名称 / 产品代码), two closing sentences, a signature."""
    rows = "".join(
        f"<tr><td>{i}</td><td>{name}</td><td>{code}</td></tr>"
        for i, (name, code) in enumerate(
            [
                ("基础A款重大疾病保险", "DDRL"),
                ("医保账户重大疾病保险", "HDDB"),
                ("保无忧重大疾病保险B款", "BLDDB"),
                ("附加学生平安重大疾病保险", "JDDA"),
            ],
            1,
        )
    )
    return page(
        "<div class='nav'><a href='/'>首页</a> > <a href='/gg/'>公示公告</a></div>"
        "<div class='about_new'><h3>关于4款短期健康险产品停售的公告</h3><p>尊敬的客户：</p>"
        f"<p>{lead}</p><table><tr><td>序号</td><td>产品名称</td><td>产品代码</td></tr>{rows}</table>"
        "<p>对于涉及上述产品保险合同，我公司将在剩余保险期间内继续提供保障服务，但自2021年2月1日起不接受上述产品投保及续保。</p>"
        "<p>您可选择投保公司其他产品，若您需要咨询，可联系公司销售人员或致电公司客户服务热线，我们将热忱为您服务。</p>"
        "<p>某某人寿保险股份有限公司</p><p>2021年1月19日</p></div>",
        title="关于4款短期健康险产品停售的公告",
    )


def test_a_notice_introducing_a_small_table_is_kept():
    """Signal ``grid`` (page set 13's read): a notice whose clause introduces a data table (…，具体产品
    如下：) and whose text outside the cells is mostly sentences is an article, whatever the table's
    size, with no 索引号 table and no byline date; a description ending in a full stop above a
    table (a product's text over its prices) does not introduce it, and stays refused."""
    lead = (
        "根据有关规定，我公司4款短期健康保险产品不符合新版疾病定义使用规范，我公司决定自下月起停止销售，具体产品如下："
    )
    doc = extract_html(product_notice(lead))
    assert "DDRL" in doc.text and doc.text.endswith("2021年1月19日")
    with signal_off("grid"):
        with pytest.raises(SourceError):
            extract_html(product_notice(lead))
    described = lead.replace("，具体产品如下：", "，涉及以下产品。")
    with pytest.raises(SourceError):
        extract_html(product_notice(described))


def test_a_cited_or_unfilled_doc_number_is_not_the_pages():
    """Metadata (page set 13's read): a 文号 in brackets after a 《title》 cites that document, and a
    table's unfilled 发文字号：〔〕号 is none; the page's own 文号 above the text still is."""
    from govtext.documents import Document
    from ingest.metadata import text_metadata

    cited = Document(text="根据《关于开展考试工作的通知》(教试中心函〔2019〕179号)等文件规定，现将有关事项公告如下：")
    text_metadata(cited, cited.text)
    assert "doc_number" not in cited.meta
    own = Document(
        text="川教〔2015〕60号\n为贯彻落实《实施意见》（川办发〔2015〕34号）和《暂行规定》（川教〔2012〕165号），现提出如下意见。",
        meta={"doc_number": "〔〕号"},
    )
    text_metadata(own, own.text)
    assert own.meta["doc_number"] == "川教〔2015〕60号"


def test_a_website_name_or_the_sites_own_work_is_no_source():
    """Metadata (page set 13's read): a <meta> SiteName naming a website (…公共平台网站, …门户网站群!)
    and 文章来源：本站原创 name no issuer; a 本文来源：X line under the text is X, and is not text."""
    site = article().replace("<head>", "<head><meta name='SiteName' content='某某省教育服务公共平台网站'>")
    assert extract_html(site).source == ""
    body = article(after="<p>文章来源：本站原创 作者：管理员</p>")
    assert extract_html(body).source == ""
    reprint = extract_html(
        article(
            after="<p>本文属于原创文章，如若转载，请注明来源：某某新闻</p><p>本文来源：中关村在线 责任编辑：王晓易</p>"
        )
    )
    assert reprint.source == "中关村在线" and "转载" not in reprint.text and "责任编辑" not in reprint.text


def test_an_error_titled_page_or_a_teaser_column_or_an_empty_shell_is_refused():
    """Page set 13's read: a CDN page under the <title> "Error" (``errorpage``); a column of teasers each
    ending in a link saying only 【详情】, wherever it points (``template``); an article shell whose text
    is a welcome greeting, its long title again and a byline (nothing is left)."""
    error = page(
        "<div><p>This page can't be displayed. Contact support for additional information.</p></div>", title="Error"
    )
    with pytest.raises(SourceError):
        extract_html(error)
    with signal_off("errorpage"):
        assert "displayed" in extract_html(error).text
    items = "".join(
        f"<div class='news_edit3'><h2><a href='javascript:;'>2019年第{i}区小升初政策及变化</a> <em>2019-02-19</em></h2>"
        f"<p>本篇文章为同学们整理了2019年第{i}区小升初政策及变化，下面就一起来学习吧。<a href='javascript:;'>【详情】</a></p>"
        "<h3>标签：<a href='/'>小升初</a></h3></div>"
        for i in range(1, 7)
    )
    column = page(f"<div class='nav'><a href='/'>首页</a></div><div class='list'>{items}</div>", title="小升初政策")
    with pytest.raises(SourceError):
        extract_html(column)
    with signal_off("template"):
        assert "【详情】" in extract_html(column).text or "学习吧" in extract_html(column).text
    title = "厦湖教工委〔2018〕51号中共某某区委教育工委关于印发《进一步开展新时代中国特色社会主义思想大宣讲工作实施方案》的通知"
    shell = page(
        f"<p>您好！欢迎您访问某某区教师进修学校！</p><div class='content'><p>{title}</p>"
        "<p>文章来源：本站原创 作者：超级管理员 发布时间：2018-09-22 阅读数：</p>"
        "<p><a href='/upload/1.doc'>附件.doc</a></p></div>",
        title=title,
    )
    with pytest.raises(SourceError):
        extract_html(shell)


def test_an_article_shell_of_attachment_lines_is_refused():
    """Signal ``shell``: a text whose every line is an attachment link, a download line or a share
    prompt (no sentence) is an empty article shell; a notice with a sentence above its 附件 stays."""
    body = (
        "<div class='article'><h1>关于推行企业开办一网通办的通知</h1>"
        "<p>附件：企业开办申请表（2020版）.doc （39.50k）[下载]</p><p>（微信扫描分享）</p></div>"
    )
    with pytest.raises(SourceError) as err:
        extract_html(page(body))
    assert err.value.code == "no_text"
    with signal_off("shell"):
        assert "附件" in extract_html(page(body)).text
    notice = article(after="<p>附件：企业开办申请表（2020版）.doc （39.50k）[下载]</p>")
    assert "附件" in extract_html(notice).text


def test_a_column_of_entries_each_with_a_dated_byline_is_refused():
    """Signal ``entrydates``: four or more short lines ending in a date under one label (时间：2020-12-29)
    are the bylines of a column's entries, whatever the markup; an article's one byline is not."""
    entries = "".join(
        f"<h4>{TITLES[i]}</h4><p>{PARAGRAPHS[i % 4]}</p><p>时间：2020-12-{i + 10:02d}</p>" for i in range(6)
    )
    html = page(f"<div class='main'>{entries}</div>", title="行业动态")
    with pytest.raises(SourceError) as err:
        extract_html(html)
    assert err.value.code == "no_text"
    with signal_off("entrydates"):
        assert PARAGRAPHS[0] in extract_html(html).text
    dated = article(paragraphs=["时间：2020-12-10", *PARAGRAPHS])
    assert PARAGRAPHS[0] in extract_html(dated).text


def test_a_page_whose_text_apologises_for_an_error_is_refused():
    """Signal ``errorpage``, after page set 14's read: a short text under a "… Error" line that
    apologises for an error on the page."""
    html = page(
        "<div class='err'><h2>Hey? Error</h2><p>抱歉，您访问的页面出现错误，如果影响您的使用请及时和我们联系。</p></div>",
        title="提示",
    )
    with pytest.raises(SourceError):
        extract_html(html)
    with signal_off("errorpage"):
        assert "页面出现错误" in extract_html(html).text


def test_a_not_found_page_that_redirects_is_refused():
    """Signal ``errorpage``, after page sets 16-18's reads: a short text saying there is no such page
    (无此页面) or that the visitor is sent elsewhere in a few seconds (5秒之后将带您回到首页) is an error
    page; a notice that mentions a countdown in a long text stays."""
    html = page(
        "<div class='box'><p>对不起，可能是网络原因或无此页面，请稍后尝试。</p>"
        "<p>本页面5秒之后将带您回到本站首页。</p><a href='/'>马上跳转</a></div>",
        title="出错了 - 某某俱乐部",
    )
    assert_refused_unless_off(html, "errorpage", "无此页面")
    redirect = page("<div class='box'><p>您要找的内容已更换地址，3秒后自动跳转到新的栏目。</p></div>", title="提示")
    assert_refused_unless_off(redirect, "errorpage", "3秒后")
    long = article(paragraphs=[*PARAGRAPHS, "系统将在申请提交30秒后自动跳转至办理进度页面，申请人可随时查看。"])
    assert "30秒后" in extract_html(long).text


def test_a_template_item_with_placeholder_text_is_refused():
    """Signal ``placeholder``, after page sets 16-18's reads: an item page whose whole text is a template's
    stand-in (这里是通知公告的内容, 暂无内容, 敬请期待) is no article; a notice that says a section is
    under construction in a long text stays."""
    html = page(
        "<div class='main'><h2>通知公告</h2><p>发布时间：2023-10-01 浏览次数：0</p>"
        "<div class='content'><p>这里是通知公告的内容。</p><p>学院办公室</p><p>2023年10月01日</p></div></div>",
        title="通知公告",
    )
    assert_refused_unless_off(html, "placeholder", "这里是通知公告的内容")
    empty = page("<div class='main'><p>该栏目暂无内容，敬请期待。</p></div>", title="专题")
    assert_refused_unless_off(empty, "placeholder", "暂无内容")
    long = article(paragraphs=[*PARAGRAPHS, "网上办事大厅二期正在建设中，建成后企业开办全程可在手机端办理。"])
    assert "正在建设中" in extract_html(long).text


def test_a_column_page_of_dated_titles_with_one_lead_kept_is_refused():
    """Signal ``datedtitles``, after page sets 16-18's reads: a short kept text (one entry's lead) on a page
    of four or more title lines each followed by a line that is only a date is a column page; an article
    whose side list has dated titles keeps its text."""
    entries = "".join(f"<li><h3>{TITLES[i]}</h3><h4>\ue74c 2018-05-{i + 3:02d}</h4></li>" for i in range(6))
    lead = f"<div class='lead'><h3>{TITLES[10]}</h3><h4>2018-05-01</h4><p>{PARAGRAPHS[0]}</p></div>"
    html = page(f"<div class='col'>{lead}<ul class='items'>{entries}</ul></div>", title="政策解读")
    assert_refused_unless_off(html, "datedtitles", PARAGRAPHS[0])
    side = f"<div class='side'><ul>{entries}</ul></div>"
    assert PARAGRAPHS[0] in extract_html(article(after=side)).text


def test_a_teaser_with_a_pager_is_a_column_page():
    """Signal ``pager``, after page sets 16-18's reads: a kept pager line («‹1›», 上一页 1 2 下一页) beside a
    short teaser is a column page; a long article with a pager under it keeps its text, and a short text
    with a bare number line (no pager word or mark) stays."""
    html = page(
        f"<div class='col'><h2>政策法规</h2><h3>{TITLES[0]}</h3><p>{PARAGRAPHS[0]}</p><div class='pages'>«‹1›»</div>"
        "<p>地址：某某县人民路中段 邮编：466000 电话：0394-1234567</p></div>",
        title="政策法规",
    )
    assert_refused_unless_off(html, "pager", PARAGRAPHS[0])
    paged = article(after="<div class='pages'>上一页 1 2 3 下一页</div>")
    assert PARAGRAPHS[3] in extract_html(paged).text
    short = page(f"<div class='col'><h3>{TITLES[0]}</h3><p>{PARAGRAPHS[0]}</p><p>2024</p></div>")
    assert PARAGRAPHS[0] in extract_html(short).text


QUESTIONS = [f"{i}.申报系统第{i}项操作没有反应，应该如何处理？" for i in range(1, 7)]


def test_an_faqs_collapsed_answers_are_text():
    """Signal ``answers``, after page set 19's read: answers hidden (display:none) under their visible
    questions, three or more of one shape holding sentences together, are the page's text; a hidden menu
    of links beside visible labels and one hidden answer stay out."""
    qa = "".join(
        f"<li><h2>{q}</h2><p style='display:none;'>答：{PARAGRAPHS[i % 4]}</p></li>" for i, q in enumerate(QUESTIONS)
    )
    html = page(f"<div class='faq'><div class='title'>常见问题解答</div><ul>{qa}</ul></div>", title="常见问题")
    text = extract_html(html).text
    assert PARAGRAPHS[0] in text and PARAGRAPHS[3] in text and QUESTIONS[0] in text
    with signal_off("answers"):
        assert PARAGRAPHS[0] not in extract_html(html).text
    menu = "".join(
        f"<li><span>栏目{i}</span><ul style='display:none'><li><a href='/c/{i}/1.html'>{TITLES[i]}</a></li></ul></li>"
        for i in range(6)
    )
    assert TITLES[2] not in extract_html(article(nav=f"<ul class='top'>{menu}</ul>")).text
    one = article(after=f"<h3>{QUESTIONS[0]}</h3><p style='display:none'>答：{PARAGRAPHS[0]}{PARAGRAPHS[1]}</p>")
    assert extract_html(one).text.count(PARAGRAPHS[0]) == 1  # the visible paragraph, not the hidden one


def test_dedecms_comments_under_a_count_line_are_not_text():
    """Page set 19's read: DedeCMS's comment list (id commetcontent, its misspelling) and a 发表评论 共有 N 条评论
    header line end the text; the article above stays."""
    comments = (
        "<dl class='tbox'><dt><strong>发表评论</strong> <span class='more'>共有 3 条评论</span></dt>"
        "<dd id='commetcontent'><ul><li><span>张主任</span><h3>有问题想咨询的朋友，可以关注公众号。</h3></li>"
        "<li><span>网友</span><h3>我是生完孩子后，因为一些琐事经常生气，后来是张主任看好的，在此感谢！</h3></li></ul></dd></dl>"
    )
    doc = extract_html(article(after=comments))
    assert PARAGRAPHS[3] in doc.text and "感谢" not in doc.text and "发表评论" not in doc.text


def test_a_footers_contact_line_with_brackets_is_not_prose():
    """Signal ``misnomer``, after page set 19's read: a footer-named block whose only punctuation is the
    brackets and colons of its contact fields (电话（Tel）：) is boilerplate; a footer-named block of
    sentences (a misnamed article wrapper) still counts as prose."""
    footer = (
        "<div class='yc-footer'><p>某某省烟草专卖局（公司）</p><p>地址：某某市拓东路5号（大厦） 邮编（zip）: 650011</p>"
        "<p>电子邮件（E-mail）: web@example.com 电话（Tel）: 0871-3129888 传真（Fax）: 0871-3136865</p></div>"
    )
    html = page(
        f"<div class='main'><h1>关于推行企业开办一网通办的通知</h1>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}</div>{footer}"
    )
    assert "电话" not in extract_html(html).text
    with signal_off("misnomer"):
        assert "电话" in extract_html(html).text
    wrapped = page(
        f"<div class='foot-wrap'><h1>关于推行企业开办一网通办的通知</h1>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}</div>"
    )
    assert PARAGRAPHS[2] in extract_html(wrapped).text


def test_an_unknown_source_or_an_office_in_the_doc_number_field_is_none():
    """Metadata, after page set 19's read: 来源：未知 glued to the link after it (未知点击电话咨询) names no
    source; a table's 文号 field holding an office's name, not a number, is no 文号."""
    doc = extract_html(article(nav="<p class='show_ly'>来源：未知<a href='tel:0278'>点击电话咨询</a></p>"))
    assert doc.source == ""
    table = (
        "<table><tr><td>索引号</td><td>00950022-0/2015-033542</td><td>发布机构</td><td>市政府办公室</td></tr>"
        "<tr><td>文号</td><td>市政府办公室</td><td>生成日期</td><td>2015-03-05</td></tr></table>"
    )
    filed = extract_html(article(nav=table))
    assert "doc_number" not in filed.meta and filed.meta.get("index_no") == "00950022-0/2015-033542"


def test_a_column_of_entries_with_counters_after_their_dates_is_refused():
    """Signal ``entrycounters``, after page set 19's read: DedeCMS's list template prints each entry as
    [栏目] title 日期：2018-06-28 20:06:00 点击：6244 好评：0 over its summary; ``entrydates`` reads the byline
    through the counters. An article with one such byline keeps its text."""
    entries = "".join(
        f"<li><h3>[外汇] <a href='/a/{i}.html'>第{i}篇外汇交易入门</a> 日期：2018-06-{i + 1:02d} 20:06:00 点击：{60 + i} 好评：0</h3>"
        f"<p>{PARAGRAPHS[i % 4][:50]}…</p></li>"
        for i in range(6)
    )
    html = page(f"<div class='listbox'><ul>{entries}</ul></div>", title="外汇_实在投资网")
    assert_refused_unless_off(html, "entrycounters", PARAGRAPHS[0][:30])
    one = article(nav="<p>日期：2018-06-21 20:06:00 点击：6244 好评：0</p>")
    assert PARAGRAPHS[3] in extract_html(one).text


PANELS = [
    (
        "概况",
        "青石湾湿地公园位于县城东南十二公里，总面积约八百公顷，是县内面积最大的湿地保护区。公园以浅滩、芦苇荡和湖心小岛为主要景观，四季水鸟栖息。",
    ),
    (
        "游览线路",
        "游客可从北门乘电瓶车沿环湖路前往观鸟台，全程约四十分钟。步行线路自南门起，经栈道穿过芦苇荡，适合半日游览。",
    ),
    (
        "生态保护",
        "园区划定核心保护区和缓冲区，核心区全年禁止垂钓和游船驶入。管理处每年春季组织志愿者清理岸线垃圾，并监测水质变化。",
    ),
    (
        "历史",
        "这片水域原是明代修筑的蓄水塘，清末因河道改线逐渐淤积成滩。上世纪八十年代当地群众退耕还湖，湿地面积才恢复到今天的规模。",
    ),
    ("交通", "自驾可沿省道二〇六线南行，在青石湾路口右转即到。县客运站每天有六班公交直达公园北门，票价三元。"),
]


def _tabbed(panels, labels, by_class: bool = False) -> str:
    """A left menu of tab labels (two of them in a sub-menu, as on the real page) beside a right column
    of panels, the first visible and the others display:none (or of class hide)."""
    items = "".join(f"<li><div class='link'>{label}</div></li>" for label in labels[:-2])
    items += (
        "<li><div class='link'>更多</div><ul class='submenu'>"
        + "".join(f"<li><a href='javascript:void(0)'>{label}</a></li>" for label in labels[-2:])
        + "</ul></li>"
    )
    hide = (" hide", "") if by_class else ("", " style='display:none;'")
    divs = "".join(
        f"<div class='pane{i}{hide[0] if i else ''}'{hide[1] if i else ''}><h3>{head}</h3><p>{text}</p></div>"
        for i, (head, text) in enumerate(panels)
    )
    nav = "<div class='nav'>" + "".join(f"<a href='/c/{i}.html'>栏目{i}</a>" for i in range(8)) + "</div>"
    return page(
        f"{nav}<div class='wrap'><div class='left'><ul class='menu'>{items}</ul></div>"
        f"<div class='right'>{divs}</div></div>",
        title="景区介绍",
    )


def test_a_tab_widgets_hidden_panels_are_text():
    """Signal ``tabs``, after page set 26's read: an introduction split over panels of one tag, the first
    shown and the others display:none, switched by a menu of as many short labels just before their column,
    each panel holding sentences, is one text; without the signal only the first panel is kept."""
    html = _tabbed(PANELS, [head for head, _ in PANELS])
    text = extract_html(html).text
    assert all(body in text for _, body in PANELS)
    with signal_off("tabs"):
        text = extract_html(html).text
        assert PANELS[0][1] in text and PANELS[2][1] not in text and PANELS[4][1] not in text
    classed = _tabbed(PANELS, [head for head, _ in PANELS], by_class=True)  # hidden by a class instead
    assert all(body in extract_html(classed).text for _, body in PANELS)
    with signal_off("tabs"):
        assert PANELS[2][1] not in extract_html(classed).text


def test_hidden_copies_and_hidden_panels_without_a_tab_header_are_still_dropped():
    """Signal ``tabs`` keeps a tab widget's panels only: a hidden panel repeating the visible one's text
    (a copy for printing or download) drops the widget's hidden panels, so do panels whose menu does not
    count as many labels, and a hidden copy of the article beside it stays out."""
    copy = [PANELS[0], PANELS[1], (PANELS[0][0], PANELS[0][1] + "（打印版）")]
    text = extract_html(_tabbed(copy, [head for head, _ in copy])).text
    assert text.count(PANELS[0][1]) == 1 and PANELS[1][1] not in text
    fewer = extract_html(_tabbed(PANELS, [head for head, _ in PANELS][:4])).text  # four labels, five panels
    assert PANELS[0][1] in fewer and PANELS[2][1] not in fewer
    ps = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    duplicate = page(
        "<ul class='tabs'><li>正文</li><li>下载</li></ul>"
        f"<div class='body'>{ps}</div><div class='body' style='display:none'>{ps}</div>"
    )
    assert extract_html(duplicate).text.count(PARAGRAPHS[0]) == 1
    hide = " style='display:none'"
    menus = "".join(
        f"<div class='sub'{hide if i else ''}>"
        + "".join(f"<a href='/c/{i}/{j}.html'>{TITLES[i * 3 + j]}</a>" for j in range(3))
        + "</div>"
        for i in range(3)
    )
    tabbed_menu = article(nav=f"<ul class='tabs'><li>要闻</li><li>通知</li><li>文件</li></ul>{menus}")
    assert TITLES[4] not in extract_html(tabbed_menu).text  # a tabbed box of links is no prose
