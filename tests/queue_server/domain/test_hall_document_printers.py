"""A hall's printers in its document: read and written back, named when wrong, kept from the
settings before by a document that lacks them, seeded from [[ticketing.printers]] for a hall
whose table leaves them out."""

from __future__ import annotations

from typing import Any

import pytest

from queue_server.config import ConfigError, parse_settings
from queue_server.domain.hall_document import InvalidHallDocument, hall_document, read_hall
from queue_server.domain.model import PrinterSpec
from tests.queue_server.domain.test_hall_document_reasons import hall

NETWORK: dict[str, str | int] = {"kind": "network", "host": "10.0.0.7", "port": 9100}
PRINTER: dict[str, Any] = {
    "name": "printer-1",
    "kiosks": ["kiosk-1", "kiosk-2"],
    "paper_mm": 58,
    "connection": NETWORK,
}


def test_printers_are_read_and_written_back_the_same() -> None:
    spec = read_hall(hall(printers=[PRINTER, {"name": "printer-2"}]))
    first, second = spec.printers
    assert first == PrinterSpec(
        "printer-1", ("kiosk-1", "kiosk-2"), 58, "native", tuple(sorted(NETWORK.items()))
    )
    assert second == PrinterSpec("printer-2")  # 80 mm, the printer's own font, the agent's --printer
    assert read_hall(hall_document(spec)) == spec
    assert "connection" not in hall_document(spec)["printers"][1]
    assert spec.printer_for_kiosk("kiosk-2") == first and spec.printer_for_kiosk("kiosk-9") is None


def test_a_kiosk_given_a_printer_by_name_goes_to_it_over_the_lists() -> None:
    spec = read_hall(
        hall(
            printers=[PRINTER, {"name": "printer-2"}],
            kiosk_printers=[{"kiosk": "kiosk-1", "printer": "printer-2"}],
        )
    )
    assert spec.printer_for_kiosk("kiosk-1") == spec.printer("printer-2")


@pytest.mark.parametrize(
    ("printers", "expected"),
    [
        ({"name": "p"}, "hall.printers: expected a list of"),
        ([{"kiosks": ["k"]}], "hall.printers[0].name: missing"),
        ([{"name": " "}], "hall.printers[0].name: the printer's device name must not be empty"),
        ([{"name": "p", "paper_mm": 57}], "hall.printers[0].paper_mm: must be 58 or 80, got 57"),
        (
            [{"name": "p", "mode": "bitmap"}],
            'hall.printers[0].mode: must be "native" or "image", got \'bitmap\'',
        ),
        ([{"name": "p", "kiosks": "kiosk-1"}], "hall.printers[0].kiosks: expected list"),
        ([{"name": "p", "kiosks": [1]}], "hall.printers[0].kiosks: expected a list of kiosk device names"),
        (
            [{"name": "p", "connection": {"host": ["a"]}}],
            "hall.printers[0].connection: expected a table of plain",
        ),
        ([{"name": "p"}, {"name": "p"}], "hall.printers: name 'p' is used twice"),
        (
            [{"name": "p", "kiosks": ["k"]}, {"name": "q", "kiosks": ["k"]}],
            "hall.printers: kiosk 'k' is listed by two printers",
        ),
    ],
)
def test_a_bad_printer_is_named_by_its_key(printers: Any, expected: str) -> None:
    with pytest.raises(InvalidHallDocument) as refused:
        read_hall(hall(printers=printers))
    assert any(p.startswith(expected) for p in refused.value.problems), refused.value.problems


def test_a_document_that_lacks_printers_keeps_those_of_the_settings_before() -> None:
    before = read_hall(hall(printers=[PRINTER]))
    older = {k: v for k, v in hall_document(before).items() if k != "printers"}
    assert read_hall(older, before=before).printers == before.printers
    assert read_hall({**older, "printers": []}, before=before).printers == ()  # none, as it says


def config(seeds: list[dict[str, Any]], **own: Any) -> dict[str, Any]:
    return {"halls": [hall(**own), hall(id="zhaoyang")], "ticketing": {"printers": seeds}}


def test_config_seeds_each_hall_with_its_ticketing_printers() -> None:
    printers = [{**PRINTER, "hall": "weiyang"}, {"name": "zy-1", "hall": "zhaoyang", "mode": "image"}]
    weiyang, zhaoyang = parse_settings(config(printers)).halls
    assert [p.name for p in weiyang.printers] == ["printer-1"] and weiyang.printers[0].paper_mm == 58
    assert zhaoyang.printers == (PrinterSpec("zy-1", mode="image"),)
    # A hall table with printers of its own keeps them.
    own = parse_settings(config(printers, printers=[{"name": "own-1"}])).halls[0]
    assert [p.name for p in own.printers] == ["own-1"]


def test_a_bad_ticketing_printer_seeds_nothing_and_is_not_named_as_the_halls() -> None:
    settings = parse_settings(config([{"name": "p", "hall": "weiyang", "paper_mm": 57}]))
    assert settings.halls[0].printers == ()  # the [ticketing] reader refuses it at start, by its key
    with pytest.raises(ConfigError):
        parse_settings(config([{"name": "p", "hall": "weiyang"}], printers="p"))
