"""Serve the indicator database read-only in the browser, with Datasette.

`serve(db)` writes a Datasette metadata file (Vietnamese titles, column headers
and descriptions from the labels stored in the database; facets on province,
scheme, metric and year and full-text search configured by datasette.yaml) to a
temporary folder and runs `datasette serve --immutable DB -m metadata.json`.
Immutable mode opens the file with SQLite's immutable=1: nothing is ever written.
If an ingest is running (a non-empty -wal file next to the database) the file is
served with mode=ro instead, which is read-only too but sees the ongoing changes.

It is not a web application: everything visible is Datasette's own pages.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from importlib import resources
from pathlib import Path

import yaml

from .db import (DOCUMENTS_VIEW, RECORDS_VIEW, column_label, connect, documents_view_columns,
                 get_meta, labels, records_view_columns)


def datasette_config() -> dict:
    text = resources.files(__package__).joinpath("datasette.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def stored_labels(db_path: str | os.PathLike) -> dict:
    """The labels the database's views were built with (else the current rules file)."""
    conn = connect(db_path, readonly=True)
    try:
        blob = get_meta(conn, "labels")
    finally:
        conn.close()
    return json.loads(blob) if blob else labels()


def database_name(db_path: str | os.PathLike) -> str:
    """The name Datasette gives a database file (its stem), used in URLs."""
    return Path(db_path).stem


def build_metadata(db_path: str | os.PathLike) -> dict:
    """Datasette metadata for the database: titles, Vietnamese headers, facets, search."""
    lab = stored_labels(db_path)
    cfg = datasette_config()
    view_headers = {RECORDS_VIEW: dict(records_view_columns(lab)),
                    DOCUMENTS_VIEW: dict(documents_view_columns(lab))}
    site = lab.get("site") or {}
    tables: dict[str, dict] = {}
    for view, conf in (cfg.get("views") or {}).items():
        headers = {name for name in view_headers.get(view, {}).values()}
        meta = dict((lab.get("views") or {}).get(view) or {})
        facets = [column_label(lab, k) for k in conf.get("facets", [])]
        meta["facets"] = [f for f in facets if f in headers]
        if conf.get("sort_desc") and column_label(lab, conf["sort_desc"]) in headers:
            meta["sort_desc"] = column_label(lab, conf["sort_desc"])
        for key in ("fts_table", "fts_pk", "size"):
            if key in conf:
                meta[key] = conf[key]
        tables[view] = meta
    col_labels = lab.get("columns") or {}
    for table, conf in (cfg.get("tables") or {}).items():
        meta = dict((lab.get("tables") or {}).get(table) or {})
        meta.update(conf)
        if table in ("records", "documents"):
            meta["columns"] = {k: v for k, v in col_labels.items()}
        tables[table] = meta
    for table in cfg.get("hidden") or []:
        tables.setdefault(table, {})["hidden"] = True
    return {
        "title": site.get("title", "extractor"),
        "description": site.get("description", ""),
        "databases": {database_name(db_path): {
            "title": site.get("title", ""),
            "tables": tables,
        }},
    }


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _wal_busy(db_path: str | os.PathLike) -> bool:
    wal = Path(str(db_path) + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def datasette_command(db_path: str | os.PathLike, metadata_path: str | os.PathLike,
                      port: int = 8001, host: str = "127.0.0.1",
                      open_browser: bool = False) -> list[str]:
    """The `datasette serve` command line for the database (read-only in every case)."""
    db = str(Path(db_path).resolve())
    cmd = [sys.executable, "-m", "datasette", "serve"]
    cmd += [db] if _wal_busy(db_path) else ["--immutable", db]
    cmd += ["-m", str(metadata_path), "--host", host, "--port", str(port)]
    for name, value in (datasette_config().get("settings") or {}).items():
        if isinstance(value, bool):
            value = "on" if value else "off"
        cmd += ["--setting", str(name), str(value)]
    if open_browser:
        cmd.append("--open")
    return cmd


def start_server(db_path: str | os.PathLike, port: int | None = None, host: str = "127.0.0.1",
                 *, open_browser: bool = False, wait: float = 30.0,
                 workdir: str | os.PathLike | None = None, quiet: bool = True) -> tuple[subprocess.Popen, str]:
    """Start Datasette in a child process; returns (process, base URL) once it answers.

    The caller stops it with `process.terminate()`. Raises RuntimeError if the server
    does not come up within `wait` seconds (the process is then stopped).
    """
    if not Path(db_path).exists():
        raise FileNotFoundError(f"no database at {db_path}")
    port = port or free_port(host)
    workdir = Path(workdir or tempfile.mkdtemp(prefix="extractor-serve-"))
    meta_path = workdir / "metadata.json"
    meta_path.write_text(json.dumps(build_metadata(db_path), ensure_ascii=False, indent=1),
                         encoding="utf-8")
    out = subprocess.DEVNULL if quiet else None
    proc = subprocess.Popen(datasette_command(db_path, meta_path, port, host, open_browser),
                            stdout=out, stderr=out)
    url = f"http://{host}:{port}"
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"datasette exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/-/versions.json", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    proc.wait(timeout=10)
    raise RuntimeError(f"datasette did not answer on {url} within {wait:.0f} s")


def serve(db_path: str | os.PathLike, port: int = 8001, host: str = "127.0.0.1",
          open_browser: bool = False) -> int:
    """Serve the database read-only until interrupted (Ctrl-C); returns the exit code.

    Raises FileNotFoundError without a database, RuntimeError if Datasette cannot
    start (e.g. the port is taken).
    """
    def _stop(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)     # a terminated `serve` stops its server too
    with tempfile.TemporaryDirectory(prefix="extractor-serve-") as workdir:
        proc, url = start_server(db_path, port, host, open_browser=open_browser,
                                 workdir=workdir, quiet=False)
        print(f"{url}/{database_name(db_path)}/{RECORDS_VIEW}  (Ctrl-C to stop)",
              file=sys.stderr)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            try:
                return proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                return proc.wait()
