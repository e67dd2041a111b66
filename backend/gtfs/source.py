"""Get the raw bytes of a feed's files from a folder or a .zip, safely.

Only the GTFS files the reader understands are read. The files may sit in one sub-folder (many
agencies zip the folder rather than its contents); two feeds in one archive or folder are
refused, naming both, rather than one being picked silently. Sizes are capped before and while reading, so a
zip bomb or a huge file fails with a clear GtfsError instead of filling memory; a file that is not a
zip archive is refused the same way.
"""

from __future__ import annotations

import logging
import zipfile
from collections import defaultdict
from pathlib import Path, PurePosixPath

from backend.gtfs.errors import GtfsError

logger = logging.getLogger(__name__)

KNOWN_FILES = (
    "agency.txt",
    "stops.txt",
    "routes.txt",
    "trips.txt",
    "stop_times.txt",
    "calendar.txt",
    "calendar_dates.txt",
    "fare_attributes.txt",
    "fare_rules.txt",
    "feed_info.txt",
    "frequencies.txt",
    "shapes.txt",
    "transfers.txt",
)
FEED_MARKERS = ("stops.txt", "stop_times.txt")  # a folder holding one of these is a feed
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 20_000


def load_files(source: Path, max_bytes: int = MAX_TOTAL_BYTES) -> dict[str, bytes]:
    """File name -> contents for the known GTFS files present in the folder or zip."""
    if source.is_dir():
        return _from_folder(source, max_bytes)
    if not source.is_file():
        raise GtfsError(source.name, 0, None, "找不到这个文件或文件夹")
    if not zipfile.is_zipfile(source):
        raise GtfsError(source.name, 0, None, "不是 zip 压缩包，也不是 GTFS 文件夹")
    try:
        with zipfile.ZipFile(source) as archive:
            return _from_zip(source.name, archive, max_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, OSError) as exc:
        raise GtfsError(source.name, 0, None, f"zip 压缩包无法读取：{exc}") from exc


def _too_big(name: str, max_bytes: int) -> GtfsError:
    return GtfsError(name, 0, None, f"文件太大：解压后合计超过 {max_bytes // (1024 * 1024)} MB 的上限")


def _two_feeds(name: str, folders: list[str]) -> GtfsError:
    listed = "、".join(folders)
    return GtfsError(name, 0, None, f"里面有 {len(folders)} 套时刻表：{listed}，请分开，每次只导入一套")


def _from_folder(folder: Path, max_bytes: int) -> dict[str, bytes]:
    if not any((folder / name).is_file() for name in KNOWN_FILES):
        subfolders = [
            d for d in sorted(folder.iterdir()) if d.is_dir() and any((d / m).is_file() for m in FEED_MARKERS)
        ]
        if len(subfolders) > 1:
            raise _two_feeds(folder.name, [d.name for d in subfolders])
        if len(subfolders) == 1:
            folder = subfolders[0]
    files: dict[str, bytes] = {}
    total = 0
    for name in KNOWN_FILES:
        path = folder / name
        if path.is_file():
            total += path.stat().st_size
            if total > max_bytes:
                raise _too_big(name, max_bytes)
            files[name] = path.read_bytes()
    return files


def _from_zip(zip_name: str, archive: zipfile.ZipFile, max_bytes: int) -> dict[str, bytes]:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise GtfsError(zip_name, 0, None, f"zip 压缩包里的文件太多（{len(infos)} 个）")
    by_folder: dict[str, dict[str, zipfile.ZipInfo]] = defaultdict(dict)
    for info in infos:
        path = PurePosixPath(info.filename)
        if info.is_dir() or path.name not in KNOWN_FILES or "__MACOSX" in path.parts:
            continue
        by_folder[str(path.parent)][path.name] = info
    if not by_folder:
        return {}
    feeds = sorted(f for f, names in by_folder.items() if any(m in names for m in FEED_MARKERS))
    if len(feeds) > 1:
        raise _two_feeds(zip_name, [f"{f}/" if f != "." else "（根目录）" for f in feeds])
    # The folder holding the most GTFS files wins; the shallowest one on a tie.
    folder = min(by_folder, key=lambda f: (-len(by_folder[f]), f.count("/"), f))
    chosen = by_folder[folder]
    if sum(info.file_size for info in chosen.values()) > max_bytes:
        raise _too_big(zip_name, max_bytes)
    if folder != ".":
        logger.info("GTFS files found in sub-folder %s of %s", folder, zip_name)
    files: dict[str, bytes] = {}
    budget = max_bytes
    for name, info in chosen.items():
        with archive.open(info) as fh:
            data = fh.read(budget + 1)  # the declared size may lie: never read past the budget
        if len(data) > budget:
            raise _too_big(name, max_bytes)
        budget -= len(data)
        files[name] = data
    return files
