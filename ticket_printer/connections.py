"""Printer connections described in configuration, opened as python-escpos printer objects."""

import dataclasses
import errno
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, Literal, get_args

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import CupsPrinter, File, Network, Serial, Usb

# python-escpos ships no type hints; its printer objects are typed as Any at this boundary.
EscposPrinter = Any

PrinterKind = Literal["network", "usb", "serial", "file", "cups"]
PRINTER_KINDS: Final[tuple[PrinterKind, ...]] = get_args(PrinterKind)

# Transports python-escpos can read replies from; a file or a CUPS queue only takes data.
_TWO_WAY: Final = frozenset({"network", "usb", "serial"})

# Settings without which a printer of each kind cannot be found.
_REQUIRED: Final[Mapping[str, tuple[str, ...]]] = {
    "network": ("host",),
    "usb": ("usb_vendor_id", "usb_product_id"),
    "serial": ("serial_device",),
    "file": ("file_path",),
    "cups": (),
}
_INT_SETTINGS: Final = frozenset({"port", "usb_vendor_id", "usb_product_id", "baudrate"})
_FLOAT_SETTINGS: Final = frozenset({"timeout_s", "status_timeout_s"})
_BOOL_SETTINGS: Final = frozenset({"query_status"})


class MissingDependencyError(RuntimeError):
    """The printer's transport needs an optional package that is not installed."""


@dataclass(frozen=True)
class PrinterConfig:
    """Where a ticket printer is and how long to wait for it.

    `timeout_s` bounds each blocking step (connect, write, a status reply after printing);
    `status_timeout_s` bounds the first status reply, short because a printer without a back
    channel never answers. `query_status` = False skips status queries altogether.
    """

    kind: PrinterKind
    host: str = ""
    port: int = 9100
    usb_vendor_id: int = 0
    usb_product_id: int = 0
    serial_device: str = ""
    baudrate: int = 9600
    file_path: str = ""
    cups_printer: str = ""  # "" means the CUPS server's default printer
    timeout_s: float = 5.0
    status_timeout_s: float = 1.0
    query_status: bool = True

    def __post_init__(self) -> None:
        if self.kind not in PRINTER_KINDS:
            raise ValueError(f"printer kind must be one of {PRINTER_KINDS}, not {self.kind!r}")
        missing = [name for name in _REQUIRED[self.kind] if not getattr(self, name)]
        if missing:
            raise ValueError(f"a {self.kind} printer needs {' and '.join(missing)}")
        if not 0 < self.port < 65536:
            raise ValueError(f"port must be 1-65535, not {self.port}")
        if self.baudrate <= 0 or self.timeout_s <= 0 or self.status_timeout_s <= 0:
            raise ValueError("baudrate, timeout_s and status_timeout_s must be positive")

    @classmethod
    def from_mapping(cls, settings: Mapping[str, object]) -> "PrinterConfig":
        """A config from parsed YAML/JSON; USB ids may be strings such as "0x0416"."""
        names = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(settings) - names)
        if unknown:
            raise ValueError(f"unknown printer settings: {', '.join(unknown)}")
        values: dict[str, Any] = {name: _setting(name, v) for name, v in settings.items()}
        return cls(**values)

    @classmethod
    def from_server(cls, settings: Mapping[str, object]) -> "PrinterConfig":
        """A connection named in the hall's settings, which the server sends the agent. A file
        there must be a device (/dev/usb/lp0): whoever may edit the settings must not make
        the kiosk PC's agent write tickets over its other files. Any file stays open to the
        agent's own --printer, chosen on that PC."""
        config = cls.from_mapping(settings)
        if config.kind == "file" and not Path(config.file_path).resolve().is_relative_to("/dev"):
            raise ValueError(
                f"a printer file in the hall's settings must be a device in /dev, not {config.file_path}"
            )
        return config

    @property
    def reports_status(self) -> bool:
        """Whether sending to this printer asks it for its status."""
        return self.query_status and self.kind in _TWO_WAY

    @property
    def job_deadline_s(self) -> float:
        """Longest a well-behaved job can take: connect, status, write, status after."""
        return 5 * self.timeout_s + 3 * self.status_timeout_s

    def describe(self) -> str:
        """Where the printer is, for messages."""
        return {
            "network": f"network printer {self.host}:{self.port}",
            "usb": f"USB printer {self.usb_vendor_id:04x}:{self.usb_product_id:04x}",
            "serial": f"serial printer {self.serial_device}",
            "file": f"printer device {self.file_path}",
            "cups": f"CUPS printer {self.cups_printer or '(default)'}",
        }[self.kind]


def open_printer(cfg: PrinterConfig) -> EscposPrinter:
    """A connected python-escpos printer object for `cfg`.

    Raises MissingDependencyError when the transport's optional package is not installed, and
    python-escpos's DeviceNotFoundError when the printer cannot be reached.
    """
    printer = _printer_object(cfg)
    printer.open()
    if cfg.kind == "serial":
        # python-escpos sets only pyserial's read timeout; a printer holding flow control off
        # would otherwise block a write forever.
        printer.device.write_timeout = cfg.timeout_s
    return printer


def ask_printer(printer: EscposPrinter, cfg: PrinterConfig, request: bytes, timeout_s: float) -> bytes | None:
    """Send a real-time `request` and return the reply, or None if none came within `timeout_s`.

    Raises ConnectionResetError when a network printer closed the connection instead.
    """
    device = printer.device
    if cfg.kind == "network":
        device.settimeout(timeout_s)
    elif cfg.kind == "serial":
        device.timeout = timeout_s
    elif cfg.kind == "usb":
        device.default_timeout = round(timeout_s * 1000)  # pyusb counts milliseconds
    try:
        reply = bytes(printer.query_status(request))
    except OSError as exc:
        # A socket timeout is TimeoutError; pyusb's USBTimeoutError is an OSError with ETIMEDOUT.
        if isinstance(exc, TimeoutError) or exc.errno == errno.ETIMEDOUT:
            return None
        raise
    finally:
        if cfg.kind == "network":
            device.settimeout(cfg.timeout_s)
    if not reply and cfg.kind == "network":
        # recv() returns nothing on a socket only when the other end has closed it.
        raise ConnectionResetError("printer closed the connection")
    return reply or None  # pyserial returns b"" when its read timeout expires


def _printer_object(cfg: PrinterConfig) -> EscposPrinter:
    if cfg.kind == "network":
        return Network(host=cfg.host, port=cfg.port, timeout=cfg.timeout_s)
    if cfg.kind == "usb":
        _require(Usb.is_usable(), "USB", "pyusb (and the libusb-1.0-0 system library)")
        return Usb(cfg.usb_vendor_id, cfg.usb_product_id, timeout=round(cfg.timeout_s * 1000))
    if cfg.kind == "serial":
        _require(Serial.is_usable(), "serial", "pyserial")
        return Serial(devfile=cfg.serial_device, baudrate=cfg.baudrate, timeout=cfg.timeout_s)
    if cfg.kind == "cups":
        _require(CupsPrinter.is_usable(), "CUPS", "pycups (which builds against libcups2-dev)")
        return CupsPrinter(printer_name=cfg.cups_printer)
    return AppendingFile(devfile=cfg.file_path)


class AppendingFile(File):  # type: ignore[misc]  # python-escpos is untyped
    """python-escpos's file printer opens its file for writing, which empties it first: a file
    standing in for a printer would keep only the last ticket. This one appends (the same to a
    device file such as /dev/usb/lp0)."""

    def open(self, raise_not_found: bool = True) -> None:
        self.close()  # nothing to do unless it is open
        device: IO[bytes] | None
        try:
            device = open(self.devfile, "ab")  # noqa: SIM115 - closed by close()
        except OSError as exc:
            device = None
            if raise_not_found:
                raise DeviceNotFoundError(f"Could not open the file {self.devfile}: {exc}") from exc
        self.device = device


def _require(usable: bool, transport: str, package: str) -> None:
    if not usable:
        raise MissingDependencyError(
            f"{transport} printers need the Python package {package}, which is not installed"
        )


def _setting(name: str, value: object) -> object:
    """`value` checked (and for numbers, converted) for the setting `name`."""
    if name in _INT_SETTINGS:
        if isinstance(value, str):
            return int(value, 0)  # base 0 accepts "0x0416" as written on USB labels
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif name in _FLOAT_SETTINGS:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif name in _BOOL_SETTINGS:
        if isinstance(value, bool):
            return value
    elif isinstance(value, str):
        return value
    raise ValueError(f"printer setting {name} has an invalid value {value!r}")
