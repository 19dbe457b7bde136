"""Zip packaging shared by the DOCX and EPUB writers: fixed timestamps and entry order."""
from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path


def rezip(path: Path, when: datetime, first: tuple[str, ...] = (), stored: tuple[str, ...] = ()) -> None:
    """Rewrite a zip in place so that its bytes depend only on its contents.

    Entries get the timestamp ``when`` (zip cannot say anything before 1980 or after 2107), names in ``first``
    come first in that order and the rest keep their order; names in ``stored`` are not
    compressed (the EPUB ``mimetype`` entry must be first and stored).
    """
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    rank = {name: i for i, name in enumerate(first)}
    entries.sort(key=lambda e: rank.get(e[0], len(rank)))  # stable: the rest keep their order
    stamp = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    stamp = min(stamp, (2107, 12, 31, 23, 59, 58))  # nor anything after 2107
    tmp = path.with_name(path.name + ".rezip")
    try:
        with zipfile.ZipFile(tmp, "w") as zout:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                zout.writestr(info, data, compresslevel=9 if name not in stored else None)
        tmp.replace(path)
    except BaseException:  # an error, Ctrl-C or SIGTERM: no .part.rezip file left behind
        tmp.unlink(missing_ok=True)
        raise
