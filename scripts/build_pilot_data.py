"""Write the pilot county's GTFS feed and seed data, built from backend/pilot/places.csv.

The feed (backend/pilot/gtfs/*.txt) comes from pilot_feed.py and the seed data
(backend/pilot/seed.json) from pilot_seed.py. The output is deterministic: running this twice gives
byte-identical files, so the generated files are committed and a test checks they are up to date.
Run: ``python3 scripts/build_pilot_data.py [--out backend/pilot]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
from pathlib import Path

from pilot_feed import Places, Rows, build_feed
from pilot_seed import build_seed

logger = logging.getLogger("build_pilot_data")

ROOT = Path(__file__).resolve().parent.parent
PLACES = ROOT / "backend" / "pilot" / "places.csv"


def load_places(path: Path = PLACES) -> Places:
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["name"]: row for row in csv.DictReader(fh)}


def write_feed(rows: Rows, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in rows.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(records[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)


def write_all(out: Path) -> tuple[Rows, dict[str, object]]:
    """Build and write everything under ``out``; returns what was written."""
    places = load_places()
    rows = build_feed(places)
    write_feed(rows, out / "gtfs")
    seed = build_seed(places, rows)
    text = json.dumps(seed, ensure_ascii=False, indent=1) + "\n"
    (out / "seed.json").write_text(text, encoding="utf-8")
    return rows, seed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the pilot GTFS feed and seed data.")
    parser.add_argument("--out", type=Path, default=ROOT / "backend" / "pilot", help="output folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows, seed = write_all(args.out)
    for name, records in rows.items():
        logger.info("gtfs/%s: %d rows", name, len(records))
    counts = ", ".join(f"{k} {len(v)}" for k, v in seed.items() if isinstance(v, list))
    logger.info("seed.json: %s", counts)


if __name__ == "__main__":
    main()
