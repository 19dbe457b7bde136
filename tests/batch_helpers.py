"""Small source folders for the folder-build, manifest, check and watch tests."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DOCS = {
    "alpha.txt": "Alpha report\n\n1. Scope. The review covers 2023.\n\n2. Findings. Costs fell by 3.5 per cent.\n",
    "sub/beta.txt": "测试报告\n\n一、总体情况。今年完成了3.5万元的采购。\n",
    "sub/deeper/gamma.txt": "Gamma note\n\nOne short paragraph of text.\n",
    "delta.txt": "Delta report\n\n1. Purpose. A fourth document, so that two workers share the load.\n",
}


def make_sources(root: Path, docs: dict[str, str] = DOCS) -> Path:
    """Write the documents under root/src and return that folder."""
    src = root / "src"
    for rel, text in docs.items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return src


def outputs(out: Path) -> dict[str, bytes]:
    """Every output under a folder (not the manifest, not hidden files) → its bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "manifest.json" and not any(s.startswith(".") for s in p.relative_to(out).parts)}


def converter(*args: str, **kw) -> subprocess.CompletedProcess:
    """Run the command line in a separate process, as a user or CI would."""
    return subprocess.run([sys.executable, "-m", "converter", *map(str, args)], capture_output=True, text=True, **kw)
