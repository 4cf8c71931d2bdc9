"""Metadata per page shape, checked by hand against the saved pages.

Every value asserted here was read off the page's HTML (header ``dl``, byline,
stats, chapter headings), not copied from the parser's output.
"""

from __future__ import annotations

import datetime as dt

from ao3conv.model import (
    Association,
    Collection,
    Creator,
    Emphasis,
    Image,
    Language,
    Paragraph,
    SceneBreak,
    SeriesLink,
    Text,
    plain_text,
)
from helpers.pages import page_work


def first_text(blocks: tuple) -> str:
    return plain_text(blocks[:1])


def test_full_work_page_with_ten_chapters_and_repeated_ids() -> None:
    work = page_work("work-multi_fullwork_10of-unknown_loggedin_2026")
    assert (work.id, work.url) == (20907563, "https://archiveofourown.org/works/20907563")
    assert work.title == "Monster Fucker October"
    assert work.creators == (
        Creator("SmileDarlin", "SmileDarlin", "SmileDarlin",
                "https://archiveofourown.org/users/SmileDarlin/pseuds/SmileDarlin"),
    )  # fmt: skip
    assert work.rating == "Explicit"
    assert work.warnings == ("No Archive Warnings Apply",)
    assert work.categories == ("F/M", "M/M", "Other", "F/F")
    assert work.fandoms == ("Original Work",)
    assert work.language == Language("English", "en")
    assert work.collections == (
        Collection("Explicit Stories", "Explicit_Fandom",
                   "https://archiveofourown.org/collections/Explicit_Fandom"),
        Collection("Meow Meow Faves", "Meow_faves",
                   "https://archiveofourown.org/collections/Meow_faves"),
    )  # fmt: skip
    assert (work.published, work.updated) == (dt.date(2019, 10, 5), dt.date(2020, 5, 27))
    assert (work.words, work.chapter_count, work.chapter_total) == (13800, 10, None)
    assert work.completed is False  # "10/?" is a work in progress
    assert (work.comments, work.kudos, work.bookmarks, work.hits) == (198, 7161, 551, 562700)
    assert first_text(work.summary).startswith("It's October, the time of monsters")
    # Ten div.chapter, each with its own #summary/#notes/h3#work: no id confusion.
    assert [c.number for c in work.chapters] == list(range(1, 11))
    first, second, last = work.chapters[0], work.chapters[1], work.chapters[-1]
    assert (first.id, first.title) == (49701338, "Female Reader/Male Werewolf")
    assert (second.id, second.title) == (49782704, "Gender Neutral reader/Tentacles")
    assert (last.id, last.title) == (58875499, "Gender Neutral Reader/Spider Monster Thing")
    assert first_text(first.summary) == "Warnings: Bondage, dubcon and oral sex."
    assert all(len(c.summary) >= 1 for c in work.chapters)
    assert first_text(first.body).startswith("You tugged against the rope")
    assert not any("Chapter Text" in plain_text(c.body) for c in work.chapters)


def test_single_chapter_work_with_skin_series_and_end_notes() -> None:
    work = page_work("work-single_skin_series_endnotes_2026")
    assert work.id == 41822007
    assert work.title == "so I open the window to hear sounds of people"
    assert work.authors == ("oriflamme",)
    assert work.series == (
        SeriesLink("it's about the bones 👌", 3196530, 3,
                   "https://archiveofourown.org/series/3196530"),
    )  # fmt: skip
    assert (work.published, work.updated) == (dt.date(2022, 9, 20), None)
    assert (work.words, work.chapter_count, work.chapter_total) == (5688, 1, 1)
    assert work.completed is True
    assert (work.comments, work.kudos, work.bookmarks, work.hits) == (88, 671, 192, 4370)
    assert work.work_skin is not None and work.work_skin.startswith("#workskin .centered {")
    assert work.notes == ()  # only the "(See the end of the work for notes.)" jump: chrome
    assert first_text(work.end_notes).startswith("I'm not sourcing all the memes")
    [chapter] = work.chapters
    assert (chapter.number, chapter.id, chapter.title) == (1, None, None)
    assert plain_text(chapter.body[:1]) == "1. If you find yourself in a hole, stop digging."
    assert chapter.body[0].attrs.align == "right"  # type: ignore[union-attr]
    assert "Work Text:" not in plain_text(chapter.body)


def test_the_2024_capture_of_the_same_work_agrees_on_everything_but_counts() -> None:
    old, new = (
        page_work("work-single_skin_series_endnotes_2024"),
        page_work("work-single_skin_series_endnotes_2026"),
    )
    assert (old.comments, old.kudos, old.bookmarks, old.hits) == (56, 422, 109, 2284)
    same = ("id", "title", "creators", "series", "tags", "language", "words", "summary",
            "end_notes", "work_skin")  # fmt: skip
    assert [getattr(old, name) for name in same] == [getattr(new, name) for name in same]
    # AO3 re-saved the text in between ("crisis.  " became "crisis. \xa0"); the words agree.
    old_body, new_body = old.chapters[0].body, new.chapters[0].body
    assert len(old_body) == len(new_body)
    assert plain_text(old_body).split() == plain_text(new_body).split()


def test_chapter_page_holds_one_chapter_of_three() -> None:
    work = page_work("chapter-page_3of3_multiseries_images_2026")
    assert work.source == "chapter"
    assert (work.id, work.title) == (41214669, "Permablocking Specific Tags - Site Skin")
    assert (work.chapter_count, work.chapter_total, work.completed) == (3, 3, True)
    assert (work.published, work.updated) == (dt.date(2022, 8, 22), dt.date(2023, 8, 10))
    assert work.series == (
        SeriesLink("AO3 Skins", 3078150, 1, "https://archiveofourown.org/series/3078150"),
        SeriesLink(":has() selector", 3078153, 1, "https://archiveofourown.org/series/3078153"),
    )
    assert work.collections[0].name == "Ao3skin"
    assert (work.kudos, work.hits) == (759, 39535)
    [chapter] = work.chapters
    assert (chapter.number, chapter.id, chapter.title) == (1, 103324848, None)
    images = [
        item for block in chapter.body if isinstance(block, Paragraph)
        for item in block.children if isinstance(item, Image)
    ]  # fmt: skip
    assert images[0].src == "https://i.postimg.cc/FRbFCdtT/blue.png"
    assert len(images) == 7  # every img in the chapter text


def test_restricted_work_seen_logged_in_with_a_translation() -> None:
    work = page_work("work-single_restricted_translation_loggedin_2026")
    assert work.restricted is True
    assert work.title == "Big Brother Is Watching You"  # without the lock icon
    assert work.associations == (
        Association(
            "translated-to",
            "Translation into Русский available: Большой Брат наблюдает за тобой by murrkin",
            "Большой Брат наблюдает за тобой",
            "https://archiveofourown.org/works/32639152",
            32639152,
            ("murrkin",),
            "ru",
        ),
    )
    assert (work.comments, work.kudos, work.bookmarks, work.hits) == (194, 3058, 826, 35051)


def test_gift_and_inspired_by_and_zero_counts() -> None:
    gift = page_work("work-single_gift_loggedin_markedforlater_2026")
    assert gift.gifts == ("nianeyna",)
    assert first_text(gift.end_notes) == (
        "A reminder that I have a tumblr! You can find me there at notapaladin."
    )
    podfic = page_work("work-single_podfic_inspiredby_collections")
    [inspired] = podfic.associations
    assert (inspired.kind, inspired.title, inspired.work_id, inspired.creators) == (
        "inspired-by",
        "Shut The God Damn Door",
        3726142,
        ("jedusaur",),
    )
    assert [c.name for c in podfic.collections] == ["Voiceteam2025", "VT2025_Dapper"]
    # The page shows kudos and hits but no comments/bookmarks rows: AO3 hides zeros.
    assert (podfic.kudos, podfic.hits, podfic.comments, podfic.bookmarks) == (7, 47, 0, 0)
    assert podfic.chapters[0].body[0] == Paragraph((Image(
        "https://64.media.tumblr.com/f5877cb0062fc74fb85a822880a13788/db55cced2ecdfbed-cf"
        "/s500x750/6f1a5badcec64f204e72bb4a2f37e3ac01af12ff.jpg",
        width="500", height="500", attrs=podfic.chapters[0].body[0].children[0].attrs,  # type: ignore
    ),))  # fmt: skip


def test_download_file_current_variant() -> None:
    work = page_work("download-html_multichapter_wip")
    assert (work.id, work.url) == (218676, "https://archiveofourown.org/works/218676")
    assert work.title == "Fire and Feather"
    assert work.authors == ("nianeyna",)
    assert (work.rating, work.categories, work.characters) == (
        "General Audiences",
        ("Gen",),
        ("Original Characters",),
    )
    assert work.language == Language("English", "en")
    assert (work.published, work.updated, work.words) == (
        dt.date(2006, 7, 9),
        dt.date(2007, 6, 25),
        7526,
    )
    assert (work.chapter_count, work.chapter_total, work.completed) == (3, None, False)
    assert work.kudos is None and work.hits is None  # downloads carry no counts
    assert first_text(work.notes).startswith("This is my first fanfic ever.")
    assert [(c.number, c.title) for c in work.chapters] == [
        (1, "Festival"),
        (2, "Riversong K'Vala"),
        (3, "Conversations"),
    ]
    assert first_text(work.chapters[1].notes).startswith("Only one more chapter of this")
    assert first_text(work.chapters[1].end_notes) == "oh bb!Nia, why so many italics?"
    assert first_text(work.end_notes).startswith("I think this is my longest published work")


def test_download_file_with_series_translation_and_inspired_works() -> None:
    work = page_work("download-html_series_multichapter")
    assert work.id == 334557
    assert work.series == (
        SeriesLink("Watches 'Verse", 15213, 1, "https://archiveofourown.org/series/15213"),
    )
    kinds = [(a.kind, a.work_id, a.language) for a in work.associations]
    assert kinds == [("translated-to", 1154735, "ru"), ("inspired", 412310, None),
                     ("inspired", 6055717, None)]  # fmt: skip
    assert work.associations[1].creators == ("dee-light (DraloreShimare)",)
    assert [c.title for c in work.chapters] == [
        "Prologue",
        None,
        "Part 2",
        "Part 3",
        "Part 4",
        "Part 5",
        "Part 6",
        "Epilogue",
    ]


def test_older_download_with_http_links_and_series_part() -> None:
    work = page_work("download-html_single_series-part9")
    assert (work.id, work.url) == (41442183, "https://archiveofourown.org/works/41442183")
    assert work.series == (
        SeriesLink("A Wheel Inside a Wheel", 1650067, 9,
                   "https://archiveofourown.org/series/1650067"),
    )  # fmt: skip
    assert work.relationships == ("Author - Character & Dietrich Bronner (A Wheel Inside a Wheel)",)
    assert work.creators[0].url == "https://archiveofourown.org/users/natsinator/pseuds/natsinator"
    [chapter] = work.chapters
    assert chapter.title is None and len(chapter.body) > 20


def test_body_only_2022_capture_of_a_single_work() -> None:
    work = page_work("fragment2022-work-single_gift_translation_children")
    assert (work.id, work.title) == (18246218, "if i only had a heart")
    assert work.language == Language("English", "en")  # no lang attribute in 2022: from the name
    assert work.gifts == ("Artemis1000",)
    assert [(a.kind, a.work_id, a.language) for a in work.associations] == [
        ("translated-to", 26085667, "ru"),
        ("inspired", 38875557, None),
    ]
    assert (work.words, work.kudos, work.hits) == (600, 127, 1031)  # plain digits
    body = work.chapters[0].body
    breaks = [block for block in body if isinstance(block, SceneBreak)]
    assert [b.text for b in breaks] == ["-"] * 5  # the lone "-" paragraphs, marker kept


def test_body_only_2022_chapter_pages() -> None:
    last = page_work("fragment2022-last-chapter-page_endnotes_children")
    assert (last.id, last.chapter_count, last.chapter_total) == (310586, 2, 2)
    [chapter] = last.chapters
    assert (chapter.number, chapter.id, chapter.title) == (2, 757306, "Ours")
    assert first_text(chapter.summary) == "Stiles is an awesome roommate. Most of the time."
    assert first_text(last.end_notes).startswith("Beta'ed by the peerless")
    assert [a.work_id for a in last.associations] == [419604, 3415217]
    assert last.summary == ()  # only the first chapter's page shows the work's summary
    gifted = page_work("fragment2022-chapter-page_multi-gift_images")
    assert gifted.gifts == ("Mysenia", "Green", "TriscuitsandSoup")
    assert (gifted.chapter_count, gifted.chapter_total, gifted.completed) == (7, None, False)
    assert gifted.chapters[0].id == 21239633


def test_seed_fragment_has_the_body_and_no_invented_metadata() -> None:
    work = page_work("seed_000_feee35068f5e73a1")
    assert work.source == "fragment"
    assert (work.title, work.id, work.creators, work.language) == ("", None, (), None)
    assert (work.words, work.kudos, work.completed) == (None, None, None)
    body = work.chapters[0].body
    letter = "In case you believed me when we got drunk in Bruges... I lied."
    assert body[1] == Paragraph((Emphasis((Text(letter),)),))
