"""What a printed ticket contains, checked in the ESC/POS bytes a printer would receive."""

import struct
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticket_printer import MissingFontError, PrintableTicket, TicketLayout, render
from ticket_printer.columns import printable
from ticket_printer.escpos_stream import Command, Text, Token, printed_lines, tokenize
from ticket_printer.layout import PaperWidth
from ticket_printer.messages import Language

TicketFactory = Callable[..., PrintableTicket]

BEIJING = timezone(timedelta(hours=8))
# GS ! n: n's high nibble is the width - 1, its low nibble the height - 1.
NUMBER_SIZE = {58: b"\x1d!\x11", 80: b"\x1d!\x22"}  # 2 x 2 on 58 mm, 3 x 3 on 80 mm
NUMBER_SCALE = {58: 2, 80: 3}
CHINESE_MODE = b"\x1c&"
FULL_CUT = b"\x1dV\x00"
LANGUAGES: list[Language] = ["zh-CN", "en"]
PAPERS: list[PaperWidth] = [58, 80]
CHARS_PER_LINE = {58: 32, 80: 48}
DOTS = {58: 384, 80: 576}
LONG_HALL = "西安市未央区政务服务中心不动产登记与企业开办综合受理大厅东区第二分厅"
LONG_FOOTER = "过号请重新取号。Please take a new number if yours was called while you were away."


def columns(text: str) -> int:
    """Printer columns: ASCII is half width, every other character full width."""
    return sum(1 if ord(char) < 0x80 else 2 for char in text)


def _images(tokens: list[Token]) -> list[Command]:
    """The GS v 0 raster images among `tokens`."""
    return [t for t in tokens if isinstance(t, Command) and t.code == b"\x1dv0"]


def _image_rows(image: Command) -> int:
    return image.params[3] + 256 * image.params[4]


def qr_store_command(url: str) -> bytes:
    """GS ( k pL pH 49 80 48 data: store QR data (function 180 of the ESC/POS manual)."""
    data = url.encode("utf-8")
    return b"\x1d(k" + struct.pack("<H", len(data) + 3) + b"1P0" + data


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("language", LANGUAGES)
class TestNativeTicket:
    def test_hall_name_is_sent_as_gb18030_in_chinese_mode(
        self, make_ticket: TicketFactory, paper: PaperWidth, language: Language
    ) -> None:
        ticket = make_ticket(language=language)
        data = render(ticket, TicketLayout(paper_mm=paper))
        hall = ticket.hall_name.encode("gb18030")
        assert hall in data
        assert data.index(CHINESE_MODE) < data.index(hall)

    def test_number_follows_its_size_command(
        self, make_ticket: TicketFactory, paper: PaperWidth, language: Language
    ) -> None:
        data = render(make_ticket(language=language), TicketLayout(paper_mm=paper))
        # GS ! n, the number, LF, then GS ! 0 back to normal size.
        assert NUMBER_SIZE[paper] + b"A012\n\x1d!\x00" in data
        # ...and only the number is enlarged.
        scaled = [
            (line.text, line.width_scale) for line in printed_lines(tokenize(data)) if line.width_scale > 1
        ]
        assert scaled == [("A012", NUMBER_SCALE[paper])]

    def test_qr_code_holds_tracking_url_and_is_printed(
        self, make_ticket: TicketFactory, paper: PaperWidth, language: Language
    ) -> None:
        ticket = make_ticket(language=language)
        data = render(ticket, TicketLayout(paper_mm=paper))
        store = qr_store_command(ticket.tracking_url)
        print_symbol = b"\x1d(k\x03\x001Q0"
        assert store in data
        assert data.index(store) < data.index(print_symbol)

    def test_job_ends_with_the_only_cut(
        self, make_ticket: TicketFactory, paper: PaperWidth, language: Language
    ) -> None:
        data = render(make_ticket(language=language), TicketLayout(paper_mm=paper))
        cuts = [t for t in tokenize(data) if isinstance(t, Command) and t.code == b"\x1dV"]
        assert len(cuts) == 1
        assert data.endswith(FULL_CUT)

    def test_no_line_is_wider_than_the_paper(
        self, make_ticket: TicketFactory, paper: PaperWidth, language: Language
    ) -> None:
        ticket = make_ticket(language=language, hall_name=LONG_HALL, footer=LONG_FOOTER)
        lines = printed_lines(tokenize(render(ticket, TicketLayout(paper_mm=paper))))
        for line in lines:
            assert columns(line.text) * line.width_scale <= CHARS_PER_LINE[paper], line
        # The long texts were wrapped, not cut: every character is still printed.
        hall_lines = [line.text for line in lines if line.bold]
        assert len(hall_lines) > 1
        assert "".join(hall_lines) == LONG_HALL
        printed = "".join(line.text for line in lines).replace(" ", "")
        assert LONG_FOOTER.replace(" ", "") in printed


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "zh-CN",
            [
                "企业开办",
                "前面还有 5 人",
                "预计等待 约 11 分钟",
                "取号时间 09:30",
                "过号请重新取号",
            ],
        ),
        (
            "en",
            [
                "Business registration",
                "企业开办",
                "People ahead of you: 5",
                "Estimated wait: about 11 min",
                "Issued at 09:30",
                "过号请重新取号",
            ],
        ),
    ],
)
def test_labels_in_the_ticket_language(
    make_ticket: TicketFactory, language: Language, expected: list[str]
) -> None:
    lines = printed_lines(tokenize(render(make_ticket(language=language), TicketLayout())))
    texts = [line.text for line in lines]
    assert [text for text in texts if text in expected] == expected


def test_issue_time_is_printed_as_given_in_hall_time(make_ticket: TicketFactory) -> None:
    issued = datetime(2024, 5, 1, 1, 5, tzinfo=UTC).astimezone(BEIJING)
    data = render(make_ticket(issued_at=issued), TicketLayout())
    assert "取号时间 09:05".encode("gb18030") in data


def test_wait_is_rounded_up_to_whole_minutes(make_ticket: TicketFactory) -> None:
    data = render(make_ticket(estimated_wait_s=0, people_ahead=0), TicketLayout())
    assert "前面还有 0 人".encode("gb18030") in data
    assert "预计等待 约 1 分钟".encode("gb18030") in data


def test_control_characters_in_names_cannot_inject_commands(make_ticket: TicketFactory) -> None:
    ticket = make_ticket(hall_name="东区\x1b@\x1dV\x00大厅\n", footer="\x10\x04\x01请保管好")
    tokens = tokenize(render(ticket, TicketLayout()))  # would raise on a stray control byte
    codes = [token.code for token in tokens if isinstance(token, Command)]
    assert codes.count(b"\x1b@") == 1
    assert codes.count(b"\x1dV") == 1
    assert b"\x10\x04" not in codes
    # The escape bytes became spaces; the letters after them are harmless text.
    assert "东区 @ V 大厅" in [line.text for line in printed_lines(tokens)]


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("language", LANGUAGES)
class TestImageTicket:
    def test_text_is_a_raster_image_of_the_paper_width(
        self, make_ticket: TicketFactory, paper: PaperWidth, language: Language
    ) -> None:
        images = _images(tokenize(render(make_ticket(language=language), TicketLayout(paper, "image"))))
        assert len(images) == 3  # header, body, footer
        for image in images:
            width_bytes = image.params[1] + 256 * image.params[2]
            assert width_bytes * 8 == DOTS[paper]
            assert any(image.payload), "image is blank"

    def test_wrapped_text_keeps_off_the_paper_edges(
        self, make_ticket: TicketFactory, paper: PaperWidth, language: Language
    ) -> None:
        ticket = make_ticket(language=language, hall_name=LONG_HALL, footer=LONG_FOOTER)
        images = _images(tokenize(render(ticket, TicketLayout(paper, "image"))))
        for image in images:
            row_bytes = image.params[1] + 256 * image.params[2]
            rows = [image.payload[i : i + row_bytes] for i in range(0, len(image.payload), row_bytes)]
            # Raster bits are left to right, 1 = black: no ink in the outer 4 dots of either side.
            assert all(row[0] & 0xF0 == 0 and row[-1] & 0x0F == 0 for row in rows)
        # The long hall name was wrapped onto more title lines (32 px each) than the sample's.
        short = tokenize(render(make_ticket(language=language), TicketLayout(paper, "image")))
        assert _image_rows(images[0]) - _image_rows(_images(short)[0]) >= 32

    def test_no_chinese_text_bytes_outside_images(
        self, make_ticket: TicketFactory, paper: PaperWidth, language: Language
    ) -> None:
        ticket = make_ticket(language=language)
        data = render(ticket, TicketLayout(paper, "image"))
        tokens = tokenize(data)
        assert CHINESE_MODE not in [t.code for t in tokens if isinstance(t, Command)]
        assert [t.raw for t in tokens if isinstance(t, Text)] == [b"A012"]
        assert ticket.hall_name.encode("gb18030") not in data

    def test_number_and_qr_stay_native(
        self, make_ticket: TicketFactory, paper: PaperWidth, language: Language
    ) -> None:
        ticket = make_ticket(language=language)
        data = render(ticket, TicketLayout(paper, "image"))
        assert NUMBER_SIZE[paper] + b"A012\n" in data
        assert qr_store_command(ticket.tracking_url) in data
        assert data.endswith(FULL_CUT)


def test_image_mode_names_the_missing_font(make_ticket: TicketFactory, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-font.ttc"
    with pytest.raises(MissingFontError, match=str(missing)):
        render(make_ticket(), TicketLayout(mode="image", font_path=missing))


def test_native_mode_needs_no_font(make_ticket: TicketFactory, tmp_path: Path) -> None:
    layout = TicketLayout(mode="native", font_path=tmp_path / "no-such-font.ttc")
    assert render(make_ticket(), layout).endswith(FULL_CUT)


@pytest.mark.parametrize(
    "changes",
    [
        {"issued_at": datetime(2024, 5, 1, 9, 30)},
        {"number": ""},
        {"number": "A 12"},
        {"number": "号12"},
        {"people_ahead": -1},
        {"estimated_wait_s": -60},
        {"tracking_url": ""},
        {"tracking_url": "https://x.example/" + "a" * 500},
        {"language": "fr"},
    ],
)
def test_invalid_ticket_data_is_rejected(make_ticket: TicketFactory, changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        make_ticket(**changes)


@pytest.mark.parametrize("changes", [{"paper_mm": 57}, {"mode": "bitmap"}])
def test_invalid_layout_is_rejected(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        TicketLayout(**changes)  # type: ignore[arg-type]


@given(
    hall_name=st.text(min_size=1, max_size=80),
    number=st.from_regex(r"[A-Z][0-9]{1,4}", fullmatch=True),
    paper=st.sampled_from(PAPERS),
)
def test_any_hall_name_and_number_render_and_read_back(
    hall_name: str, number: str, paper: PaperWidth
) -> None:
    ticket = PrintableTicket(
        hall_name=hall_name,
        category_name="社保",
        number=number,
        people_ahead=0,
        estimated_wait_s=0,
        issued_at=datetime(2024, 5, 1, 9, 30, tzinfo=BEIJING),
        tracking_url="https://hall.example/t/1",
        footer="",
    )
    data = render(ticket, TicketLayout(paper_mm=paper))
    lines = printed_lines(tokenize(data))
    assert all(columns(line.text) * line.width_scale <= CHARS_PER_LINE[paper] for line in lines)
    hall_lines = "".join(line.text for line in lines if line.bold)
    assert hall_lines.replace(" ", "") == printable(hall_name).replace(" ", "")
    assert NUMBER_SIZE[paper] + number.encode("ascii") + b"\n" in data
    assert [line.text for line in lines if line.width_scale > 1] == [number]
    assert [line.width_scale for line in lines if line.width_scale > 1] == [NUMBER_SCALE[paper]]


@pytest.mark.parametrize("paper", PAPERS)
def test_the_longest_number_fits_the_paper_at_its_scale(
    make_ticket: TicketFactory, paper: PaperWidth
) -> None:
    number = "A" + "9" * 15  # the longest a ticket number may be
    data = render(make_ticket(number=number), TicketLayout(paper_mm=paper))
    assert NUMBER_SIZE[paper] + number.encode("ascii") + b"\n" in data
    line = next(line for line in printed_lines(tokenize(data)) if line.text == number)
    assert columns(line.text) * line.width_scale <= CHARS_PER_LINE[paper]
